package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.dut.Dut;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.mem.FastSparseMemory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The A/D updates a translation permits, and which permitted candidate the DUT's stores show. */
class AdUpdatesTest {

    static final long PTE_WORD = 0x8000_2010L;
    static final long PTE = 0x2000_1c0fL;          // V R W X U, A=0
    static final long A = 0x40;
    static final long MSI_ADDR = 0x8000_7000L;

    private static DutObservations writes(long... addrData) {
        DutObservations o = new DutObservations();
        long[] ev = new long[(addrData.length / 2 + 1) * Dut.EVENT_WORDS];
        int n = 0;
        for (int i = 0; i < addrData.length; i += 2, n++) {
            ev[n * Dut.EVENT_WORDS] = Dut.EV_MEM_WRITE;
            ev[n * Dut.EVENT_WORDS + 2] = addrData[i];
            ev[n * Dut.EVENT_WORDS + 3] = addrData[i + 1];
            ev[n * Dut.EVENT_WORDS + 4] = 0xff;
        }
        ev[n * Dut.EVENT_WORDS] = Dut.EV_IDLE;
        o.add(ev, n + 1);
        return o;
    }

    private static final TranslationOutcome OK = TranslationOutcome.success(0x9000_0000L, TranslationOutcome.R, 0, 12);

    /** The current walk: sets A in the PTE. */
    private static final CachingModel.Candidate WALK = new CachingModel.Candidate(OK, false, Set.of(PTE_WORD), Map.of(),
            new CachingModel.AdChoices(Map.of(), Map.of(), Map.of(PTE_WORD, PTE | A)));
    /** A cached (older) PTE with A=1: no update. */
    private static final CachingModel.Candidate CACHED = new CachingModel.Candidate(OK, true, Set.of(), Map.of(PTE_WORD, PTE | A),
            CachingModel.AdChoices.NONE);

    @Test
    void anIommuMsiDuringATranslationIsNotTakenForAnADUpdate() {
        FastSparseMemory mem = new FastSparseMemory();
        mem.store64(PTE_WORD, PTE);
        // The DUT used its cached PTE (no A/D update) and sent an MSI (e.g. for the fault queue's
        // interrupt): the MSI's store is not an A/D update and must not hide which candidate it used.
        DutObservations dut = writes(MSI_ADDR, 0x1234);
        assertSame(CACHED, AdUpdates.chooseByStores(List.of(WALK, CACHED), dut, mem));
        // It walked the PTE (A set) and sent the MSI.
        dut = writes(MSI_ADDR, 0x1234, PTE_WORD, PTE | A);
        assertSame(WALK, AdUpdates.chooseByStores(List.of(WALK, CACHED), dut, mem));
        // A store the candidates do not permit: none fits.
        dut = writes(PTE_WORD, PTE | A | 0x80);
        assertNull(AdUpdates.chooseByStores(List.of(WALK, CACHED), dut, mem));
    }

    @Test
    void optionalBitsMayBeSetOrNotAndRequiredOnesMustBe() {
        FastSparseMemory mem = new FastSparseMemory();
        mem.store64(PTE_WORD, PTE);
        long g = 0x8000_3020L;
        mem.store64(g, PTE | A);
        CachingModel.Candidate c = new CachingModel.Candidate(OK, false, Set.of(PTE_WORD), Map.of(),
                new CachingModel.AdChoices(Map.of(g, 0x80L), Map.of(), Map.of(PTE_WORD, PTE | A)));
        AdUpdates ad = AdUpdates.of(c, mem);
        assertTrue(ad.fits(writes(PTE_WORD, PTE | A)));
        assertTrue(ad.fits(writes(PTE_WORD, PTE | A, g, PTE | A | 0x80)));
        assertTrue(!ad.fits(writes(g, PTE | A | 0x80)), "the required A is missing");
        assertTrue(!ad.fits(writes(PTE_WORD, PTE | A, g, PTE | A)), "an unchanged store is not an update");
        // A request not performed (a fault): the walk's own update becomes optional too.
        CachingModel.Candidate fault = new CachingModel.Candidate(TranslationOutcome.fault(
                new dev.lockstep.refmodel.fault.FaultRecord(23, 3, 1, false, 0, false, 0, 0), true), false,
                Set.of(PTE_WORD), Map.of(), new CachingModel.AdChoices(Map.of(), Map.of(PTE_WORD, A), Map.of(PTE_WORD, PTE | A)));
        AdUpdates f = AdUpdates.of(fault, mem);
        assertTrue(f.fits(writes()));
        assertTrue(f.fits(writes(PTE_WORD, PTE | A)));
        assertEquals(Set.of(PTE_WORD), f.words());
    }
}
