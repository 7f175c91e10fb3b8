package dev.lockstep.stimulus;

import java.util.function.LongConsumer;

/**
 * Builds a radix page table of a RISC-V paging scheme in {@link SoftwareMemory} (Priv: "Sv39", "Sv48",
 * and for the G stage the x4 variants whose root table is 16 KiB with a 2-bit wider index, Priv
 * "Guest Physical Address Translation"). Entries are 8-byte PTEs: V R W X U G A D, PPN[53:10].
 */
final class PageTable {

    static final long V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;

    final long rootPa;
    final int levels;
    final boolean gStage;
    private final SoftwareMemory memory;
    private final PageAllocator allocator;
    /** Called with each table page allocated (e.g. to make it reachable through a G stage). */
    private final LongConsumer onTablePage;

    PageTable(int levels, boolean gStage, SoftwareMemory memory, PageAllocator allocator, LongConsumer onTablePage) {
        this.levels = levels;
        this.gStage = gStage;
        this.memory = memory;
        this.allocator = allocator;
        this.onTablePage = onTablePage;
        long rootBytes = gStage ? 16384 : 4096;
        this.rootPa = allocator.allocate(rootBytes, rootBytes);
        for (long p = rootPa; p < rootPa + rootBytes; p += 4096) onTablePage.accept(p);
    }

    /** Address bits translated by the scheme (39/48, plus 2 for the G stage). */
    int addressBits() { return 12 + 9 * levels + (gStage ? 2 : 0); }

    /** Byte address of the PTE for {@code va} at {@code level} in the table at {@code tablePa}. */
    long pteAddress(long tablePa, long va, int level) {
        int bits = (gStage && level == levels - 1) ? 11 : 9;
        long index = (va >>> (12 + 9 * level)) & ((1L << bits) - 1);
        return tablePa + index * 8;
    }

    /**
     * Maps {@code va} (aligned to the leaf size) to {@code pa} with a leaf at {@code leafLevel} (0: 4 KiB,
     * 1: 2 MiB, 2: 1 GiB) and leaf bits {@code flags} (V is added). Returns the leaf PTE's address, or -1
     * when a leaf already covers {@code va} on the way.
     */
    long map(long va, long pa, int leafLevel, long flags, String what) {
        long table = rootPa;
        for (int level = levels - 1; level > leafLevel; level--) {
            long pteAddr = pteAddress(table, va, level);
            long pte = memory.load(pteAddr);
            if ((pte & V) != 0 && (pte & (R | W | X)) != 0) return -1;
            if ((pte & V) == 0) {
                long next = allocator.page();
                onTablePage.accept(next);
                pte = ((next >>> 12) << 10) | V;
                memory.store(pteAddr, pte, what + " non-leaf PTE L" + level);
            }
            table = ((pte >>> 10) & ((1L << 44) - 1)) << 12;
        }
        long leaf = pteAddress(table, va, leafLevel);
        long existing = memory.load(leaf);
        if ((existing & V) != 0 && (existing & (R | W | X)) == 0) return -1;
        memory.store(leaf, ((pa >>> 12) << 10) | flags | V, what + " leaf PTE L" + leafLevel);
        return leaf;
    }

    /**
     * Maps the 64 KiB range at {@code va} (64 KiB aligned) to {@code pa} with 16 identical Svnapot PTEs
     * (N=1, PPN[3:0]=1000b). Returns the first PTE's address, or -1 when any of them is in use.
     */
    long mapNapot(long va, long pa, long flags, String what) {
        long table = rootPa;
        for (int level = levels - 1; level > 0; level--) {
            long pteAddr = pteAddress(table, va, level);
            long pte = memory.load(pteAddr);
            if ((pte & V) != 0 && (pte & (R | W | X)) != 0) return -1;
            if ((pte & V) == 0) {
                long next = allocator.page();
                onTablePage.accept(next);
                pte = ((next >>> 12) << 10) | V;
                memory.store(pteAddr, pte, what + " non-leaf PTE L" + level);
            }
            table = ((pte >>> 10) & ((1L << 44) - 1)) << 12;
        }
        long first = pteAddress(table, va, 0);
        for (int i = 0; i < 16; i++) if (memory.load(first + 8L * i) != 0) return -1;
        long pte = (1L << 63) | ((((pa >>> 12) & ~0xfL) | 0x8) << 10) | flags | V;
        for (int i = 0; i < 16; i++) memory.store(first + 8L * i, pte, what + " leaf PTE " + i);
        return first;
    }
}
