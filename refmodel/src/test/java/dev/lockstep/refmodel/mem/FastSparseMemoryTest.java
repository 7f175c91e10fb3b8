package dev.lockstep.refmodel.mem;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** FastSparseMemory answers exactly as SparseMemory, whatever its page and word caches hold. */
class FastSparseMemoryTest {

    @Test
    void unwritten_memory_reads_zero_and_a_store_after_a_load_is_seen() {
        FastSparseMemory m = new FastSparseMemory();
        assertEquals(0, m.load64(0x1000));          // caches the word of a page that does not exist yet
        m.store64(0x1000, 0x1234_5678_9abc_def0L);
        assertEquals(0x1234_5678_9abc_def0L, m.load64(0x1000));
        assertEquals(0x9abc_def0L, m.load32(0x1000));
        assertEquals(0x1234_5678L, m.load32(0x1004));
        m.store32(0x1004, 0xcafe);
        assertEquals(0x0000_cafe_9abc_def0L, m.load64(0x1000));
    }

    @Test
    void a_bulk_read_of_a_page_sees_every_block_written_and_zero_elsewhere() {
        FastSparseMemory m = new FastSparseMemory();
        m.store64(0x5000, 1);             // first block of the page
        m.store64(0x5ff8, 2);             // last word of the page
        m.store64(0x5208, 3);             // second block
        m.store64(0x6000, 4);             // the next page: not read
        long[] words = new long[512];
        java.util.Arrays.fill(words, -1);
        m.readWords(0x5000, words);
        for (int i = 0; i < 512; i++) {
            long want = i == 0 ? 1 : i == 511 ? 2 : i == 0x41 ? 3 : 0;
            assertEquals(want, words[i], "word " + i);
        }
        assertEquals(3, m.load64(0x5208), "the word cache is unaffected");
    }

    @Test
    void random_stores_and_loads_match_sparse_memory() {
        // Addresses that collide in the word cache (same offset in many pages, aliasing word numbers)
        // and enough pages to grow the page table several times.
        Random rnd = new Random(7);
        FastSparseMemory fast = new FastSparseMemory();
        SparseMemory ref = new SparseMemory();
        for (int i = 0; i < 200_000; i++) {
            long pa = ((rnd.nextInt(600) * 0x1001L) << 12 | rnd.nextInt(64) * 8L) & ~7L;
            if (rnd.nextInt(3) == 0) {
                long v = rnd.nextLong();
                fast.store64(pa, v);
                ref.store64(pa, v);
            } else {
                assertEquals(ref.load64(pa), fast.load64(pa), () -> "pa 0x" + Long.toHexString(pa));
            }
        }
    }

    @Test
    void error_injection_is_per_word_and_can_be_healed() {
        FastSparseMemory m = new FastSparseMemory();
        m.store64(0x2000, 5);
        m.injectError(0x2000, PhysicalMemory.DATA_CORRUPTION);
        m.injectError(0x3008, PhysicalMemory.ACCESS_FAULT);
        assertEquals(PhysicalMemory.DATA_CORRUPTION, m.status(0x2004));
        assertEquals(PhysicalMemory.ACCESS_FAULT, m.status(0x3008));
        assertEquals(PhysicalMemory.OK, m.status(0x3000));
        assertEquals(5, m.load64(0x2000));
        m.injectError(0x2000, PhysicalMemory.OK);
        assertEquals(PhysicalMemory.OK, m.status(0x2000));
    }
}
