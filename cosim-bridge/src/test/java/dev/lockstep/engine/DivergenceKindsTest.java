package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TamperingDut;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Main;
import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.dut.NativeDut;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.regression.Regression;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each kind of divergence, planted at the boundary of the real built-in DUT, is named correctly in the
 * report, and the regression's exit code follows (1 for divergences, 3 for DUT failures).
 */
class DivergenceKindsTest {

    static IommuConfig config;
    static final int SEED = 3;

    @BeforeAll
    static void load() throws Exception {
        config = DutConfigFile.read(TestPaths.stubConfig());
    }

    private static SeedResult run(Consumer<TamperingDut> plant) throws DutException {
        return run(SEED, plant);
    }

    private static SeedResult run(long seed, Consumer<TamperingDut> plant) throws DutException {
        return run(Scenario.SYSTEM, seed, plant);
    }

    private static SeedResult run(Scenario scenario, long seed, Consumer<TamperingDut> plant) throws DutException {
        try (TamperingDut dut = new TamperingDut(NativeDut.open(TestPaths.stubLibrary(), ""))) {
            plant.accept(dut);
            return new Lockstep(dut, config, scenario, s -> "repro " + s).run(seed, 0, 2000);
        }
    }

    /** The directed ATS scenario (seed 1): ATS completions with Priv, ATS.INVAL and ATS.PRGR messages. */
    private static SeedResult runAts(Consumer<TamperingDut> plant) throws DutException {
        return run(Scenario.ATS, 1, plant);
    }

    private static boolean bit(long[] e, int b, int n) { return ((e[b + 2] >>> n) & 1) != 0; }

    /** The first seed whose untampered run raises an interrupt line. */
    private static long seedWithInterrupts() throws DutException {
        for (long seed = 1; seed < 50; seed++) {
            int[] edges = {0};
            SeedResult r = run(seed, dut -> dut.events = (e, n) -> {
                for (int i = 0; i < n; i++) if (e[i * Dut.EVENT_WORDS] == Dut.EV_IRQ) edges[0]++;
                return n;
            });
            assertTrue(r.passed());
            if (edges[0] > 0) return seed;
        }
        throw new AssertionError("no seed in 1..49 raises an interrupt");
    }

    private static Divergence diverged(SeedResult r) {
        assertNull(r.failure(), () -> "expected a divergence, got " + r.failure());
        assertNotNull(r.divergence(), "the planted misbehaviour was not caught");
        assertEquals(Main.EXIT_DIVERGENCE, Main.exitCode(new Regression.Outcome(List.of(r), "t")));
        return r.divergence();
    }

    /** Applies {@code change} to the first event record of {@code kind} satisfying {@code when}, once. */
    private static TamperingDut.EventTamper once(int kind, java.util.function.BiPredicate<long[], Integer> when,
                                                 java.util.function.BiConsumer<long[], Integer> change) {
        boolean[] done = {false};
        return (e, n) -> {
            for (int i = 0; i < n && !done[0]; i++) {
                int b = i * Dut.EVENT_WORDS;
                if (e[b] == kind && when.test(e, b)) {
                    change.accept(e, b);
                    done[0] = true;
                }
            }
            return n;
        };
    }

    /**
     * A successful completion without a fault behind it (an ATS Success with R=W=0 after a page fault has an
     * address the spec leaves UNSPECIFIED, which is not compared).
     */
    private static boolean success(long[] e, int b) { return ((e[b + 2] >>> 16) & 3) == 0 && ((e[b + 2] >>> 32) & 0xfff) == 0; }

    @Test
    void theUntamperedDutPasses() throws Exception {
        assertTrue(run(d -> { }).passed());
    }

    @Test
    void aMemoryWordTheDutLeftDifferentIsFoundAtTheEndOfTheSeed() throws Exception {
        long[] flipped = {-1};
        Divergence d = diverged(run(dut -> dut.memory = (addr, bytes) -> {
            if (flipped[0] < 0) {
                flipped[0] = addr + 0x18;
                bytes[0x18 + 2] ^= 0x10;
            }
        }));
        assertEquals("end of seed: memory image comparison", d.action());
        assertEquals(String.format("memory word 0x%x at the end of the seed", flipped[0]), d.subject());
        assertEquals(0x10L << 16, d.fields().get(0).expected() ^ d.fields().get(0).observed());
    }

    @Test
    void aLostRegisterWriteIsKeyedAsSuchWhateverItsValueChanged() throws Exception {
        boolean[] dropped = {false};
        Divergence d = diverged(run(dut -> dut.writes = (offset, size, value) -> {
            if (offset != dev.lockstep.refmodel.regs.RegisterFile.FQCSR || dropped[0] || value == 0) return true;
            dropped[0] = true;
            return false;
        }));
        assertTrue(d.subject().startsWith("fqcsr (offset 0x4c, 4 B) read back"), d.subject());
        assertEquals("register/fqcsr/read back/the write left it unchanged", d.signature().key());
    }

    @Test
    void wrongPhysicalAddress() throws Exception {
        Divergence d = diverged(run(dut -> dut.events = once(Dut.EV_COMPLETION, DivergenceKindsTest::success,
                (e, b) -> e[b + 3] ^= 0x1000)));
        assertTrue(d.subject().startsWith("translation completion"), d.subject());
        assertEquals("PA", d.fields().get(0).field());
        assertEquals(0x1000, d.fields().get(0).expected() ^ d.fields().get(0).observed());
        assertNotNull(d.walk(), "a translation divergence carries the model's walk");
    }

    @Test
    void wrongPermissionGrantsAWriteTheModelFaults() throws Exception {
        Divergence d = diverged(run(dut -> dut.events = once(Dut.EV_COMPLETION,
                (e, b) -> ((e[b + 2] >>> 32) & 0xfff) == 15, (e, b) -> e[b + 2] &= ~((3L << 16) | (0xfffL << 32)))));
        assertEquals("status", d.fields().get(0).field());
        assertEquals(1, d.fields().get(0).expected());
        assertEquals("cause", d.fields().get(1).field());
        assertEquals(15, d.fields().get(1).expected());
        assertTrue(d.rule().contains("Write/AMO page fault"), d.rule());
    }

    @Test
    void wrongFaultRecordField() throws Exception {
        Divergence d = diverged(run(dut -> dut.events = once(Dut.EV_MEM_WRITE, (e, b) -> (e[b + 2] & 31) == 0
                && (e[b + 3] & 0xfff) != 0, (e, b) -> e[b + 3] ^= 1L << 35)));
        assertTrue(d.subject().startsWith("fault record at"), d.subject());
        assertEquals("TTYP", d.fields().get(0).field());
    }

    @Test
    void missingFaultRecord() throws Exception {
        Divergence d = diverged(run(dut -> dut.events = (e, n) -> {
            int out = 0;
            for (int i = 0; i < n; i++) {
                int b = i * Dut.EVENT_WORDS;
                boolean record = e[b] == Dut.EV_MEM_WRITE && e[b + 2] < 0x80001000L;
                if (!record) System.arraycopy(e, b, e, out++ * Dut.EVENT_WORDS, Dut.EVENT_WORDS);
            }
            return out;
        }));
        assertTrue(d.subject().startsWith("missing IOMMU memory write: fault record"), d.subject());
    }

    @Test
    void extraMemoryWrite() throws Exception {
        Divergence d = diverged(run(dut -> dut.events = once(Dut.EV_IDLE, (e, b) -> true, (e, b) -> {
            e[b] = Dut.EV_MEM_WRITE;
            e[b + 2] = 0x7000_0000L;
            e[b + 3] = 0xdead;
            e[b + 4] = 0xff | (1 << 8);
        })));
        // The planted write replaced an idle record; the engine asks again and the DUT reports idle.
        assertTrue(d.subject().startsWith("extra IOMMU memory write to 0x70000000"), d.subject());
    }

    @Test
    void wrongRegisterValue() throws Exception {
        Divergence d = diverged(run(dut -> dut.reads = (offset, v) -> offset == 0x4c ? v ^ (1L << 1) : v));
        assertTrue(d.subject().startsWith("fqcsr"), d.subject());
        assertEquals("fie", d.fields().get(0).field());
    }

    @Test
    void missingInterrupt() throws Exception {
        Divergence d = diverged(run(seedWithInterrupts(), dut -> dut.events = (e, n) -> {
            int out = 0;
            for (int i = 0; i < n; i++) {
                int b = i * Dut.EVENT_WORDS;
                if (e[b] != Dut.EV_IRQ) System.arraycopy(e, b, e, out++ * Dut.EVENT_WORDS, Dut.EVENT_WORDS);
            }
            return out;
        }));
        assertTrue(d.subject().startsWith("interrupt edge #0"), d.subject());
        assertTrue(d.subject().endsWith("observed none"), d.subject());
    }

    @Test
    void theUntamperedDutPassesTheAtsScenario() throws Exception {
        assertTrue(runAts(d -> { }).passed());
    }

    @Test
    void atsCompletionWithADeniedPermissionGranted() throws Exception {
        // An ATS Success granting R but not W to a request without No Write (a read-only page): the DUT
        // grants W as well. (With No Write, W may be the page's permission.)
        Divergence d = diverged(runAts(dut -> dut.events = once(Dut.EV_COMPLETION,
                (e, b) -> success(e, b) && bit(e, b, 20) && !bit(e, b, 21) && (dut.lastSubmitFlags & Dut.REQ_NW) == 0,
                (e, b) -> e[b + 2] |= 1L << 21)));
        assertTrue(d.subject().startsWith("translation completion"), d.subject());
        assertEquals("R/W/X", d.fields().get(0).field());
        assertEquals(1, d.fields().get(0).expected());
        assertEquals(3, d.fields().get(0).observed());
    }

    @Test
    void atsCompletionWithoutPriv() throws Exception {
        // A supervisor request with a PASID: Priv must be 1 in its Success completion.
        Divergence d = diverged(runAts(dut -> dut.events = once(Dut.EV_COMPLETION,
                (e, b) -> success(e, b) && bit(e, b, 20) && bit(e, b, 28), (e, b) -> e[b + 2] &= ~(1L << 28))));
        assertEquals("Priv", d.fields().get(0).field());
        assertEquals(1, d.fields().get(0).expected());
        assertEquals(0, d.fields().get(0).observed());
    }

    @Test
    void wrongPageRequestGroupResponseField() throws Exception {
        Divergence d = diverged(runAts(dut -> dut.events = once(Dut.EV_MESSAGE_OUT,
                (e, b) -> (e[b + 2] & 3) == Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE, (e, b) -> e[b + 3] ^= 1L << 33)));
        assertTrue(d.subject().startsWith("outbound message #0: Page Request Group Response"), d.subject());
        assertEquals("PRG index", d.fields().get(0).field());
        assertTrue(d.rule().contains("ATS.PRGR"), d.rule());
    }

    @Test
    void wrongInvalidationRequestRid() throws Exception {
        Divergence d = diverged(runAts(dut -> dut.events = once(Dut.EV_MESSAGE_OUT,
                (e, b) -> (e[b + 2] & 3) == Dut.MSG_INVALIDATION_REQUEST, (e, b) -> e[b + 2] ^= 1L << 16)));
        assertTrue(d.subject().contains("Invalidation Request"), d.subject());
        assertEquals("RID", d.fields().get(0).field());
    }

    @Test
    void missingInvalidationRequest() throws Exception {
        Divergence d = diverged(runAts(dut -> dut.events = (e, n) -> {
            int out = 0;
            for (int i = 0; i < n; i++) {
                int b = i * Dut.EVENT_WORDS;
                if (e[b] != Dut.EV_MESSAGE_OUT) System.arraycopy(e, b, e, out++ * Dut.EVENT_WORDS, Dut.EVENT_WORDS);
            }
            return out;
        }));
        assertTrue(d.subject().startsWith("missing outbound message #0: Invalidation Request"), d.subject());
    }

    @Test
    void extraMessage() throws Exception {
        boolean[] done = {false};
        Divergence d = diverged(runAts(dut -> dut.events = (e, n) -> {
            // After the first completion: a Page Request Group Response nobody asked for, before idle.
            for (int i = 0; i < n && !done[0]; i++) {
                int b = i * Dut.EVENT_WORDS;
                if (e[b] == Dut.EV_IDLE && i > 0 && e[b - Dut.EVENT_WORDS] == Dut.EV_COMPLETION) {
                    System.arraycopy(e, b, e, b + Dut.EVENT_WORDS, Dut.EVENT_WORDS);
                    java.util.Arrays.fill(e, b, b + Dut.EVENT_WORDS, 0);
                    e[b] = Dut.EV_MESSAGE_OUT;
                    e[b + 1] = e[b + Dut.EVENT_WORDS + 1];
                    e[b + 2] = Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE | (0x12L << 16);
                    done[0] = true;
                    return n + 1;
                }
            }
            return n;
        }));
        assertTrue(d.subject().startsWith("unexpected outbound message #0: Page Request Group Response"), d.subject());
    }

    @Test
    void aDutThatStopsAnsweringIsAHangWithExitThree() throws Exception {
        SeedResult r = run(dut -> dut.hangAfterRuns = 50);
        assertNotNull(r.failure());
        assertEquals(DutException.Kind.HANG, r.failure().kind());
        assertEquals(Main.EXIT_DUT, Main.exitCode(new Regression.Outcome(List.of(r), "t")));
    }
}
