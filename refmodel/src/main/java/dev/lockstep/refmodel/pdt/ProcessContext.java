package dev.lockstep.refmodel.pdt;

/**
 * A process context (IOMMU "Leaf PDT entry"): ta (V, ENS, SUM, PSCID) and fsc (PPN, MODE), read in
 * DC.tc.SBE byte order. Mutable and reused per translation.
 */
public final class ProcessContext {

    private long ta;
    private long fsc;

    public void set(long ta, long fsc) {
        this.ta = ta;
        this.fsc = fsc;
    }

    public long ta() { return ta; }
    public long fsc() { return fsc; }
    public boolean v() { return (ta & 1) != 0; }
    public boolean ens() { return (ta & 2) != 0; }
    public boolean sum() { return (ta & 4) != 0; }
    public int pscid() { return (int) ((ta >>> 12) & 0xfffff); }
    public long fscPpn() { return fsc & ((1L << 44) - 1); }
    public int fscMode() { return (int) (fsc >>> 60); }
}
