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
 * Directed stimulus: one thing a driver does (the Linux driver's probe, queue set-up, attach of
 * identity, blocking and paging domains, map/unmap with per-page or PSCID-wide invalidation, fences,
 * detach, re-initialization of an IOMMU left enabled) and the error paths around the queues, as a
 * finite, seeded sequence. The seed picks sizes, device_ids, addresses and directory modes; the
 * sequence itself is fixed. {@link #next()} returns null when the scenario is done.
 *
 * <p>Decisions that depend on IOMMU state (a WARL read-back, fqt) are taken when the step runs, from
 * {@code readRegister}, which must read the model the earlier actions were applied to.
 */
public final class DirectedStimulus implements Stimulus {

    /** The directed scenarios, named after what the driver does. */
    public enum Kind {
        PROBE("probe", "read capabilities and fctl, WARL discovery of ddtp modes (3LVL down, reserved, custom), fctl and icvec"),
        QUEUE_SETUP("queue-setup", "size CQ and FQ by writing LOG2SZ and reading back, enable, wait for on, wrap, resize"),
        ATTACH_IDENTITY("attach-identity", "DCs with both stages Bare, then ddtp Bare: untranslated requests pass through"),
        ATTACH_BLOCKING("attach-blocking", "DC with V=0 and absent DDT entries: every request faults with cause 258"),
        ATTACH_PAGING("attach-paging", "Sv39/Sv48 first-stage domains: map 4 KiB and 2 MiB pages, translate, permission faults"),
        MAP_UNMAP("map-unmap", "map 4 KiB pages, unmap with IOTINVAL.VMA per page or one PSCID-wide for >= 2 MiB, fence, fault"),
        IOTLB_INVAL("iotlb-inval", "PTE changes invalidated per page, PSCID-wide and globally; translations before and after the fence"),
        IOFENCE("iofence", "IOFENCE.C with AV writes and WSI interrupts (cie on and off), fence_w_ip and cip acknowledged"),
        DETACH("detach", "detach a device (DC V=0, IODIR, PSCID invalidation), then attach a new domain"),
        REINIT("reinit", "an IOMMU left enabled: disable queues, ddtp Off, set up queues and directory again"),
        FQ_OVERFLOW("fq-overflow", "fault queue overflow (fqof, fqh untouched), recovery, and a failing record write (fqmf)"),
        COMMAND_ERRORS("command-errors", "illegal commands (cmd_ill, cqh stays), a failing command word (cqmf), recovery"),
        ATS("ats", "PCIe ATS: page-request queue set-up, translation requests with and without PASID/Priv, translated "
                + "requests, ATS.INVAL with IOFENCE.C, ATS.PRGR");

        public final String cliName;
        public final String description;

        Kind(String cliName, String description) {
            this.cliName = cliName;
            this.description = description;
        }
    }

    private static final long R = PageTable.R, W = PageTable.W, X = PageTable.X, U = PageTable.U, A = PageTable.A,
            D = PageTable.D;
    private static final long RW = R | W | U | A | D;

    private final Kind kind;
    private final IommuConfig config;
    private final Capabilities caps;
    private final SplittableRandom random;
    private final LongUnaryOperator readRegister;
    private Driver driver;
    private final ArrayDeque<Runnable> steps = new ArrayDeque<>();
    private final ArrayDeque<Action> queue = new ArrayDeque<>();
    private IommuMode mode;
    private long ddtRoot;
    private int nextPscid = 1;
    private final List<Integer> usedIds = new ArrayList<>();

    public DirectedStimulus(Kind kind, long seed, IommuConfig config, LongUnaryOperator readRegister) {
        this.kind = kind;
        this.config = config;
        this.caps = config.capabilities();
        this.random = new SplittableRandom(seed);
        this.readRegister = readRegister;
        this.driver = new Driver(caps);
        String unsupported = unsupported(kind, config);
        if (unsupported != null) throw new UnsupportedOperationException("scenario " + kind.cliName + " " + unsupported);
        switch (kind) {
            case PROBE -> probe();
            case QUEUE_SETUP -> queueSetup();
            case ATTACH_IDENTITY -> attachIdentity();
            case ATTACH_BLOCKING -> attachBlocking();
            case ATTACH_PAGING -> attachPaging();
            case MAP_UNMAP -> mapUnmap();
            case IOTLB_INVAL -> iotlbInval();
            case IOFENCE -> iofence();
            case DETACH -> detach();
            case REINIT -> reinit();
            case FQ_OVERFLOW -> fqOverflow();
            case COMMAND_ERRORS -> commandErrors();
            case ATS -> ats();
        }
    }

    public Kind kind() { return kind; }

    /**
     * Why scenario {@code kind} cannot run on an IOMMU configured as {@code config} (e.g. "needs
     * capabilities.ATS"), or null when it can.
     */
    public static String unsupported(Kind kind, IommuConfig config) {
        Capabilities caps = config.capabilities();
        if (kind == Kind.ATS && !caps.ats()) return "needs capabilities.ATS";
        if (kind != Kind.PROBE && kind != Kind.QUEUE_SETUP
                && !config.supportedModes().contains(IommuMode.LVL1) && !config.supportedModes().contains(IommuMode.LVL2)
                && !config.supportedModes().contains(IommuMode.LVL3)) {
            return "needs a device-directory mode (ddtp 1LVL, 2LVL or 3LVL)";
        }
        if ((config.fctlReset() & IommuConfig.FCTL_BE) != 0) return "builds little-endian structures (fctl.BE=1 at reset)";
        boolean paging = kind != Kind.PROBE && kind != Kind.QUEUE_SETUP && kind != Kind.ATTACH_IDENTITY
                && kind != Kind.FQ_OVERFLOW && kind != Kind.COMMAND_ERRORS && kind != Kind.IOFENCE;
        if (paging && !caps.sv39() && !caps.sv48()) return "needs Sv39 or Sv48";
        return null;
    }

    @Override
    public Action next() {
        while (queue.isEmpty()) {
            if (steps.isEmpty()) return null;
            steps.removeFirst().run();
            queue.addAll(driver.pending);
            driver.pending.clear();
        }
        return queue.removeFirst();
    }

    /** Adds a step; it runs (and reads the model) only after every action of the earlier steps was applied. */
    private void then(Runnable step) { steps.add(step); }

    private long reg(int offset) { return readRegister.applyAsLong(offset) & 0xffffffffL; }

    // ------------------------------------------------------------------ common driver routines

    private List<IommuMode> directoryModes() {
        List<IommuMode> m = new ArrayList<>();
        for (IommuMode x : new IommuMode[] {IommuMode.LVL3, IommuMode.LVL2, IommuMode.LVL1}) {
            if (config.supportedModes().contains(x)) m.add(x);
        }
        return m;
    }

    /** Probe, queues (2^fqLog2 fault records), a device directory in a seeded mode, ddtp set and read. */
    private void bringUp(int fqLog2) {
        then(() -> {
            driver.read(RegisterFile.CAPABILITIES, 8);
            driver.read(RegisterFile.FCTL, 4);
            driver.setupCommandQueue(4 + random.nextInt(3), true);
            driver.setupFaultQueue(fqLog2, true);
            List<IommuMode> modes = directoryModes();
            mode = modes.get(random.nextInt(modes.size()));
            ddtRoot = driver.allocator.page();
            driver.write(RegisterFile.DDTP, 8, ((ddtRoot >>> 12) << 10) | mode.encoding);
            driver.read(RegisterFile.DDTP, 8);
        });
    }

    private int newDeviceId() { return driver.newDeviceId(mode, random, usedIds); }

    /** Writes the DC of {@code id} (tc last), then IODIR.INVAL_DDT for it and IOFENCE.C (the driver's iodir update). */
    private void setDeviceContext(int id, long tc, long ta, long fsc) { setDeviceContext(id, tc, 0, ta, fsc); }

    private void setDeviceContext(int id, long tc, long iohgatp, long ta, long fsc) {
        long at = driver.deviceContextAddress(mode, ddtRoot, id, null);
        driver.storeDeviceContext(at, new long[] {tc, iohgatp, ta, fsc}, id);
        driver.command(Commands.iodirInvalDdt(true, id), "IODIR.INVAL_DDT");
        driver.sync();
    }

    /** A first-stage address space (Sv39 or Sv48) with its own PSCID. */
    private final class Domain {
        final PageTable table;
        final int pscid = nextPscid++;
        final List<long[]> pages = new ArrayList<>(); // {va, pteAddress, shift}

        Domain(int levels) { table = new PageTable(levels, false, driver.memory, driver.allocator, p -> { }); }

        long fsc() { return ((long) (table.levels == 4 ? 9 : 8) << 60) | (table.rootPa >>> 12); }

        long map(long va, int leafLevel, long flags) {
            long pte = table.map(va, dataPage(12 + 9 * leafLevel), leafLevel, flags, "PSCID " + pscid);
            if (pte >= 0) pages.add(new long[] {va, pte, 12 + 9 * leafLevel});
            return pte;
        }
    }

    private Domain newDomain() {
        int levels = caps.sv48() && (!caps.sv39() || random.nextBoolean()) ? 4 : 3;
        return new Domain(levels);
    }

    /** Attaches a paging domain: DC with V=1, the domain's PSCID and root (iohgatp Bare). */
    private void attach(int id, Domain dm) { setDeviceContext(id, 1, (long) dm.pscid << 12, dm.fsc()); }

    private long dataPage(int shift) {
        int pas = Math.min(caps.pas(), 48);
        long span = (1L << pas) - Driver.DATA_BASE;
        return (Driver.DATA_BASE + (random.nextLong() & (span - 1))) & -(1L << shift) & ((1L << pas) - 1);
    }

    /** A 2 MiB-aligned region in the lower half of a 39-bit address space (valid in Sv39 and Sv48). */
    private long region() { return (random.nextLong() & ((1L << 38) - 1)) & -(1L << 21); }

    /** Software reads fqt and consumes every record (fqh = fqt), as the driver's fault handler does. */
    private void consumeFaults() {
        then(() -> {
            driver.read(RegisterFile.FQT, 4);
            driver.read(RegisterFile.FQCSR, 4);
            driver.write(RegisterFile.FQH, 4, reg(RegisterFile.FQT));
            driver.read(RegisterFile.IPSR, 4);
            driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_FIP | RegisterFile.IPSR_CIP);
        });
    }

    private void translateAll(int id, Domain dm, int ttyp) {
        for (long[] p : dm.pages) driver.translate(id, ttyp, p[0] + (random.nextLong() & ((1L << p[2]) - 1) & ~7L));
    }

    // ------------------------------------------------------------------ the scenarios

    private void probe() {
        then(() -> {
            driver.read(RegisterFile.CAPABILITIES, 8);
            driver.read(RegisterFile.CAPABILITIES, 4);
            driver.read(RegisterFile.CAPABILITIES + 4, 4);
            driver.read(RegisterFile.FCTL, 4);
            driver.read(RegisterFile.DDTP, 8);
            // fctl while Off with the queues off (the only time its writes are defined): WARL bits.
            driver.write(RegisterFile.FCTL, 4, IommuConfig.FCTL_WSI | IommuConfig.FCTL_GXL);
            driver.write(RegisterFile.FCTL, 4, 0);
            driver.write(RegisterFile.FCTL, 4, config.fctlReset());
            driver.read(RegisterFile.FCTL, 4);
            // ddtp.iommu_mode: 3LVL, 2LVL, 1LVL, Bare, then every reserved (5-13) and custom (14-15) value.
            long ppn = (driver.allocator.page() >>> 12) << 10;
            for (int m : new int[] {4, 3, 2, 1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}) {
                driver.write(RegisterFile.DDTP, 8, ppn | m);
                driver.read(RegisterFile.DDTP, 8);
                driver.read(RegisterFile.DDTP, 4);
                driver.write(RegisterFile.DDTP, 8, ppn);
            }
            // An RV32 driver writes the low half only.
            driver.write(RegisterFile.DDTP, 4, (ppn & 0xffffffffL) | (2 + random.nextInt(3)));
            driver.read(RegisterFile.DDTP, 8);
            driver.write(RegisterFile.DDTP, 8, 0);
            driver.read(RegisterFile.DDTP, 8);
            driver.write(RegisterFile.ICVEC, 8, 0xffff);
            driver.read(RegisterFile.ICVEC, 8);
            driver.write(RegisterFile.ICVEC, 8, random.nextInt(1 << 16));
            driver.read(RegisterFile.ICVEC, 8);
            driver.read(RegisterFile.IPSR, 4);
            driver.read(RegisterFile.CQCSR, 4);
            driver.read(RegisterFile.FQCSR, 4);
            // A device speaks while the IOMMU is Off: aborted (cause 256), no queue to record it.
            driver.translate(random.nextInt(1 << 16), Ttyp.UNTRANSLATED_READ, dataPage(12));
        });
    }

    /** The LOG2SZ the IOMMU keeps for {@code want}: the driver writes the largest first, then what it wants. */
    private void sizeQueue(int qb, int recordBytes, int want, boolean command) {
        then(() -> {
            driver.write(qb, 8, 0x1f);
            driver.read(qb, 8);
        });
        then(() -> {
            int max = (int) (readRegister.applyAsLong(qb) & 0x1f) + 1;
            int log2 = Math.min(max, want);
            if (command) {
                driver.setupCommandQueue(log2, true);
                driver.read(RegisterFile.CQB, 8);
            } else {
                driver.setupFaultQueue(log2, true);
                driver.read(RegisterFile.FQB, 8);
            }
        });
    }

    private void queueSetup() {
        then(() -> driver.read(RegisterFile.CAPABILITIES, 8));
        sizeQueue(RegisterFile.CQB, 16, 1 + random.nextInt(9), true);
        sizeQueue(RegisterFile.FQB, 32, 1 + random.nextInt(8), false);
        then(() -> {
            driver.read(RegisterFile.CQCSR, 4);
            driver.read(RegisterFile.FQCSR, 4);
            // A request while ddtp is Off: a record with cause 256 in the new fault queue.
            driver.translate(random.nextInt(1 << 16), Ttyp.UNTRANSLATED_WRITE, dataPage(12));
        });
        consumeFaults();
        then(() -> {
            // Commands around the whole queue (wrap-around of cqt and cqh), up to 20.
            int n = Math.min(driver.cqEntries + 2, 20);
            long target = driver.allocator.page();
            for (int i = 0; i < n; i++) {
                driver.command(Commands.iofenceC(true, target + 4L * i, random.nextInt(), false, false, false),
                        "IOFENCE.C " + i);
                driver.read(RegisterFile.CQH, 4);
            }
            // Resize: disable, wait for cqon = 0, new base and size, enable; cqh restarts at 0.
            driver.write(RegisterFile.CQCSR, 4, 0);
            driver.read(RegisterFile.CQCSR, 4);
            driver.setupCommandQueue(2 + random.nextInt(4), random.nextBoolean());
            driver.read(RegisterFile.CQH, 4);
            driver.write(RegisterFile.FQCSR, 4, 0);
            driver.read(RegisterFile.FQCSR, 4);
            driver.setupFaultQueue(2 + random.nextInt(4), random.nextBoolean());
            driver.read(RegisterFile.FQT, 4);
            driver.sync();
        });
    }

    private void attachIdentity() {
        bringUp(5);
        then(() -> {
            int a = newDeviceId();
            int b = newDeviceId();
            setDeviceContext(a, 1, 0, 0);
            setDeviceContext(b, 1 | (1L << 4), 0, 0); // DTF: faults not recorded
            for (int i = 0; i < 6; i++) {
                int ttyp = i % 3 == 0 ? Ttyp.UNTRANSLATED_READ : i % 3 == 1 ? Ttyp.UNTRANSLATED_WRITE
                        : Ttyp.UNTRANSLATED_EXEC;
                driver.translate(i % 2 == 0 ? a : b, ttyp, dataPage(12) | (random.nextInt(512) * 8L));
            }
            // Translated requests without ATS enabled in the DC are disallowed (cause 260).
            driver.translate(a, Ttyp.TRANSLATED_READ, dataPage(12));
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
        then(() -> {
            // Pass-through for everyone: ddtp Off, then Bare (Bare is entered from Off only).
            driver.write(RegisterFile.DDTP, 8, (ddtRoot >>> 12) << 10);
            driver.write(RegisterFile.DDTP, 8, IommuMode.BARE.encoding);
            driver.read(RegisterFile.DDTP, 8);
            for (int i = 0; i < 8; i++) {
                int ttyp = i % 3 == 0 ? Ttyp.UNTRANSLATED_READ : i % 3 == 1 ? Ttyp.UNTRANSLATED_WRITE
                        : Ttyp.UNTRANSLATED_EXEC;
                driver.translate(random.nextInt(1 << 24), ttyp, random.nextLong() & ((1L << Math.min(caps.pas(), 56)) - 1));
            }
            driver.translate(random.nextInt(1 << 24), Ttyp.TRANSLATED_READ, dataPage(12)); // 260 in Bare
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
    }

    private void attachBlocking() {
        bringUp(5);
        int[] ids = new int[3];
        Domain[] dm = new Domain[1];
        then(() -> {
            ids[0] = newDeviceId();
            ids[1] = newDeviceId();
            ids[2] = newDeviceId();
            dm[0] = newDomain();
            for (int i = 0; i < 3; i++) dm[0].map(region() + ((long) i << 12), 0, RW);
            attach(ids[0], dm[0]);
            translateAll(ids[0], dm[0], Ttyp.UNTRANSLATED_READ);
            // Blocking: clear V first, invalidate, fence; every request of the device now faults (258).
            long at = driver.deviceContextAddress(mode, ddtRoot, ids[0], null);
            driver.memory.store(at, 0, "DC tc of device 0x" + Integer.toHexString(ids[0]) + ": V=0 (blocking)");
            driver.command(Commands.iodirInvalDdt(true, ids[0]), "IODIR.INVAL_DDT");
            driver.sync();
            translateAll(ids[0], dm[0], Ttyp.UNTRANSLATED_WRITE);
            // A blocked device whose DC was written with V=0 from the start, with other fields set.
            setDeviceContext(ids[1], 1L << 4, (long) dm[0].pscid << 12, dm[0].fsc()); // DTF without V: still 258
            driver.translate(ids[1], Ttyp.UNTRANSLATED_READ, dm[0].pages.get(0)[0]);
            // A device_id whose directory entries were never written.
            driver.translate(ids[2], Ttyp.UNTRANSLATED_READ, dm[0].pages.get(0)[0]);
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
    }

    private void attachPaging() {
        bringUp(6);
        then(() -> {
            List<Domain> domains = new ArrayList<>();
            if (caps.sv39()) domains.add(new Domain(3));
            if (caps.sv48()) domains.add(new Domain(4));
            for (Domain dm : domains) {
                int id = newDeviceId();
                long base = region();
                for (int i = 0; i < 4; i++) dm.map(base + ((long) i << 12), 0, RW);
                dm.map(base + (4L << 12), 0, R | U | A);           // read-only
                dm.map(base + (5L << 12), 0, R | X | U | A);       // read/execute
                dm.map(base + (6L << 12), 0, R | W | D | U);       // A=0, no hardware A/D: page fault
                dm.map(base + (1L << 21), 1, RW | X);              // a 2 MiB superpage
                if (dm.table.levels == 4) dm.map((1L << 40) | region(), 0, RW); // above Sv39's reach
                attach(id, dm);
                translateAll(id, dm, Ttyp.UNTRANSLATED_READ);
                translateAll(id, dm, Ttyp.UNTRANSLATED_WRITE);
                translateAll(id, dm, Ttyp.UNTRANSLATED_EXEC);
                // Not mapped, and not canonical.
                driver.translate(id, Ttyp.UNTRANSLATED_READ, base + (100L << 12));
                driver.translate(id, Ttyp.UNTRANSLATED_READ, 1L << (dm.table.levels == 4 ? 50 : 41));
            }
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
    }

    private void mapUnmap() {
        bringUp(6);
        then(() -> {
            Domain dm = newDomain();
            int id = newDeviceId();
            attach(id, dm);
            long small = region();
            long[] pte = new long[8];
            for (int i = 0; i < 8; i++) pte[i] = dm.map(small + ((long) i << 12), 0, RW);
            translateAll(id, dm, Ttyp.UNTRANSLATED_WRITE);
            // Unmap a small range: clear the PTEs, one IOTINVAL.VMA per page, then IOFENCE.C.
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) driver.memory.store(pte[i], 0, "unmap 0x" + Long.toHexString(small + ((long) i << 12)));
            for (int i = 0; i < n; i++) {
                driver.command(Commands.iotinval(false, true, small + ((long) i << 12), true, dm.pscid, false, 0, false,
                        false), "IOTINVAL.VMA page");
            }
            driver.sync();
            for (int i = 0; i <= n; i++) driver.translate(id, Ttyp.UNTRANSLATED_READ, small + ((long) i << 12));
            // A large range (a 2 MiB superpage and 4 KiB pages next to it): one PSCID-wide invalidation.
            long big = region();
            long superPte = dm.map(big, 1, RW);
            long[] after = new long[4];
            for (int i = 0; i < 4; i++) after[i] = dm.map(big + (1L << 21) + ((long) i << 12), 0, RW);
            driver.translate(id, Ttyp.UNTRANSLATED_READ, big + (random.nextInt(1 << 21) & ~7L));
            for (int i = 0; i < 4; i++) driver.translate(id, Ttyp.UNTRANSLATED_WRITE, big + (1L << 21) + ((long) i << 12));
            if (superPte >= 0) driver.memory.store(superPte, 0, "unmap 2 MiB at 0x" + Long.toHexString(big));
            for (long p : after) if (p >= 0) driver.memory.store(p, 0, "unmap 4 KiB after the 2 MiB page");
            driver.command(Commands.iotinval(false, false, 0, true, dm.pscid, false, 0, false, false),
                    "IOTINVAL.VMA PSCID " + dm.pscid);
            driver.sync();
            driver.translate(id, Ttyp.UNTRANSLATED_READ, big + (random.nextInt(1 << 21) & ~7L));
            for (int i = 0; i < 4; i++) driver.translate(id, Ttyp.UNTRANSLATED_WRITE, big + (1L << 21) + ((long) i << 12));
            // The pages never unmapped still translate.
            driver.translate(id, Ttyp.UNTRANSLATED_READ, small + (7L << 12));
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
    }

    /** Points a leaf at another page (same flags). */
    private void remap(long[] page, String why) {
        long pte = driver.memory.load(page[1]);
        long updated = (pte & 0x3ffL) | ((dataPage(12) >>> 12) << 10);
        driver.memory.store(page[1], updated, why + " 0x" + Long.toHexString(page[0]));
    }

    private void iotlbInval() {
        bringUp(6);
        then(() -> {
            Domain a = newDomain();
            Domain b = newDomain();
            int da = newDeviceId();
            int db = newDeviceId();
            long ra = region();
            long rb = region();
            for (int i = 0; i < 4; i++) {
                a.map(ra + ((long) i << 12), 0, RW);
                b.map(rb + ((long) i << 12), 0, RW);
            }
            attach(da, a);
            attach(db, b);
            translateAll(da, a, Ttyp.UNTRANSLATED_READ);
            translateAll(db, b, Ttyp.UNTRANSLATED_READ);
            // Per page: before the fence the old or the new translation, after it only the new one.
            remap(a.pages.get(0), "remap");
            driver.translate(da, Ttyp.UNTRANSLATED_READ, a.pages.get(0)[0]);
            driver.command(Commands.iotinval(false, true, a.pages.get(0)[0], true, a.pscid, false, 0, false, false),
                    "IOTINVAL.VMA page");
            driver.translate(da, Ttyp.UNTRANSLATED_READ, a.pages.get(0)[0]);
            driver.sync();
            driver.translate(da, Ttyp.UNTRANSLATED_READ, a.pages.get(0)[0]);
            // PSCID-wide: two pages become read-only; writes may succeed until the fence, then fault.
            for (int i = 1; i <= 2; i++) {
                long[] p = a.pages.get(i);
                driver.memory.store(p[1], driver.memory.load(p[1]) & ~W, "read-only 0x" + Long.toHexString(p[0]));
                driver.translate(da, Ttyp.UNTRANSLATED_WRITE, p[0]);
            }
            driver.command(Commands.iotinval(false, false, 0, true, a.pscid, false, 0, false, false),
                    "IOTINVAL.VMA PSCID " + a.pscid);
            driver.sync();
            for (int i = 1; i <= 2; i++) driver.translate(da, Ttyp.UNTRANSLATED_WRITE, a.pages.get(i)[0]);
            // Global: changes in both address spaces, one IOTINVAL.VMA for every host address space.
            remap(b.pages.get(0), "remap");
            long[] gone = a.pages.get(3);
            driver.memory.store(gone[1], 0, "unmap 0x" + Long.toHexString(gone[0]));
            driver.translate(db, Ttyp.UNTRANSLATED_READ, b.pages.get(0)[0]);
            driver.translate(da, Ttyp.UNTRANSLATED_READ, gone[0]);
            driver.command(Commands.iotinval(false, false, 0, false, 0, false, 0, false, false), "IOTINVAL.VMA all");
            driver.translate(db, Ttyp.UNTRANSLATED_READ, b.pages.get(0)[0]);
            driver.sync();
            driver.translate(db, Ttyp.UNTRANSLATED_READ, b.pages.get(0)[0]);
            driver.translate(da, Ttyp.UNTRANSLATED_READ, gone[0]);
            translateAll(db, b, Ttyp.UNTRANSLATED_WRITE);
            // A 2 MiB page moves: an address-specific IOTINVAL.VMA with ADDR inside it, not at its base,
            // must drop it (spec: IOTINVAL.VMA "the leaf ... that correspond to the IOVA in ADDR").
            long superVa = region() + (1L << 30);
            long superPte = a.map(superVa, 1, RW);
            if (superPte >= 0) {
                driver.translate(da, Ttyp.UNTRANSLATED_READ, superVa + 0x1234_8L);
                long moved = (driver.memory.load(superPte) & 0x3ffL) | ((dataPage(21) >>> 12) << 10);
                driver.memory.store(superPte, moved, "move the 2 MiB page 0x" + Long.toHexString(superVa));
                long inside = superVa + ((1L + random.nextInt(511)) << 12);
                driver.command(Commands.iotinval(false, true, inside, true, a.pscid, false, 0, false, false),
                        "IOTINVAL.VMA inside the 2 MiB page");
                driver.sync();
                driver.translate(da, Ttyp.UNTRANSLATED_READ, superVa + 0x1234_8L);
            }
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
    }

    private void iofence() {
        bringUp(4);
        then(() -> {
            long target = driver.allocator.page();
            for (int i = 0; i < 4; i++) {
                driver.command(Commands.iofenceC(true, target + 4L * random.nextInt(1024), random.nextInt(), false,
                        false, false), "IOFENCE.C AV");
                driver.read(RegisterFile.CQH, 4);
            }
            // Several fences in one doorbell.
            driver.storeCommand(Commands.iofenceC(true, target, random.nextInt(), false, false, false), "IOFENCE.C AV");
            driver.cqTail = (driver.cqTail + 1) % driver.cqEntries;
            driver.command(Commands.iofenceC(true, target + 8, random.nextInt(), false, false, false), "IOFENCE.C AV");
            driver.read(RegisterFile.CQH, 4);
        });
        then(() -> {
            if ((reg(RegisterFile.FCTL) & IommuConfig.FCTL_WSI) == 0) return; // WSI is reserved without fctl.WSI
            long target = driver.allocator.page();
            for (boolean cie : new boolean[] {true, false}) {
                driver.write(RegisterFile.CQCSR, 4, RegisterFile.CQCSR_CQEN | (cie ? RegisterFile.CQCSR_CIE : 0));
                driver.command(Commands.iofenceC(random.nextBoolean(), target + 4L * random.nextInt(1024),
                        random.nextInt(), true, false, false), "IOFENCE.C WSI");
                driver.read(RegisterFile.CQCSR, 4);
                driver.read(RegisterFile.IPSR, 4);
                // Acknowledge: fence_w_ip (RW1C), then ipsr.cip.
                driver.write(RegisterFile.CQCSR, 4, RegisterFile.CQCSR_CQEN | (cie ? RegisterFile.CQCSR_CIE : 0)
                        | RegisterFile.CQCSR_FENCE_W_IP);
                driver.read(RegisterFile.CQCSR, 4);
                driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_CIP);
                driver.read(RegisterFile.IPSR, 4);
            }
            driver.write(RegisterFile.CQCSR, 4, RegisterFile.CQCSR_CQEN | RegisterFile.CQCSR_CIE);
            driver.command(Commands.iofenceC(true, target, random.nextInt(), true, false, false), "IOFENCE.C AV WSI");
            driver.read(RegisterFile.IPSR, 4);
            driver.write(RegisterFile.CQCSR, 4, RegisterFile.CQCSR_CQEN | RegisterFile.CQCSR_CIE
                    | RegisterFile.CQCSR_FENCE_W_IP);
            driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_CIP);
            driver.read(RegisterFile.IPSR, 4);
        });
    }

    private void detach() {
        bringUp(5);
        then(() -> {
            Domain dm = newDomain();
            int id = newDeviceId();
            for (int i = 0; i < 4; i++) dm.map(region(), 0, RW);
            attach(id, dm);
            translateAll(id, dm, Ttyp.UNTRANSLATED_READ);
            // Detach: the DC becomes invalid, then the domain's PSCID is flushed (it may be reused).
            long at = driver.deviceContextAddress(mode, ddtRoot, id, null);
            driver.storeDeviceContext(at, new long[] {0, 0, 0, 0}, id);
            driver.command(Commands.iodirInvalDdt(true, id), "IODIR.INVAL_DDT");
            driver.command(Commands.iotinval(false, false, 0, true, dm.pscid, false, 0, false, false),
                    "IOTINVAL.VMA PSCID " + dm.pscid);
            driver.sync();
            translateAll(id, dm, Ttyp.UNTRANSLATED_READ);
            // Attach to a new domain.
            Domain next = newDomain();
            for (int i = 0; i < 3; i++) next.map(region(), 0, RW);
            attach(id, next);
            translateAll(id, next, Ttyp.UNTRANSLATED_WRITE);
            translateAll(id, dm, Ttyp.UNTRANSLATED_READ);
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
    }

    private void reinit() {
        bringUp(5);
        Domain[] first = new Domain[1];
        int[] id = new int[1];
        then(() -> {
            first[0] = newDomain();
            id[0] = newDeviceId();
            for (int i = 0; i < 3; i++) first[0].map(region(), 0, RW);
            attach(id[0], first[0]);
            translateAll(id[0], first[0], Ttyp.UNTRANSLATED_READ);
            driver.translate(id[0], Ttyp.UNTRANSLATED_READ, region() + (1L << 20)); // a fault left in the queue
        });
        then(() -> {
            // A new driver finds the IOMMU enabled (kexec): read state, disable the queues, wait, ddtp Off.
            driver.read(RegisterFile.CAPABILITIES, 8);
            driver.read(RegisterFile.DDTP, 8);
            driver.read(RegisterFile.CQCSR, 4);
            driver.read(RegisterFile.FQCSR, 4);
            driver.write(RegisterFile.CQCSR, 4, 0);
            driver.read(RegisterFile.CQCSR, 4);
            driver.write(RegisterFile.FQCSR, 4, 0);
            driver.read(RegisterFile.FQCSR, 4);
            driver.write(RegisterFile.DDTP, 8, 0);
            driver.read(RegisterFile.DDTP, 8);
            driver.read(RegisterFile.IPSR, 4);
            driver.write(RegisterFile.IPSR, 4, 0xf);
            driver.translate(id[0], Ttyp.UNTRANSLATED_READ, first[0].pages.get(0)[0]); // Off: 256, not recorded
            // Set up again: new queues, a new directory (maybe in another mode), flush everything cached.
            driver.setupCommandQueue(3 + random.nextInt(3), true);
            driver.setupFaultQueue(3 + random.nextInt(3), true);
            driver.read(RegisterFile.FQT, 4);
            List<IommuMode> modes = directoryModes();
            mode = modes.get(random.nextInt(modes.size()));
            ddtRoot = driver.allocator.page();
            driver.write(RegisterFile.DDTP, 8, ((ddtRoot >>> 12) << 10) | mode.encoding);
            driver.read(RegisterFile.DDTP, 8);
            driver.command(Commands.iodirInvalDdt(false, 0), "IODIR.INVAL_DDT all");
            driver.command(Commands.iotinval(false, false, 0, false, 0, false, 0, false, false), "IOTINVAL.VMA all");
            driver.sync();
            // The old device is unknown to the new directory; attach it again with a new domain.
            int did = id[0] & ((1 << driver.deviceIdBits(mode)) - 1);
            driver.translate(did, Ttyp.UNTRANSLATED_READ, first[0].pages.get(0)[0]);
            Domain dm = newDomain();
            for (int i = 0; i < 3; i++) dm.map(region(), 0, RW);
            attach(did, dm);
            translateAll(did, dm, Ttyp.UNTRANSLATED_WRITE);
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
    }

    private void fqOverflow() {
        bringUp(2); // 4 slots: full after 3 records
        int[] blocked = new int[1];
        then(() -> {
            blocked[0] = newDeviceId();
            setDeviceContext(blocked[0], 0, 0, 0);
            for (int i = 0; i < 6; i++) driver.translate(blocked[0], Ttyp.UNTRANSLATED_READ, dataPage(12));
            driver.read(RegisterFile.FQT, 4);
            driver.read(RegisterFile.FQH, 4);
            driver.read(RegisterFile.FQCSR, 4);
            driver.read(RegisterFile.IPSR, 4);
        });
        then(() -> {
            // Recovery: consume the records, then clear fqof (RW1C); new records are written again.
            driver.write(RegisterFile.FQH, 4, reg(RegisterFile.FQT));
            driver.translate(blocked[0], Ttyp.UNTRANSLATED_WRITE, dataPage(12)); // still dropped: fqof
            driver.write(RegisterFile.FQCSR, 4, RegisterFile.QCSR_EN | RegisterFile.QCSR_IE | RegisterFile.QCSR_OF);
            driver.read(RegisterFile.FQCSR, 4);
            driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_FIP);
            driver.read(RegisterFile.IPSR, 4);
            driver.translate(blocked[0], Ttyp.UNTRANSLATED_WRITE, dataPage(12));
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
        then(() -> {
            // A word of the next record's slot answers an access fault: fqmf, and the record is lost.
            // Which word varies: words an IOMMU stored before the faulting one are not a record (fqt does
            // not move past them), and the checker takes them as they are.
            long slot = driver.fqBase + reg(RegisterFile.FQT) * 32;
            driver.emit(new Action.MemoryError(slot + 8L * random.nextInt(4), 1));
            driver.translate(blocked[0], Ttyp.UNTRANSLATED_READ, dataPage(12));
            driver.read(RegisterFile.FQCSR, 4);
            driver.read(RegisterFile.FQT, 4);
            driver.read(RegisterFile.IPSR, 4);
            driver.translate(blocked[0], Ttyp.UNTRANSLATED_READ, dataPage(12)); // dropped while fqmf
            for (int i = 0; i < 4; i++) driver.emit(new Action.MemoryError(slot + 8L * i, 0));
            driver.write(RegisterFile.FQCSR, 4, RegisterFile.QCSR_EN | RegisterFile.QCSR_IE | RegisterFile.QCSR_MF);
            driver.read(RegisterFile.FQCSR, 4);
            driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_FIP);
            driver.translate(blocked[0], Ttyp.UNTRANSLATED_READ, dataPage(12));
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
    }

    /** After cmd_ill or cqmf: cqh stays on the command; software fixes it and clears the error bit. */
    private void recoverCommand(long slot, int errorBit, String why) {
        driver.read(RegisterFile.CQCSR, 4);
        driver.read(RegisterFile.CQH, 4);
        driver.read(RegisterFile.IPSR, 4);
        long[] nop = Commands.iofenceC(false, 0, 0, false, false, false);
        driver.memory.store(slot, nop[0], "IOFENCE.C replacing " + why + " dw0");
        driver.memory.store(slot + 8, nop[1], "IOFENCE.C replacing " + why + " dw1");
        driver.write(RegisterFile.CQCSR, 4, RegisterFile.CQCSR_CQEN | RegisterFile.CQCSR_CIE | errorBit);
        driver.read(RegisterFile.CQH, 4);
        driver.read(RegisterFile.CQCSR, 4);
        driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_CIP);
        driver.read(RegisterFile.IPSR, 4);
    }

    /**
     * An ATS-capable device as a driver enables it (spec: DC.tc EN_ATS, "PCIe ATS translation request
     * handling", ATS.INVAL, ATS.PRGR): the page-request queue, a device with EN_ATS and a first-stage
     * domain, translation requests to pages with every permission combination (granted and denied
     * permissions, A=0 without hardware A/D: R=W=0), translated requests to the returned addresses and from a
     * device without EN_ATS (260); a device with a process directory (PD8) whose processes have ENS and SUM set
     * or not, requests with a PASID in user and supervisor mode; then ATS.INVAL for both, IOFENCE.C, and
     * ATS.PRGR.
     */
    private void ats() {
        bringUp(5);
        final int[] ids = new int[3];
        final Domain[] dms = new Domain[2];
        final int[] pqLog2 = {2 + random.nextInt(4)};
        then(() -> {
            driver.setupPageRequestQueue(pqLog2[0], random.nextBoolean());
            long en = 1 | (1L << 1); // V, EN_ATS
            ids[0] = newDeviceId();
            ids[1] = newDeviceId();
            dms[0] = newDomain();
            long base = region();
            dms[0].map(base, 0, RW);
            dms[0].map(base + (1L << 12), 0, RW | PageTable.G);             // global
            dms[0].map(base + (2L << 12), 0, R | U | A);                    // read-only: W denied
            dms[0].map(base + (3L << 12), 0, R | X | U | A);                // read/execute
            dms[0].map(base + (4L << 12), 0, W | X | U | A | D);            // no R: nothing granted (reserved xwr=110 faults)
            dms[0].map(base + (5L << 12), 0, R | W | U | D);                // A=0 (SADE=0): R=W=0
            dms[0].map(base + (6L << 12), 0, R | W | A | D);                // U=0: a user request gets R=W=0
            dms[0].map(base + (1L << 21), 1, RW);                           // 2 MiB: the range may be 2 MiB
            setDeviceContext(ids[0], en, (long) dms[0].pscid << 12, dms[0].fsc());
            setDeviceContext(ids[1], 1, (long) dms[0].pscid << 12, dms[0].fsc()); // no EN_ATS
            for (long[] p : dms[0].pages) {
                long va = p[0] + (random.nextLong() & ((1L << p[2]) - 1) & ~7L);
                driver.translate(ids[0], Ttyp.ATS_TRANSLATION, va);
                driver.translate(ids[1], Ttyp.ATS_TRANSLATION, va);       // EN_ATS=0: UR, cause 260
                // No Write: W is not asked for (no D update). From a CXL type 1/2 device: CXL.io is
                // UNSPECIFIED for PMA memory. (Execute Requested needs a PASID: the PD8 device below.)
                driver.emit(new Action.Translate(driver.nextTag(), ids[0], false, 0, false, Ttyp.ATS_TRANSLATION, va,
                        true, false));
                driver.emit(new Action.Translate(driver.nextTag(), ids[0], false, 0, false, Ttyp.ATS_TRANSLATION, va,
                        random.nextBoolean(), false, true));
            }
            driver.translate(ids[0], Ttyp.ATS_TRANSLATION, base + (100L << 12)); // not mapped: R=W=0
            // A leaf PTE that answers an access fault: Completer Abort with a fault record (cause 7:
            // the request's original access type is a write, no-write not being set).
            long pte = dms[0].pages.get(0)[1];
            driver.emit(new Action.MemoryError(pte, 1));
            driver.translate(ids[0], Ttyp.ATS_TRANSLATION, dms[0].pages.get(0)[0]);
            driver.emit(new Action.MemoryError(pte, 0));
            // Translated requests carry the SPA the completion returned (T2GPA=0: not translated again).
            for (int t : new int[] {Ttyp.TRANSLATED_READ, Ttyp.TRANSLATED_WRITE, Ttyp.TRANSLATED_EXEC}) {
                driver.translate(ids[0], t, dataPage(12) | (random.nextInt(512) * 8L));
                driver.translate(ids[1], t, dataPage(12));                // EN_ATS=0: 260
            }
        });
        if (caps.t2gpa() && (caps.sv39x4() || caps.sv48x4())) {
            then(this::atsT2gpa);
            consumeFaults();
        }
        then(() -> {
            // A device with a process directory (PD8): PASIDs with and without ENS and SUM.
            ids[2] = newDeviceId();
            dms[1] = newDomain();
            long base = region();
            dms[1].map(base, 0, R | W | A | D);                            // supervisor page
            dms[1].map(base + (1L << 12), 0, R | W | A | D | PageTable.G); // supervisor, global
            dms[1].map(base + (2L << 12), 0, RW);                           // user page
            dms[1].map(base + (3L << 12), 0, R | U | A | PageTable.G);      // user, read-only, global
            long rx = base + (4L << 12);
            long userRx = base + (5L << 12);
            dms[1].map(rx, 0, R | X | A);                                   // supervisor read/execute
            dms[1].map(userRx, 0, R | X | U | A | PageTable.G);             // user read/execute, global
            long pdt = driver.allocator.page();
            int[] pids = {1 + random.nextInt(80), 81 + random.nextInt(80), 161 + random.nextInt(80)};
            long[] ta = {(1L << 1) | 1, (1L << 2) | (1L << 1) | 1, 1};     // ENS; ENS+SUM; neither
            for (int i = 0; i < 3; i++) {
                long pc = pdt + pids[i] * 16L;
                driver.memory.store(pc + 8, dms[1].fsc(), "PC fsc of PASID " + pids[i]);
                driver.memory.store(pc, ta[i] | ((long) dms[1].pscid << 12), "PC ta of PASID " + pids[i]);
            }
            setDeviceContext(ids[2], 1 | (1L << 1) | (1L << 5), 0, (1L << 60) | (pdt >>> 12)); // V, EN_ATS, PDTV; PD8
            for (long[] p : dms[1].pages) {
                for (int pid : pids) {
                    for (boolean priv : new boolean[] {false, true}) {
                        driver.emit(new Action.Translate(driver.nextTag(), ids[2], true, pid, priv, Ttyp.ATS_TRANSLATION,
                                p[0] + (random.nextInt(512) * 8L)));
                    }
                }
            }
            // Execute Requested (with the PASID it needs): X granted with R, per privilege and ENS/SUM.
            for (int pid : pids) {
                for (boolean priv : new boolean[] {false, true}) {
                    for (long page : new long[] {rx, userRx}) {
                        driver.emit(new Action.Translate(driver.nextTag(), ids[2], true, pid, priv, Ttyp.ATS_TRANSLATION,
                                page + (random.nextInt(512) * 8L), random.nextBoolean(), true));
                    }
                }
            }
            driver.emit(new Action.Translate(driver.nextTag(), ids[2], true, 250, false, Ttyp.ATS_TRANSLATION, base)); // PC not valid
            driver.translate(ids[2], Ttyp.ATS_TRANSLATION, base);         // no PASID, DPE=0: first stage Bare
            driver.read(RegisterFile.FQT, 4);
        });
        consumeFaults();
        then(() -> {
            // Invalidate the devices' ATCs (with and without a PASID) and wait for the completions: one doorbell
            // makes the fence visible with them, so the IOMMU fetches it while the Invalidation Requests are
            // still unanswered (spec, ATS.INVAL: the fence does "not complete before all previously fetched
            // commands were executed and completed").
            long[] invalA = Commands.atsInval(ids[0], false, 0, false, 0, dms[0].pages.get(0)[0]);
            long[] invalC = Commands.atsInval(ids[2], true, 1 + random.nextInt(240), random.nextBoolean(), random.nextInt(256),
                    (dms[1].pages.get(0)[0]) | (1L << 11));
            long[] fence = Commands.iofenceC(true, driver.allocator.page() + 4L * random.nextInt(1024), random.nextInt(),
                    false, false, false);
            driver.commandsTogether(new long[][] {invalA, invalC, fence},
                    new String[] {"ATS.INVAL device A", "ATS.INVAL device C PASID", "IOFENCE.C after ATS.INVAL"});
            driver.read(RegisterFile.CQH, 4);
            driver.command(Commands.atsPrgr(ids[2], true, 1 + random.nextInt(240), random.nextInt(512), 0), "ATS.PRGR");
            driver.command(Commands.atsPrgr(ids[0], false, 0, random.nextInt(512), 1), "ATS.PRGR invalid request");
            driver.sync();
            driver.read(RegisterFile.PQT, 4);
            driver.read(RegisterFile.PQCSR, 4);
        });
        then(() -> pageRequests(ids, dms[0], pqLog2[0]));
    }

    /** A Page Request message (spec: "PCIe ATS Page Request handling"): R/W, L and the PRG index in dw1. */
    private void pageRequest(int id, boolean pv, int pid, boolean priv, boolean exec, long page, boolean last, int rw) {
        long payload = (page & ~0xfffL) | ((long) random.nextInt(512) << 3) | (last ? 4 : 0) | rw;
        // With and without a valid destination segment (DSV): the automatic response follows it.
        driver.emit(new Action.PageRequest(id, pv, pid, priv, exec, payload, random.nextInt(3) != 0));
    }

    /**
     * Page Requests as devices send them: to a device with EN_PRI (and PRPR or not) with and without a
     * PASID, L=0 and L=1, Stop Markers; to devices without EN_PRI (260, Invalid Request), from a device
     * with no valid DC (Response Failure); until the queue is full (pqof, Success responses); software
     * consumes the records and clears pqof; a record write that fails (pqmf, Response Failure); the queue
     * off (Response Failure). Records, fault records, responses and pip are compared.
     */
    private void pageRequests(int[] ids, Domain dm, int log2) {
        int pri = newDeviceId();
        boolean prpr = random.nextBoolean();
        setDeviceContext(pri, 1 | (1L << 1) | (1L << 2) | (prpr ? 1L << 6 : 0) | (random.nextInt(4) == 0 ? 1L << 4 : 0),
                (long) dm.pscid << 12, dm.fsc());
        long page = dm.pages.get(0)[0];
        int pid = 1 + random.nextInt(0xfffff);
        pageRequest(pri, false, 0, false, false, page, false, 1);
        pageRequest(pri, false, 0, false, false, page, true, 3);
        pageRequest(pri, true, pid, true, true, page, true, 2);
        pageRequest(pri, true, pid, false, false, 0, true, 0);                 // Stop Marker: queued
        driver.read(RegisterFile.PQT, 4);
        driver.read(RegisterFile.IPSR, 4);
        // Without EN_PRI: 260 (a fault record unless DTF), Invalid Request for L=1, nothing for L=0 or a Stop Marker.
        for (int id : new int[] {ids[0], ids[1]}) {
            pageRequest(id, true, pid, false, false, page, true, 1);
            pageRequest(id, false, 0, false, false, page, true, 3);
            pageRequest(id, true, pid, false, false, page, false, 1);
            pageRequest(id, true, pid, false, false, 0, true, 0);
        }
        // No valid DC (258): Response Failure, with the PASID.
        int absent = newDeviceId();
        pageRequest(absent, true, pid, false, false, page, true, 1);
        pageRequest(absent, true, pid, false, false, 0, true, 0);
        driver.read(RegisterFile.FQT, 4);
        // Until the queue is full: pqof, then Success responses while it stays set.
        for (int i = 0; i < (1 << log2) + 1; i++) pageRequest(pri, random.nextBoolean(), pid, false, false, page, true, 1);
        driver.read(RegisterFile.PQT, 4);
        driver.read(RegisterFile.PQCSR, 4);
        driver.read(RegisterFile.IPSR, 4);
        then(() -> {
            // Software consumes the records and clears pqof (RW1C) and pip.
            driver.write(RegisterFile.PQH, 4, reg(RegisterFile.PQT));
            long on = reg(RegisterFile.PQCSR) & (RegisterFile.QCSR_EN | RegisterFile.QCSR_IE);
            driver.write(RegisterFile.PQCSR, 4, on | RegisterFile.QCSR_OF);
            driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_PIP);
            driver.read(RegisterFile.IPSR, 4);
            pageRequest(pri, false, 0, false, false, page, true, 1);
            driver.read(RegisterFile.PQT, 4);
        });
        then(() -> {
            // The next record's slot answers an access fault: pqmf, Response Failure; then the queue heals.
            long pqb = readRegister.applyAsLong(RegisterFile.PQB);
            long slot = ((pqb >>> 10) << 12) + 16 * reg(RegisterFile.PQT);
            driver.emit(new Action.MemoryError(slot + 8L * random.nextInt(2), 1));
            pageRequest(pri, true, pid, false, false, page, true, 1);
            driver.read(RegisterFile.PQCSR, 4);
            driver.read(RegisterFile.IPSR, 4);
            pageRequest(pri, true, pid, false, false, page, true, 1);           // pqmf: Response Failure
            for (int i = 0; i < 2; i++) driver.emit(new Action.MemoryError(slot + 8L * i, 0));
            long on = reg(RegisterFile.PQCSR) & (RegisterFile.QCSR_EN | RegisterFile.QCSR_IE);
            driver.write(RegisterFile.PQCSR, 4, on | RegisterFile.QCSR_MF);
            pageRequest(pri, false, 0, false, false, page, true, 1);
            driver.read(RegisterFile.PQT, 4);
            // The queue off: Response Failure for L=1, nothing for L=0.
            driver.write(RegisterFile.PQCSR, 4, 0);
            pageRequest(pri, true, pid, false, false, page, true, 1);
            pageRequest(pri, true, pid, false, false, page, false, 1);
            driver.read(RegisterFile.PQCSR, 4);
        });
    }

    /**
     * T2GPA (spec: DC.tc.T2GPA): a device whose DC has EN_ATS, T2GPA, a first stage and a G stage. Its
     * translation requests are translated in both stages for the permissions and the size, and complete with
     * the GPA; its translated requests carry those GPAs (and unmapped ones, one too wide for the G stage),
     * which the IOMMU translates through the G stage only, faulting as an ordinary access of the request's
     * type. Then T2GPA with iohgatp Bare: misconfigured (259).
     */
    private void atsT2gpa() {
        int id = newDeviceId();
        int gLevels = caps.sv39x4() && (!caps.sv48x4() || random.nextBoolean()) ? 3 : 4;
        PageTable g = new PageTable(gLevels, true, driver.memory, driver.allocator, p -> { });
        long gFlags = R | W | U | A | D;
        // The first stage's table pages are reached through the G stage (GPA = SPA).
        PageTable s = new PageTable(caps.sv39() ? 3 : 4, false, driver.memory, driver.allocator,
                p -> g.map(p, p, 0, gFlags, "T2GPA identity"));
        int pscid = nextPscid++;
        int gscid = 1 + random.nextInt(0xffff);
        long va = region();
        long gpa = (1L << 40) | ((random.nextLong() & ((1L << 39) - 1)) & -(1L << 21));
        // {va, gpa, leaf level}: RW in both stages; G stage read-only; 2 MiB in both; G stage unmapped;
        // G stage without U; first stage read-only.
        long[][] pages = {
            {va, gpa, 0}, {va + (1L << 12), gpa + (1L << 12), 0}, {va + (1L << 21), gpa + (1L << 21), 1},
            {va + (2L << 12), gpa + (2L << 12), 0}, {va + (3L << 12), gpa + (3L << 12), 0},
            {va + (4L << 12), gpa + (4L << 12), 0}};
        long[] sFlags = {RW, RW, RW, RW, RW, R | U | A};
        long[] gLeaf = {gFlags, R | U | A, gFlags, -1, R | W | A | D, gFlags};
        for (int i = 0; i < pages.length; i++) {
            int lvl = (int) pages[i][2];
            s.map(pages[i][0], pages[i][1], lvl, sFlags[i], "T2GPA first stage");
            if (gLeaf[i] >= 0) g.map(pages[i][1], dataPage(12 + 9 * lvl), lvl, gLeaf[i], "T2GPA G stage");
        }
        long tc = 1 | (1L << 1) | (1L << 3); // V, EN_ATS, T2GPA
        long iohgatp = ((long) (gLevels == 4 ? 9 : 8) << 60) | ((long) gscid << 44) | (g.rootPa >>> 12);
        long fsc = ((long) (s.levels == 4 ? 9 : 8) << 60) | (s.rootPa >>> 12);
        setDeviceContext(id, tc, iohgatp, (long) pscid << 12, fsc);
        for (long[] p : pages) {
            long off = (random.nextLong() & ((1L << (12 + 9 * p[2])) - 1)) & ~7L;
            // The completion returns the GPA of the range (R/W/X as both stages allow).
            driver.translate(id, Ttyp.ATS_TRANSLATION, p[0] + off);
            driver.emit(new Action.Translate(driver.nextTag(), id, false, 0, false, Ttyp.ATS_TRANSLATION, p[0] + off,
                    true, false));
            // From a CXL type 1/2 device: with T2GPA the completion's CXL.io is 1 (not a CXL device: 0).
            driver.emit(new Action.Translate(driver.nextTag(), id, false, 0, false, Ttyp.ATS_TRANSLATION, p[0] + off,
                    random.nextBoolean(), false, true));
            // Translated requests with that GPA: G stage only.
            for (int t : new int[] {Ttyp.TRANSLATED_READ, Ttyp.TRANSLATED_WRITE, Ttyp.TRANSLATED_EXEC}) {
                driver.translate(id, t, p[1] + off);
            }
        }
        driver.translate(id, Ttyp.TRANSLATED_READ, gpa + (100L << 12));               // not mapped: 21
        driver.translate(id, Ttyp.TRANSLATED_WRITE, gpa | (1L << (g.addressBits() + random.nextInt(8)))); // too wide: 23
        driver.translate(id, Ttyp.UNTRANSLATED_READ, va);                             // still two-stage
        driver.read(RegisterFile.FQT, 4);
        // T2GPA without a G stage: DC misconfigured.
        int bare = newDeviceId();
        setDeviceContext(bare, tc, 0, (long) pscid << 12, fsc);
        driver.translate(bare, Ttyp.ATS_TRANSLATION, va);
        driver.translate(bare, Ttyp.TRANSLATED_READ, gpa);
    }

    private void commandErrors() {
        bringUp(4);
        then(() -> {
            driver.sync();
            List<long[]> illegal = new ArrayList<>();
            illegal.add(new long[] {5 + random.nextInt(59), random.nextLong()});                  // reserved opcode
            illegal.add(new long[] {Commands.IOTINVAL | (2L + random.nextInt(6)) << 7, 0});        // reserved func3
            illegal.add(new long[] {Commands.IOFENCE | (1L + random.nextInt(7)) << 7, 0});
            illegal.add(new long[] {Commands.IODIR | (2L + random.nextInt(6)) << 7, 0});
            long[] pdt = Commands.iodirInvalPdt(0, 0);
            illegal.add(new long[] {pdt[0] & ~(1L << 33), pdt[1]});                                // INVAL_PDT, DV=0
            if (!caps.ats()) illegal.add(Commands.atsInval(0, false, 0, false, 0, 0));            // no ATS
            for (long[] cmd : illegal) {
                long slot = driver.command(cmd, "illegal command");
                // A valid command behind it waits.
                driver.command(Commands.iofenceC(false, 0, 0, false, false, false), "IOFENCE.C after");
                recoverCommand(slot, RegisterFile.CQCSR_CMD_ILL, "the illegal command");
            }
            // A command word that answers an access fault: cqmf, cqh stays; the memory heals.
            long slot = driver.storeCommand(Commands.iodirInvalDdt(false, 0), "IODIR.INVAL_DDT all");
            long word = slot + 8L * random.nextInt(2);
            driver.emit(new Action.MemoryError(word, 1));
            driver.advanceTail();
            driver.read(RegisterFile.CQCSR, 4);
            driver.read(RegisterFile.CQH, 4);
            driver.emit(new Action.MemoryError(word, 0));
            recoverCommand(slot, RegisterFile.CQCSR_CQMF, "the unreadable command");
            // IOFENCE.C whose data write faults: cqmf on the fence.
            long target = driver.allocator.page() + 4L * random.nextInt(1024);
            driver.emit(new Action.MemoryError(target & ~7L, 1));
            driver.command(Commands.iofenceC(true, target, random.nextInt(), false, false, false),
                    "IOFENCE.C to a failing word");
            driver.emit(new Action.MemoryError(target & ~7L, 0));
            driver.read(RegisterFile.CQCSR, 4);
            driver.read(RegisterFile.CQH, 4);
            driver.write(RegisterFile.CQCSR, 4, RegisterFile.CQCSR_CQEN | RegisterFile.CQCSR_CIE | RegisterFile.CQCSR_CQMF);
            driver.read(RegisterFile.CQH, 4);
            driver.read(RegisterFile.CQCSR, 4);
            driver.sync();
        });
    }
}
