package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where the spec lets the hardware choose, the checker accepts every permitted choice (and counts which
 * one was made) and still rejects the rest. The DUT is a second golden model ({@link ModelDut}) made to
 * take the other choice; without a variant it must pass as the model itself.
 */
class SpecChoicesTest {

    static IommuConfig config;

    @BeforeAll
    static void load() throws Exception {
        config = DutConfigFile.read(TestPaths.stubConfig());
    }

    /** Seeds of {@code scenario} run against {@code dut}; the choices counted. */
    record Run(SeedResult failed, Map<String, Integer> choices) { }

    private static Run run(Scenario scenario, long firstSeed, int seeds, ModelDut.Variant variant) {
        ModelDut dut = new ModelDut(config);
        dut.variant = variant;
        Map<String, Integer> choices = new TreeMap<>();
        RunObserver counting = new RunObserver() {
            @Override public void choice(int index, String choice) { choices.merge(choice, 1, Integer::sum); }
        };
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            SeedResult r = new Lockstep(dut, config, scenario, s -> "repro " + s).observer(counting).run(seed, 0, 2000);
            assertTrue(r.failure() == null, () -> "DUT failure: " + r.failure());
            if (!r.passed()) return new Run(r, choices);
        }
        return new Run(null, choices);
    }

    private static void passes(Run r) {
        assertTrue(r.failed == null, () -> "a permitted choice was reported: " + r.failed.divergence());
    }

    @Test
    void theModelAsDutPasses() {
        passes(run(Scenario.SYSTEM, 1, 6, (t, d) -> { }));
        passes(run(Scenario.ATS, 1, 1, (t, d) -> { }));
    }

    /** Words the candidate's walk will update, with their values before it. */
    private static Map<Long, Long> before(ModelDut.Translation t, ModelDut d) {
        Map<Long, Long> m = new HashMap<>();
        for (long w : t.candidate.adChoices().stored().keySet()) m.put(w, d.memory().load64(w));
        return m;
    }

    private static boolean performed(TranslationOutcome o) {
        return !o.fault() && o.permissions() != 0;
    }

    /**
     * Item: exact A/D updates. Priv (Svadu): "Implementations are of course still permitted to perform
     * both A and D bit updates only in an exact manner": a request that ends in a fault (e.g. the G stage
     * of its GPA) may leave its first-stage leaf's A/D update out.
     */
    @Test
    void anUpdateLeftOutOfARequestThatIsNotPerformedIsAccepted() {
        Run r = run(Scenario.SYSTEM, 1, 30, (t, d) -> {
            Map<Long, Long> old = before(t, d);
            Map<Long, Long> ifPerformed = t.candidate.adChoices().ifPerformed();
            t.after = () -> {
                if (performed(t.outcome)) return;
                for (Map.Entry<Long, Long> e : ifPerformed.entrySet()) {
                    long now = d.memory().load64(e.getKey());
                    long was = old.getOrDefault(e.getKey(), now);
                    if (now != was) d.unstore(e.getKey(), now & ~(e.getValue() & ~was));
                }
            };
        });
        passes(r);
        assertTrue(r.choices.getOrDefault(AdUpdates.Choice.LEFT_OUT_OF_UNPERFORMED_REQUEST.text(), 0) > 0, r.choices::toString);
    }

    /**
     * Items: speculative A ("Updates of the A bit may be performed as a result of speculation, even if the
     * associated memory access ultimately is not performed") and G-stage D ("updates to the D bit in G-stage
     * PTEs may be performed by an implicit access to a VS-stage PTE, if the G-stage PTE provides write
     * permission"): a DUT that makes every such update passes.
     */
    @Test
    void everyPermittedOptionalUpdateIsAccepted() {
        Run r = run(Scenario.SYSTEM, 1, 30, (t, d) -> {
            Map<Long, Long> maySet = t.candidate.adChoices().maySet();
            t.after = () -> {
                for (Map.Entry<Long, Long> e : maySet.entrySet()) {
                    long now = d.memory().load64(e.getKey());
                    if ((now | e.getValue()) != now) d.store(e.getKey(), now | e.getValue());
                }
            };
        });
        passes(r);
    }

    // ------------------------------------------------------------------ directed two-stage cases

    static final int DID = 1;
    static final long DDT = 0x8000_0000L, G_ROOT = 0x8001_0000L, G_L1 = 0x8001_4000L, G_L0 = 0x8001_5000L;
    static final long S_ROOT = 0x8002_0000L, S_L1 = 0x8002_1000L, S_L0 = 0x8002_2000L, DATA = 0x8003_0000L;
    static final long VA = 0x4000_0000L;
    static final long V = 1, R = 2, W = 4, U = 16, A = 64, D = 128;

    /** A G-stage 4 KiB leaf for GPA {@code gpa} (identity) in the one L0 table (GPAs 0x8000_0000-0x801f_ffff). */
    private static Action.MemoryWrite gLeaf(long gpa, long flags) {
        return new Action.MemoryWrite(G_L0 + ((gpa >>> 12) & 0x1ff) * 8, ((gpa >>> 12) << 10) | flags | V, "G leaf");
    }

    /**
     * A device behind Sv39 over Sv39x4 with SADE=GADE=1 (ddtp 1LVL), its first-stage tables and data page
     * identity-mapped by the G stage with the given flags, VA mapped to DATA by a first-stage leaf with
     * {@code leafFlags}; then {@code request}.
     */
    static List<Action> twoStage(long tableFlags, long leafFlags, long dataFlags, int ttyp) {
        List<Action> a = new ArrayList<>();
        long dc = DDT + 64L * DID;
        boolean ats = ttyp == dev.lockstep.refmodel.fault.Ttyp.ATS_TRANSLATION;
        a.add(new Action.MemoryWrite(dc, 1 | 1L << 7 | 1L << 8 | (ats ? 2 : 0), "DC tc: V (EN_ATS) GADE SADE"));
        a.add(new Action.MemoryWrite(dc + 8, 8L << 60 | 5L << 44 | (G_ROOT >>> 12), "DC iohgatp Sv39x4"));
        a.add(new Action.MemoryWrite(dc + 16, 3L << 12, "DC ta PSCID 3"));
        a.add(new Action.MemoryWrite(dc + 24, 8L << 60 | (S_ROOT >>> 12), "DC fsc Sv39"));
        a.add(new Action.MemoryWrite(G_ROOT + 2 * 8, ((G_L1 >>> 12) << 10) | V, "G root"));
        a.add(new Action.MemoryWrite(G_L1, ((G_L0 >>> 12) << 10) | V, "G L1"));
        for (long t : new long[] {S_ROOT, S_L1, S_L0}) a.add(gLeaf(t, tableFlags));
        if (dataFlags != 0) a.add(gLeaf(DATA, dataFlags));
        a.add(new Action.MemoryWrite(S_ROOT + 8, ((S_L1 >>> 12) << 10) | V, "S root"));
        a.add(new Action.MemoryWrite(S_L1, ((S_L0 >>> 12) << 10) | V, "S L1"));
        a.add(new Action.MemoryWrite(S_L0, ((DATA >>> 12) << 10) | leafFlags | V, "S leaf"));
        a.add(new Action.RegisterWrite(dev.lockstep.refmodel.regs.RegisterFile.DDTP, 8, ((DDT >>> 12) << 10) | 2));
        a.add(new Action.Translate(1, DID, false, 0, false, ttyp, VA | 0x10));
        return a;
    }

    private static Run runScript(List<Action> script, ModelDut.Variant variant) {
        return runScript(script, 1, variant);
    }

    /** {@link #runScript} on a DUT that keeps up to {@code overlap} requests outstanding (windows). */
    static Run runScript(List<Action> script, int overlap, ModelDut.Variant variant) {
        ModelDut dut = new ModelDut(config);
        dut.variant = variant;
        dut.overlapping = overlap > 1;
        Map<String, Integer> choices = new TreeMap<>();
        RunObserver counting = new RunObserver() {
            @Override public void choice(int index, String choice) { choices.merge(choice, 1, Integer::sum); }
        };
        SeedResult r = new Lockstep(dut, config, (seed, c, m) -> null, s -> "").overlap(overlap).observer(counting)
                .run(1, 0, script, true);
        return new Run(r.passed() ? null : r, choices);
    }

    /** Sets every bit the walk reported as optional (maySet). */
    private static final ModelDut.Variant ALL_OPTIONAL = (t, d) -> {
        Map<Long, Long> maySet = t.candidate.adChoices().maySet();
        t.after = () -> {
            for (Map.Entry<Long, Long> e : maySet.entrySet()) {
                long now = d.memory().load64(e.getKey());
                if ((now | e.getValue()) != now) d.store(e.getKey(), now | e.getValue());
            }
        };
    };

    /**
     * Fault/Event-Queue: "The IOMMU may identify multiple requests as having detected an identical fault. In
     * such cases the IOMMU may report each of those faults individually, or report the fault for a subset,
     * including one, of requests." A DUT that writes an identical record once passes; one that leaves out
     * the record of a fault it never reported is still caught.
     */
    @Test
    void identicalFaultsMayBeReportedOnce() {
        String once = "identical fault reported once, not again";
        Map<String, Integer> choices = new TreeMap<>();
        for (Scenario s : new Scenario[] {Scenario.FQ_OVERFLOW, Scenario.SYSTEM, Scenario.ATS}) {
            Run r = run(s, 1, 4, (t, d) -> d.model().faultQueue().leaveOutIdenticalWhen(() -> true));
            passes(r);
            r.choices.forEach((k, v) -> choices.merge(k, v, Integer::sum));
        }
        assertTrue(choices.getOrDefault(once, 0) > 0, choices::toString);
        boolean[] first = {true};
        Run dropped = run(Scenario.SYSTEM, 1, 4, (t, d) -> t.after = () -> {
            if (!t.outcome.fault() || !first[0] || d.model().faultQueue().recordsWritten() == 0) return;
            first[0] = false;
            d.dropWrites(EffectSink.WRITE_FAULT_RECORD); // the seed's first record, identical to nothing before it
        });
        assertNotNull(dropped.failed, "a fault record left out that no identical record covers");
        assertTrue(dropped.failed.divergence().subject().startsWith("missing IOMMU memory write: fault record"),
                dropped.failed.divergence().subject());
    }

    /**
     * The same rule inside a window (docs/concurrency.md, section 11): two requests in flight together meet
     * an identical fault (a store to a read-only page); a DUT that writes the record once passes, one that
     * writes it for both passes, and one that writes none is caught.
     */
    @Test
    void identicalFaultsOfRequestsInFlightTogetherMayBeReportedOnce() {
        int write = dev.lockstep.refmodel.fault.Ttyp.UNTRANSLATED_WRITE;
        List<Action> s = twoStage(R | W | U | A | D, R | U | A | D, R | W | U | A | D, write);
        Action.Translate first = (Action.Translate) s.remove(s.size() - 1);
        long fq = 0x8004_0000L; // a fault queue of 4 records
        s.add(new Action.RegisterWrite(dev.lockstep.refmodel.regs.RegisterFile.FQB, 8, ((fq >>> 12) << 10) | 1));
        s.add(new Action.RegisterWrite(dev.lockstep.refmodel.regs.RegisterFile.FQCSR, 4, 1));
        s.add(new Action.Window(List.of(new Action.Translate(1, DID, false, 0, false, write, first.iova()),
                new Action.Translate(2, DID, false, 0, false, write, first.iova())), 0, List.of()));
        Run once = runScript(s, 4, (t, d) -> d.model().faultQueue().leaveOutIdenticalWhen(() -> true));
        passes(once);
        assertEquals(1, once.choices.getOrDefault("identical fault reported once, not again", 0), once.choices::toString);
        passes(runScript(s, 4, (t, d) -> { }));
        Run none = runScript(s, 4, (t, d) -> t.after = () -> d.dropWrites(EffectSink.WRITE_FAULT_RECORD));
        assertNotNull(none.failed, "neither request's fault reported");
        assertTrue(none.failed.divergence().subject().startsWith("missing IOMMU memory write: fault record"),
                none.failed.divergence().subject());
    }

    @Test
    void gStageDByAnImplicitAccessToAFirstStagePte() {
        // The G-stage leaves of the first-stage table pages grant W and have D=0.
        List<Action> s = twoStage(R | W | U | A, R | W | U | A | D, R | W | U | A | D,
                dev.lockstep.refmodel.fault.Ttyp.UNTRANSLATED_READ);
        passes(runScript(s, (t, d) -> { }));
        Run r = runScript(s, ALL_OPTIONAL);
        passes(r);
        assertEquals(3, r.choices.getOrDefault(AdUpdates.Choice.G_STAGE_D_BY_IMPLICIT_ACCESS.text(), 0), r.choices::toString);
        // Without W in those G-stage leaves, D there is a divergence.
        Run bad = runScript(twoStage(R | U | A, R | W | U | A | D, R | W | U | A | D,
                dev.lockstep.refmodel.fault.Ttyp.UNTRANSLATED_READ), (t, d) -> t.after = () -> {
                    long w = G_L0 + ((S_L0 >>> 12) & 0x1ff) * 8;
                    d.store(w, d.memory().load64(w) | D);
                });
        assertNotNull(bad.failed);
    }

    @Test
    void speculativeAOnTheGStageLeafOfTheGpaWhenTheFirstStageUpdateFaults() {
        // The first-stage leaf needs A; the G stage maps its table page read-only, so the update's implicit
        // write faults; the G-stage leaf of the GPA (A=0) passes its own checks for a read.
        List<Action> s = twoStage(R | U | A | D, R | W | U, R | W | U, dev.lockstep.refmodel.fault.Ttyp.UNTRANSLATED_READ);
        passes(runScript(s, (t, d) -> { }));
        Run r = runScript(s, ALL_OPTIONAL);
        passes(r);
        assertEquals(1, r.choices.getOrDefault(AdUpdates.Choice.SPECULATIVE_A.text(), 0), r.choices::toString);
        // D there is not permitted: "updates to the D bit ... must be exact".
        Run bad = runScript(twoStage(R | U | A | D, R | W | U, R | W | U, dev.lockstep.refmodel.fault.Ttyp.UNTRANSLATED_WRITE),
                (t, d) -> t.after = () -> {
                    long w = G_L0 + ((DATA >>> 12) & 0x1ff) * 8;
                    d.store(w, d.memory().load64(w) | A | D);
                });
        assertNotNull(bad.failed);
    }

    /**
     * "updates to the D bit, resulting from an explicit store, must be exact": an ATS request whose first
     * stage grants W but whose G stage does not gets no W, so the first-stage D the walk sets on the way is
     * not required (an IOMMU may translate the GPA first); A is (the completion grants R).
     */
    @Test
    void theFirstStageDOfAnAtsRequestGrantedNoWriteMayBeLeftOut() {
        int ats = dev.lockstep.refmodel.fault.Ttyp.ATS_TRANSLATION;
        List<Action> s = twoStage(R | W | U | A | D, R | W | U | A, R | U | A | D, ats);
        passes(runScript(s, (t, d) -> { }));
        ModelDut.Variant exactD = (t, d) -> t.after = () -> {
            long now = d.memory().load64(S_L0);
            if ((now & D) != 0) d.unstore(S_L0, now & ~D);
        };
        Run r = runScript(s, exactD);
        passes(r);
        assertEquals(1, r.choices.getOrDefault(AdUpdates.Choice.LEFT_OUT_OF_UNPERFORMED_REQUEST.text(), 0), r.choices::toString);
        // A is still required: the completion grants R.
        assertNotNull(runScript(twoStage(R | W | U | A | D, R | W | U, R | U | A | D, ats), (t, d) -> t.after = () -> {
            long now = d.memory().load64(S_L0);
            d.unstore(S_L0, now & ~(A | D));
        }).failed);
        // With W granted by both stages, D is required.
        assertNotNull(runScript(twoStage(R | W | U | A | D, R | W | U | A, R | W | U | A | D, ats), exactD).failed);
    }

    @Test
    void theFirstStageUpdateOfARequestWhoseGpaFaultsMayBeLeftOut() {
        // The first-stage leaf needs A and D (a write); the GPA is not mapped by the G stage.
        List<Action> s = twoStage(R | W | U | A | D, R | W | U, 0, dev.lockstep.refmodel.fault.Ttyp.UNTRANSLATED_WRITE);
        passes(runScript(s, (t, d) -> { }));
        ModelDut.Variant exact = (t, d) -> t.after = () -> {
            long leaf = S_L0;
            long now = d.memory().load64(leaf);
            if ((now & (A | D)) != 0) d.unstore(leaf, now & ~(A | D));
        };
        Run r = runScript(s, exact);
        passes(r);
        assertEquals(1, r.choices.getOrDefault(AdUpdates.Choice.LEFT_OUT_OF_UNPERFORMED_REQUEST.text(), 0), r.choices::toString);
        // A only (speculative A, exact D) is permitted too.
        passes(runScript(s, (t, d) -> t.after = () -> {
            long base = d.memory().load64(S_L0) & ~(A | D);
            d.unstore(S_L0, base);
            d.store(S_L0, base | A);
        }));
        // But when the request succeeds the update is required.
        Run bad = runScript(twoStage(R | W | U | A | D, R | W | U, R | W | U | A | D,
                dev.lockstep.refmodel.fault.Ttyp.UNTRANSLATED_WRITE), exact);
        assertNotNull(bad.failed);
    }

    /** But A (or D) on a leaf whose own checks failed, e.g. the leaf of a page fault, is not permitted. */
    @Test
    void anABitOnTheLeafOfAPageFaultIsADivergence() {
        long[] planted = {0};
        Run r = run(Scenario.SYSTEM, 1, 30, (t, d) -> {
            if (planted[0] != 0 || t.request.ttyp() == dev.lockstep.refmodel.fault.Ttyp.ATS_TRANSLATION) return;
            // The walk's last PTE read, when the walk ends in a page fault on a valid leaf with A=0.
            dev.lockstep.refmodel.translate.Outcome walk = new dev.lockstep.refmodel.translate.Translator(config,
                    new dev.lockstep.refmodel.mem.OverlayMemory(d.memory())).translate(
                    new dev.lockstep.refmodel.translate.Request(t.request.deviceId(), t.request.pv(),
                            t.request.pv() ? t.request.processId() : 0, t.request.iova(), t.request.ttyp(),
                            t.request.pv() && t.request.priv(), false, false, t.request.cxl()),
                    d.model().registers().ddtp(), d.model().registers().fctl());
            int cause = walk.cause();
            if (cause != 12 && cause != 13 && cause != 15) return;
            dev.lockstep.refmodel.trace.WalkTrace w = walk.trace();
            int last = w.readCount() - 1;
            if (last < 0 || w.readRole(last) != dev.lockstep.refmodel.trace.Role.FIRST_STAGE_PTE) return;
            long pte = w.readValue(last);
            if ((pte & 1) == 0 || (pte & 0xa) == 0 || (pte & 0x40) != 0 || w.readSize(last) != 8) return;
            long leaf = w.readAddress(last);
            t.after = () -> {
                long now = d.memory().load64(leaf);
                planted[0] = leaf;
                d.store(leaf, now | 0x40);
            };
        });
        assertTrue(planted[0] != 0, "no page fault on a leaf with A=0 to plant on");
        assertNotNull(r.failed, "an A update on a faulting leaf was accepted");
        assertTrue(r.failed.divergence().subject().contains("A/D update")
                || r.failed.divergence().subject().contains("extra IOMMU memory write"), r.failed.divergence().subject());
    }

    /**
     * Item: No Write. "the other permission bits set to the value determined from the page tables" (PCIe
     * ATS translation request handling): a DUT that ignores No Write and returns the page's W (with the
     * A/D updates of a write) passes.
     */
    @Test
    void atsNoWriteMayReturnThePagesWritePermission() {
        ModelDut.Variant ignoreNoWrite = (t, d) -> {
            if (!t.request.noWrite()) return;
            t.request = AtsChoices.writeRequested(t.request);
            t.candidate = d.model().candidates(t.request).get(0);
        };
        Run r = run(Scenario.ATS, 1, 1, ignoreNoWrite);
        passes(r);
        assertTrue(r.choices.getOrDefault("ATS no-write: W returned as the page's permission", 0) > 0, r.choices::toString);
    }

    /** ... but W=1 on a page the request without No Write would not be granted W is a divergence. */
    @Test
    void atsNoWriteGrantingWThePageDoesNotGiveIsADivergence() {
        int[] planted = {0};
        Run r = run(Scenario.ATS, 1, 1, (t, d) -> {
            if (!t.request.noWrite() || planted[0] > 0) return;
            TranslationRequest write = AtsChoices.writeRequested(t.request);
            TranslationOutcome w = d.model().candidates(write).get(0).outcome();
            if (w.fault() || (w.permissions() & TranslationOutcome.R) == 0 || (w.permissions() & TranslationOutcome.W) != 0) {
                return;
            }
            t.completionBits = 2L << 20; // W
            planted[0]++;
        });
        assertTrue(planted[0] > 0, "no No Write request to a read-only page in the scenario");
        assertNotNull(r.failed);
        assertEquals("R/W/X", r.failed.divergence().fields().get(0).field());
    }

    /**
     * Item: the cause of a Completer Abort. The spec's CA list has "Instruction access fault (cause = 1)",
     * "Read access fault (cause = 5)", "Write/AMO access fault (cause = 7)", and the "original access type"
     * of an ATS translation request is not defined: each is accepted, completion and record agreeing.
     */
    @Test
    void anAtsAccessFaultMayBeReportedWithAnyAccessFaultCause() {
        for (int cause : new int[] {1, 5, 7}) {
            Run r = run(Scenario.ATS, 1, 1, (t, d) -> t.after = () -> {
                if (!t.outcome.fault() || !AtsCompletion.isAccessFault(t.outcome.record().cause())) return;
                t.cause = cause;
                d.rewrite(EffectSink.WRITE_FAULT_RECORD, 0, v -> (v & ~0xfffL) | cause);
            });
            passes(r);
            assertEquals(1, r.choices.getOrDefault("ATS access fault reported with cause " + cause, 0), r.choices::toString);
        }
        // The record must carry the completion's cause.
        Run r = run(Scenario.ATS, 1, 1, (t, d) -> t.after = () -> {
            if (t.outcome.fault() && AtsCompletion.isAccessFault(t.outcome.record().cause())) {
                t.cause = t.outcome.record().cause() == 5 ? 1 : 5;
            }
        });
        assertNotNull(r.failed);
        assertTrue(r.failed.divergence().subject().startsWith("fault record"), r.failed.divergence().subject());
    }

    /**
     * Item: "an IOMMU may report the page offset of a GPA in iotval2 as 0" (and of iotval): accepted in
     * each record write and in the end-of-seed memory image.
     */
    @Test
    void pageOffsetsOfZeroInFaultRecordsAreAcceptedToTheEndOfTheSeed() {
        Run r = run(Scenario.SYSTEM, 1, 10, (t, d) -> t.after = () -> {
            d.rewrite(EffectSink.WRITE_FAULT_RECORD, 2, v -> v & ~0xfffL);
            d.rewrite(EffectSink.WRITE_FAULT_RECORD, 3, v -> v & ~0xffcL);
        });
        passes(r);
        assertTrue(r.choices.getOrDefault("fault record: page offset reported as 0", 0) > 0, r.choices::toString);
        // Anything else in iotval2 is still compared.
        Run bad = run(Scenario.SYSTEM, 1, 10, (t, d) -> t.after = () ->
                d.rewrite(EffectSink.WRITE_FAULT_RECORD, 3, v -> v == 0 ? v : v ^ (1L << 20)));
        assertNotNull(bad.failed);
    }
}
