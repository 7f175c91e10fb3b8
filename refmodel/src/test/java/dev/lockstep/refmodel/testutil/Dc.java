package dev.lockstep.refmodel.testutil;

/** A device context under construction (IOMMU "Device-context fields"), written by {@link Scenario#writeDc}. */
public final class Dc {
    // tc bits
    public static final long V = 1, EN_ATS = 1 << 1, EN_PRI = 1 << 2, T2GPA = 1 << 3, DTF = 1 << 4, PDTV = 1 << 5,
            PRPR = 1 << 6, GADE = 1 << 7, SADE = 1 << 8, DPE = 1 << 9, SBE = 1 << 10, SXL = 1 << 11;

    public long tc = V, iohgatp, ta, fsc, msiptp, msiAddrMask, msiAddrPattern, reserved;

    public Dc tc(long bits) { tc |= bits; return this; }
    public Dc tcClear(long bits) { tc &= ~bits; return this; }
    /** iosatp / pdtp: MODE[63:60], PPN[43:0]. */
    public Dc fsc(int mode, long ppn) { fsc = ((long) mode << 60) | ppn; return this; }
    public Dc iohgatp(int mode, int gscid, long ppn) { iohgatp = ((long) mode << 60) | ((long) gscid << 44) | ppn; return this; }
    public Dc pscid(int pscid) { ta = (ta & ~(0xfffffL << 12)) | ((long) pscid << 12); return this; }
    public Dc msi(int mode, long ppn, long mask, long pattern) {
        msiptp = ((long) mode << 60) | ppn;
        msiAddrMask = mask;
        msiAddrPattern = pattern;
        return this;
    }

    public long[] dwords(boolean extended) {
        return extended ? new long[] {tc, iohgatp, ta, fsc, msiptp, msiAddrMask, msiAddrPattern, reserved}
                : new long[] {tc, iohgatp, ta, fsc};
    }
}
