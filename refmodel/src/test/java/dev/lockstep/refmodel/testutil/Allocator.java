package dev.lockstep.refmodel.testutil;

/** Hands out zeroed, aligned 4 KiB pages from a region of test memory. */
public final class Allocator {
    private long next;

    public Allocator(long base) { this.next = base; }

    public long page() { return pages(1, 1); }

    /** {@code count} contiguous pages aligned to {@code alignPages} pages. */
    public long pages(int count, int alignPages) {
        long align = alignPages * 4096L;
        next = (next + align - 1) & -align;
        long a = next;
        next += count * 4096L;
        return a;
    }
}
