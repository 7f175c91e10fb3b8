package dev.lockstep.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import org.junit.jupiter.api.Test;

/** Coverage of ATS completion fields: where the spec decides them, and the DUT's choice where it does not. */
class AtsChoiceCoverageTest {

    @Test
    void cxlIoAndOpenGlobalAreCountedByTheDutsChoice() {
        Capabilities caps = Capabilities.builder().sv39().sv39x4().ats().t2gpa().msiFlat().pas(56).pd8().build();
        CoverageObserver o = new CoverageObserver(IommuConfig.defaults(caps));
        TranslationRequest r = TranslationRequest.ats(1, false, 0, false, 0x4000, false, false).withCxl(true);
        long cxlIo = 1L << 29;
        long g = 1L << 24;
        int rw = TranslationOutcome.R | TranslationOutcome.W;
        o.atsCompleted(0, r, TranslationOutcome.success(0x8000, rw, 0, 12, TranslationOutcome.ATS_CXL_IO), cxlIo);
        o.atsCompleted(1, r, TranslationOutcome.success(0x8000, rw, 0, 12), 0);
        o.atsCompleted(2, r, TranslationOutcome.success(0x8000, rw, 0, 12, TranslationOutcome.ATS_CXL_IO_UNSPECIFIED), cxlIo);
        o.atsCompleted(3, r, TranslationOutcome.success(0x8000, rw, 0, 12, TranslationOutcome.ATS_CXL_IO_UNSPECIFIED), 0);
        o.atsCompleted(4, r, TranslationOutcome.success(0, 0, 0, 12,
                TranslationOutcome.ATS_G_UNSPECIFIED | TranslationOutcome.ATS_CXL_IO_UNSPECIFIED), g);
        Coverage c = o.coverage();
        assertEquals(1, c.count(Coverage.ATS, "ATS CXL.io set"));
        assertEquals(1, c.count(Coverage.ATS, "ATS CXL.io clear"));
        assertEquals(1, c.count(Coverage.ATS, "ATS CXL.io UNSPECIFIED, DUT chose 1"));
        assertEquals(2, c.count(Coverage.ATS, "ATS CXL.io UNSPECIFIED, DUT chose 0"));
        assertEquals(1, c.count(Coverage.ATS, "ATS G open, DUT chose 1"));
        assertTrue(c.isGoal(Coverage.ATS, "ATS CXL.io set") && c.isGoal(Coverage.ATS, "ATS CXL.io clear"));
        assertFalse(c.isGoal(Coverage.ATS, "ATS CXL.io UNSPECIFIED, DUT chose 0"), "a choice, not a goal");
    }
}
