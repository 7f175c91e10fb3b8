package dev.lockstep.refmodel.ddt;

/**
 * A device context (IOMMU "Leaf DDT entry"): four doublewords in the base format, eight in the
 * extended format, with its fields decoded on demand. Mutable and reused per translation; the raw
 * doublewords are those read (after fctl.BE byte-order conversion).
 */
public final class DeviceContext {

    public static final int TC = 0, IOHGATP = 1, TA = 2, FSC = 3, MSIPTP = 4, MSI_ADDR_MASK = 5, MSI_ADDR_PATTERN = 6, RESERVED = 7;

    private final long[] dw = new long[8];
    private int dwords;

    public void set(int index, long value) { dw[index] = value; }
    public void clear(int dwords) {
        this.dwords = dwords;
        for (int i = 0; i < 8; i++) dw[i] = 0;
    }
    /** 4 for a base-format DC, 8 for an extended-format DC. */
    public int dwords() { return dwords; }
    public boolean extended() { return dwords == 8; }
    public long dword(int index) { return dw[index]; }

    // tc (IOMMU "Translation control"): the field bits, for software that builds device contexts too.
    public static final long TC_V = 1, TC_EN_ATS = 1L << 1, TC_EN_PRI = 1L << 2, TC_T2GPA = 1L << 3, TC_DTF = 1L << 4,
            TC_PDTV = 1L << 5, TC_PRPR = 1L << 6, TC_GADE = 1L << 7, TC_SADE = 1L << 8, TC_DPE = 1L << 9,
            TC_SBE = 1L << 10, TC_SXL = 1L << 11;

    public long tc() { return dw[TC]; }
    public boolean v() { return tc(TC_V); }
    public boolean enAts() { return tc(TC_EN_ATS); }
    public boolean enPri() { return tc(TC_EN_PRI); }
    public boolean t2gpa() { return tc(TC_T2GPA); }
    public boolean dtf() { return tc(TC_DTF); }
    public boolean pdtv() { return tc(TC_PDTV); }
    public boolean prpr() { return tc(TC_PRPR); }
    public boolean gade() { return tc(TC_GADE); }
    public boolean sade() { return tc(TC_SADE); }
    public boolean dpe() { return tc(TC_DPE); }
    public boolean sbe() { return tc(TC_SBE); }
    public boolean sxl() { return tc(TC_SXL); }

    private boolean tc(long field) { return (dw[TC] & field) != 0; }

    // iohgatp: PPN[43:0], GSCID[59:44], MODE[63:60]
    public long iohgatpPpn() { return dw[IOHGATP] & PPN_MASK; }
    public int gscid() { return (int) ((dw[IOHGATP] >>> 44) & 0xffff); }
    public int iohgatpMode() { return (int) (dw[IOHGATP] >>> 60); }

    // ta: PSCID[31:12], RCID[51:40], MCID[63:52]
    public int pscid() { return (int) ((dw[TA] >>> 12) & 0xfffff); }

    // fsc: iosatp or pdtp, PPN[43:0], MODE[63:60]
    public long fscPpn() { return dw[FSC] & PPN_MASK; }
    public int fscMode() { return (int) (dw[FSC] >>> 60); }

    // Extended format
    public long msiptpPpn() { return dw[MSIPTP] & PPN_MASK; }
    public int msiptpMode() { return (int) (dw[MSIPTP] >>> 60); }
    public long msiAddrMask() { return dw[MSI_ADDR_MASK] & MSI_FIELD_MASK; }
    public long msiAddrPattern() { return dw[MSI_ADDR_PATTERN] & MSI_FIELD_MASK; }

    public static final long PPN_MASK = (1L << 44) - 1;
    public static final long MSI_FIELD_MASK = (1L << 52) - 1;
    public static final int MSIPTP_OFF = 0, MSIPTP_FLAT = 1;
    public static final int PDTP_BARE = 0, PD8 = 1, PD17 = 2, PD20 = 3;
}
