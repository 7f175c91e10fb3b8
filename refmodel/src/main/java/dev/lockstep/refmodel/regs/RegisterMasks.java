package dev.lockstep.refmodel.regs;

/**
 * Which register bits a lockstep checker must NOT compare between the model and a DUT, because the
 * spec leaves their value UNSPECIFIED or the hardware updates them on its own clock.
 *
 * <p>{@link #ignoreMask(int, int)} gives the bits to ignore for a read of {@code size} bytes at
 * {@code offset}; {@link #compareMask(int, int)} is its complement (the bits to compare). The masks
 * depend on the current state (e.g. cqt's low bits are UNSPECIFIED only between a cqb write and the
 * next cqt write), so ask right before comparing. What is masked, and why:
 * <ul>
 *   <li>ddtp.busy[4]: busy duration is UNSPECIFIED (spec: ddtp).</li>
 *   <li>cqcsr/fqcsr/pqcsr busy[17] and on[16]: busy duration and the on-bit delay are UNSPECIFIED
 *       (spec: cqcsr.cqen "may take some time to be active").</li>
 *   <li>cqt/fqh/pqh bits LOG2SZ-1:0 after a write to cqb/fqb/pqb, until software writes the index
 *       (spec: cqb, "assume a valid but otherwise UNSPECIFIED value").</li>
 *   <li>iohpmcycles (all bits) and iocountovf.CY: a free-running clock counter (spec: iohpmcycles).</li>
 *   <li>tr_req_ctl.Go/Busy: completion time of a debug translation is UNSPECIFIED (spec: debug).</li>
 *   <li>tr_response PBMT, S and PPN when fault=1 (UNSPECIFIED); when S=1, S and the PPN bits that
 *       encode the superpage size (an IOMMU may report a 4 KiB or a smaller size, spec: tr_response).</li>
 * </ul>
 * Everything else, including reserved bits (which must read 0) is compared.
 */
public final class RegisterMasks {

    private final RegisterFile regs;

    public RegisterMasks(RegisterFile regs) { this.regs = regs; }

    /** Bits to compare for a read of {@code size} (4 or 8) bytes at {@code offset}. */
    public long compareMask(int offset, int size) {
        long m = ~ignoreMask(offset, size);
        return size == 8 ? m : m & 0xffffffffL;
    }

    /** Bits to ignore for a read of {@code size} (4 or 8) bytes at {@code offset}. */
    public long ignoreMask(int offset, int size) {
        if (size != 4 && size != 8) throw new IllegalArgumentException("size must be 4 or 8, got " + size);
        if (size == 8) {
            return (ignore32(offset) & 0xffffffffL) | ((long) ignore32(offset + 4) << 32);
        }
        return ignore32(offset) & 0xffffffffL;
    }

    private int ignore32(int offset) {
        if (!regs.isPresent(offset)) return 0;
        int base8 = offset & ~7;
        if (RegisterFile.isEightByteRegister(base8)) {
            return (int) (ignore64(base8) >>> ((offset & 4) * 8));
        }
        switch (offset) {
            case RegisterFile.CQCSR:
                return RegisterFile.CQCSR_BUSY | RegisterFile.CQCSR_CQON;
            case RegisterFile.FQCSR:
            case RegisterFile.PQCSR:
                return RegisterFile.QCSR_BUSY | RegisterFile.QCSR_ON;
            case RegisterFile.CQT:
                return regs.cqtUnspecified() ? (int) (RegisterFile.queueEntries(regs.cqb()) - 1) : 0;
            case RegisterFile.FQH:
                return regs.fqhUnspecified() ? (int) (RegisterFile.queueEntries(regs.fqb()) - 1) : 0;
            case RegisterFile.PQH:
                return regs.pqhUnspecified() ? (int) (RegisterFile.queueEntries(regs.pqb()) - 1) : 0;
            case RegisterFile.IOCOUNTOVF:
                return 1;
            default:
                return 0;
        }
    }

    private long ignore64(int offset) {
        switch (offset) {
            case RegisterFile.DDTP:
                return RegisterFile.DDTP_BUSY;
            case RegisterFile.IOHPMCYCLES:
                return -1L;
            case RegisterFile.TR_REQ_CTL:
                return RegisterFile.TR_CTL_GO;
            case RegisterFile.TR_RESPONSE: {
                long rsp = regs.trResponse();
                if ((rsp & RegisterFile.TR_RSP_FAULT) != 0) {
                    return RegisterFile.TR_RSP_PBMT_MASK | RegisterFile.TR_RSP_S | RegisterFile.TR_RSP_PPN_MASK;
                }
                if ((rsp & RegisterFile.TR_RSP_S) != 0) {
                    long ppn = (rsp & RegisterFile.TR_RSP_PPN_MASK) >>> 10;
                    int x = Long.numberOfTrailingZeros(~ppn); // first 0 bit encodes the size
                    long sizeBits = x >= 63 ? -1L : (1L << (x + 1)) - 1;
                    return RegisterFile.TR_RSP_S | ((sizeBits << 10) & RegisterFile.TR_RSP_PPN_MASK);
                }
                return 0;
            }
            default:
                if (offset >= RegisterFile.IOHPMCTR_BASE && offset < RegisterFile.IOHPMEVT_BASE) {
                    int x = (offset - RegisterFile.IOHPMCTR_BASE) / 8 + 1;
                    long event = regs.iohpmevt(x) & RegisterFile.HPMEVT_EVENT_MASK;
                    // Events 4-8 (TLB miss, DDT/PDT/first/second-stage walks) depend on what is cached.
                    return event >= 4 && event <= 8 ? -1L : 0;
                }
                return 0;
        }
    }
}
