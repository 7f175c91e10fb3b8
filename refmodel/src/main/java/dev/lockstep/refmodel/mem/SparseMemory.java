package dev.lockstep.refmodel.mem;

import java.util.HashMap;
import java.util.Map;

/**
 * A sparse physical memory of 4 KiB pages allocated on first write, with per-word error injection.
 * Reads of never-written memory return 0. The last page used is remembered, since walks touch the
 * same page repeatedly.
 */
public final class SparseMemory implements PhysicalMemory {

    private static final int PAGE_SHIFT = 12;
    private static final int WORDS_PER_PAGE = 512;

    private final Map<Long, long[]> pages = new HashMap<>();
    private final Map<Long, Integer> errors = new HashMap<>();
    private long lastPageNumber = -1;
    private long[] lastPage;

    @Override
    public int status(long pa) {
        if (errors.isEmpty()) return OK;
        Integer e = errors.get(pa & ~7L);
        return e == null ? OK : e;
    }

    @Override
    public long load64(long pa) {
        long[] page = page(pa >>> PAGE_SHIFT, false);
        return page == null ? 0 : page[(int) ((pa >>> 3) & (WORDS_PER_PAGE - 1))];
    }

    @Override
    public void store64(long pa, long value) {
        page(pa >>> PAGE_SHIFT, true)[(int) ((pa >>> 3) & (WORDS_PER_PAGE - 1))] = value;
    }

    /** Makes accesses to the 8-byte word at {@code pa} answer {@code status} (OK removes the error). */
    public void injectError(long pa, int status) {
        if (status == OK) {
            errors.remove(pa & ~7L);
        } else {
            errors.put(pa & ~7L, status);
        }
    }

    /** Writes {@code len} bytes of {@code data} at {@code pa} (any alignment). */
    public void writeBytes(long pa, byte[] data, int offset, int len) {
        for (int i = 0; i < len; i++) {
            long a = pa + i;
            long word = load64(a & ~7L);
            int shift = (int) (a & 7) * 8;
            word = (word & ~(0xffL << shift)) | ((data[offset + i] & 0xffL) << shift);
            store64(a & ~7L, word);
        }
    }

    /** The page numbers written so far, for comparing whole memory images. */
    public Iterable<Long> pageNumbers() { return pages.keySet(); }

    private long[] page(long pageNumber, boolean create) {
        if (pageNumber == lastPageNumber) return lastPage;
        long[] page = pages.get(pageNumber);
        if (page == null) {
            if (!create) return null;
            page = new long[WORDS_PER_PAGE];
            pages.put(pageNumber, page);
        }
        lastPageNumber = pageNumber;
        lastPage = page;
        return page;
    }
}
