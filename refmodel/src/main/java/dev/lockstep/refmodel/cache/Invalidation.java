package dev.lockstep.refmodel.cache;

import dev.lockstep.refmodel.TaggedEntries;

/**
 * One executed invalidation command and which cached entries it covers (spec: IOTINVAL.VMA and
 * IOTINVAL.GVMA operand tables, IODIR, the NL and S extensions, and the caching table: DDT by
 * device_id, PDT by device_id and process_id, first stage by GSCID/PSCID/IOVA, second stage and MSI PT
 * by GSCID/GPA). {@code seq} orders it among memory writes: writes up to it are observed.
 */
record Invalidation(int kind, boolean gvOrDv, int gscid, boolean pscv, int pscid, boolean av, long addr,
                    boolean nl, boolean s, int did, int pid, long seq) {

    static final int VMA = 1;
    static final int GVMA = 2;
    static final int DDT = 3;
    static final int PDT = 4;

    /** Whether this invalidation covers trace entry {@code i}, were its flags {@code flags}. */
    boolean covers(TaggedEntries t, int i, int flags) {
        int role = t.role(i);
        switch (kind) {
            case DDT:
                // DV=0: all DDT and PDT entries. DV=1: the leaf DDT entry (DC) of DID and its PDT entries.
                if (!gvOrDv) return role == TaggedEntries.DDTE || role == TaggedEntries.DC || role == TaggedEntries.PDTE || role == TaggedEntries.PC;
                return (role == TaggedEntries.DC || role == TaggedEntries.PDTE || role == TaggedEntries.PC) && t.deviceId(i) == did;
            case PDT:
                return role == TaggedEntries.PC && t.deviceId(i) == did && t.processId(i) == pid;
            case VMA:
                return role == TaggedEntries.S1_PTE && coversVma(t, i, flags);
            case GVMA:
                return (role == TaggedEntries.G_PTE || role == TaggedEntries.MSI_PTE) && coversGvma(t, i, flags);
            default:
                return false;
        }
    }

    private boolean coversVma(TaggedEntries t, int i, int flags) {
        boolean entryGv = (flags & TaggedEntries.GV) != 0;
        if (entryGv != gvOrDv) return false;            // GV=0: host spaces only; GV=1: that GSCID only
        if (gvOrDv && t.gscid(i) != gscid) return false;
        if (pscv && ((flags & TaggedEntries.GLOBAL) != 0 || t.pscid(i) != pscid)) return false;
        if (!av) return true;
        if ((flags & TaggedEntries.LEAF) == 0 && !nl) return false; // AV=1: leaf entries only, unless NL=1
        return overlaps(t.address(i), t.regionLog2(i));
    }

    private boolean coversGvma(TaggedEntries t, int i, int flags) {
        if (!gvOrDv) return true;                        // GV=0: all VMs, all levels (AV and S ignored)
        if (t.gscid(i) != gscid) return false;
        if (!av) return true;
        if (t.role(i) == TaggedEntries.G_PTE && (flags & TaggedEntries.LEAF) == 0 && !nl) return false;
        return overlaps(t.address(i), t.regionLog2(i));
    }

    /** Whether the invalidated range (ADDR, or the NAPOT range ADDR/S) overlaps the entry's region. */
    private boolean overlaps(long entryAddr, int regionLog2) {
        long lo;
        long hi; // inclusive
        if (s) {
            long a = addr >>> 12;
            int x = Long.numberOfTrailingZeros(~a);
            if (x >= 51) return true;                   // whole address space (all ones: UNSPECIFIED, taken as all)
            long pages = 1L << (x + 1);
            lo = (a & ~(pages - 1)) << 12;
            hi = lo + (pages << 12) - 1;
        } else {
            lo = addr & ~0xfffL;
            hi = lo + 0xfff;
        }
        long rlo = regionLog2 >= 64 ? 0 : entryAddr & ~((1L << regionLog2) - 1);
        long rhi = regionLog2 >= 64 ? -1L : rlo + (1L << regionLog2) - 1;
        return Long.compareUnsigned(lo, rhi) <= 0 && Long.compareUnsigned(rlo, hi) <= 0;
    }
}
