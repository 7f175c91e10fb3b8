package dev.lockstep.coverage;

import dev.lockstep.engine.RunObserver;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import java.util.HashMap;
import java.util.Map;

/**
 * Collects {@link Coverage} from one worker's seeds. It sees what software does (its stores, so it can
 * read back the structures software built: device contexts, process contexts, commands), what the
 * registers read (model values) and which permitted outcome each translation matched.
 */
public final class CoverageObserver implements RunObserver {

    private final Capabilities caps;
    private final Coverage coverage;
    /** Software's stores of this seed (the structures the IOMMU reads; the IOMMU never writes them). */
    private final Map<Long, Long> stores = new HashMap<>();
    private long ddtp;
    private long cqb;
    /** cqt as software last wrote it; -1 after a cqb write (the next cqt write starts the queue). */
    private long cqt = -1;

    public CoverageObserver(IommuConfig config) {
        this.caps = config.capabilities();
        this.coverage = new Coverage(config);
    }

    public Coverage coverage() { return coverage; }

    @Override
    public void seedStarted(long seed, int mutant) {
        stores.clear();
        ddtp = 0;
        cqb = 0;
        cqt = -1;
    }

    @Override
    public void action(int index, Action action) {
        if (action instanceof Action.MemoryWrite m) {
            stores.put(m.pa() & ~7L, m.value());
        } else if (action instanceof Action.RegisterWrite w) {
            registerWrite(w);
        }
    }

    private void registerWrite(Action.RegisterWrite w) {
        String reg = RegisterNames.name(w.offset());
        long window = w.size() == 8 ? -1L : 0xffffffffL;
        for (RegisterNames.Field f : RegisterNames.fields(w.offset())) {
            if ((f.mask() & window) == 0 || f.name().equals("custom")) continue;
            boolean single = f.msb() == f.lsb();
            if (!single || f.extract(w.value()) != 0) coverage.hit(Coverage.REGISTERS, reg + "." + f.name());
        }
        if (w.offset() == RegisterFile.CQB) {
            cqt = -1;
        } else if (w.offset() == RegisterFile.CQT) {
            submitted(w.value() & 0xffffffffL);
        }
    }

    /** Software moved cqt to {@code tail}: the commands between the old and the new tail were submitted. */
    private void submitted(long tail) {
        long entries = RegisterFile.queueEntries(cqb);
        long base = ((cqb >>> 10) & ((1L << 44) - 1)) << 12;
        if (cqt >= 0 && entries > 0) {
            for (long i = cqt; i != tail % entries; i = (i + 1) % entries) {
                long slot = base + i * 16;
                coverage.hit(Coverage.COMMANDS, commandName(stores.getOrDefault(slot, 0L),
                        stores.getOrDefault(slot + 8, 0L)));
            }
        }
        cqt = tail;
    }

    private String commandName(long dw0, long dw1) {
        int op = Commands.opcode(dw0);
        int f3 = Commands.func3(dw0);
        boolean av = bit(dw0, 10);
        if (op == Commands.IOTINVAL && (f3 == Commands.IOTINVAL_VMA || f3 == Commands.IOTINVAL_GVMA)) {
            boolean pscv = bit(dw0, 32);
            boolean gv = bit(dw0, 33);
            if (f3 == Commands.IOTINVAL_GVMA) {
                return pscv ? "illegal" : "IOTINVAL.GVMA" + (av ? " AV" : "") + (gv ? " GV" : "");
            }
            return "IOTINVAL.VMA" + (av ? " AV" : "") + (pscv ? " PSCV" : "") + (gv ? " GV" : "");
        }
        if (op == Commands.IOFENCE && f3 == Commands.IOFENCE_C) {
            return "IOFENCE.C" + (av ? " AV" : "") + (bit(dw0, 11) ? " WSI" : "");
        }
        if (op == Commands.IODIR && f3 == Commands.IODIR_INVAL_DDT) return "IODIR.INVAL_DDT" + (bit(dw0, 33) ? " DV" : "");
        if (op == Commands.IODIR && f3 == Commands.IODIR_INVAL_PDT) {
            return bit(dw0, 33) ? "IODIR.INVAL_PDT DV" : "illegal";
        }
        if (op == Commands.ATS && caps.ats() && f3 == Commands.ATS_INVAL) return "ATS.INVAL";
        if (op == Commands.ATS && caps.ats() && f3 == Commands.ATS_PRGR) return "ATS.PRGR";
        return "illegal";
    }

    @Override
    public void registerRead(int index, int offset, int size, long modelValue, long dutValue) {
        int shift = (offset & 4) * 8;
        long v = modelValue << shift;
        int base = offset & ~7;
        if (base == RegisterFile.DDTP && size == 8) ddtp = modelValue;
        if (base == RegisterFile.CQB && size == 8) cqb = modelValue;
        if (covers(offset, size, RegisterFile.CQCSR)) {
            long csr = modelValue;
            if ((csr & RegisterFile.CQCSR_CMD_ILL) != 0) coverage.hit(Coverage.EVENTS, "cqcsr.cmd_ill");
            if ((csr & RegisterFile.CQCSR_CQMF) != 0) coverage.hit(Coverage.EVENTS, "cqcsr.cqmf");
            if ((csr & RegisterFile.CQCSR_CMD_TO) != 0) coverage.hit(Coverage.EVENTS, "cqcsr.cmd_to");
            if ((csr & RegisterFile.CQCSR_FENCE_W_IP) != 0) coverage.hit(Coverage.EVENTS, "cqcsr.fence_w_ip");
        }
        if (covers(offset, size, RegisterFile.FQCSR)) {
            long csr = offset == RegisterFile.FQCSR ? modelValue : v >>> 32;
            if ((csr & (1L << 8)) != 0) coverage.hit(Coverage.EVENTS, "fqcsr.fqmf");
            if ((csr & (1L << 9)) != 0) coverage.hit(Coverage.EVENTS, "fqcsr.fqof");
        }
        if (covers(offset, size, RegisterFile.PQCSR)) {
            long csr = offset == RegisterFile.PQCSR ? modelValue : v >>> 32;
            if ((csr & (1L << 8)) != 0) coverage.hit(Coverage.EVENTS, "pqcsr.pqmf");
            if ((csr & (1L << 9)) != 0) coverage.hit(Coverage.EVENTS, "pqcsr.pqof");
        }
        if (covers(offset, size, RegisterFile.IPSR)) {
            long ipsr = offset == RegisterFile.IPSR ? modelValue : v >>> 32;
            if ((ipsr & 1) != 0) coverage.hit(Coverage.EVENTS, "ipsr.cip");
            if ((ipsr & 2) != 0) coverage.hit(Coverage.EVENTS, "ipsr.fip");
            if ((ipsr & 8) != 0) coverage.hit(Coverage.EVENTS, "ipsr.pip");
        }
    }

    /** Whether a read of {@code size} bytes at {@code offset} includes the 4-byte register at {@code reg}. */
    private static boolean covers(int offset, int size, int reg) {
        return offset == reg || (size == 8 && offset == reg - 4 && (reg & 4) != 0);
    }

    @Override
    public void choice(int index, String choice) {
        coverage.hit(Coverage.CHOICES, choice);
    }

    @Override
    public void translated(int index, TranslationRequest request, TranslationOutcome outcome, boolean stale) {
        if (outcome.fault()) coverage.hit(Coverage.CAUSES, String.valueOf(outcome.record().cause()));
        ats(request, outcome);
        if (stale) coverage.hit(Coverage.STALE, outcome.fault() ? "stale fault" : "stale translation");
        String result = outcome.fault() ? "fault" : "ok";
        int mode = (int) (ddtp & 0xf);
        if (mode == 1) {
            coverage.hit(Coverage.MODES, "ddtp Bare " + result);
            return;
        }
        if (mode < 2 || mode > 4) return;
        if (outcome.fault() && outcome.record().cause() >= 256) return;
        long[] dc = deviceContext(request.deviceId(), mode - 1);
        if (dc == null || (dc[0] & 1) == 0) return;
        int gMode = (int) (dc[1] >>> 60);
        int fMode = (int) (dc[3] >>> 60);
        boolean pdtv = bit(dc[0], 5);
        if (pdtv) {
            // Without a process_id, DPE=1 selects process 0; otherwise the first stage is Bare.
            boolean viaPdt = request.pv() || bit(dc[0], 9);
            if (fMode == 0 || !viaPdt) {
                fMode = 0;
            } else {
                coverage.hit(Coverage.MODES, "PD" + (fMode == 1 ? 8 : fMode == 2 ? 17 : 20) + " " + result);
                long pcFsc = processFsc(dc[3], fMode, request.pv() ? request.processId() : 0);
                fMode = (int) (pcFsc >>> 60);
            }
        }
        String first = fMode == 8 ? "Sv39" : fMode == 9 ? "Sv48" : fMode == 0 ? "Bare" : "mode" + fMode;
        String second = gMode == 8 ? "Sv39x4" : gMode == 9 ? "Sv48x4" : gMode == 0 ? "Bare" : "mode" + gMode;
        coverage.hit(Coverage.MODES, Coverage.modeName(first, second) + " " + result);
        if (!outcome.fault()) {
            String kind = first.equals("Bare") ? second.equals("Bare") ? null : "G-stage"
                    : second.equals("Bare") ? "first-stage" : "two-stage";
            int shift = outcome.pageShift();
            if (shift == 16) {
                coverage.hit(Coverage.PAGES, "Svnapot 64 KiB");
            } else if (kind != null) {
                String size = shift == 12 ? "4 KiB" : shift == 21 ? "2 MiB" : shift == 30 ? "1 GiB"
                        : shift == 39 ? "512 GiB" : "2^" + shift;
                coverage.hit(Coverage.PAGES, kind + " " + size);
            }
        }
    }

    /** ATS completion statuses and fields, and translated requests (spec: "PCIe ATS translation request handling"). */
    private void ats(TranslationRequest request, TranslationOutcome outcome) {
        int t = request.ttyp();
        boolean t2gpa = t >= Ttyp.TRANSLATED_EXEC && t <= Ttyp.ATS_TRANSLATION && t2gpa(request.deviceId());
        if (t == Ttyp.ATS_TRANSLATION) {
            if (outcome.fault()) {
                int cause = outcome.record().cause();
                coverage.hit(Coverage.ATS, cause >= 256 && cause <= 260 ? "ATS UR" : "ATS CA");
            } else if ((outcome.permissions() & (TranslationOutcome.R | TranslationOutcome.W)) == 0) {
                coverage.hit(Coverage.ATS, "ATS Success R=W=0");
            } else {
                coverage.hit(Coverage.ATS, "ATS Success");
                if (t2gpa) coverage.hit(Coverage.ATS, "T2GPA ATS Success");
                if ((outcome.ats() & TranslationOutcome.ATS_PRIV) != 0) coverage.hit(Coverage.ATS, "ATS Priv");
                if ((outcome.ats() & TranslationOutcome.ATS_G) != 0) coverage.hit(Coverage.ATS, "ATS G");
                if (request.noWrite()) coverage.hit(Coverage.ATS, "ATS no-write granted R");
                if (request.execRequested() && (outcome.permissions() & TranslationOutcome.X) != 0) {
                    coverage.hit(Coverage.ATS, "ATS exec-requested granted X");
                }
            }
        } else if (Ttyp.isTranslated(t)) {
            if (!outcome.fault()) coverage.hit(Coverage.ATS, "translated ok");
            else coverage.hit(Coverage.ATS, "translated " + outcome.record().cause());
            if (t2gpa && !outcome.fault()) coverage.hit(Coverage.ATS, "T2GPA translated ok");
            if (t2gpa && outcome.fault()) {
                int cause = outcome.record().cause();
                if (cause == 20 || cause == 21 || cause == 23) coverage.hit(Coverage.ATS, "T2GPA translated guest-page fault");
            }
        }
    }

    /**
     * CXL.io of ATS Success completions (spec: "the setting of the Priv, N, CXL.io, Global, and AMA
     * fields"): set and clear where the spec decides it, and which value the DUT chose where it is
     * UNSPECIFIED; likewise the Global bit the DUT chose where the spec leaves it open.
     */
    @Override
    public void atsCompleted(int index, TranslationRequest request, TranslationOutcome outcome, long completionWord) {
        if (outcome.fault()) return;
        if ((outcome.ats() & TranslationOutcome.ATS_G_UNSPECIFIED) != 0) {
            coverage.hit(Coverage.ATS, ((completionWord >>> 24) & 1) != 0 ? "ATS G open, DUT chose 1" : "ATS G open, DUT chose 0");
        }
        boolean set = ((completionWord >>> 29) & 1) != 0;
        if ((outcome.ats() & TranslationOutcome.ATS_CXL_IO_UNSPECIFIED) != 0) {
            coverage.hit(Coverage.ATS, set ? "ATS CXL.io UNSPECIFIED, DUT chose 1" : "ATS CXL.io UNSPECIFIED, DUT chose 0");
        } else {
            coverage.hit(Coverage.ATS, set ? "ATS CXL.io set" : "ATS CXL.io clear");
        }
    }

    /** Whether the valid DC software stored for {@code deviceId} has T2GPA set. */
    private boolean t2gpa(int deviceId) {
        int mode = (int) (ddtp & 0xf);
        if (mode < 2 || mode > 4) return false;
        long[] dc = deviceContext(deviceId, mode - 1);
        return dc != null && (dc[0] & 1) != 0 && bit(dc[0], 3);
    }

    /** The DC software stored for {@code deviceId} in a DDT of {@code levels} levels, or null. */
    private long[] deviceContext(int deviceId, int levels) {
        boolean ext = caps.extendedDeviceContext();
        int leafBits = ext ? 6 : 7;
        long table = ((ddtp >>> 10) & ((1L << 44) - 1)) << 12;
        for (int level = levels - 1; level > 0; level--) {
            int shift = leafBits + 9 * (level - 1);
            long ddte = stores.getOrDefault(table + ((deviceId >>> shift) & 0x1ff) * 8L, 0L);
            if ((ddte & 1) == 0) return null;
            table = ((ddte >>> 10) & ((1L << 44) - 1)) << 12;
        }
        int dwords = ext ? 8 : 4;
        long dcAddress = table + (long) (deviceId & ((1 << leafBits) - 1)) * dwords * 8;
        long[] dc = new long[dwords];
        for (int i = 0; i < dwords; i++) dc[i] = stores.getOrDefault(dcAddress + 8L * i, 0L);
        return dc;
    }

    /** The fsc of the process context (PDT pages are found at their GPA: the stimulus maps them 1:1). */
    private long processFsc(long pdtp, int pdMode, int pid) {
        long table = (pdtp & ((1L << 44) - 1)) << 12;
        for (int level = pdMode - 1; level > 0; level--) {
            long index = level == 2 ? (pid >>> 17) & 7 : (pid >>> 8) & 0x1ff;
            long pdte = stores.getOrDefault(table + index * 8, 0L);
            if ((pdte & 1) == 0) return 0;
            table = ((pdte >>> 10) & ((1L << 44) - 1)) << 12;
        }
        return stores.getOrDefault(table + (pid & 0xff) * 16L + 8, 0L);
    }

    private static boolean bit(long v, int n) { return ((v >>> n) & 1) != 0; }
}
