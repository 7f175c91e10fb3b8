package dev.lockstep.stimulus;

/** Hands out naturally aligned physical memory for the structures a generator builds. */
final class PageAllocator {

    private long next;
    private final long limit;

    PageAllocator(long base, long limit) {
        this.next = base;
        this.limit = limit;
    }

    /** {@code bytes} bytes aligned to {@code align} (a power of two, at least 4 KiB). */
    long allocate(long bytes, long align) {
        long a = (next + align - 1) & -align;
        if (a + bytes > limit) {
            throw new IllegalStateException("stimulus memory exhausted: 0x" + Long.toHexString(limit));
        }
        next = a + bytes;
        return a;
    }

    long page() { return allocate(4096, 4096); }
}
