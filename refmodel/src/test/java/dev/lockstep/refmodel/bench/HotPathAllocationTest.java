package dev.lockstep.refmodel.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The translation hot path allocates nothing (issue 3): after warm-up, many translations of each
 * benchmark scenario, including the worst case (3-level DDT, PD20, Sv57 over Sv57x4, about 60
 * reads), leave the thread's allocated-bytes counter unchanged. A deterministic check, not a timing
 * test: it counts bytes, whatever the machine's speed or load.
 */
class HotPathAllocationTest {

    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 20_000;
    /** Slack for allocations the JVM itself may charge to the thread (none expected from the model). */
    private static final long TOLERANCE_BYTES = 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void worst_case_translation_allocates_nothing() {
        TranslationBenchmark b = setUp();
        assertAllocationFree("worstCase", () -> b.worstCase().address());
    }

    @Test
    void sv39_and_bare_translations_allocate_nothing() {
        TranslationBenchmark b = setUp();
        assertAllocationFree("sv39", () -> b.sv39().address());
        assertAllocationFree("bare", () -> b.bare().address());
    }

    private static TranslationBenchmark setUp() {
        assertTrue(THREADS.isThreadAllocatedMemorySupported(), "the JVM must count per-thread allocation");
        THREADS.setThreadAllocatedMemoryEnabled(true);
        TranslationBenchmark b = new TranslationBenchmark();
        b.setUp(); // also checks each scenario succeeds with its expected read count
        return b;
    }

    private static void assertAllocationFree(String name, LongSupplier translation) {
        long sink = run(translation, WARM_UP);
        long tid = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(tid);
        sink += run(translation, MEASURED);
        long allocated = THREADS.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated <= TOLERANCE_BYTES, name + ": " + MEASURED + " translations allocated " + allocated
                + " bytes (" + (double) allocated / MEASURED + " B/translation), sink " + (sink & 1));
    }

    private static long run(LongSupplier translation, int n) {
        long sink = 0;
        for (int i = 0; i < n; i++) sink += translation.getAsLong();
        return sink;
    }
}
