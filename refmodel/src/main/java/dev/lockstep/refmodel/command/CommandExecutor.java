package dev.lockstep.refmodel.command;

import static dev.lockstep.refmodel.command.Commands.*;

import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.effect.ImplicitMemory;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * Decodes and executes one command (spec: "Command-Queue (CQ)"). A command is illegal if it uses a
 * reserved encoding or sets a reserved bit, and unsupported if capabilities say it is not implemented;
 * both stop the queue with cmd_ill. Commands complete synchronously, so IOFENCE.C only has to report
 * an earlier ATS.INVAL timeout (cmd_to), perform its AV store (a fault sets cqmf) and its WSI.
 */
public final class CommandExecutor {

    /** The command completed; the queue advances cqh. */
    public static final int COMPLETED = 0;
    /** Illegal or unsupported: cmd_ill, cqh stays on it. */
    public static final int ILLEGAL = 1;
    /** A memory fault of the command's own access (IOFENCE.C AV store): cqmf, cqh stays on it. */
    public static final int MEMORY_FAULT = 2;
    /** IOFENCE.C found an earlier ATS.INVAL timed out: cmd_to, cqh stays on the fence. */
    public static final int TIMEOUT = 3;

    private final RegisterFile regs;
    private final ImplicitMemory memory;
    private final EffectSink sink;
    private InvalidationListener invalidations = InvalidationListener.NONE;
    private AtsDevices atsDevices = AtsDevices.ALWAYS_COMPLETE;
    private boolean atsTimeoutPending;
    private String lastIllegalReason = "";

    public CommandExecutor(RegisterFile regs, ImplicitMemory memory, EffectSink sink) {
        this.regs = regs;
        this.memory = memory;
        this.sink = sink;
    }

    public void setInvalidationListener(InvalidationListener l) { invalidations = l == null ? InvalidationListener.NONE : l; }
    public void setAtsDevices(AtsDevices d) { atsDevices = d == null ? AtsDevices.ALWAYS_COMPLETE : d; }

    /** Why the last command was illegal, for reports. */
    public String lastIllegalReason() { return lastIllegalReason; }

    public void reset() { atsTimeoutPending = false; }

    /** Executes a command; returns COMPLETED, ILLEGAL, MEMORY_FAULT or TIMEOUT. */
    public int execute(long dw0, long dw1) {
        int op = opcode(dw0);
        switch (op) {
            case IOTINVAL: return iotinval(dw0, dw1);
            case IOFENCE: return iofence(dw0, dw1);
            case IODIR: return iodir(dw0, dw1);
            case ATS: return ats(dw0, dw1);
            default: return illegal(op >= 64 ? "custom opcode " + op + " is not supported" : "reserved opcode " + op);
        }
    }

    private int illegal(String why) {
        lastIllegalReason = why;
        return ILLEGAL;
    }

    private int iotinval(long dw0, long dw1) {
        int f = func3(dw0);
        if (f != IOTINVAL_VMA && f != IOTINVAL_GVMA) return illegal("IOTINVAL: reserved func3 " + f);
        Capabilities caps = regs.capabilities();
        long rsvd0 = (1L << 11) | (bits(-1L, 43, 35) << 35) | (0xfL << 60) | (caps.nl() ? 0 : 1L << 34);
        long rsvd1 = 0x1ffL | (caps.s() ? 0 : 1L << 9) | (3L << 62);
        if ((dw0 & rsvd0) != 0 || (dw1 & rsvd1) != 0) return illegal("IOTINVAL: reserved bit set");
        boolean av = bit(dw0, 10);
        int pscid = (int) bits(dw0, 31, 12);
        boolean pscv = bit(dw0, 32);
        boolean gv = bit(dw0, 33);
        boolean nl = bit(dw0, 34);
        int gscid = (int) bits(dw0, 59, 44);
        boolean s = bit(dw1, 9);
        long addr = bits(dw1, 61, 10) << 12;
        if (f == IOTINVAL_GVMA) {
            if (pscv) return illegal("IOTINVAL.GVMA with PSCV=1 is illegal");
            invalidations.iotinvalGvma(gv, gscid, av, addr, nl, s);
        } else {
            invalidations.iotinvalVma(gv, gscid, pscv, pscid, av, addr, nl, s);
        }
        return COMPLETED;
    }

    private int iofence(long dw0, long dw1) {
        int f = func3(dw0);
        if (f != IOFENCE_C) return illegal("IOFENCE: reserved func3 " + f);
        if ((dw0 & (bits(-1L, 31, 14) << 14)) != 0 || (dw1 & (3L << 62)) != 0) {
            return illegal("IOFENCE.C: reserved bit set");
        }
        boolean av = bit(dw0, 10);
        boolean wsi = bit(dw0, 11);
        if (wsi && !regs.wsi()) return illegal("IOFENCE.C: WSI is reserved when fctl.WSI=0");
        if (atsTimeoutPending) {
            // spec: cmd_to, "cqh holds the index of the IOFENCE.C that timed out".
            atsTimeoutPending = false;
            return TIMEOUT;
        }
        if (av) {
            long addr = bits(dw1, 61, 0) << 2;
            int data = (int) (dw0 >>> 32);
            if (!memory.store32(EffectSink.WRITE_IOFENCE, addr, data)) return MEMORY_FAULT;
        }
        if (wsi) regs.hwSetCqcsrBits(RegisterFile.CQCSR_FENCE_W_IP);
        // PR/PW: every request this untimed model processed is already globally observed.
        invalidations.fenceCompleted();
        return COMPLETED;
    }

    private int iodir(long dw0, long dw1) {
        int f = func3(dw0);
        if (f != IODIR_INVAL_DDT && f != IODIR_INVAL_PDT) return illegal("IODIR: reserved func3 " + f);
        long rsvd0 = (3L << 10) | (1L << 32) | (0x3fL << 34);
        if ((dw0 & rsvd0) != 0 || dw1 != 0) return illegal("IODIR: reserved bit set");
        int pid = (int) bits(dw0, 31, 12);
        boolean dv = bit(dw0, 33);
        int did = (int) bits(dw0, 63, 40);
        if (dv && did > maxDeviceId()) {
            return illegal("IODIR: DID 0x" + Integer.toHexString(did) + " wider than ddtp.iommu_mode supports");
        }
        if (f == IODIR_INVAL_DDT) {
            if (pid != 0) return illegal("IODIR.INVAL_DDT: PID is reserved");
            invalidations.iodirInvalDdt(dv, did);
        } else {
            if (!dv) return illegal("IODIR.INVAL_PDT requires DV=1");
            if (pid > maxProcessId()) return illegal("IODIR.INVAL_PDT: PID wider than supported");
            invalidations.iodirInvalPdt(did, pid);
        }
        return COMPLETED;
    }

    /**
     * Largest device_id the current ddtp.iommu_mode supports (spec: DDT, device_id widths: base format
     * 7/16/24 bits, extended format 6/15/24 bits). In Off and Bare there is no directory; this model
     * then accepts any 24-bit DID (implementation choice).
     */
    public int maxDeviceId() {
        IommuMode mode = regs.mode();
        boolean ext = regs.capabilities().extendedDeviceContext();
        int bits;
        switch (mode == null ? IommuMode.OFF : mode) {
            case LVL1: bits = ext ? 6 : 7; break;
            case LVL2: bits = ext ? 15 : 16; break;
            default: bits = 24;
        }
        return (1 << bits) - 1;
    }

    /** Largest process_id supported: PD20, PD17 or PD8 (spec: capabilities); 0 if no PDT is supported. */
    public int maxProcessId() {
        Capabilities c = regs.capabilities();
        int bits = c.pd20() ? 20 : c.pd17() ? 17 : c.pd8() ? 8 : 0;
        return (1 << bits) - 1;
    }

    private int ats(long dw0, long dw1) {
        if (!regs.capabilities().ats()) return illegal("ATS commands are unsupported (capabilities.ATS=0)");
        int f = func3(dw0);
        if (f != ATS_INVAL && f != ATS_PRGR) return illegal("ATS: reserved func3 " + f);
        if ((dw0 & ((3L << 10) | (0x3fL << 34))) != 0) return illegal("ATS: reserved bit set");
        int pid = (int) bits(dw0, 31, 12);
        boolean pv = bit(dw0, 32);
        boolean dsv = bit(dw0, 33);
        int rid = (int) bits(dw0, 55, 40);
        int dseg = (int) bits(dw0, 63, 56);
        if (f == ATS_INVAL) {
            sink.atsInvalidationRequest(rid, dsv, dseg, pv, pid, dw1);
            if (!atsDevices.invalidationCompletes(rid, pv, pid, dw1)) atsTimeoutPending = true;
        } else {
            sink.pageRequestGroupResponse(rid, dsv, dseg, pv, pid, (int) bits(dw1, 40, 32), (int) bits(dw1, 47, 44), false);
        }
        return COMPLETED;
    }
}
