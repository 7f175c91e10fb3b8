package dev.lockstep.refmodel.msi;

import static dev.lockstep.refmodel.testutil.PageTables.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Status;
import org.junit.jupiter.api.Test;

/** IOMMU "Process to translate addresses of MSIs" (MSI_TRANS) and MSI_ID recognition. */
class MsiTranslationTest {

    static final int DID = 0x33;
    /** Interrupt files at GPA 0x2800_0000 + I x 4 KiB, I from GPA bits 13:12 and 16 (mask 0b1_0011). */
    static final long MASK = 0x13, PATTERN = 0x2800_0;
    static final long FILE_SPA = 0x9_0000_0000L;

    Scenario s;
    PageTables g;
    long msiTable;

    void setUp(Capabilities caps) {
        s = new Scenario(caps, IommuMode.LVL1);
        g = s.gStage(PagingScheme.SV39);
        msiTable = s.alloc.page();
        s.writeDc(DID, new Dc().iohgatp(8, 1, g.rootPpn()).msi(1, msiTable >>> 12, MASK, PATTERN));
    }

    void setUp() { setUp(Scenario.fullCaps(true).build()); }

    long pteAddress(long i) { return msiTable + i * 16; }

    void basic(long i, long spa) {
        s.write64(pteAddress(i), ((spa >>> 12) << 10) | (3 << 1) | 1, false);
        s.write64(pteAddress(i) + 8, 0, false);
    }

    @Test
    void extract_packs_the_masked_bits() {
        // The spec's example: x = abcdefgh, y = 10100110 -> 0000acfg.
        assertEquals(0b1011, MsiTranslation.extract(0b1001_0110, 0b1010_0110));
        assertEquals(0, MsiTranslation.extract(-1L, 0));
        assertEquals(0xffff_ffff_ffff_ffffL, MsiTranslation.extract(-1L, -1L));
    }

    @Test
    void basic_mode_translates_the_interrupt_file_page() {
        setUp();
        long gpa = (0x28000L << 12) | (1L << 16) | (1L << 12) | 0x40; // I = 0b101 = 5
        basic(5, FILE_SPA);
        Outcome o = s.write(DID, gpa);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertTrue(o.msi());
        assertEquals(FILE_SPA | 0x40, o.address());
        assertEquals(pteAddress(5), o.trace().readAddress(8 /* after the 8 DC doublewords */));
        assertEquals(Role.MSI_PTE, o.trace().readRole(o.trace().readCount() - 1));
    }

    @Test
    void an_msi_translation_resolves_its_memory_type_like_any_two_stage_translation() {
        // The MSI PTE stands for the G-stage leaf ("equivalent to that of a regular RISC-V second-stage
        // PTE") and has no PBMT: a first-stage PBMT other than PMA wins, as for any two-stage translation.
        setUp();
        PageTables fs = s.firstStage(PagingScheme.SV39, false);
        s.writeDc(DID, new Dc().fsc(8, fs.rootPpn()).iohgatp(8, 1, g.rootPpn()).msi(1, msiTable >>> 12, MASK, PATTERN));
        basic(0, FILE_SPA);
        long va = 0x4000_0000L;
        fs.map(va, 0x28000L << 12, 0, R | W | U | A | D | pbmt(1));
        Outcome nc = s.write(DID, va | 0x40);
        assertTrue(nc.msi(), nc::toString);
        assertEquals(FILE_SPA | 0x40, nc.address());
        assertEquals(1, nc.pbmt(), "first-stage NC over an MSI page");
        fs.map(va, 0x28000L << 12, 0, R | W | U | A | D | pbmt(2));
        assertEquals(2, s.write(DID, va).pbmt(), "first-stage IO over an MSI page");
        fs.map(va, 0x28000L << 12, 0, R | W | U | A | D);
        assertEquals(0, s.write(DID, va).pbmt(), "PMA over PMA");
    }

    @Test
    void addresses_not_matching_the_pattern_use_the_g_stage() {
        setUp();
        long gpa = 0x28040L << 12; // bit 18 of the page number differs from the pattern and is not masked
        g.map(gpa, 0x5_0000_0000L, 0, R | W | U | A | D);
        Outcome o = s.write(DID, gpa);
        assertFalse(o.msi());
        assertEquals(0x5_0000_0000L, o.address(), o::toString);
    }

    @Test
    void msi_pte_faults_261_262_270_in_the_spec_order() {
        setUp();
        long gpa = 0x28000L << 12;
        assertEquals(Cause.MSI_PTE_NOT_VALID, s.write(DID, gpa).cause());
        s.mem.injectError(pteAddress(0) + 8, PhysicalMemory.DATA_CORRUPTION);
        assertEquals(Cause.MSI_PT_DATA_CORRUPTION, s.write(DID, gpa).cause());
        s.mem.injectError(pteAddress(0), PhysicalMemory.ACCESS_FAULT);
        Outcome o = s.write(DID, gpa);
        assertEquals(Cause.MSI_PTE_LOAD_ACCESS_FAULT, o.cause());
        assertEquals(Rule.MSI_PTE_ACCESS_FAULT, o.trace().rule());
    }

    @Test
    void msi_pte_misconfigurations_are_263() {
        setUp();
        long gpa = 0x28000L << 12;
        for (long dw0 : new long[] {1, (2 << 1) | 1, (3 << 1) | 1 | (1L << 3), (3 << 1) | 1 | (1L << 54), (3L << 1) | 1 | (1L << 63)}) {
            s.write64(pteAddress(0), dw0, false);
            assertEquals(Cause.MSI_PTE_MISCONFIGURED, s.write(DID, gpa).cause(), Long.toHexString(dw0));
        }
        basic(0, FILE_SPA);
        s.write64(pteAddress(0) + 8, 1, false);
        assertEquals(Rule.MSI_PTE_RESERVED, s.write(DID, gpa).trace().rule());
        basic(0, FILE_SPA);
        assertEquals(Status.SUCCESS, s.write(DID, gpa).status());
    }

    @Test
    void read_for_execute_of_an_msi_page_is_an_instruction_access_fault() {
        setUp();
        long gpa = 0x28000L << 12;
        basic(0, FILE_SPA);
        assertEquals(Cause.INSTRUCTION_ACCESS_FAULT, s.exec(DID, gpa).cause());
        assertEquals(Status.SUCCESS, s.read(DID, gpa).status(), "R=W=1");
    }

    @Test
    void mrif_mode_gives_the_mrif_and_notice_addresses() {
        setUp();
        long gpa = 0x28000L << 12;
        long mrif = 0x7_1234_5600L; // 512-byte aligned
        s.write64(pteAddress(0), ((mrif >>> 9) << 7) | (1 << 1) | 1, false);
        s.write64(pteAddress(0) + 8, (1L << 60) | ((0x8_8888_8000L >>> 12) << 10) | 0x155, false);
        Outcome o = s.write(DID, gpa);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertTrue(o.mrif());
        assertEquals(mrif, o.mrifAddress());
        assertEquals(0x8_8888_8000L, o.noticeAddress());
        assertEquals((1 << 10) | 0x155, o.noticeData());
        assertTrue(o.untranslatedOnly());
    }

    @Test
    void mrif_outcome_explains_its_destination() {
        setUp();
        s.write64(pteAddress(0), ((0x7_1234_5600L >>> 9) << 7) | (1 << 1) | 1, false);
        s.write64(pteAddress(0) + 8, ((0x8_8888_8000L >>> 12) << 10) | 0x2a, false);
        Outcome o = s.write(DID, 0x28000L << 12);
        assertEquals(Rule.MSI_MRIF_SUCCESS, o.trace().rule());
        assertTrue(o.toString().contains("MRIF=0x712345600 notice=0x888888000 nid=42"), o::toString);
    }

    @Test
    void mrif_pages_are_not_executable() {
        setUp();
        s.write64(pteAddress(0), (1 << 1) | 1, false);
        assertEquals(Cause.INSTRUCTION_ACCESS_FAULT, s.exec(DID, 0x28000L << 12).cause());
        assertEquals(Status.SUCCESS, s.read(DID, 0x28000L << 12).status(), "R=W=1");
    }

    @Test
    void mrif_reserved_bits_are_263() {
        setUp();
        long gpa = 0x28000L << 12;
        for (long[] pte : new long[][] {{(1 << 1) | 1 | (1L << 3), 0}, {(1 << 1) | 1, 1L << 54}, {(1 << 1) | 1, 1L << 61}}) {
            s.write64(pteAddress(0), pte[0], false);
            s.write64(pteAddress(0) + 8, pte[1], false);
            Outcome o = s.write(DID, gpa);
            assertEquals(Cause.MSI_PTE_MISCONFIGURED, o.cause(), o::toString);
            assertEquals(Rule.MSI_PTE_RESERVED, o.trace().rule());
        }
    }

    @Test
    void mrif_mode_without_capabilities_msi_mrif_is_263() {
        setUp(new Capabilities(Scenario.fullCaps(true).build().value() & ~(1L << 23)));
        s.write64(pteAddress(0), (1 << 1) | 1, false);
        Outcome o = s.write(DID, 0x28000L << 12);
        assertEquals(Cause.MSI_PTE_MISCONFIGURED, o.cause());
        assertEquals(Rule.MSI_MRIF_NOT_SUPPORTED, o.trace().rule());
    }

    @Test
    void ats_request_to_an_mrif_page_succeeds_with_untranslated_only() {
        setUp();
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS).iohgatp(8, 1, g.rootPpn()).msi(1, msiTable >>> 12, MASK, PATTERN));
        s.write64(pteAddress(0), (1 << 1) | 1, false);
        Outcome o = s.translate(Request.ats(DID, 0x28000L << 12, false, true));
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertTrue(o.untranslatedOnly());
        assertTrue(o.r() && o.w());
        assertFalse(o.x(), "MSI pages are never executable");
        assertFalse(o.global());
    }

    @Test
    void ats_msi_faults_follow_the_ats_rules() {
        setUp();
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS).iohgatp(8, 1, g.rootPpn()).msi(1, msiTable >>> 12, MASK, PATTERN));
        Outcome notValid = s.translate(Request.ats(DID, 0x28000L << 12, false, false));
        assertEquals(Status.SUCCESS, notValid.status());
        assertEquals(Cause.MSI_PTE_NOT_VALID, notValid.cause());
        assertFalse(notValid.recordFault());
        s.write64(pteAddress(0), 2 << 1 | 1, false);
        Outcome bad = s.translate(Request.ats(DID, 0x28000L << 12, false, false));
        assertEquals(Status.COMPLETER_ABORT, bad.status());
        assertTrue(bad.recordFault());
        assertEquals(Ttyp.ATS_TRANSLATION, bad.faultRecord().ttyp());
    }
}
