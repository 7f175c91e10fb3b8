package dev.lockstep.engine;

import static dev.lockstep.engine.SpecChoicesTest.A;
import static dev.lockstep.engine.SpecChoicesTest.D;
import static dev.lockstep.engine.SpecChoicesTest.DATA;
import static dev.lockstep.engine.SpecChoicesTest.DID;
import static dev.lockstep.engine.SpecChoicesTest.G_L0;
import static dev.lockstep.engine.SpecChoicesTest.R;
import static dev.lockstep.engine.SpecChoicesTest.S_L0;
import static dev.lockstep.engine.SpecChoicesTest.S_L1;
import static dev.lockstep.engine.SpecChoicesTest.U;
import static dev.lockstep.engine.SpecChoicesTest.V;
import static dev.lockstep.engine.SpecChoicesTest.VA;
import static dev.lockstep.engine.SpecChoicesTest.W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Windows with several software groups (docs/concurrency.md, section 19): DMA continues while software unmaps a
 * page (leaf V=0, IOTINVAL.VMA, IOFENCE.C) and then maps it again through a new leaf table. A request submitted
 * after the second group must see the new mapping: neither the unmapped leaf (V=0 is never cached) nor the old
 * one (retired by the first group's invalidation and fence, which completed before the second group). A request
 * between the groups may still use the old leaf as cached or fault. The model is the DUT here, reporting cqh.
 */
class GroupsTest {

    @BeforeAll
    static void load() throws Exception { SpecChoicesTest.load(); }

    /** The new leaf table and data page of the second group; the G stage maps both (identity). */
    private static final long NEW_L0 = 0x8002_3000L;
    private static final long NEW_DATA = 0x8003_4000L;
    private static final long CQ = 0x8004_0000L;
    private static final long LEAF_FLAGS = R | W | U | A | D | V;

    private static final Action.Translate EARLY = request(2, 0x10);
    private static final Action.Translate MID = request(3, 0x20);
    private static final Action.Translate LATE = request(4, 0x30);

    private static Action.Translate request(int tag, long offset) {
        return new Action.Translate(tag, DID, false, 0, false, Ttyp.UNTRANSLATED_READ, VA | offset);
    }

    /**
     * The two-stage device of {@link SpecChoicesTest} (its first request caches the leaf), a command queue, and the
     * window: EARLY at its start, MID after the first group, LATE after the second.
     */
    private static List<Action> script() {
        List<Action> s = SpecChoicesTest.twoStage(R | W | U | A | D, LEAF_FLAGS, R | W | U | A | D, Ttyp.UNTRANSLATED_READ);
        s.add(new Action.MemoryWrite(G_L0 + ((NEW_L0 >>> 12) & 0x1ff) * 8, ((NEW_L0 >>> 12) << 10) | R | W | U | A | D | V, "G leaf"));
        s.add(new Action.MemoryWrite(G_L0 + ((NEW_DATA >>> 12) & 0x1ff) * 8, ((NEW_DATA >>> 12) << 10) | R | W | U | A | D | V, "G leaf"));
        s.add(new Action.RegisterWrite(RegisterFile.CQB, 8, ((CQ >>> 12) << 10) | 5));
        s.add(new Action.RegisterWrite(RegisterFile.CQCSR, 4, 1));
        List<Action> unmap = new ArrayList<>();
        unmap.add(new Action.MemoryWrite(S_L0, ((DATA >>> 12) << 10) | LEAF_FLAGS & ~V, "S leaf: unmap VA"));
        long[] inval = Commands.iotinval(false, true, VA, true, 3, true, 5, false, false);
        long[] fence = Commands.iofenceC(false, 0, 0, false, false, false);
        unmap.add(new Action.MemoryWrite(CQ, inval[0], "IOTINVAL.VMA dw0"));
        unmap.add(new Action.MemoryWrite(CQ + 8, inval[1], "IOTINVAL.VMA dw1"));
        unmap.add(new Action.MemoryWrite(CQ + 16, fence[0], "IOFENCE.C dw0"));
        unmap.add(new Action.MemoryWrite(CQ + 24, fence[1], "IOFENCE.C dw1"));
        unmap.add(new Action.RegisterWrite(RegisterFile.CQT, 4, 2));
        // The new leaf table: a non-leaf PTE changed, which the IOMMU may hold cached until an invalidation covers
        // it, so the second group invalidates the whole address space (an IOTINVAL.VMA with AV=1 and NL=0 covers
        // only leaf PTEs: iommu_extensions.adoc, "Non-leaf PTE Invalidation by IOTINVAL.VMA").
        long[] wide = Commands.iotinval(false, false, 0, true, 3, true, 5, false, false);
        List<Action> map = new ArrayList<>(List.of(
                new Action.MemoryWrite(NEW_L0 + ((VA >>> 12) & 0x1ff) * 8, ((NEW_DATA >>> 12) << 10) | LEAF_FLAGS, "new S leaf"),
                new Action.MemoryWrite(S_L1, ((NEW_L0 >>> 12) << 10) | V, "S L1: the new leaf table")));
        map.add(new Action.MemoryWrite(CQ + 32, wide[0], "IOTINVAL.VMA PSCID dw0"));
        map.add(new Action.MemoryWrite(CQ + 40, wide[1], "IOTINVAL.VMA PSCID dw1"));
        map.add(new Action.MemoryWrite(CQ + 48, fence[0], "IOFENCE.C dw0"));
        map.add(new Action.MemoryWrite(CQ + 56, fence[1], "IOFENCE.C dw1"));
        map.add(new Action.RegisterWrite(RegisterFile.CQT, 4, 4));
        // A third group waits for the second one's fence, so that LATE, after it, is accepted after that fence
        // completed: it may use no version either fence retired (section 2).
        List<Action> scratch = List.of(new Action.MemoryWrite(NEW_DATA + 0x800, 7, "device buffer"));
        s.add(new Action.Window(List.of(EARLY, MID, LATE), List.of(0, 15, 80), 10, unmap, List.of(),
                List.of(new Action.Window.Software(40, map), new Action.Window.Software(70, scratch))));
        return s;
    }

    /** A DUT that translates request {@code tag} on the tables as they were before the window. */
    private static ModelDut.Variant oldTablesFor(int tag) {
        return (t, d) -> {
            if (t.request.iova() != (VA | (tag == 3 ? 0x20 : 0x30))) return;
            long l1 = d.memory().load64(S_L1);
            long leaf = d.memory().load64(S_L0);
            d.memory().store64(S_L1, ((S_L0 >>> 12) << 10) | V);
            d.memory().store64(S_L0, leaf | V);
            t.candidate = d.model().candidates(t.request).get(0);
            t.after = () -> {
                d.memory().store64(S_L1, l1);
                d.memory().store64(S_L0, leaf);
            };
        };
    }

    /** A DUT that translates LATE on the unmapped leaf of the first group (the old L1 pointer, the leaf V=0). */
    private static final ModelDut.Variant UNMAPPED_FOR_LATE = (t, d) -> {
        if (t.request.iova() != LATE.iova()) return;
        long l1 = d.memory().load64(S_L1);
        d.memory().store64(S_L1, ((S_L0 >>> 12) << 10) | V);
        t.candidate = d.model().candidates(t.request).get(0);
        t.after = () -> d.memory().store64(S_L1, l1);
    };

    private static SeedResult run(ModelDut.Variant variant, boolean cqHeadLag) {
        ModelDut dut = new ModelDut(SpecChoicesTest.config);
        dut.variant = variant;
        dut.overlapping = true;
        dut.cqHeadLag = cqHeadLag;
        return new Lockstep(dut, SpecChoicesTest.config, (seed, c, m) -> null, s -> "").overlap(3).run(1, 0, script(), true);
    }

    @Test
    void theCleanModelPassesAndARequestBetweenTheGroupsMayUseTheCachedLeaf() {
        SeedResult clean = run((t, d) -> { }, false);
        assertTrue(clean.passed(), () -> String.valueOf(clean.divergence()));
        // MID was submitted after the unmap's store, before its invalidation is known to have executed: the
        // leaf it cached before may still answer it (section 1).
        SeedResult cached = run(oldTablesFor(3), false);
        assertTrue(cached.passed(), () -> String.valueOf(cached.divergence()));
    }

    @Test
    void aRequestAfterTheSecondGroupMayUseNeitherTheRetiredNorTheUnmappedVersion() {
        SeedResult retired = run(oldTablesFor(4), false);
        assertNotNull(retired.divergence(), "LATE answered from the leaf the first group's fence retired");
        assertTrue(retired.divergence().subject().startsWith("translation completion for tag 4"),
                retired.divergence().subject());
        SeedResult unmapped = run(UNMAPPED_FOR_LATE, false);
        assertNotNull(unmapped.divergence(), "LATE answered as the unmapped page");
        assertTrue(unmapped.divergence().subject().startsWith("translation completion for tag 4"),
                unmapped.divergence().subject());
    }

    @Test
    void aDutIdleBeforeItsCommandsAreDoneIsReportedNotJudged() {
        // The DUT reports idle with cqh still short of the first group's tail, and moves it only after the second
        // group took effect: the window's points would be wrong, so the window is refused loudly.
        SeedResult r = run((t, d) -> { }, true);
        assertNull(r.divergence());
        assertNotNull(r.failure(), "a failure, not a pass");
        assertTrue(r.failure().message().matches("software group [12] of the window took effect at cycle \\d+, before cqh "
                        + "passed the commands of the groups before it .*"),
                r.failure().message());
    }

    /**
     * One group, and a request submitted after it and accepted after the IOFENCE.C the group made available
     * completed (the DUT busy 40 cycles after each call, its fence complete 30 cycles after the doorbell, the
     * request at 60): it may not use the leaf the group's IOTINVAL retired, even as cached (sections 2 and 15); a
     * request accepted before the fence completed (at 11) may.
     */
    @Test
    void aRequestAcceptedAfterTheGroupsFenceCompletedMayNotUseTheRetiredLeaf() {
        List<Action> s = script();
        Action.Window w = (Action.Window) s.remove(s.size() - 1);
        s.add(new Action.Window(List.of(EARLY, LATE), List.of(0, 60), w.gap(), w.during(), List.of()));
        assertTrue(runBusy(s, (t, d) -> { }).passed());
        SeedResult stale = runBusy(s, oldTablesFor(4));
        assertNotNull(stale.divergence(), "LATE, accepted after the fence, answered from the retired leaf");
        assertTrue(stale.divergence().subject().startsWith("translation completion for tag 4"), stale.divergence().subject());
        s.set(s.size() - 1, new Action.Window(List.of(EARLY, LATE), List.of(0, 11), w.gap(), w.during(), List.of()));
        SeedResult beforeFence = runBusy(s, oldTablesFor(4));
        assertTrue(beforeFence.passed(), () -> "LATE, accepted before the fence completed, may use the cached leaf: "
                + beforeFence.divergence());
    }

    /**
     * Behind a bus whose register writes are programming-port transactions (an AXI wrapper), a window's register
     * write other than the cqt doorbell lands cycles after the call while requests go on, and the window's points
     * place it at one cycle: refused, naming the write. The same window on the native ports is judged.
     */
    @Test
    void aRegisterWriteRacingRequestsBehindABusIsRefused() {
        List<Action> s = script();
        Action.Window w = (Action.Window) s.remove(s.size() - 1);
        List<Action> during = new ArrayList<>(w.during());
        during.add(new Action.RegisterWrite(RegisterFile.IPSR, 4, 0));
        s.add(new Action.Window(List.of(EARLY, LATE), List.of(0, 60), w.gap(), during, List.of()));
        ModelDut dut = new ModelDut(SpecChoicesTest.config);
        dut.overlapping = true;
        dut.busyCycles = 40;
        dut.buildId = "model-dut axi:translated=1,ats=1,ats_cxl=1,page_requests=1,page_request_dsv=1,messages=1,cause=1,"
                + "pbmt=1,poison=1,cqh=1,fqt=1,pqt=1";
        SeedResult r = new Lockstep(dut, SpecChoicesTest.config, (seed, c, m) -> null, x -> "").overlap(3).run(1, 0, s, true);
        assertNotNull(r.failure(), "refused, not judged");
        assertTrue(r.failure().message().contains("register write 'write ipsr (0x54, 4 B) = 0x0' races requests in "
                + "flight, and on this DUT a register write is a programming-port transaction"), r.failure().message());
        assertTrue(runBusy(s, (t, d) -> { }).passed(), "the same window on the native ports");
    }

    private static SeedResult runBusy(List<Action> script, ModelDut.Variant variant) {
        ModelDut dut = new ModelDut(SpecChoicesTest.config);
        dut.variant = variant;
        dut.overlapping = true;
        dut.busyCycles = 40;
        dut.fenceCycles = 30;
        return new Lockstep(dut, SpecChoicesTest.config, (seed, c, m) -> null, x -> "").overlap(3).run(1, 0, script, true);
    }

    @Test
    void aGroupWhoseCommandsEndWithoutAFenceCannotBeFollowedByAnother() {
        // "The IOMMU advancing cqh is not a guarantee that the commands fetched by the IOMMU have been executed or
        // committed" (Command-Queue): without an IOFENCE.C last, the first group's IOTINVAL is not known to be done
        // when the second group's stores take effect, and the window's points would assume it is.
        List<Action> s = script();
        Action.Window w = (Action.Window) s.remove(s.size() - 1);
        List<Action> unfenced = new ArrayList<>(w.during().subList(0, 3));
        unfenced.add(new Action.RegisterWrite(RegisterFile.CQT, 4, 1));
        s.add(new Action.Window(w.requests(), w.arrivals(), w.gap(), unfenced, List.of(), w.later().subList(1, 2)));
        ModelDut dut = new ModelDut(SpecChoicesTest.config);
        dut.overlapping = true;
        SeedResult r = new Lockstep(dut, SpecChoicesTest.config, (seed, c, m) -> null, x -> "").overlap(3).run(1, 0, s, true);
        assertNotNull(r.failure(), "refused, not judged");
        assertTrue(r.failure().message().contains("software group 0 of the window makes commands available without an "
                + "IOFENCE.C last"), r.failure().message());
    }

    /**
     * One leaf unmapped by the first group (V=0, IOTINVAL.VMA, IOFENCE.C) and mapped again, to another page, by the
     * second (the same word, V=1 with A clear, IOTINVAL.VMA, IOFENCE.C), while DMA continues: the walks before the
     * unmap set A on the old version, the walk after the second group on the new one, each judged on its version
     * (section 19, A/D updates); a request after the second group answered from the old page or as unmapped diverges.
     */
    @Test
    void oneWindowUnmapsAPageAndMapsItAgainWhileDmaContinues() {
        long leaf = ((DATA >>> 12) << 10) | R | W | U | V;
        List<Action> s = SpecChoicesTest.twoStage(R | W | U | A | D, R | W | U, R | W | U | A | D, Ttyp.UNTRANSLATED_READ);
        s.add(new Action.MemoryWrite(G_L0 + ((NEW_DATA >>> 12) & 0x1ff) * 8, ((NEW_DATA >>> 12) << 10) | R | W | U | A | D | V, "G leaf"));
        s.add(new Action.RegisterWrite(RegisterFile.CQB, 8, ((CQ >>> 12) << 10) | 5));
        s.add(new Action.RegisterWrite(RegisterFile.CQCSR, 4, 1));
        long[] inval = Commands.iotinval(false, true, VA, true, 3, true, 5, false, false);
        long[] fence = Commands.iofenceC(false, 0, 0, false, false, false);
        List<Action> unmap = List.of(new Action.MemoryWrite(S_L0, leaf & ~V, "S leaf: unmap VA"),
                new Action.MemoryWrite(CQ, inval[0], "IOTINVAL.VMA dw0"), new Action.MemoryWrite(CQ + 8, inval[1], "IOTINVAL.VMA dw1"),
                new Action.MemoryWrite(CQ + 16, fence[0], "IOFENCE.C dw0"), new Action.MemoryWrite(CQ + 24, fence[1], "IOFENCE.C dw1"),
                new Action.RegisterWrite(RegisterFile.CQT, 4, 2));
        List<Action> map = List.of(new Action.MemoryWrite(S_L0, ((NEW_DATA >>> 12) << 10) | R | W | U | V, "S leaf: map VA again"),
                new Action.MemoryWrite(CQ + 32, inval[0], "IOTINVAL.VMA dw0"), new Action.MemoryWrite(CQ + 40, inval[1], "IOTINVAL.VMA dw1"),
                new Action.MemoryWrite(CQ + 48, fence[0], "IOFENCE.C dw0"), new Action.MemoryWrite(CQ + 56, fence[1], "IOFENCE.C dw1"),
                new Action.RegisterWrite(RegisterFile.CQT, 4, 4));
        List<Action> scratch = List.of(new Action.MemoryWrite(NEW_DATA + 0x800, 7, "device buffer"));
        s.add(new Action.Window(List.of(EARLY, MID, LATE), List.of(0, 15, 80), 10, unmap, List.of(),
                List.of(new Action.Window.Software(40, map), new Action.Window.Software(70, scratch))));
        s.add(new Action.Translate(5, DID, false, 0, false, Ttyp.UNTRANSLATED_READ, VA | 0x50));
        SeedResult clean = runBusy(s, (t, d) -> { });
        assertTrue(clean.passed(), () -> String.valueOf(clean.divergence()));
        ModelDut.Variant oldPage = (t, d) -> {
            if (t.request.iova() != LATE.iova()) return;
            long now = d.memory().load64(S_L0);
            d.memory().store64(S_L0, leaf | A);
            t.candidate = d.model().candidates(t.request).get(0);
            t.after = () -> d.memory().store64(S_L0, now);
        };
        SeedResult stale = runBusy(s, oldPage);
        assertNotNull(stale.divergence(), "LATE answered from the page the first group unmapped");
        assertTrue(stale.divergence().subject().startsWith("translation completion for tag 4"), stale.divergence().subject());
        ModelDut.Variant unmapped = (t, d) -> {
            if (t.request.iova() != LATE.iova()) return;
            long now = d.memory().load64(S_L0);
            d.memory().store64(S_L0, leaf & ~V);
            t.candidate = d.model().candidates(t.request).get(0);
            t.after = () -> d.memory().store64(S_L0, now);
        };
        SeedResult fault = runBusy(s, unmapped);
        assertNotNull(fault.divergence(), "LATE answered as the unmapped page");
    }

    @Test
    void theWindowsShapeIsCheckedWhenItIsMade() {
        List<Action> map = List.of(new Action.MemoryWrite(S_L0, 0, "again"));
        List<Action> unmap = List.of(new Action.MemoryWrite(S_L0, 1, "once"));
        // Two groups may store one word (unmapped, then mapped again).
        assertEquals(2, new Action.Window(List.of(EARLY), List.of(0), 10, unmap, List.of(),
                List.of(new Action.Window.Software(20, map))).groups().size());
        IllegalArgumentException order = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Action.Window(List.of(EARLY), List.of(0), 10, unmap, List.of(),
                        List.of(new Action.Window.Software(10, List.of(new Action.MemoryWrite(S_L1, 0, "x"))))));
        assertTrue(order.getMessage().contains("increasing gaps"), order.getMessage());
        Action.Window w = new Action.Window(List.of(EARLY, MID), List.of(0, 30), 10, unmap, List.of(),
                List.of(new Action.Window.Software(20, List.of(new Action.MemoryWrite(S_L1, 0, "x")))));
        assertEquals(List.of(Action.Window.Step.REQUEST, Action.Window.Step.SOFTWARE, Action.Window.Step.SOFTWARE,
                Action.Window.Step.REQUEST), w.schedule().stream().map(Action.Window.Step::kind).toList());
        assertTrue(w.submittedAfter(1, 1) && !w.submittedAfter(0, 0));
    }
}
