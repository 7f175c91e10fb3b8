package dev.lockstep.refmodel.command;

/**
 * Command encodings (spec: "Command-Queue (CQ)"): 16 bytes as two doublewords, opcode[6:0], func3[9:7].
 * Field positions below are bit positions in dword0 ({@code dw0}) or dword1 ({@code dw1}).
 */
public final class Commands {
    private Commands() {}

    public static final int IOTINVAL = 1;
    public static final int IOFENCE = 2;
    public static final int IODIR = 3;
    public static final int ATS = 4;

    public static final int IOTINVAL_VMA = 0;
    public static final int IOTINVAL_GVMA = 1;
    public static final int IOFENCE_C = 0;
    public static final int IODIR_INVAL_DDT = 0;
    public static final int IODIR_INVAL_PDT = 1;
    public static final int ATS_INVAL = 0;
    public static final int ATS_PRGR = 1;

    public static int opcode(long dw0) { return (int) (dw0 & 0x7f); }
    public static int func3(long dw0) { return (int) ((dw0 >>> 7) & 7); }
    static boolean bit(long v, int n) { return ((v >>> n) & 1) != 0; }
    static long bits(long v, int hi, int lo) { return (v >>> lo) & ((1L << (hi - lo + 1)) - 1); }

    // ---- encoders, for tests and stimulus generators ----

    /** IOTINVAL.VMA (gvma=false) or IOTINVAL.GVMA (gvma=true). */
    public static long[] iotinval(boolean gvma, boolean av, long addr, boolean pscv, int pscid, boolean gv,
                                  int gscid, boolean nl, boolean s) {
        long dw0 = IOTINVAL | ((long) (gvma ? IOTINVAL_GVMA : IOTINVAL_VMA) << 7) | (av ? 1L << 10 : 0)
                | ((pscid & 0xfffffL) << 12) | (pscv ? 1L << 32 : 0) | (gv ? 1L << 33 : 0) | (nl ? 1L << 34 : 0)
                | ((gscid & 0xffffL) << 44);
        long dw1 = (s ? 1L << 9 : 0) | (((addr >>> 12) & ((1L << 52) - 1)) << 10);
        return new long[] {dw0, dw1};
    }

    public static long[] iofenceC(boolean av, long addr, int data, boolean wsi, boolean pr, boolean pw) {
        long dw0 = IOFENCE | (av ? 1L << 10 : 0) | (wsi ? 1L << 11 : 0) | (pr ? 1L << 12 : 0) | (pw ? 1L << 13 : 0)
                | ((data & 0xffffffffL) << 32);
        long dw1 = (addr >>> 2) & ((1L << 62) - 1);
        return new long[] {dw0, dw1};
    }

    public static long[] iodirInvalDdt(boolean dv, int did) {
        return new long[] {IODIR | (dv ? 1L << 33 : 0) | ((did & 0xffffffL) << 40), 0};
    }

    public static long[] iodirInvalPdt(int did, int pid) {
        return new long[] {IODIR | ((long) IODIR_INVAL_PDT << 7) | ((pid & 0xfffffL) << 12) | (1L << 33)
                | ((did & 0xffffffL) << 40), 0};
    }

    public static long[] atsInval(int rid, boolean pv, int pid, boolean dsv, int dseg, long payload) {
        return new long[] {ATS | ((pid & 0xfffffL) << 12) | (pv ? 1L << 32 : 0) | (dsv ? 1L << 33 : 0)
                | ((rid & 0xffffL) << 40) | ((dseg & 0xffL) << 56), payload};
    }

    public static long[] atsPrgr(int rid, boolean pv, int pid, int prgIndex, int responseCode) {
        long payload = ((prgIndex & 0x1ffL) << 32) | ((responseCode & 0xfL) << 44);
        return new long[] {ATS | ((long) ATS_PRGR << 7) | ((pid & 0xfffffL) << 12) | (pv ? 1L << 32 : 0)
                | ((rid & 0xffffL) << 40), payload};
    }
}
