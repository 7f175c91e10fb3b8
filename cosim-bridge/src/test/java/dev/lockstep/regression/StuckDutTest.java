package dev.lockstep.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FakeDut;
import dev.lockstep.TestConfigs;
import dev.lockstep.engine.Scenario;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A signal arrives while a worker is inside a DUT call that never returns (a native library stuck in a
 * loop, run without --isolate): the run must still end with the seeds done, the stuck seed counted as
 * interrupted, so the reports get written within the signal's grace period.
 */
class StuckDutTest {

    /** A DUT whose second seed never comes back from its first run of the clock, and ignores interrupts. */
    private static final class StuckOnSecondSeed extends FakeDut {
        private final AtomicInteger resets;
        private final AtomicBoolean stuck;

        StuckOnSecondSeed(AtomicInteger resets, AtomicBoolean stuck) {
            super(TestConfigs.typical());
            this.resets = resets;
            this.stuck = stuck;
        }

        @Override
        public void reset(int mutant) {
            super.reset(mutant);
            resets.incrementAndGet();
        }

        @Override
        public int run(long maxCycles, long[] events) {
            if (resets.get() < 2) return super.run(maxCycles, events);
            stuck.set(true);
            CountDownLatch never = new CountDownLatch(1);
            while (true) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    // a native call cannot be interrupted either
                }
            }
        }
    }

    @Test
    void aWorkerStuckInADutCallIsLeftBehindAndItsSeedCountedInterrupted() throws Exception {
        AtomicInteger resets = new AtomicInteger();
        AtomicBoolean stuck = new AtomicBoolean();
        Regression regression = new Regression(() -> new StuckOnSecondSeed(resets, stuck), TestConfigs.typical(),
                Scenario.REGISTERS, s -> "seed " + s).stopWait(300);
        regression.stopWhen(stuck::get); // the signal comes while the DUT is stuck
        Regression.Outcome outcome = regression.run(List.of(11L, 12L, 13L), 0, 200, 1, r -> { });
        assertEquals(1, outcome.results().size(), "only the first seed was done");
        assertEquals(11L, outcome.results().get(0).seed());
        assertEquals(List.of(12L), regression.interruptedSeeds());
        assertTrue(regression.stopped());
    }
}
