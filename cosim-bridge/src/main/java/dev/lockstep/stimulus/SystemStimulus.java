package dev.lockstep.stimulus;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.ddt.DeviceContext;
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
 * Seeded constrained-random stimulus for a whole IOMMU, programmed the way a driver does it (spec:
 * "Software guidelines"; the Linux driver's probe, queue set-up, attach, map and invalidate): the
 * fault and command queues, a device directory with device contexts of every kind the capabilities
 * allow (first stage, G stage, both, process directories, MSI flat tables, invalid and misconfigured
 * ones), page tables with superpages, every permission combination and A/D state, then a random mix
 * of translation requests, page-table and context changes with and without the invalidations and
 * fences that make them certain, fault-queue consumption, interrupt acknowledgement, illegal commands
 * and failing memory words.
 *
 * <p>Only what the spec defines is generated: no write the spec calls UNSPECIFIED (queue bases while
 * on, mode changes between directory modes), and nothing the capabilities say is unsupported. The same
 * seed always gives the same actions. {@code model} answers register reads for decisions that depend
 * on IOMMU state (e.g. how far software consumes the fault queue); it must be the model the actions
 * are applied to, so the stream stays the same for the same seed.
 */
public final class SystemStimulus implements Stimulus {

    private static final long STRUCTURES_BASE = Driver.STRUCTURES_BASE;
    private static final long DATA_BASE = Driver.DATA_BASE;

    private final SplittableRandom random;
    private final boolean traffic;
    /** Requests outstanding together at most (1: serialized). */
    private final int overlap;
    private final IommuConfig config;
    private final Capabilities caps;
    private final LongUnaryOperator readRegister;
    private final ArrayDeque<Action> queue = new ArrayDeque<>();
    private final Driver driver;
    private final List<Action> pending;
    /** How the requests and changes of the random mix become windows at overlap. */
    private final SystemWindows windows;
    private final SoftwareMemory memory;
    private final PageAllocator allocator;
    private final List<Device> devices = new ArrayList<>();
    private final List<Domain> domains = new ArrayList<>();
    private final List<Long> structureWords = new ArrayList<>();
    /** Pages of directory structures and first-stage tables: GPAs a DC or PC may hold (identity-mapped). */
    private final java.util.Set<Long> structurePages = new java.util.HashSet<>();
    /** MSI PTE words and a request (device, address) that reads each. */
    /** MSI PTE address -> a request that reads it; insertion-ordered so that picks are deterministic. */
    private final java.util.Map<Long, Action.Translate> msiUsers = new java.util.LinkedHashMap<>();
    private IommuMode mode;
    private long ddtRoot;
    private long fenceTarget;
    private Action.Translate last;
    private int nextPscid = 1;
    private int nextGscid = 1;

    /** {@code readRegister} reads a model register (offset -> 8-byte value at offset & ~7 shifted to it). */
    public SystemStimulus(long seed, IommuConfig config, LongUnaryOperator readRegister) {
        this(seed, config, readRegister, false);
    }

    /**
     * With {@code traffic}, after the set-up nearly every action is a translation request over the
     * structures built (device traffic, as in a throughput benchmark); changes stay rare.
     */
    public SystemStimulus(long seed, IommuConfig config, LongUnaryOperator readRegister, boolean traffic) {
        this(seed, config, readRegister, traffic, 1);
    }

    /**
     * With {@code overlap} above 1, device requests go out in windows of up to that many outstanding
     * together ({@link Action.Window}), and some structure changes race the requests of the devices that
     * use them: the store, its invalidation and IOFENCE.C are made while those requests are in flight.
     * At 1 the stimulus is exactly the serialized one.
     */
    public SystemStimulus(long seed, IommuConfig config, LongUnaryOperator readRegister, boolean traffic, int overlap) {
        this.overlap = Math.max(1, overlap);
        this.traffic = traffic;
        this.config = config;
        this.random = new SplittableRandom(seed);
        this.caps = config.capabilities();
        this.readRegister = readRegister;
        this.driver = new Driver(caps);
        this.pending = driver.pending;
        this.windows = new SystemWindows(random, pending, overlap);
        this.memory = driver.memory;
        this.allocator = driver.allocator;
        requireSupported(config);
        initialize(config);
    }

    private static void requireSupported(IommuConfig config) {
        String why = unsupported(config);
        if (why != null) throw new UnsupportedOperationException("the system stimulus " + why);
    }

    /** Why the system stimulus cannot run on an IOMMU configured as {@code config}, or null when it can. */
    public static String unsupported(IommuConfig config) {
        Capabilities c = config.capabilities();
        if (!c.sv39() && !c.sv48() && !c.sv39x4() && !c.sv48x4()) {
            return "needs Sv39/Sv48 or Sv39x4/Sv48x4; capabilities 0x" + Long.toHexString(c.value())
                    + " have neither (use --scenario registers)";
        }
        if ((config.fctlReset() & IommuConfig.FCTL_BE) != 0) {
            return "builds little-endian structures; fctl.BE=1 at reset is not supported yet";
        }
        return null;
    }

    @Override
    public Action next() {
        while (queue.isEmpty()) {
            step();
            queue.addAll(pending);
            pending.clear();
        }
        return queue.removeFirst();
    }

    // ------------------------------------------------------------------ set-up, as a driver probes

    private void initialize(IommuConfig config) {
        emit(new Action.RegisterRead(RegisterFile.CAPABILITIES, 8));
        emit(new Action.RegisterRead(RegisterFile.FCTL, 4));
        probeDdtpModes();
        // A device speaks before the directory is set: with ddtp Off every request faults (cause 256).
        emit(new Action.Translate(nextTag(), 1, false, 0, false, Ttyp.UNTRANSLATED_READ, STRUCTURES_BASE));
        // Fault queue: 2^k records, some small enough to overflow (spec: fqb, fqcsr).
        int fqLog2 = 2 + random.nextInt(5);
        driver.setupFaultQueue(fqLog2, random.nextBoolean());
        int cqLog2 = 2 + random.nextInt(5);
        driver.setupCommandQueue(cqLog2, random.nextBoolean());
        // Page-request queue (ATS): set up like the fault queue; devices send Page Requests now and then.
        if (caps.ats() && random.nextInt(3) != 0) driver.setupPageRequestQueue(2 + random.nextInt(5), random.nextBoolean());
        emit(new Action.RegisterWrite(RegisterFile.ICVEC, 8, random.nextLong() & 0xffff));
        fenceTarget = allocator.page();

        List<IommuMode> dirModes = new ArrayList<>();
        for (IommuMode m : new IommuMode[] {IommuMode.LVL1, IommuMode.LVL2, IommuMode.LVL3}) {
            if (config.supportedModes().contains(m)) dirModes.add(m);
        }
        mode = dirModes.isEmpty() ? IommuMode.BARE : dirModes.get(random.nextInt(dirModes.size()));
        if (mode == IommuMode.BARE) {
            emit(new Action.RegisterWrite(RegisterFile.DDTP, 8, IommuMode.BARE.encoding));
            return;
        }
        ddtRoot = allocator.page();
        int count = 3 + random.nextInt(6);
        for (int i = 0; i < count; i++) addDevice();
        emit(new Action.RegisterWrite(RegisterFile.DDTP, 8, ((ddtRoot >>> 12) << 10) | mode.encoding));
        emit(new Action.RegisterRead(RegisterFile.DDTP, 8));
    }

    private void emit(Action a) { pending.add(a); }

    /**
     * WARL discovery of ddtp.iommu_mode, as a driver probes it: from Off, write a mode (the directory
     * modes from 3LVL down, and reserved or custom encodings too), read back what stuck, and return to Off.
     */
    private void probeDdtpModes() {
        // 3LVL, 2LVL, 1LVL; then one low reserved (5-9), one high reserved (10-13) and one custom (14-15).
        int[] modes = {4, 3, 2, 5 + random.nextInt(5), 10 + random.nextInt(4), 14 + random.nextInt(2)};
        driver.probeDdtpModes(modes);
    }

    // ------------------------------------------------------------------ the random mix

    private void step() {
        int p = random.nextInt(100);
        // Traffic: 90% translation requests (10 lands in the translate band below), the rest the usual mix.
        if (traffic) p = p < 90 ? 10 : 50 + random.nextInt(50);
        if (mode == IommuMode.BARE || devices.isEmpty()) {
            if (caps.ats() && p < 3) pageRequest();
            else if (p < 70) translateBare();
            else readStatus();
            return;
        }
        if (caps.ats() && p < 4) pageRequest();
        else if (p < 50) {
            if (overlap > 1) windows.window(() -> { for (int k = 1 + random.nextInt(overlap); k > 0; k--) translate(); }, () -> { });
            else translate();
        }
        else if (p < 58) readStatus();
        else if (p < 66) {
            consumeFaults();
            if (caps.ats() && random.nextBoolean()) consumePageRequests();
        }
        else if (p < 70) acknowledgeInterrupts();
        else if (p < 80) changePageTable();
        else if (p < 84) changeDeviceContext();
        else if (p < 87 || (p < 89 && !caps.ats())) fence(random.nextBoolean());
        else if (p < 89) {
            // With overlap, the ATS command (an ATS.INVAL and its IOFENCE.C, or an ATS.PRGR) races translation
            // requests of the devices, ATS translation requests among them.
            if (overlap > 1) windows.window(() -> { for (int k = 1 + random.nextInt(overlap); k > 0; k--) translate(); }, this::atsCommand);
            else atsCommand();
        }
        else if (p < 91) illegalCommand();
        else if (p < 93) failMemoryWord();
        else if (p < 96) addDevice();
        else mapMore();
    }

    private void translateBare() {
        long iova = random.nextLong() & physicalAddressMask();
        emit(new Action.Translate(nextTag(), random.nextInt(1 << 24), false, 0, false, untranslatedType(), iova));
    }

    private int nextTag() { return driver.nextTag(); }

    /**
     * Whether a request of type {@code ttyp} to device {@code d} (null: none) through first-stage
     * {@code domain} uses its address untranslated: both stages Bare, or a translated request without T2GPA.
     */
    private static boolean passesThrough(Device d, Domain domain, int ttyp) {
        if (d == null) return false;
        if (Ttyp.isTranslated(ttyp)) return !d.t2gpa;
        return domain == null && d.gDomain == null;
    }

    private Device deviceWithId(int id) {
        for (Device d : devices) if (d.id == id) return d;
        return null;
    }

    /** The addresses of the physical address space, "from 0 to 2^capabilities.PAS - 1" (at most 56 bits). */
    private long physicalAddressMask() {
        return (1L << Math.min(caps.pas() == 0 ? 56 : caps.pas(), 56)) - 1;
    }

    private int untranslatedType() {
        int t = random.nextInt(10);
        return t < 5 ? Ttyp.UNTRANSLATED_READ : t < 8 ? Ttyp.UNTRANSLATED_WRITE : Ttyp.UNTRANSLATED_EXEC;
    }

    private int translatedType() {
        int t = random.nextInt(3);
        return t == 0 ? Ttyp.TRANSLATED_READ : t == 1 ? Ttyp.TRANSLATED_WRITE : Ttyp.TRANSLATED_EXEC;
    }

    private void translate() {
        if (last != null && random.nextInt(100) < 20) {
            repeatVaried(last);
            return;
        }
        int choice = random.nextInt(100);
        Device d = devices.get(random.nextInt(devices.size()));
        int ttyp;
        if (!caps.ats()) {
            ttyp = choice < 95 ? untranslatedType() : random.nextBoolean() ? Ttyp.TRANSLATED_READ : Ttyp.TRANSLATED_WRITE;
        } else {
            // ATS devices: translation requests (spec: "PCIe ATS translation request handling") and
            // translated requests with the addresses they return.
            int t = random.nextInt(100);
            ttyp = t < 78 ? untranslatedType() : t < 94 ? Ttyp.ATS_TRANSLATION : translatedType();
        }
        int did = choice < 90 ? d.id : random.nextInt(1 << deviceIdBits());
        boolean pv = false;
        int pid = 0;
        Domain domain = d.domain;
        if (d.processes != null && !d.processes.isEmpty() && random.nextInt(10) < 8) {
            Process proc = d.processes.get(random.nextInt(d.processes.size()));
            pv = true;
            pid = proc.pid;
            domain = proc.domain;
        } else if (random.nextInt(20) == 0) {
            pv = true;
            pid = random.nextInt(1 << 20);
        }
        boolean priv = pv && random.nextInt(3) == 0;
        long iova = addressFor(domain, d);
        if (d.t2gpa && did == d.id && Ttyp.isTranslated(ttyp)) {
            // T2GPA: the device's ATC holds GPAs (what its translation requests returned), which the IOMMU
            // translates through the G stage; mapped, unmapped, too wide, or an MSI page.
            iova = addressFor(d.gDomain, d);
        } else if (passesThrough(did == d.id ? d : deviceWithId(did), did == d.id ? domain : null, ttyp)) {
            // The address reaches memory as it is: the spec defines the physical address space only "from 0
            // to 2^capabilities.PAS - 1" and says nothing of an address beyond it, so none is sent.
            iova &= physicalAddressMask();
        }
        // ATS: "No Write" and "Execute Requested" select the permissions asked for (spec: "PCIe ATS
        // translation request handling"); most devices ask for read and write.
        boolean ats = ttyp == Ttyp.ATS_TRANSLATION;
        boolean noWrite = ats && random.nextInt(4) == 0;
        boolean exec = ats && random.nextInt(4) == 0;
        last = new Action.Translate(nextTag(), did, pv, pid, priv, ttyp, iova, noWrite, exec, ats && cxlDevice(did));
        emit(last);
    }

    /**
     * Whether the Root Port reports the endpoint with this device_id as a CXL type 1 or type 2 device
     * (spec: "ATS interface"): a fixed property of the device_id, about 3 in 8 of them.
     */
    static boolean cxlDevice(int deviceId) {
        return ((deviceId * 0x9E3779B9) >>> 29) < 3;
    }

    /**
     * The same page again with another privilege or access type: a second request that a cached
     * translation can answer must still pass the permission checks (spec: "Caching": cached entries keep
     * the permissions, the checks apply to each request).
     */
    private void repeatVaried(Action.Translate t) {
        boolean priv = t.pv() && random.nextBoolean() ? !t.priv() : t.priv();
        // A translated request stays one: its address is not an IOVA (and an IOVA is no SPA within PAS).
        int ttyp = random.nextBoolean() && !Ttyp.isTranslated(t.ttyp()) ? untranslatedType() : t.ttyp();
        long iova = (t.iova() & ~0xfffL) | (random.nextInt(512) * 8L);
        boolean ats = ttyp == Ttyp.ATS_TRANSLATION;
        emit(new Action.Translate(nextTag(), t.deviceId(), t.pv(), t.processId(), priv, ttyp, iova,
                ats && random.nextBoolean(), ats && random.nextBoolean(), ats && cxlDevice(t.deviceId())));
    }

    /** An address in a mapping of the domain, an MSI page, an unmapped one or an ill-formed one. */
    private long addressFor(Domain domain, Device d) {
        int k = random.nextInt(100);
        if (d.msiPages > 0 && k < 15) {
            long page = d.msiPattern | random.nextInt(d.msiPages);
            return (page << 12) | (random.nextInt(1024) * 4L);
        }
        if (domain != null && !domain.napot.isEmpty() && k >= 80 && k < 84) {
            Mapping m = domain.napot.get(random.nextInt(domain.napot.size()));
            return m.va + (random.nextLong() & 0xfff8L);
        }
        if (domain != null && !domain.mappings.isEmpty() && k < 88) {
            Mapping m = domain.mappings.get(random.nextInt(domain.mappings.size()));
            long a = m.va + (random.nextLong() & ((1L << m.shift) - 1) & ~7L);
            // A mapped address with a high bit flipped: not sign-extended, or wider than the GPA space.
            if (k >= 84) a ^= 1L << (39 + random.nextInt(24));
            return a;
        }
        if (k < 95) return random.nextLong() & ((1L << 38) - 1) & ~0xfffL;
        return random.nextLong(); // probably not sign-extended / wider than the GPA space
    }

    private void readStatus() {
        int[] regs = {RegisterFile.FQT, RegisterFile.FQH, RegisterFile.CQH, RegisterFile.CQT, RegisterFile.IPSR,
                RegisterFile.FQCSR, RegisterFile.CQCSR};
        emit(new Action.RegisterRead(regs[random.nextInt(regs.length)], 4));
    }

    /** Software consumes fault records up to fqt, and now and then clears fqmf/fqof. */
    private void consumeFaults() {
        consumeQueue(RegisterFile.FQT, RegisterFile.FQH, RegisterFile.FQCSR, csr -> driver.fqControl());
    }

    /**
     * A queue's handler: head = tail (every record consumed), then, now and then, the csr's RW1C error
     * bits (mf, of) written back with {@code control} (the enable bits to keep) computed from the csr.
     */
    private void consumeQueue(int tailRegister, int headRegister, int csrRegister,
                              java.util.function.LongUnaryOperator control) {
        long tail = readRegister.applyAsLong(tailRegister) & 0xffffffffL;
        emit(new Action.RegisterRead(tailRegister, 4));
        emit(new Action.RegisterWrite(headRegister, 4, tail));
        long csr = readRegister.applyAsLong(csrRegister);
        long errors = csr & (0x3L << 8);
        if (errors != 0 && random.nextBoolean()) {
            emit(new Action.RegisterWrite(csrRegister, 4, control.applyAsLong(csr) | errors));
        }
    }

    /**
     * A device's Page Request message (spec: "PCIe ATS Page Request handling"), with or without a PASID,
     * L=0 or 1, sometimes a Stop Marker (PASID, L=1, R=W=0); to devices with and without EN_PRI, now and
     * then from a device_id with no device.
     */
    private void pageRequest() {
        Device d = devices.isEmpty() ? null : devices.get(random.nextInt(devices.size()));
        int did = d != null && random.nextInt(10) != 0 ? d.id : random.nextInt(1 << 24);
        boolean pv = random.nextInt(3) != 0;
        int pid = 0;
        if (pv) {
            pid = d != null && d.processes != null && !d.processes.isEmpty() && random.nextBoolean()
                    ? d.processes.get(random.nextInt(d.processes.size())).pid : random.nextInt(1 << 20);
        }
        boolean priv = pv && random.nextInt(3) == 0;
        boolean exec = pv && random.nextInt(4) == 0;
        long page = d != null ? addressFor(d.domain, d) & ~0xfffL : random.nextLong() & ~0xfffL;
        long payload = page | ((long) random.nextInt(512) << 3);
        if (pv && random.nextInt(8) == 0) payload = (payload & 0xff8L) | 4; // Stop Marker
        else payload |= (random.nextInt(3) != 0 ? 4 : 0) | (1 + random.nextInt(3));
        // Most messages name their segment (DSV=1); the automatic response then goes to it.
        emit(new Action.PageRequest(did, pv, pid, priv, exec, payload, random.nextInt(4) != 0));
    }

    /** Software's page-request handler: pqh = pqt, and now and then pqof/pqmf cleared (pqen, pie kept). */
    private void consumePageRequests() {
        consumeQueue(RegisterFile.PQT, RegisterFile.PQH, RegisterFile.PQCSR, csr -> csr & 3);
    }

    private void acknowledgeInterrupts() {
        emit(new Action.RegisterRead(RegisterFile.IPSR, 4));
        emit(new Action.RegisterWrite(RegisterFile.IPSR, 4, random.nextInt(16)));
    }

    // ------------------------------------------------------------------ commands

    private void command(long[] cmd, String what) { driver.command(cmd, what); }

    private void fence(boolean wsi) {
        boolean av = random.nextBoolean();
        long addr = fenceTarget + random.nextInt(512) * 4L;
        if (av && random.nextInt(12) == 0) {
            failingFence(addr);
            return;
        }
        boolean wsiAllowed = wsi && (readRegister.applyAsLong(RegisterFile.FCTL) & IommuConfig.FCTL_WSI) != 0;
        command(Commands.iofenceC(av, addr, random.nextInt(), wsiAllowed, false, false), "IOFENCE.C");
        emit(new Action.RegisterRead(RegisterFile.CQH, 4));
    }

    /**
     * IOFENCE.C whose DATA store faults: cqmf is set and cqh stays on the fence (spec: IOFENCE.C, cqcsr.cqmf);
     * software heals the memory and clears cqmf, and the fence runs again.
     */
    private void failingFence(long addr) {
        emit(new Action.MemoryError(addr, 1));
        command(Commands.iofenceC(true, addr, random.nextInt(), false, false, false), "IOFENCE.C to a failing word");
        emit(new Action.RegisterRead(RegisterFile.CQH, 4));
        emit(new Action.RegisterRead(RegisterFile.CQCSR, 4));
        emit(new Action.MemoryError(addr, 0));
        emit(new Action.RegisterWrite(RegisterFile.CQCSR, 4, driver.cqControl() | (1L << 8)));
        emit(new Action.RegisterRead(RegisterFile.CQH, 4));
    }

    /**
     * ATS.INVAL to a device function (sometimes with a PASID or a segment; the device answers with an
     * Invalidation Completion), often followed by IOFENCE.C, which waits for it; or ATS.PRGR with a PRG
     * index and response code (spec: ATS.INVAL, ATS.PRGR).
     */
    private void atsCommand() {
        Device d = devices.get(random.nextInt(devices.size()));
        int rid = random.nextInt(4) == 0 ? random.nextInt(1 << 16) : d.id & 0xffff;
        boolean pv = random.nextInt(3) == 0;
        int pid = pv ? random.nextInt(1 << 20) : 0;
        boolean dsv = random.nextInt(5) == 0;
        int dseg = dsv ? random.nextInt(256) : 0;
        if (random.nextInt(3) != 0) {
            // Invalidation Request payload: untranslated address [63:12], S [11], Global [0].
            long payload = (random.nextLong() & ~0xfffL) | (random.nextBoolean() ? 1L << 11 : 0) | (random.nextInt(4) == 0 ? 1 : 0);
            command(Commands.atsInval(rid, pv, pid, dsv, dseg, payload), "ATS.INVAL");
            if (random.nextInt(3) != 0) fence(false);
        } else {
            // Response codes: 0 Success, 1 Invalid Request, 0xf Response Failure.
            int[] codes = {0, 1, 0xf};
            command(Commands.atsPrgr(rid, pv, pid, random.nextInt(512), codes[random.nextInt(codes.length)]), "ATS.PRGR");
            emit(new Action.RegisterRead(RegisterFile.CQH, 4));
        }
    }

    /** A reserved opcode: the queue stops with cmd_ill on it; software replaces it and clears cmd_ill. */
    private void illegalCommand() {
        long[] bad = {5 + random.nextInt(59), random.nextLong()};
        if (caps.ats() && random.nextInt(4) == 0) {
            // ATS with a reserved func3 or a reserved bit of dw0 (11:10, 39:34).
            bad = random.nextBoolean() ? new long[] {Commands.ATS | (2L + random.nextInt(6)) << 7, 0}
                    : new long[] {Commands.ATS | (random.nextBoolean() ? 1L << (10 + random.nextInt(2)) : 1L << (34 + random.nextInt(6))), 0};
        }
        long slot = driver.command(bad, "reserved opcode");
        emit(new Action.RegisterRead(RegisterFile.CQCSR, 4));
        emit(new Action.RegisterRead(RegisterFile.CQH, 4));
        long[] nop = Commands.iofenceC(false, 0, 0, false, false, false);
        memory.store(slot, nop[0], "IOFENCE.C replacing the illegal command dw0");
        memory.store(slot + 8, nop[1], "IOFENCE.C replacing the illegal command dw1");
        emit(new Action.RegisterWrite(RegisterFile.CQCSR, 4, driver.cqControl() | (1L << 10)));
        emit(new Action.RegisterRead(RegisterFile.CQH, 4));
    }

    // ------------------------------------------------------------------ changes to structures

    private void changePageTable() {
        List<Mapping> all = new ArrayList<>();
        for (Domain dm : domains) all.addAll(dm.mappings);
        if (all.isEmpty()) return;
        Mapping m = all.get(random.nextInt(all.size()));
        if (overlap > 1 && random.nextInt(3) != 0) {
            // The race: devices keep using the mapping while software changes it, invalidates and fences; one
            // time in three software goes on to change a second mapping while DMA continues.
            Mapping second = random.nextInt(3) == 0 ? all.get(random.nextInt(all.size())) : null;
            if (second != null && second.pteAddress != m.pteAddress) {
                windows.twoChanges(n -> { for (int i = 0; i < n; i++) accessOnce(m); },
                        n -> { for (int i = 0; i < n; i++) accessOnce(second); }, () -> rewrite(m), () -> rewrite(second));
                accessAgain(second);
            } else {
                int k = 1 + random.nextInt(overlap);
                windows.window(() -> { for (int i = 0; i < k; i++) accessOnce(m); }, () -> rewrite(m));
            }
        } else {
            // Often the mapping is in use just before it changes, so that the IOMMU may hold it in its caches
            // (a two-stage translation through a changed G-stage PTE included) and must drop it on invalidation.
            if (random.nextBoolean()) accessAgain(m);
            rewrite(m);
        }
        accessAgain(m);
    }

    /** Software changes mapping {@code m}'s PTE and, usually, invalidates it and fences. */
    private void rewrite(Mapping m) {
        long pte = memory.load(m.pteAddress);
        long updated;
        switch (random.nextInt(4)) {
            case 0: updated = pte & ~PageTable.V; break;                                    // unmap
            case 1: updated = (pte & ~0xfeL) | leafFlags(m.domain.gStageOnly || m.inG); break; // new permissions
            case 2: updated = pte ^ (1L << (10 + m.shift - 12 + random.nextInt(8))); break;   // other page
            default: updated = pte | PageTable.V; break;                                   // (re)map
        }
        memory.store(m.pteAddress, updated, "change " + m.domain.name + " PTE for 0x" + Long.toHexString(m.va));
        // A G-stage PTE of a directory or first-stage table page maps a GPA a DC or PC may hold translated
        // ("An implementation may translate such fields to a supervisor-PPN as part of caching the DC ...
        // software must invalidate all such cached DC using IODIR.INVAL_DDT", iommu_sw_guidelines): software
        // follows the guidelines at once, since nothing but that command drops such a cached context.
        boolean heldInContext = m.inG && structurePages.contains(m.va);
        boolean invalidate = random.nextInt(10) < 7 || heldInContext;
        if (invalidate) {
            Domain dm = m.domain;
            boolean av = random.nextBoolean();
            long addr = m.va + (random.nextLong() & ((1L << m.shift) - 1) & ~0xfffL);
            if (m.inG) {
                command(Commands.iotinval(true, av, addr, false, 0, true, dm.gscid, false, false), "IOTINVAL.GVMA");
                if (heldInContext) {
                    for (Device d : devices) {
                        if (d.gDomain == dm) command(Commands.iodirInvalDdt(true, d.id), "IODIR.INVAL_DDT");
                    }
                }
            } else {
                boolean pscv = random.nextInt(4) != 0;
                command(Commands.iotinval(false, av, addr, pscv, dm.pscid, dm.gStage != null, dm.gscid, false, false),
                        "IOTINVAL.VMA");
            }
            fence(false);
        }
    }

    /** A device that uses the changed mapping accesses it again (through the first stage if there is one). */
    private void accessAgain(Mapping m) {
        Domain dm = m.via != null ? m.via : m.domain;
        if (dm.users.isEmpty()) return;
        for (int i = 1 + random.nextInt(2); i > 0; i--) accessOnce(m);
    }

    /** One request of a device that uses mapping {@code m}, to an address in it. */
    private void accessOnce(Mapping m) {
        Domain dm = m.via != null ? m.via : m.domain;
        long va = m.via != null ? m.viaVa : m.va;
        if (dm.users.isEmpty()) return;
        Action.Translate u = dm.users.get(random.nextInt(dm.users.size()));
        long iova = va + (random.nextLong() & ((1L << m.shift) - 1) & ~7L);
        last = new Action.Translate(nextTag(), u.deviceId(), u.pv(), u.processId(), u.pv() && random.nextInt(3) == 0,
                untranslatedType(), iova);
        emit(last);
    }

    private void changeDeviceContext() {
        Device d = devices.get(random.nextInt(devices.size()));
        if (d.processes != null && !d.processes.isEmpty() && random.nextBoolean()) {
            changeProcessContext(d, d.processes.get(random.nextInt(d.processes.size())));
            return;
        }
        long tc = memory.load(d.dcAddress);
        long updated = random.nextInt(3) == 0 ? tc ^ 1 : tc ^ (1L << 4); // V or DTF flips
        memory.store(d.dcAddress, updated, "change DC tc of device 0x" + Integer.toHexString(d.id));
        if (random.nextInt(10) < 8) {
            command(Commands.iodirInvalDdt(random.nextInt(2) != 0, d.id), "IODIR.INVAL_DDT");
            fence(false);
        }
        Domain dm = d.domain;
        if (dm != null && !dm.mappings.isEmpty()) {
            Mapping m = dm.mappings.get(random.nextInt(dm.mappings.size()));
            emit(new Action.Translate(nextTag(), d.id, false, 0, false, untranslatedType(),
                    m.va + (random.nextLong() & ((1L << m.shift) - 1) & ~7L)));
        }
    }

    /** A PC's V bit flips; software invalidates it with IODIR.INVAL_PDT (spec: IODIR) and fences, or not. */
    private void changeProcessContext(Device d, Process p) {
        long ta = memory.load(p.pcAddress());
        memory.store(p.pcAddress(), ta ^ 1, "change PC ta of device 0x" + Integer.toHexString(d.id) + " pid 0x"
                + Integer.toHexString(p.pid()));
        if (random.nextInt(10) < 8) {
            command(Commands.iodirInvalPdt(d.id, p.pid()), "IODIR.INVAL_PDT");
            fence(false);
        }
        Domain dm = p.domain();
        if (!dm.mappings.isEmpty()) {
            Mapping m = dm.mappings.get(random.nextInt(dm.mappings.size()));
            emit(new Action.Translate(nextTag(), d.id, true, p.pid(), false, untranslatedType(),
                    m.va + (random.nextLong() & ((1L << m.shift) - 1) & ~7L)));
        }
    }

    /**
     * A structure word the IOMMU reads starts answering an access fault or corrupted data. Software then
     * invalidates every cache, as after any change to the structures, so that the IOMMU must read the
     * word again; later the word may heal.
     */
    private void failMemoryWord() {
        if (structureWords.isEmpty()) return;
        long pa = structureWords.get(random.nextInt(structureWords.size()));
        if (!msiUsers.isEmpty() && random.nextInt(6) == 0) {
            // MSI PTEs are few among the structure words: aim at one now and then (causes 261, 270).
            pa = new java.util.ArrayList<>(msiUsers.keySet()).get(random.nextInt(msiUsers.size()));
        }
        emit(new Action.MemoryError(pa, 1 + random.nextInt(2)));
        invalidateAll();
        Action.Translate msi = msiUsers.get(pa);
        if (msi != null) {
            // An MSI PTE is only read for its interrupt file's page: write to it (causes 261, 270).
            emit(new Action.Translate(nextTag(), msi.deviceId(), false, 0, false, Ttyp.UNTRANSLATED_WRITE,
                    msi.iova() | (random.nextInt(1024) * 4L)));
        }
        if (random.nextBoolean()) {
            int lookahead = 3;
            for (int i = 0; i < lookahead; i++) translate();
            emit(new Action.MemoryError(pa, 0));
        }
    }

    /** Invalidates the DDT/PDT caches and every address space, then fences (spec: "Caching", IODIR, IOTINVAL). */
    private void invalidateAll() {
        command(Commands.iodirInvalDdt(false, 0), "IODIR.INVAL_DDT all");
        command(Commands.iotinval(false, false, 0, false, 0, false, 0, false, false), "IOTINVAL.VMA all host");
        for (Domain dm : domains) {
            if (dm.gStageOnly) {
                command(Commands.iotinval(false, false, 0, false, 0, true, dm.gscid, false, false),
                        "IOTINVAL.VMA all of GSCID " + dm.gscid);
            }
        }
        command(Commands.iotinval(true, false, 0, false, 0, false, 0, false, false), "IOTINVAL.GVMA all");
        fence(false);
    }

    private void mapMore() {
        if (domains.isEmpty()) return;
        Domain dm = domains.get(random.nextInt(domains.size()));
        mapRandom(dm, 1 + random.nextInt(4));
    }

    // ------------------------------------------------------------------ devices and domains

    private int deviceIdBits() { return driver.deviceIdBits(mode); }

    private void addDevice() {
        // Leave most device_ids unused (they exercise "DDT entry not valid"), and keep the search finite.
        if (devices.size() >= Math.min(256, (1 << deviceIdBits()) / 2)) return;
        int id;
        do {
            id = random.nextInt(1 << deviceIdBits());
        } while (hasDevice(id));
        Device d = new Device(id);
        d.dcAddress = deviceContextAddress(id);
        int kind = random.nextInt(100);
        long tc = 1; // V
        long iohgatp = 0;
        long ta = 0;
        long fsc = 0;
        long msiptp = 0;
        long msiMask = 0;
        long msiPattern = 0;
        boolean gCap = caps.sv39x4() || caps.sv48x4();
        boolean sCap = caps.sv39() || caps.sv48();
        if (kind < 8) {
            tc = 0; // not valid (sometimes with reserved bits as well: V=0 is checked first)
            if (kind < 3) tc |= 1L << (12 + random.nextInt(12));
        }
        boolean wantG = gCap && (random.nextInt(3) == 0 || !sCap);
        Domain g = wantG ? newGStageDomain() : null;
        if (g != null) iohgatp = ((long) gMode(g) << 60) | ((long) g.gscid << 44) | (g.gStage.rootPa >>> 12);
        if (caps.amoHwad()) {
            if (random.nextBoolean()) tc |= 1L << 8; // SADE
            if (random.nextBoolean()) tc |= 1L << 7; // GADE
        }
        if (random.nextInt(6) == 0) tc |= 1L << 4; // DTF
        if (caps.ats() && random.nextInt(3) != 0) {
            tc |= DeviceContext.TC_EN_ATS;
            if (random.nextInt(4) == 0) {
                tc |= DeviceContext.TC_EN_PRI;
                if (random.nextBoolean()) tc |= DeviceContext.TC_PRPR;
            }
            if (g != null && caps.t2gpa() && random.nextBoolean()) {
                tc |= DeviceContext.TC_T2GPA; // completions return GPAs, translated requests are translated by the G stage
                d.t2gpa = true;
            }
        }
        d.gDomain = g;
        boolean pdt = (caps.pd8() || caps.pd17() || caps.pd20()) && sCap && random.nextInt(4) == 0;
        if (pdt) {
            int pdMode = pdtMode();
            tc |= 1L << 5; // PDTV
            if (random.nextInt(3) == 0) tc |= 1L << 9; // DPE
            long root = allocateStructure(g);
            fsc = ((long) pdMode << 60) | (root >>> 12);
            d.processes = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) addProcess(d, pdMode, root, g);
            d.domain = g;
        } else if (sCap && (g == null || random.nextBoolean())) {
            Domain s = newFirstStageDomain(g);
            fsc = ((long) sMode(s) << 60) | (s.pageTableRootForDc() >>> 12);
            ta = (long) s.pscid << 12;
            d.domain = s;
        } else {
            d.domain = g;
        }
        if (caps.msiFlat() && g != null && random.nextBoolean()) {
            // MSI flat page table: 2^k interrupt files matched by mask/pattern (spec: "MSI address translation").
            int k = random.nextInt(3);
            long table = allocator.page();
            msiptp = (1L << 60) | (table >>> 12);
            msiMask = (1L << k) - 1;
            msiPattern = (0x7ff00L + random.nextInt(0xff)) << k & ~msiMask;
            d.msiPattern = msiPattern;
            d.msiPages = 1 << k;
            for (int i = 0; i < (1 << k); i++) {
                long pte = random.nextInt(8) == 0 ? 0 : (3L << 1) | 1 | ((dataPage(12) >>> 12) << 10);
                if (pte != 0 && random.nextInt(10) == 0) {
                    // Misconfigured (263): a reserved mode (M=0/2), MRIF mode without MSI_MRIF, or a reserved bit.
                    int how = random.nextInt(3);
                    pte = how == 0 ? (pte & ~6L) | ((long) random.nextInt(2) * 4) : how == 1 && !caps.msiMrif()
                            ? (pte & ~6L) | 2 : pte | (1L << (54 + random.nextInt(9)));
                }
                memory.store(table + i * 16L, pte, "MSI PTE " + i + " of device 0x" + Integer.toHexString(id));
                memory.store(table + i * 16L + 8, 0, "MSI PTE " + i + " dw1");
                structureWords.add(table + i * 16L);
                msiUsers.put(table + i * 16L, new Action.Translate(0, id, false, 0, false, 0,
                        ((msiPattern | i) << 12)));
            }
        }
        long[] dc = {tc, iohgatp, ta, fsc, msiptp, msiMask, msiPattern, 0};
        if (kind >= 8 && kind < 14) DcMisconfiguration.apply(random, dc, config, caps.extendedDeviceContext());
        driver.storeDeviceContext(d.dcAddress, dc, id);
        structureWords.add(d.dcAddress);
        if (d.domain != null) d.domain.users.add(new Action.Translate(0, id, false, 0, false, 0, 0));
        if (d.processes != null) {
            for (Process p : d.processes) p.domain.users.add(new Action.Translate(0, id, true, p.pid, false, 0, 0));
        }
        devices.add(d);
    }

    private boolean hasDevice(int id) {
        for (Device d : devices) if (d.id == id) return true;
        return false;
    }

    /** Walks (building as needed) the device directory to the DC of {@code id} (spec: "Device-directory-table"). */
    private long deviceContextAddress(int id) { return driver.deviceContextAddress(mode, ddtRoot, id, structureWords); }

    private int pdtMode() {
        List<Integer> m = new ArrayList<>();
        if (caps.pd8()) m.add(1);
        if (caps.pd17()) m.add(2);
        if (caps.pd20()) m.add(3);
        return m.get(random.nextInt(m.size()));
    }

    /** A page for a directory structure; with a G stage its GPA (identity) must be mapped there. */
    private long allocateStructure(Domain g) {
        long page = allocator.page();
        if (g != null) mapIdentity(g, page);
        return page;
    }

    private void addProcess(Device d, int pdMode, long root, Domain g) {
        int pidBits = pdMode == 1 ? 8 : pdMode == 2 ? 17 : 20;
        int pid = random.nextInt(1 << pidBits);
        for (Process p : d.processes) if (p.pid == pid) return;
        long table = root;
        for (int level = pdMode - 1; level > 0; level--) {
            long index = level == 2 ? (pid >>> 17) & 7 : (pid >>> 8) & 0x1ff;
            long entry = table + index * 8;
            long pdte = memory.load(entry);
            if ((pdte & 1) == 0) {
                long next = allocateStructure(g);
                pdte = ((next >>> 12) << 10) | 1;
                memory.store(entry, pdte, "PDT non-leaf entry L" + level);
                structureWords.add(entry);
            }
            table = ((pdte >>> 10) & ((1L << 44) - 1)) << 12;
        }
        long pc = table + (pid & 0xff) * 16L;
        Domain s = newFirstStageDomain(g);
        long ta = 1 | (random.nextBoolean() ? 2 : 0) | (random.nextInt(3) == 0 ? 4 : 0) | ((long) s.pscid << 12);
        if (random.nextInt(12) == 0) ta &= ~1L; // not valid
        else if (random.nextInt(12) == 0) ta |= 1L << (32 + random.nextInt(32)); // reserved bit: misconfigured (267)
        long fsc = ((long) sMode(s) << 60) | (s.pageTableRootForDc() >>> 12);
        memory.store(pc + 8, fsc, "PC fsc of pid 0x" + Integer.toHexString(pid));
        memory.store(pc, ta, "PC ta of pid 0x" + Integer.toHexString(pid));
        structureWords.add(pc);
        d.processes.add(new Process(pid, s, pc));
    }

    private Domain newGStageDomain() {
        int levels = caps.sv48x4() && (random.nextBoolean() || !caps.sv39x4()) ? 4 : 3;
        Domain g = new Domain("G-stage GSCID " + nextGscid);
        g.gscid = nextGscid++;
        g.gStageOnly = true;
        g.gStage = new PageTable(levels, true, memory, allocator, p -> { });
        domains.add(g);
        mapRandom(g, 2 + random.nextInt(5));
        return g;
    }

    private Domain newFirstStageDomain(Domain g) {
        int levels = caps.sv48() && (random.nextBoolean() || !caps.sv39()) ? 4 : 3;
        Domain s = new Domain("first-stage PSCID " + nextPscid);
        s.pscid = nextPscid++ & 0xfffff;
        if (g != null) {
            s.gStage = g.gStage;
            s.gscid = g.gscid;
            s.gDomain = g;
        }
        s.firstStage = new PageTable(levels, false, memory, allocator, page -> {
            if (g != null) mapIdentity(g, page);
        });
        domains.add(s);
        mapRandom(s, 2 + random.nextInt(6));
        return s;
    }

    private int gMode(Domain g) { return g.gStage.levels == 4 ? 9 : 8; }

    private int sMode(Domain s) { return s.firstStage.levels == 4 ? 9 : 8; }

    /** Maps GPA = SPA for a structure page, readable and writable (A/D updates), U as G-stage PTEs need. */
    private void mapIdentity(Domain g, long page) {
        long pte = g.gStage.map(page, page, 0, PageTable.R | PageTable.W | PageTable.U | PageTable.A | PageTable.D,
                g.name + " identity");
        if (pte >= 0) {
            structureWords.add(pte);
            structurePages.add(page);
            g.mappings.add(new Mapping(g, page, 12, pte, true));
        }
    }

    private void mapRandom(Domain dm, int count) {
        for (int i = 0; i < count; i++) {
            int leafLevel = random.nextInt(10) < 7 ? 0 : random.nextInt(10) < 8 ? 1 : 2;
            int shift = 12 + 9 * leafLevel;
            PageTable table = dm.firstStage != null ? dm.firstStage : dm.gStage;
            int vaBits = table.addressBits() - (dm.firstStage != null ? 1 : 0);
            long va = (random.nextLong() & ((1L << vaBits) - 1)) & -(1L << shift);
            if (dm.firstStage != null && random.nextInt(8) == 0) va |= -(1L << (table.addressBits() - 1));
            boolean misaligned = leafLevel > 0 && random.nextInt(10) == 0;
            if (leafLevel == 0 && !(dm.firstStage != null && dm.gStage != null) && random.nextInt(8) == 0) {
                mapNapot(dm, table, va & -(1L << 16));
                continue;
            }
            long target;
            if (dm.firstStage != null && dm.gStage != null) {
                // The first stage yields a GPA, which the G stage maps to data.
                long gpa = (random.nextLong() & ((1L << (dm.gStage.addressBits() - 1)) - 1)) & -(1L << shift);
                target = gpa;
                long gpte = dm.gStage.map(gpa, dataPage(shift), leafLevel, leafFlags(true), dm.name + " G data");
                if (gpte >= 0) {
                    structureWords.add(gpte);
                    dm.gDomain.mappings.add(new Mapping(dm.gDomain, gpa, shift, gpte, true, dm, va));
                }
            } else {
                target = dataPage(shift);
            }
            if (misaligned) target |= 1L << 12;
            long pte = table.map(va, target, leafLevel, leafFlags(dm.firstStage == null), dm.name);
            if (pte >= 0) {
                dm.mappings.add(new Mapping(dm, va, shift, pte, dm.firstStage == null));
                structureWords.add(pte);
            }
        }
    }

    /**
     * A 64 KiB Svnapot mapping: the 16 PTEs of the range, identical (Priv "Svnapot"). It stays as it is
     * (changes to one of its PTEs would make the range inconsistent), so it is not in the change pool.
     */
    private void mapNapot(Domain dm, PageTable table, long va) {
        long pa = dataPage(16);
        long first = table.mapNapot(va, pa, leafFlags(dm.firstStage == null) | PageTable.A, dm.name + " Svnapot");
        if (first >= 0) dm.napot.add(new Mapping(dm, va, 16, first, dm.firstStage == null));
    }

    /** Leaf permission bits: mostly usable, sometimes reserved encodings (W without R, xwr=010 ...). */
    private long leafFlags(boolean gStage) {
        long[] rwx = {PageTable.R, PageTable.R | PageTable.W, PageTable.R | PageTable.X,
                PageTable.R | PageTable.W | PageTable.X, PageTable.X, PageTable.W, PageTable.W | PageTable.X};
        int pick = random.nextInt(100);
        long f = rwx[pick < 40 ? 1 : pick < 60 ? 0 : pick < 75 ? 3 : pick < 85 ? 2 : pick < 92 ? 4 : 5 + random.nextInt(2)];
        if (gStage ? random.nextInt(10) != 0 : random.nextInt(3) != 0) f |= PageTable.U;
        if (random.nextInt(10) != 0) f |= PageTable.A;
        if (random.nextInt(4) != 0) f |= PageTable.D;
        if (!gStage && random.nextInt(8) == 0) f |= PageTable.G;
        if (random.nextInt(30) == 0) f |= reservedPteBits();
        return f;
    }

    /**
     * Bits a leaf PTE must not have set here (Priv: page-table entry formats): reserved bits 60:54 (58:54
     * with Svrsw60t59b), PBMT without Svpbmt or PBMT=3, N outside a level-0 NAPOT encoding.
     */
    private long reservedPteBits() {
        switch (random.nextInt(3)) {
            case 0: return 1L << (54 + random.nextInt(caps.svrsw60t59b() ? 5 : 7));
            case 1: return caps.svpbmt() ? 3L << 61 : (1L + random.nextInt(3)) << 61;
            default: return 1L << 63;
        }
    }

    /** A random physical data page aligned to {@code 2^shift}, inside the physical address space. */
    private long dataPage(int shift) {
        int pas = Math.min(caps.pas(), 48);
        long span = (1L << pas) - DATA_BASE;
        return (DATA_BASE + (random.nextLong() & (span - 1))) & -(1L << shift) & ((1L << pas) - 1);
    }

    // ------------------------------------------------------------------ generator state

    private static final class Device {
        final int id;
        long dcAddress;
        Domain domain;
        List<Process> processes;
        long msiPattern;
        int msiPages;
        /** The G stage of the DC (null when iohgatp is Bare), and whether DC.tc.T2GPA is set. */
        Domain gDomain;
        boolean t2gpa;

        Device(int id) { this.id = id; }
    }

    private record Process(int pid, Domain domain, long pcAddress) {}

    /** An address space: a first stage (PSCID), a G stage (GSCID), or both. */
    private static final class Domain {
        final String name;
        int pscid;
        int gscid;
        boolean gStageOnly;
        PageTable firstStage;
        PageTable gStage;
        Domain gDomain;
        final List<Mapping> mappings = new ArrayList<>();
        /** Svnapot mappings: translated, never changed. */
        final List<Mapping> napot = new ArrayList<>();
        /** Who reaches this address space: device_id, and process_id when pv. */
        final List<Action.Translate> users = new ArrayList<>();

        Domain(String name) { this.name = name; }

        long pageTableRootForDc() { return firstStage.rootPa; }
    }

    /**
     * A leaf the generator created: the address it maps, its size and where its PTE is; for a G-stage leaf
     * behind a first stage, {@code via} is the first-stage domain and {@code viaVa} the address a device
     * uses to reach it.
     */
    private record Mapping(Domain domain, long va, int shift, long pteAddress, boolean inG, Domain via, long viaVa) {
        Mapping(Domain domain, long va, int shift, long pteAddress, boolean inG) {
            this(domain, va, shift, pteAddress, inG, null, 0);
        }
    }
}
