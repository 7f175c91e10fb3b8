package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TamperingDut;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.dut.NativeDut;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.DutConfigFile;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The order checks of C ABI 7 on the built-in DUT: data before tail ({@link TailCheck}) and an IOFENCE.C after
 * the Invalidation Completions of the ATS.INVALs ahead of it ({@link FenceCheck}). The clean DUT reports both
 * kinds of event and passes; the same run with the events moved (a tail seen before its record's writes, a
 * completion arriving after the fence) is caught with the check's signature; without the events nothing is
 * checked; and the planted bugs of each kind are caught serialized.
 */
class OrderEventsTest {

    static IommuConfig config;

    @BeforeAll
    static void load() throws Exception {
        config = DutConfigFile.read(TestPaths.stubConfig());
    }

    private static SeedResult run(Scenario scenario, long seed, Consumer<TamperingDut> plant) throws DutException {
        try (TamperingDut dut = new TamperingDut(NativeDut.open(TestPaths.stubLibrary(), ""))) {
            plant.accept(dut);
            return new Lockstep(dut, config, scenario, s -> "repro " + s).run(seed, 0, 2000);
        }
    }

    /** Counts the events of {@code kind} the run reports, and applies {@code change} to each. */
    private static Consumer<TamperingDut> each(int kind, int[] count, java.util.function.Consumer<long[]> change) {
        return dut -> dut.events = (e, n) -> {
            for (int i = 0; i < n; i++) {
                if (e[i * Dut.EVENT_WORDS] != kind) continue;
                count[0]++;
                long[] one = java.util.Arrays.copyOfRange(e, i * Dut.EVENT_WORDS, (i + 1) * Dut.EVENT_WORDS);
                change.accept(one);
                System.arraycopy(one, 0, e, i * Dut.EVENT_WORDS, Dut.EVENT_WORDS);
            }
            return n;
        };
    }

    @Test
    void aTailSeenBeforeItsRecordIsWrittenIsCaught() throws DutException {
        int[] tails = {0};
        SeedResult clean = run(Scenario.SYSTEM, 3, each(Dut.EV_QUEUE_TAIL, tails, ev -> { }));
        assertTrue(clean.passed(), () -> String.valueOf(clean.divergence()));
        assertTrue(tails[0] > 0, "the built-in DUT reports its tail moves");

        SeedResult early = run(Scenario.SYSTEM, 3, each(Dut.EV_QUEUE_TAIL, new int[1], ev -> ev[1] -= 40));
        assertNotNull(early.divergence(), "a tail seen 40 cycles early");
        assertTrue(early.divergence().signature().key().contains("written after the tail that covers it"),
                early.divergence().signature().key());
    }

    @Test
    void aFenceCompletedBeforeTheInvalidationCompletionsAheadOfItIsCaught() throws DutException {
        int[] completions = {0};
        SeedResult clean = run(Scenario.ATS, 1, each(Dut.EV_INVAL_COMPLETION, completions, ev -> { }));
        assertTrue(clean.passed(), () -> String.valueOf(clean.divergence()));
        assertTrue(completions[0] > 0, "the built-in DUT reports the Invalidation Completions it is given");

        SeedResult late = run(Scenario.ATS, 1, each(Dut.EV_INVAL_COMPLETION, new int[1], ev -> ev[1] += 100_000));
        assertNotNull(late.divergence(), "completions reported long after the fences");
        assertEquals("command/IOFENCE.C completed before an ATS.INVAL ahead of it", late.divergence().signature().key());

        // A DUT that reports no completions is not held to them.
        SeedResult none = run(Scenario.ATS, 1, dut -> dut.events = (e, n) -> {
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (e[i * Dut.EVENT_WORDS] == Dut.EV_INVAL_COMPLETION) continue;
                System.arraycopy(e, i * Dut.EVENT_WORDS, e, kept++ * Dut.EVENT_WORDS, Dut.EVENT_WORDS);
            }
            return kept;
        });
        assertTrue(none.passed(), () -> String.valueOf(none.divergence()));
    }

    @Test
    void plantedOrderBugsAreCaughtSerialized() {
        TestPaths.stubLibrary();
        // The system traffic writes fault records in every seed; the ATS scenario posts two ATS.INVALs and an
        // IOFENCE.C with one doorbell, so the fence is fetched while the Invalidation Requests are unanswered.
        String[][] runs = {{"fq_tail_before_data", "all"}, {"iofence_skips_ats_wait", "ats"}};
        for (String[] r : runs) {
            Cli c = Cli.run("run", "--dut", "stub", "--scenario", r[1], "--mutant", r[0], "--seeds", "1-4", "--jobs", "2",
                    "--fail-fast", "-q");
            assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, r[0] + ": " + c.out + c.err);
        }
    }
}
