package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ATS completion rules the checker applies (spec: PCIe ATS translation request completions). */
class AtsCompletionTest {

    /** A completion record word: status, R/W/X, U, G, S as the harness packs them. */
    private static long word(int status, int perms, boolean u, boolean g, boolean s, int cause) {
        return ((long) status << 16) | ((long) perms << 20) | (u ? 1L << 23 : 0) | (g ? 1L << 24 : 0)
                | (s ? 1L << 27 : 0) | ((long) cause << 32);
    }

    private static TranslationOutcome fault(int cause) {
        return TranslationOutcome.fault(new FaultRecord(cause, Ttyp.ATS_TRANSLATION, 1, false, 0, false, 0x1000, 0), true);
    }

    @Test
    void unsupportedRequestForContextCausesAndCompleterAbortForAccessFaults() {
        assertEquals(AtsCompletion.STATUS_UR, AtsCompletion.faultStatus(256));
        assertEquals(AtsCompletion.STATUS_UR, AtsCompletion.faultStatus(260));
        assertEquals(AtsCompletion.STATUS_CA, AtsCompletion.faultStatus(257 + 8)); // 265 PDT access fault
        assertEquals(AtsCompletion.STATUS_CA, AtsCompletion.faultStatus(5));
        assertTrue(AtsCompletion.matches(fault(260), word(1, 0, false, false, false, 260), 0));
        List<Divergence.FieldMismatch> m = AtsCompletion.mismatches(fault(260), word(2, 0, false, false, false, 260), 0);
        assertEquals("status (0 ok, 1 UR, 2 CA)", m.get(0).field());
        assertEquals(1, m.get(0).expected());
    }

    @Test
    void permissionsUAndGAreCompared() {
        TranslationOutcome ok = TranslationOutcome.success(0x8000_3000L, TranslationOutcome.R, 0, 12,
                TranslationOutcome.ATS_G);
        assertTrue(AtsCompletion.matches(ok, word(0, 1, false, true, false, 0), 0x8000_3000L));
        assertEquals("R/W/X", AtsCompletion.mismatches(ok, word(0, 3, false, true, false, 0), 0x8000_3000L).get(0).field());
        assertEquals("G", AtsCompletion.mismatches(ok, word(0, 1, false, false, false, 0), 0x8000_3000L).get(0).field());
        assertEquals("U", AtsCompletion.mismatches(ok, word(0, 1, true, true, false, 0), 0x8000_3000L).get(0).field());
    }

    @Test
    void privIsCompared() {
        long priv = 1L << 28;
        TranslationOutcome supervisor = TranslationOutcome.success(0x8000_3000L, TranslationOutcome.R, 0, 12,
                TranslationOutcome.ATS_PRIV);
        assertTrue(AtsCompletion.matches(supervisor, word(0, 1, false, false, false, 0) | priv, 0x8000_3000L));
        List<Divergence.FieldMismatch> m = AtsCompletion.mismatches(supervisor, word(0, 1, false, false, false, 0),
                0x8000_3000L);
        assertEquals("Priv", m.get(0).field());
        TranslationOutcome user = TranslationOutcome.success(0x8000_3000L, TranslationOutcome.R, 0, 12);
        assertEquals("Priv", AtsCompletion.mismatches(user, word(0, 1, false, false, false, 0) | priv, 0x8000_3000L)
                .get(0).field());
    }

    @Test
    void aSuccessWithoutPermissionsComparesStatusPermissionsUPrivAndG() {
        // R=W=0: the translated address is UNSPECIFIED after a fault, so address and range are not
        // compared; Priv is defined for every Success, and Global is "the value determined from the
        // first-stage page tables if translation could be successfully completed and the request had a
        // PASID present. In all other cases ... set to 0".
        TranslationOutcome none = TranslationOutcome.success(0, 0, 0, 12);
        assertTrue(AtsCompletion.matches(none, word(0, 0, false, false, true, 0), 0x1234_5000L));
        assertEquals("R/W/X", AtsCompletion.mismatches(none, word(0, 1, false, false, false, 0), 0).get(0).field());
        assertEquals("Priv", AtsCompletion.mismatches(none, word(0, 0, false, false, false, 0) | (1L << 28), 0)
                .get(0).field());
        assertEquals("G", AtsCompletion.mismatches(none, word(0, 0, false, true, false, 0), 0).get(0).field(),
                "G defined as 0 after a fault");
        TranslationOutcome noneSupervisor = TranslationOutcome.success(0, 0, 0, 12, TranslationOutcome.ATS_PRIV);
        assertEquals("Priv", AtsCompletion.mismatches(noneSupervisor, word(0, 0, false, false, false, 0), 0)
                .get(0).field());
        TranslationOutcome deniedGlobal = TranslationOutcome.success(0x8000_3000L, 0, 0, 12, TranslationOutcome.ATS_G);
        assertTrue(AtsCompletion.matches(deniedGlobal, word(0, 0, false, true, false, 0), 0));
        assertEquals("G", AtsCompletion.mismatches(deniedGlobal, word(0, 0, false, false, false, 0), 0).get(0).field(),
                "completed without a permission: the first stage's G");
        TranslationOutcome open = TranslationOutcome.success(0, 0, 0, 12, TranslationOutcome.ATS_G_UNSPECIFIED);
        assertTrue(AtsCompletion.matches(open, word(0, 0, false, true, false, 0), 0), "U-bit denial: G open");
        assertTrue(AtsCompletion.matches(open, word(0, 0, false, false, false, 0), 0));
    }

    @Test
    void cxlIoIsComparedWhereTheSpecDecidesIt() {
        long cxlIo = 1L << 29;
        TranslationOutcome clear = TranslationOutcome.success(0x8000_3000L, TranslationOutcome.R, 0, 12);
        assertTrue(AtsCompletion.matches(clear, word(0, 1, false, false, false, 0), 0x8000_3000L));
        assertEquals("CXL.io", AtsCompletion.mismatches(clear, word(0, 1, false, false, false, 0) | cxlIo, 0x8000_3000L)
                .get(0).field(), "not a CXL device: 0");
        TranslationOutcome set = TranslationOutcome.success(0x8000_3000L, TranslationOutcome.R, 0, 12,
                TranslationOutcome.ATS_CXL_IO);
        assertTrue(AtsCompletion.matches(set, word(0, 1, false, false, false, 0) | cxlIo, 0x8000_3000L));
        assertEquals("CXL.io", AtsCompletion.mismatches(set, word(0, 1, false, false, false, 0), 0x8000_3000L)
                .get(0).field(), "MSI / T2GPA / NC or IO: 1");
        TranslationOutcome open = TranslationOutcome.success(0x8000_3000L, TranslationOutcome.R, 0, 12,
                TranslationOutcome.ATS_CXL_IO_UNSPECIFIED);
        assertTrue(AtsCompletion.matches(open, word(0, 1, false, false, false, 0) | cxlIo, 0x8000_3000L));
        assertTrue(AtsCompletion.matches(open, word(0, 1, false, false, false, 0), 0x8000_3000L), "PMA: UNSPECIFIED");
    }

    @Test
    void aSmallerRangeIsAllowedALargerOneIsNot() {
        // A 2 MiB translation at 0x4020_0000.
        TranslationOutcome twoMiB = TranslationOutcome.success(0x4020_0000L, TranslationOutcome.R | TranslationOutcome.W,
                0, 21);
        int rw = TranslationOutcome.R | TranslationOutcome.W;
        // S=1 with PPN 0_1111_1111 (low bits): 2 MiB (spec's S encoding).
        long twoMiBEncoded = 0x4020_0000L | 0xff000L;
        assertEquals(21, AtsCompletion.reportedShift(word(0, rw, false, false, true, 0), twoMiBEncoded));
        assertTrue(AtsCompletion.matches(twoMiB, word(0, rw, false, false, true, 0), twoMiBEncoded));
        assertTrue(AtsCompletion.matches(twoMiB, word(0, rw, false, false, false, 0), 0x4020_0000L), "4 KiB is allowed");
        long fourMiBEncoded = 0x4000_0000L | 0x1ff000L;
        assertEquals("range (log2 bytes)",
                AtsCompletion.mismatches(twoMiB, word(0, rw, false, false, true, 0), fourMiBEncoded).get(0).field());
        assertEquals("translated address",
                AtsCompletion.mismatches(twoMiB, word(0, rw, false, false, false, 0), 0x4030_0000L).get(0).field());
    }

    @Test
    void anyRangeWhenTheSizeIsImplementationDefined() {
        TranslationOutcome bare = TranslationOutcome.success(0x4020_0000L, TranslationOutcome.R, 0, 21,
                TranslationOutcome.ATS_SIZE_IMPLEMENTATION_DEFINED);
        long oneGiBEncoded = 0x4000_0000L | 0x1fff_f000L;
        assertEquals(30, AtsCompletion.reportedShift(word(0, 1, false, false, true, 0), oneGiBEncoded));
        assertTrue(AtsCompletion.matches(bare, word(0, 1, false, false, true, 0), oneGiBEncoded));
    }
}
