package dev.lockstep.refmodel.pagetable;

import static dev.lockstep.refmodel.testutil.PageTables.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.Status;
import dev.lockstep.refmodel.translate.TranslatorOptions;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Which PTEs the walk reports an A/D choice for (Priv "PTE A/D updates", Svadu): exactly the leaf PTEs
 * the spec lets the IOMMU update beyond (or instead of) the algorithm's own updates, and no other.
 */
class AdLatitudeTest {

    static final int DID = 9;
    static final long GPA = 0x1_2345_6000L;
    static final long SPA = 0x7_0000_0000L;
    static final long LEAF = R | W | U | A | D;
    static final long VA = 0x4000_1abcL;

    Scenario s;
    PageTables g;
    PageTables fs;
    /** What the walk reported: word -> bits, by kind. */
    final Map<Long, Long> maySet = new TreeMap<>();
    final Map<Long, Long> ifPerformed = new TreeMap<>();

    void setUp(long tc) {
        s = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL2);
        s.options = new TranslatorOptions(true, true, 21);
        g = s.gStage(PagingScheme.SV39);
        fs = s.firstStage(PagingScheme.SV39, false);
        s.writeDc(DID, new Dc().tc(tc).iohgatp(8, 3, g.rootPpn()).fsc(8, fs.rootPpn()));
        PhysicalMemory mem = s.mem;
        s.translator().memory(new PhysicalMemory() {
            @Override public int status(long pa) { return mem.status(pa); }
            @Override public long load64(long pa) { return mem.load64(pa); }
            @Override public void store64(long pa, long value) { mem.store64(pa, value); }
            @Override public void adLatitude(long pa, long bits, int kind) {
                (kind == AD_MAY_SET ? maySet : ifPerformed).merge(pa, bits, (a, b) -> a | b);
            }
        });
    }

    @Test
    void theFirstStageLeafsUpdateIsRequiredOnlyIfTheRequestIsPerformed() {
        setUp(Dc.SADE | Dc.GADE);
        long leaf = fs.map(VA, GPA, 0, R | W | U);       // A=0: updated by the walk
        // The GPA is not mapped by the G stage: the request ends in a guest-page fault after the update.
        Outcome o = s.write(DID, VA);
        assertEquals(Cause.WRITE_GUEST_PAGE_FAULT, o.cause(), o::toString);
        assertEquals(Map.of(leaf, A | D), ifPerformed);
    }

    @Test
    void aGStageLeafMappingAFirstStagePteMayGetDWhenItGrantsWrite() {
        setUp(Dc.SADE | Dc.GADE);
        long fsLeaf = fs.map(VA, GPA, 0, LEAF);
        g.map(GPA, SPA, 0, LEAF);
        long tablePage = fsLeaf & ~0xfffL;
        long gLeaf = g.map(tablePage, tablePage, 0, R | W | U | A); // D=0, W=1
        assertEquals(Status.SUCCESS, s.read(DID, VA).status());
        assertEquals(D, maySet.get(gLeaf), maySet::toString);
        // Without W, no D.
        maySet.clear();
        g.map(tablePage, tablePage, 0, R | U | A);
        assertEquals(Status.SUCCESS, s.read(DID, VA).status());
        assertNull(maySet.get(gLeaf), maySet::toString);
        // Without GADE the IOMMU updates no G-stage A/D bit at all.
        setUp(Dc.SADE);
        fsLeaf = fs.map(VA, GPA, 0, LEAF);
        g.map(GPA, SPA, 0, LEAF);
        g.map(fsLeaf & ~0xfffL, fsLeaf & ~0xfffL, 0, R | W | U | A | D);
        gLeaf = g.map(fsLeaf & ~0xfffL, fsLeaf & ~0xfffL, 0, R | W | U | A);
        s.read(DID, VA);
        assertTrue(maySet.isEmpty(), maySet::toString);
    }

    @Test
    void whenTheFirstStageUpdateFaultsTheFinalGStageLeafMayStillGetAButNotD() {
        setUp(Dc.SADE | Dc.GADE);
        long fsLeaf = fs.map(VA, GPA, 0, R | W | U);    // needs A/D
        long finalLeaf = g.map(GPA, SPA, 0, R | W | U);  // A=0, D=0: its own checks pass for a write
        long tablePage = fsLeaf & ~0xfffL;
        long gTableLeaf = g.map(tablePage, tablePage, 0, R | U | A | D); // read-only: the implicit write faults
        Outcome o = s.write(DID, VA);
        assertEquals(Cause.WRITE_GUEST_PAGE_FAULT, o.cause(), o::toString);
        assertEquals(Map.of(finalLeaf, A), maySet);
        assertTrue(ifPerformed.isEmpty(), "the first-stage leaf cannot be updated");
        assertEquals(0, o.adWriteCount(), "the model itself stores nothing");
        assertNotEquals(gTableLeaf, finalLeaf);
        // The speculative walk left no trace: the walk ends with the implicit write's G-stage fault.
        assertEquals(Cause.WRITE_GUEST_PAGE_FAULT, o.trace().ruleCause());
        // A final leaf whose own checks fail (no W for a write) gets nothing.
        maySet.clear();
        g.map(GPA, SPA, 0, R | U);
        s.write(DID, VA);
        assertTrue(maySet.isEmpty(), maySet::toString);
    }

    @Test
    void aLeafWhoseOwnChecksFailAndNonLeafPtesGetNothing() {
        setUp(Dc.SADE | Dc.GADE);
        fs.map(VA, GPA, 0, R | U);                        // no W: a write is a page fault
        g.map(GPA, SPA, 0, LEAF);
        Outcome o = s.write(DID, VA);
        assertEquals(Cause.WRITE_PAGE_FAULT, o.cause(), o::toString);
        assertTrue(ifPerformed.isEmpty(), ifPerformed::toString);
        // The G-stage leaves of the table pages all have D set by the scenario: no D choice either.
        assertTrue(maySet.isEmpty(), maySet::toString);
    }
}
