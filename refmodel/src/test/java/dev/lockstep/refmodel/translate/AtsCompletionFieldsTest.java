package dev.lockstep.refmodel.translate;

import static dev.lockstep.refmodel.testutil.PageTables.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import org.junit.jupiter.api.Test;

/**
 * The Global and CXL.io fields of an ATS Success (IOMMU "PCIe ATS translation request handling", "the
 * setting of the Priv, N, CXL.io, Global, and AMA fields"), where a Success grants nothing too.
 */
class AtsCompletionFieldsTest {

    static final int DID = 0x55;
    static final long GPA = 0x1_2345_6000L;
    static final long SPA = 0x7_0000_0000L;
    static final long VA = 0x4000_0000L;
    /** Interrupt files: GPA page numbers 0x28000..0x28003 (mask 0b11). */
    static final long MSI_PATTERN = 0x28000, MSI_MASK = 0x3;
    static final long FILE_SPA = 0x9_0000_0000L;

    Scenario s;
    PageTables fs;
    PageTables g;
    long msiTable;

    /** EN_ATS, PD8 with PCs for pid 0 (DPE default) and 1 (ENS) over Sv39, G stage Sv39x4, MSI flat. */
    void setUp(Capabilities caps, long tc) {
        s = new Scenario(caps, IommuMode.LVL2);
        g = s.gStage(PagingScheme.SV39);
        fs = s.firstStage(PagingScheme.SV39, false);
        Scenario.Pdt pdt = s.pdt(1, false);
        pdt.writePc(0, false, false, 3, 8, fs.rootPpn());
        pdt.writePc(1, true, false, 3, 8, fs.rootPpn());
        msiTable = s.alloc.page();
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.PDTV | Dc.DPE | tc).fsc(1, pdt.ppn()).iohgatp(8, 2, g.rootPpn())
                .msi(1, msiTable >>> 12, MSI_MASK, MSI_PATTERN));
        s.write64(msiTable, ((FILE_SPA >>> 12) << 10) | (3 << 1) | 1, false); // interrupt file 0: basic mode
    }

    void setUp(long tc) { setUp(Scenario.fullCaps(true).build(), tc); }

    Outcome ats(boolean pasid, boolean cxl) {
        Request r = Request.ats(DID, VA, false, false).withCxl(cxl);
        return s.translate(pasid ? r.withProcess(1, false) : r);
    }

    static int atsFlags(Outcome o) { return ProcessTranslator.outcome(o).ats(); }

    // ---------------------------------------------------------------- Global

    @Test
    void global_is_the_first_stages_when_the_translation_completes_without_granting_a_permission() {
        // "If the translation could be successfully completed but the requested permissions are not
        // present ... a Success response"; Global "is set to the value determined from the first-stage
        // page tables if translation could be successfully completed and the request had a PASID".
        setUp(0);
        fs.map(VA, GPA, 0, X | U | A | D | G); // execute-only: nothing can be granted without R
        g.map(GPA, SPA, 0, R | W | U | A | D);
        Outcome o = ats(true, false);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(0, o.cause());
        assertEquals(0, o.permissions());
        assertTrue(o.global(), "completed with a PASID: the first stage's G");
        assertFalse(o.globalUnspecified());
        assertFalse(ats(false, false).global(), "no PASID: 0");
        fs.map(VA, GPA, 0, R | W | U | A | D | G);
        g.map(GPA, SPA, 0, X | U | A | D);        // execute-only: the G stage denies R and W
        Outcome gDenied = ats(true, false);
        assertEquals(0, gDenied.permissions(), gDenied::toString);
        assertTrue(gDenied.global(), "denied by the G stage, completed: the first stage's G");
        int flags = atsFlags(gDenied);
        assertEquals(TranslationOutcome.ATS_G, flags & (TranslationOutcome.ATS_G | TranslationOutcome.ATS_G_UNSPECIFIED));
    }

    @Test
    void global_is_zero_when_the_translation_could_not_be_completed() {
        // "In all other cases, including MSI address translations, this field is set to 0."
        setUp(0);
        fs.map(VA, GPA, 0, R | W | U | A | D | G);
        Outcome gpf = ats(true, false); // G stage unmapped: guest-page fault
        assertEquals(Cause.WRITE_GUEST_PAGE_FAULT, gpf.cause(), gpf::toString);
        assertEquals(Status.SUCCESS, gpf.status());
        assertFalse(gpf.global());
        assertFalse(gpf.globalUnspecified(), "defined: 0");
        fs.map(VA, MSI_PATTERN << 12, 0, R | W | U | A | D | G);
        Outcome msi = ats(true, false);
        assertTrue(msi.msi(), msi::toString);
        assertFalse(msi.global(), "MSI address translations: 0");
    }

    @Test
    void global_is_open_after_a_u_bit_denial() {
        // The U-bit rules are described apart from both "could not be completed" and "successfully
        // completed but the requested permissions are not present".
        setUp(0);
        fs.map(VA, GPA, 0, R | W | A | D | G); // U=0, user request
        g.map(GPA, SPA, 0, R | W | U | A | D);
        Outcome o = ats(true, false);
        assertEquals(0, o.permissions(), o::toString);
        assertTrue(o.globalUnspecified());
        assertNotEquals(0, atsFlags(o) & TranslationOutcome.ATS_G_UNSPECIFIED);
    }

    @Test
    void global_is_open_when_going_on_past_a_first_stage_that_granted_nothing_would_not_complete() {
        // "not present in either stage": whether an IOMMU goes on to the final GPA is not said. Where it
        // would complete there, both ways give the first stage's G; where it would not, G may be 0.
        setUp(0);
        fs.map(VA, GPA, 0, X | U | A | D | G);     // execute-only: nothing granted; G stage unmapped
        Outcome unmapped = ats(true, false);
        assertEquals(0, unmapped.permissions(), unmapped::toString);
        assertTrue(unmapped.global());
        assertTrue(unmapped.globalUnspecified(), "the final GPA would take a guest-page fault");
        int reads = unmapped.trace().readCount();
        g.map(GPA, SPA, 0, R | W | U | A | D);
        Outcome mapped = ats(true, false);
        assertFalse(mapped.globalUnspecified(), "the final GPA translates: the first stage's G either way");
        assertEquals(reads, mapped.trace().readCount(), "the what-if walk leaves no reads in the trace");
        fs.map(VA, MSI_PATTERN << 12, 0, X | U | A | D | G);
        assertTrue(ats(true, false).globalUnspecified(), "an MSI address: 0 if translated as one");
        fs.map(VA, GPA, 0, X | U | A | D);
        assertFalse(ats(true, false).globalUnspecified(), "first-stage G=0: 0 either way");
    }

    // ---------------------------------------------------------------- CXL.io

    @Test
    void cxl_io_is_zero_for_a_device_that_is_not_cxl() {
        setUp(Dc.T2GPA);
        fs.map(VA, GPA, 0, R | W | U | A | D | pbmt(1));
        g.map(GPA, SPA, 0, R | W | U | A | D);
        Outcome o = ats(false, false);
        assertTrue(o.r(), o::toString);
        assertFalse(o.cxlIo());
        assertFalse(o.cxlIoUnspecified(), "If requesting device is not a CXL device then CXL.io is set to 0");
    }

    @Test
    void cxl_io_of_a_cxl_device_follows_msi_then_t2gpa_then_the_memory_type() {
        setUp(0);
        fs.map(VA, MSI_PATTERN << 12, 0, R | W | U | A | D);
        Outcome msi = ats(false, true);
        assertTrue(msi.msi(), msi::toString);
        assertTrue(msi.cxlIo(), "an MSI address: 1");
        fs.map(VA, GPA, 0, R | W | U | A | D | pbmt(1));
        g.map(GPA, SPA, 0, R | W | U | A | D);
        Outcome nc = ats(false, true);
        assertEquals(1, nc.pbmt());
        assertTrue(nc.cxlIo() && !nc.cxlIoUnspecified(), "NC: 1");
        fs.map(VA, GPA, 0, R | W | U | A | D);
        g.map(GPA, SPA, 0, R | W | U | A | D | pbmt(2));
        assertTrue(ats(false, true).cxlIo(), "IO from the G stage: 1");
        g.map(GPA, SPA, 0, R | W | U | A | D);
        Outcome pma = ats(false, true);
        assertTrue(pma.cxlIoUnspecified(), "PMA: UNSPECIFIED");
        int flags = atsFlags(pma);
        assertNotEquals(0, flags & TranslationOutcome.ATS_CXL_IO_UNSPECIFIED);
        setUp(Dc.T2GPA);
        fs.map(VA, GPA, 0, R | W | U | A | D);
        g.map(GPA, SPA, 0, R | W | U | A | D);
        Outcome t2gpa = ats(false, true);
        assertEquals(GPA, t2gpa.address());
        assertTrue(t2gpa.cxlIo() && !t2gpa.cxlIoUnspecified(), "T2GPA: 1");
        assertNotEquals(0, atsFlags(t2gpa) & TranslationOutcome.ATS_CXL_IO);
    }

    @Test
    void cxl_io_after_a_fault_or_without_svpbmt() {
        setUp(0);
        Outcome pf = ats(false, true); // first stage unmapped: page fault, Success with R=W=0
        assertEquals(Status.SUCCESS, pf.status(), pf::toString);
        assertTrue(pf.cxlIoUnspecified(), "no memory type after a fault: UNSPECIFIED");
        fs.map(VA, (MSI_PATTERN | 1) << 12, 0, R | W | U | A | D); // interrupt file 1: MSI PTE not valid
        Outcome msiInvalid = ats(false, true);
        assertEquals(Cause.MSI_PTE_NOT_VALID, msiInvalid.cause(), msiInvalid::toString);
        assertTrue(msiInvalid.cxlIo(), "the address was determined to be an MSI: 1");
        setUp(Dc.T2GPA);
        assertTrue(ats(false, true).cxlIo(), "T2GPA: 1 whatever the walk found");
        Capabilities noSvpbmt = Capabilities.builder().sv39().sv39x4().amoHwad().ats().t2gpa().msiFlat().pas(56).pd8()
                .build();
        setUp(noSvpbmt, 0);
        fs.map(VA, GPA, 0, R | W | U | A | D);
        g.map(GPA, SPA, 0, R | W | U | A | D);
        Outcome o = ats(false, true);
        assertTrue(o.r(), o::toString);
        assertTrue(o.cxlIoUnspecified(), "without Svpbmt: UNSPECIFIED");
    }

    @Test
    void cxl_is_only_a_field_of_ats_translation_requests() {
        assertThrows(IllegalArgumentException.class, () -> new Request(DID, false, 0, 0,
                dev.lockstep.refmodel.fault.Ttyp.UNTRANSLATED_READ, false, false, false, true));
    }
}
