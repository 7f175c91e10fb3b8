package dev.lockstep.refmodel.testutil;

import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.PagingScheme;

/**
 * Builds page tables of one stage in memory, from the privileged spec's formats: PTE fields
 * (V R W X U G A D, PPN at bit 10, PBMT at 62:61, N at 63), LEVELS and PTESIZE per scheme, and for
 * the G stage the 16 KiB root indexed by 2 more bits (Priv "Guest Physical Address Translation").
 * Tables are allocated at addresses that are both their GPA and SPA (the scenarios identity-map
 * the table region in the G stage).
 */
public final class PageTables {

    public static final long V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
    public static final long RWX = R | W | X;
    public static final long N = 1L << 63;
    public static long pbmt(int v) { return (long) v << 61; }

    private final PhysicalMemory mem;
    private final Allocator alloc;
    private final PagingScheme scheme;
    private final boolean gStage;
    private final boolean bigEndian;
    private final long root;

    public PageTables(PhysicalMemory mem, Allocator alloc, PagingScheme scheme, boolean gStage, boolean bigEndian) {
        this.mem = mem;
        this.alloc = alloc;
        this.scheme = scheme;
        this.gStage = gStage;
        this.bigEndian = bigEndian;
        this.root = gStage ? alloc.pages(4, 4) : alloc.page();
    }

    public long rootPpn() { return root >>> 12; }
    public PagingScheme scheme() { return scheme; }

    /** Address of the PTE for {@code va} at {@code level}, creating non-leaf tables on the way (flags V only). */
    public long pteAddress(long va, int level) {
        long table = root;
        for (int i = scheme.levels - 1; i > level; i--) {
            long a = table + index(va, i) * scheme.pteBytes;
            long pte = read(a);
            if ((pte & V) != 0 && (pte & (R | X)) != 0) throw new IllegalStateException("a leaf PTE is in the way at level " + i);
            if ((pte & V) == 0) {
                long next = alloc.page();
                pte = ((next >>> 12) << 10) | V;
                write(a, pte);
            }
            table = ppn(pte) << 12;
        }
        return table + index(va, level) * scheme.pteBytes;
    }

    /** Maps {@code va} to {@code pa} with a leaf at {@code level} (0 = 4 KiB) and the given flags (V added). */
    public long map(long va, long pa, int level, long flags) {
        long a = pteAddress(va, level);
        write(a, ((pa >>> 12) << 10) | flags | V);
        return a;
    }

    /** Writes a raw PTE value for {@code va} at {@code level}. */
    public long set(long va, int level, long pte) {
        long a = pteAddress(va, level);
        write(a, pte);
        return a;
    }

    public long get(long va, int level) { return read(pteAddress(va, level)); }

    public long index(long va, int level) {
        int shift = 12 + level * scheme.bitsPerLevel;
        int bits = scheme.bitsPerLevel + (gStage && level == scheme.levels - 1 ? 2 : 0);
        return (va >>> shift) & ((1L << bits) - 1);
    }

    private long ppn(long pte) {
        return scheme == PagingScheme.SV32 ? (pte >>> 10) & 0x3fffffL : (pte >>> 10) & ((1L << 44) - 1);
    }

    public long read(long a) {
        if (scheme.pteBytes == 4) {
            long v = mem.load32(a);
            return bigEndian ? Integer.reverseBytes((int) v) & 0xffffffffL : v;
        }
        long v = mem.load64(a);
        return bigEndian ? Long.reverseBytes(v) : v;
    }

    public void write(long a, long v) {
        if (scheme.pteBytes == 4) mem.store32(a, bigEndian ? Integer.reverseBytes((int) v) : (int) v);
        else mem.store64(a, bigEndian ? Long.reverseBytes(v) : v);
    }
}
