package dev.lockstep.stimulus;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;

/**
 * What the directed races ({@link RaceStimulus}) share: the seed's random stream, the driver and its
 * steps, the overlap depth and the gap sweep, and the driver routines they are built from (bring-up,
 * device ids and contexts, first-stage domains, one doorbell for several commands, windows, the fault
 * handler). Steps run, and read the model, only after every action of the earlier steps was applied.
 */
final class RaceKit {

    static final long RW = PageTable.R | PageTable.W | PageTable.U | PageTable.A | PageTable.D;

    final IommuConfig config;
    final Capabilities caps;
    final SplittableRandom random;
    /** Requests per window: the overlap depth. */
    final int depth;
    final Driver driver;
    final ArrayDeque<Runnable> steps = new ArrayDeque<>();
    private final LongUnaryOperator readRegister;
    private final int gapOffset;
    private IommuMode mode;
    private long ddtRoot;
    private int nextPscid = 1;
    private int nextGscid = 1;
    private final List<Integer> usedIds = new ArrayList<>();

    RaceKit(long seed, IommuConfig config, LongUnaryOperator readRegister, int depth) {
        this.config = config;
        this.caps = config.capabilities();
        this.random = new SplittableRandom(seed);
        this.readRegister = readRegister;
        this.depth = depth;
        this.driver = new Driver(caps);
        this.gapOffset = random.nextInt(RaceStimulus.GAP_STEP);
    }

    /** Adds a step; it runs (and reads the model) only after every action of the earlier steps was applied. */
    void then(Runnable step) { steps.add(step); }

    /** A 4-byte register of the model, as the earlier steps' actions left it. */
    long reg(int offset) { return readRegister.applyAsLong(offset) & 0xffffffffL; }

    /** The gap of round {@code round}: the sweep 0..GAP_MAX in steps of GAP_STEP, from the seed's offset. */
    int gap(int round) {
        return gapOffset + RaceStimulus.GAP_STEP * (round % (RaceStimulus.GAP_MAX / RaceStimulus.GAP_STEP + 1));
    }

    /** A first-stage domain (Sv39 or Sv48) with its own PSCID. */
    Domain domain() { return new Domain(false); }

    /** Whether the IOMMU has a G stage (Sv39x4 or Sv48x4), so that {@link #twoStageDomain} can be made. */
    boolean twoStage() { return caps.sv39x4() || caps.sv48x4(); }

    /**
     * A first stage over a G stage (Sv39x4 or Sv48x4, its own GSCID) that maps the first stage's table pages
     * and its 4 KiB pages one to one: every first-stage PTE address and the final GPA take a G-stage walk.
     */
    Domain twoStageDomain() { return new Domain(true); }

    /** Queues (2^fqLog2 fault records), a device directory in a seeded mode, ddtp set and read back. */
    void bringUp(int fqLog2) {
        then(() -> {
            driver.read(RegisterFile.CAPABILITIES, 8);
            driver.setupCommandQueue(6, true);
            driver.setupFaultQueue(fqLog2, true);
            List<IommuMode> modes = new ArrayList<>();
            for (IommuMode m : new IommuMode[] {IommuMode.LVL3, IommuMode.LVL2, IommuMode.LVL1}) {
                if (config.supportedModes().contains(m)) modes.add(m);
            }
            mode = modes.get(random.nextInt(modes.size()));
            ddtRoot = driver.allocator.page();
            driver.write(RegisterFile.DDTP, 8, ((ddtRoot >>> 12) << 10) | mode.encoding);
            driver.read(RegisterFile.DDTP, 8);
        });
    }

    int newDeviceId() { return driver.newDeviceId(mode, random, usedIds); }

    long dcAddress(int id) { return driver.deviceContextAddress(mode, ddtRoot, id, null); }

    /**
     * A first-stage address space with its own PSCID, over a G stage of its own GSCID or none;
     * {@code pages}: {va, pte address, page shift}.
     */
    final class Domain {
        final PageTable table;
        /** The G stage, or null (iohgatp Bare). */
        final PageTable gTable;
        final int pscid = nextPscid++;
        final int gscid;
        final List<long[]> pages = new ArrayList<>();

        Domain(boolean twoStage) {
            int levels = caps.sv48() && (!caps.sv39() || random.nextBoolean()) ? 4 : 3;
            if (twoStage) {
                int gLevels = caps.sv48x4() && (!caps.sv39x4() || random.nextBoolean()) ? 4 : 3;
                gTable = new PageTable(gLevels, true, driver.memory, driver.allocator, p -> { });
                gscid = nextGscid++;
            } else {
                gTable = null;
                gscid = 0;
            }
            table = new PageTable(levels, false, driver.memory, driver.allocator, this::identity);
        }

        long fsc() { return ((long) (table.levels == 4 ? 9 : 8) << 60) | (table.rootPa >>> 12); }

        long ta() { return (long) pscid << 12; }

        long iohgatp() {
            return gTable == null ? 0 : ((long) (gTable.levels == 4 ? 9 : 8) << 60) | ((long) gscid << 44) | (gTable.rootPa >>> 12);
        }

        /** Makes 4 KiB page {@code gpa} reachable through the G stage, at the same address. */
        private void identity(long gpa) {
            if (gTable != null) gTable.map(gpa, gpa, 0, RW, "G-stage GSCID " + gscid + " identity");
        }

        /**
         * Maps {@code va} with a leaf at {@code leafLevel} (0 only over a G stage); the page, or null when a
         * leaf already covers it.
         */
        long[] map(long va, int leafLevel, long flags) {
            long data = gTable == null ? dataPage(12 + 9 * leafLevel) : dataPage(12, gTable.addressBits());
            long pte = table.map(va, data, leafLevel, flags, "PSCID " + pscid);
            if (pte < 0) return null;
            identity(data);
            long[] p = {va, pte, 12 + 9 * leafLevel};
            pages.add(p);
            return p;
        }

        /** {@code count} 4 KiB pages at the start of a fresh 2 MiB region. */
        void mapSmall(int count) {
            long base = region(0);
            for (int i = 0; i < count; i++) map(base + ((long) i << 12), 0, RW);
        }
    }

    long dataPage(int shift) { return dataPage(shift, 48); }

    /** A data page of 2^{@code shift} bytes below 2^{@code bits} (and the physical address size). */
    long dataPage(int shift, int bits) {
        int pas = Math.min(caps.pas(), bits);
        long span = (1L << pas) - Driver.DATA_BASE;
        return (Driver.DATA_BASE + (random.nextLong() & (span - 1))) & -(1L << shift) & ((1L << pas) - 1);
    }

    /** A 2 MiB-aligned region in the lower half of a 39-bit address space (valid in Sv39 and Sv48). */
    long region() { return (random.nextLong() & ((1L << 38) - 1)) & -(1L << 21); }

    /** A region as {@link #region()} in GiB {@code k} (0-3) of each 4 GiB, so that regions of different k never meet. */
    long region(int k) { return (region() & ~(3L << 30)) | ((long) k << 30); }

    /** An address in page {@code p}, doubleword aligned. */
    long inPage(long[] p) { return p[0] + (random.nextLong() & ((1L << p[2]) - 1) & ~7L); }

    Action.Translate request(int id, int ttyp, long iova) {
        return new Action.Translate(driver.nextTag(), id, false, 0, false, ttyp, iova);
    }

    int readOrWrite() { return random.nextBoolean() ? Ttyp.UNTRANSLATED_READ : Ttyp.UNTRANSLATED_WRITE; }

    /** Writes the DC of {@code id} (tc last) and, serialized, IODIR.INVAL_DDT for it and IOFENCE.C. */
    void attach(int id, long tc, Domain dm) {
        driver.storeDeviceContext(dcAddress(id), new long[] {tc, dm.iohgatp(), dm.ta(), dm.fsc()}, id);
        driver.command(Commands.iodirInvalDdt(true, id), "IODIR.INVAL_DDT");
        driver.sync();
    }

    /** Stores {@code commands} at cqt, one after the other, and makes them available with one cqt write. */
    void post(long[][] commands, String[] names) { driver.commandsTogether(commands, names); }

    long[] fence() { return Commands.iofenceC(false, 0, 0, false, false, false); }

    /**
     * One window: {@code requests} submitted together and, {@code gap} cycles later, the stores and register
     * writes {@code software} emits (none: the requests alone).
     */
    void window(List<Action.Translate> requests, int gap, Runnable software) {
        window(requests, List.of(), gap, software);
    }

    /** As {@link #window(List, int, Runnable)}, with {@code pages} sent right after the requests. */
    void window(List<Action.Translate> requests, List<Action.PageRequest> pages, int gap, Runnable software) {
        window(requests, java.util.Collections.nCopies(requests.size(), 0), pages, gap, software);
    }

    /** As {@link #window(List, List, int, Runnable)}, request i submitted {@code arrivals.get(i)} cycles in. */
    void window(List<Action.Translate> requests, List<Integer> arrivals, List<Action.PageRequest> pages, int gap,
                Runnable software) {
        int mark = driver.pending.size();
        software.run();
        List<Action> during = new ArrayList<>(driver.pending.subList(mark, driver.pending.size()));
        driver.pending.subList(mark, driver.pending.size()).clear();
        driver.emit(new Action.Window(requests, arrivals, during.isEmpty() ? 0 : gap, during, pages));
    }

    /**
     * As {@link #window(List, List, List, int, Runnable)} with several software groups (docs/concurrency.md, section
     * 19): {@code groups.get(g)} emits group g's stores and register writes, applied {@code gaps.get(g)} cycles in
     * (a group after the first once the IOMMU passed the commands of the groups before it).
     */
    void window(List<Action.Translate> requests, List<Integer> arrivals, List<Integer> gaps, List<Runnable> groups) {
        List<List<Action>> during = new ArrayList<>();
        for (Runnable g : groups) {
            int mark = driver.pending.size();
            g.run();
            during.add(new ArrayList<>(driver.pending.subList(mark, driver.pending.size())));
            driver.pending.subList(mark, driver.pending.size()).clear();
        }
        List<Action.Window.Software> later = new ArrayList<>();
        for (int g = 1; g < groups.size(); g++) later.add(new Action.Window.Software(gaps.get(g), during.get(g)));
        driver.emit(new Action.Window(requests, arrivals, gaps.get(0), during.get(0), List.of(), later));
    }

    /** Software consumes every fault record (fqh = fqt), clears fqof/fqmf if set, and acknowledges fip. */
    void consumeFaults() {
        then(() -> {
            driver.read(RegisterFile.FQT, 4);
            driver.write(RegisterFile.FQH, 4, reg(RegisterFile.FQT));
            long errors = reg(RegisterFile.FQCSR) & (RegisterFile.QCSR_OF | RegisterFile.QCSR_MF);
            if (errors != 0) driver.write(RegisterFile.FQCSR, 4, driver.fqControl() | errors);
            driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_FIP);
            driver.read(RegisterFile.FQCSR, 4);
        });
    }
}
