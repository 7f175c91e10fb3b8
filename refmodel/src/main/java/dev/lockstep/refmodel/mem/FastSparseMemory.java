package dev.lockstep.refmodel.mem;

import java.util.Arrays;

/**
 * A sparse memory like {@link SparseMemory}, held in 512-byte blocks indexed by an open-addressing
 * table of primitive block numbers so that loads never box or allocate (for the model's hot path and
 * the benchmarks). Error injection works per 8-byte word as in {@link SparseMemory}.
 *
 * <p>Blocks are smaller than a page because the structures a regression writes (DDT, PDT, page
 * tables, queues) touch a few words in each of many pages: 4 KiB blocks made the model allocate and
 * sweep several megabytes per seed, evicting the co-simulated RTL's data from the caches.
 *
 * <p>Loads first look in a direct-mapped cache of recently used words (address tag and value): a
 * page-table walk is a chain of dependent loads, and a hit costs one memory access on that chain
 * instead of two (block, then word). Every store writes the word's cache entry, so the cache is
 * always coherent with the blocks.
 */
public final class FastSparseMemory implements PhysicalMemory {

    /** log2 of a block's size in bytes. */
    private static final int BLOCK_SHIFT = 9;
    private static final int WORDS_PER_BLOCK = 1 << (BLOCK_SHIFT - 3);
    private static final long EMPTY = -1L;

    private long[] keys = new long[64];
    private long[][] blocks = new long[64][];
    private int size;

    /** Direct-mapped cache of recent blocks: walks revisit a few tables. */
    private static final int CACHE = 64;
    private final long[] cacheKeys = new long[CACHE];
    private final long[][] cacheBlocks = new long[CACHE][];

    /**
     * Word cache: entry i holds the word number (pa >>> 3, or EMPTY) wordTags[i] and its value
     * wordValues[i]. Indexed by the word number's low bits alone, which keeps the index computation
     * (on the walk's dependency chain) to one AND; 4096 entries cover 32 KiB of consecutive words.
     */
    private static final int WORD_CACHE = 4096;
    private final long[] wordTags = new long[WORD_CACHE];
    private final long[] wordValues = new long[WORD_CACHE];

    private long[] errorKeys = new long[16];
    private int[] errorValues = new int[16];
    private int errorCount;

    public FastSparseMemory() {
        Arrays.fill(keys, EMPTY);
        Arrays.fill(errorKeys, EMPTY);
        Arrays.fill(cacheKeys, EMPTY);
        Arrays.fill(wordTags, EMPTY);
    }

    @Override
    public int status(long pa) {
        if (errorCount == 0) return OK;
        long key = pa & ~7L;
        int mask = errorKeys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = errorKeys[i];
            if (k == key) return errorValues[i];
            if (k == EMPTY) return OK;
        }
    }

    @Override
    public long load64(long pa) {
        long word = pa >>> 3;
        int slot = wordSlot(word);
        if (wordTags[slot] == word) return wordValues[slot];
        return loadAndCache(pa, word, slot);
    }

    /** A word-cache miss: reads the block (unwritten memory reads 0) and caches the word. */
    private long loadAndCache(long pa, long word, int slot) {
        long[] block = find(pa >>> BLOCK_SHIFT);
        long value = block == null ? 0 : block[(int) (word & (WORDS_PER_BLOCK - 1))];
        wordTags[slot] = word;
        wordValues[slot] = value;
        return value;
    }

    /**
     * Copies {@code into.length} consecutive words starting at {@code pa} (8-byte aligned) into
     * {@code into}, block by block and without disturbing the word cache: for bulk comparisons of the
     * image, which would otherwise evict the words walks use.
     */
    public void readWords(long pa, long[] into) {
        for (int i = 0; i < into.length; ) {
            long a = pa + 8L * i;
            int offset = (int) ((a >>> 3) & (WORDS_PER_BLOCK - 1));
            int n = Math.min(WORDS_PER_BLOCK - offset, into.length - i);
            long[] block = lookup(a >>> BLOCK_SHIFT);
            if (block == null) Arrays.fill(into, i, i + n, 0L);
            else System.arraycopy(block, offset, into, i, n);
            i += n;
        }
    }

    @Override
    public void store64(long pa, long value) {
        long bn = pa >>> BLOCK_SHIFT;
        long[] block = find(bn);
        if (block == null) block = insert(bn);
        long word = pa >>> 3;
        block[(int) (word & (WORDS_PER_BLOCK - 1))] = value;
        int slot = wordSlot(word);
        wordTags[slot] = word;
        wordValues[slot] = value;
    }

    /** The word-cache entry of {@code word}. */
    private static int wordSlot(long word) {
        return (int) word & (WORD_CACHE - 1);
    }

    /**
     * Makes accesses to the 8-byte word at {@code pa} answer {@code status}; OK heals the word (its entry
     * stays in the table answering OK, so healing never reshuffles it).
     */
    public void injectError(long pa, int status) {
        if (status == OK && errorCount == 0) return;
        if ((errorCount + 1) * 2 > errorKeys.length) {
            long[] ok = errorKeys;
            int[] ov = errorValues;
            errorKeys = new long[ok.length * 2];
            errorValues = new int[ok.length * 2];
            Arrays.fill(errorKeys, EMPTY);
            errorCount = 0;
            for (int i = 0; i < ok.length; i++) if (ok[i] != EMPTY) putError(ok[i], ov[i]);
        }
        putError(pa & ~7L, status);
    }

    private void putError(long key, int status) {
        int mask = errorKeys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (errorKeys[i] == key) { errorValues[i] = status; return; }
            if (errorKeys[i] == EMPTY) { errorKeys[i] = key; errorValues[i] = status; errorCount++; return; }
        }
    }

    private long[] find(long bn) {
        int c = (int) (bn & (CACHE - 1));
        if (cacheKeys[c] == bn) return cacheBlocks[c];
        long[] block = lookup(bn);
        if (block != null) {
            cacheKeys[c] = bn;
            cacheBlocks[c] = block;
        }
        return block;
    }

    private long[] lookup(long bn) {
        int mask = keys.length - 1;
        for (int i = hash(bn) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == bn) return blocks[i];
            if (k == EMPTY) return null;
        }
    }

    private long[] insert(long bn) {
        if ((size + 1) * 2 > keys.length) {
            long[] ok = keys;
            long[][] op = blocks;
            keys = new long[ok.length * 2];
            blocks = new long[ok.length * 2][];
            Arrays.fill(keys, EMPTY);
            size = 0;
            for (int i = 0; i < ok.length; i++) if (ok[i] != EMPTY) put(ok[i], op[i]);
        }
        long[] block = new long[WORDS_PER_BLOCK];
        put(bn, block);
        return block;
    }

    private void put(long bn, long[] block) {
        int mask = keys.length - 1;
        int i = hash(bn) & mask;
        while (keys[i] != EMPTY) i = (i + 1) & mask;
        keys[i] = bn;
        blocks[i] = block;
        size++;
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
