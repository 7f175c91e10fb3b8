package dev.lockstep.engine;

/**
 * Bits of a register read that are compared. Fields the spec lets hardware time on its own are
 * masked: ddtp.busy (spec: ddtp, "busy ... An IOMMU that can complete these operations synchronously
 * may hard-wire this bit to 0", so its duration is implementation-defined).
 */
final class CompareMasks {
    private CompareMasks() {}

    static final long DDTP_BUSY = 1L << 4;

    static long register(int offset, int size) {
        long all = size == 8 ? -1L : 0xffffffffL;
        if ((offset & ~7) == 16 && (offset & 4) == 0) {
            return all & ~DDTP_BUSY;
        }
        return all;
    }
}
