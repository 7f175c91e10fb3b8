package dev.lockstep.engine;

import static dev.lockstep.engine.SpecChoicesTest.A;
import static dev.lockstep.engine.SpecChoicesTest.D;
import static dev.lockstep.engine.SpecChoicesTest.DATA;
import static dev.lockstep.engine.SpecChoicesTest.DID;
import static dev.lockstep.engine.SpecChoicesTest.R;
import static dev.lockstep.engine.SpecChoicesTest.S_L0;
import static dev.lockstep.engine.SpecChoicesTest.U;
import static dev.lockstep.engine.SpecChoicesTest.V;
import static dev.lockstep.engine.SpecChoicesTest.VA;
import static dev.lockstep.engine.SpecChoicesTest.W;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.stimulus.Action;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests arriving during a window (docs/concurrency.md, section 18): a request's permitted versions start at
 * its acceptance. A page software maps while requests are in flight (a leaf PTE from V=0 to V=1, which needs no
 * invalidation: entries with V=0 are never cached, section 5) may fault for a request that was in flight
 * before the store, and must translate for one submitted after it.
 */
class ArrivalsTest {

    @BeforeAll
    static void load() throws Exception { SpecChoicesTest.load(); }

    private static final long LEAF = ((DATA >>> 12) << 10) | R | W | U | A | D | V;
    private static final Action.Translate EARLY = new Action.Translate(1, DID, false, 0, false, Ttyp.UNTRANSLATED_READ, VA | 0x10);
    private static final Action.Translate LATE = new Action.Translate(2, DID, false, 0, false, Ttyp.UNTRANSLATED_READ, VA | 0x40);

    /** The two-stage device of {@link SpecChoicesTest} with VA not mapped yet, then {@code window}. */
    private static List<Action> script(List<Integer> arrivals) {
        List<Action> s = SpecChoicesTest.twoStage(R | W | U | A | D, R | W | U | A | D, R | W | U | A | D, Ttyp.UNTRANSLATED_READ);
        s.remove(s.size() - 1);
        s.replaceAll(a -> a instanceof Action.MemoryWrite m && m.pa() == S_L0 ? new Action.MemoryWrite(S_L0, 0, "S leaf: none yet") : a);
        s.add(new Action.Window(List.of(EARLY, LATE), arrivals, 10,
                List.of(new Action.MemoryWrite(S_L0, LEAF, "S leaf: map VA")), List.of()));
        return s;
    }

    /** A DUT that walks request {@code tag} on the page table as it was before the map store (the leaf V=0). */
    private static ModelDut.Variant oldLeafFor(int tag) {
        return (t, d) -> {
            long now = d.memory().load64(S_L0);
            if (t.request.iova() != (tag == 1 ? EARLY : LATE).iova() || (now & V) == 0) return;
            d.memory().store64(S_L0, now & ~V);
            t.candidate = d.model().candidates(t.request).get(0);
            t.after = () -> d.memory().store64(S_L0, now);
        };
    }

    @Test
    void aRequestSubmittedAfterAStoreSeesIt() {
        assertNull(SpecChoicesTest.runScript(script(List.of(0, 30)), 2, (t, d) -> { }).failed(),
                "the early request faults, the late one translates");
        SeedResult stale = SpecChoicesTest.runScript(script(List.of(0, 30)), 2, oldLeafFor(2)).failed();
        assertNotNull(stale, "a request submitted after the map store that faults as before it");
        assertTrue(stale.divergence().subject().startsWith("translation completion for tag 2"), stale.divergence().subject());
    }

    @Test
    void requestsInFlightBeforeTheStoreMayMissIt() {
        // Both submitted at the window's start: the DUT performs both before the store; both fault, as permitted.
        assertNull(SpecChoicesTest.runScript(script(List.of(0, 0)), 2, (t, d) -> { }).failed());
        // Arriving at the gap itself, the late request is submitted before the store: either version.
        assertNull(SpecChoicesTest.runScript(script(List.of(0, 10)), 2, oldLeafFor(2)).failed());
    }
}
