package dev.lockstep.refmodel.mem;

import java.util.Arrays;

/**
 * A sparse memory like {@link SparseMemory}, held in 512-byte blocks indexed by their numbers in a
 * {@link LongKeyMap} so that loads never box or allocate (for the model's hot path and
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

    private final LongKeyMap<long[]> blocks = new LongKeyMap<>(64);

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

    /** Status of the words given one by {@link #injectError}, by address. */
    private final LongKeyMap<Integer> errors = new LongKeyMap<>(16);

    public FastSparseMemory() {
        Arrays.fill(cacheKeys, EMPTY);
        Arrays.fill(wordTags, EMPTY);
    }

    @Override
    public int status(long pa) {
        if (errors.isEmpty()) return OK;
        Integer status = errors.get(pa & ~7L);
        return status == null ? OK : status;
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
            long[] block = blocks.get(a >>> BLOCK_SHIFT);
            if (block == null) Arrays.fill(into, i, i + n, 0L);
            else System.arraycopy(block, offset, into, i, n);
            i += n;
        }
    }

    /** Told the old value of every word before a store changes it. */
    @FunctionalInterface
    public interface StoreJournal {
        void beforeStore(long wordAddress, long oldValue);
    }

    private StoreJournal journal;

    /** Tells {@code j} (null: nobody) of every store before it happens, e.g. to undo an action's stores. */
    public void journal(StoreJournal j) { this.journal = j; }

    @Override
    public void store64(long pa, long value) {
        if (journal != null) journal.beforeStore(pa & ~7L, load64(pa));
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
        if (status == OK && errors.isEmpty()) return;
        errors.put(pa & ~7L, status);
    }

    private long[] find(long bn) {
        int c = (int) (bn & (CACHE - 1));
        if (cacheKeys[c] == bn) return cacheBlocks[c];
        long[] block = blocks.get(bn);
        if (block != null) {
            cacheKeys[c] = bn;
            cacheBlocks[c] = block;
        }
        return block;
    }

    private long[] insert(long bn) {
        long[] block = new long[WORDS_PER_BLOCK];
        blocks.put(bn, block);
        return block;
    }
}
