package dev.lockstep.refmodel.pagetable;

import static dev.lockstep.refmodel.testutil.PageTables.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.Status;
import dev.lockstep.refmodel.translate.TranslatorOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * G-stage translation (Priv "Two-Stage Address Translation", "Guest Physical Address Translation"):
 * the x4 schemes, GPA width, guest-page faults with iotval2, U taken as user, GADE, and the implicit
 * G-stage translation of first-stage PTE addresses (iotval2 bits 0 and 1).
 */
class GStageTest {

    static final int DID = 9;
    static final long GPA = 0x1_2345_6000L;
    static final long SPA = 0x7_0000_0000L;
    static final long LEAF = R | W | U | A | D;

    Scenario s;
    PageTables g;
    PageTables fs;

    void setUp(PagingScheme gScheme, PagingScheme fsScheme, long tc) {
        s = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL2);
        boolean sv32 = gScheme == PagingScheme.SV32;
        s.gxl = sv32;
        s.options = new TranslatorOptions(true, true, 21);
        g = s.gStage(gScheme);
        Dc dc = new Dc().tc(tc | (sv32 || fsScheme == PagingScheme.SV32 ? Dc.SXL : 0)).iohgatp(8 + gScheme.ordinal() - (sv32 ? 1 : 2), 3, g.rootPpn());
        if (fsScheme != PagingScheme.BARE) {
            fs = s.firstStage(fsScheme, false);
            dc.fsc(8 + fsScheme.ordinal() - (fsScheme == PagingScheme.SV32 ? 1 : 2), fs.rootPpn());
        }
        s.writeDc(DID, dc);
    }

    static long gpa(PagingScheme g) { return g == PagingScheme.SV32 ? 0x2_3456_7000L : GPA; }

    @ParameterizedTest
    @EnumSource(value = PagingScheme.class, names = {"SV32", "SV39", "SV48", "SV57"})
    void every_x4_scheme_translates_a_gpa_including_the_two_extra_root_bits(PagingScheme scheme) {
        setUp(scheme, PagingScheme.BARE, 0);
        long top = 1L << (scheme.vaBits + 1); // highest GPA bit of the x4 scheme
        long gpa = top | 0x5000 | 0x123;
        long spa = scheme == PagingScheme.SV32 ? 0x2_0000_0000L : SPA; // Sv32 PTEs hold 34-bit addresses
        g.map(gpa, spa, 0, LEAF);
        Outcome o = s.read(DID, gpa);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(spa | 0x123, o.address());
        assertEquals(scheme.levels, count(o, Role.G_STAGE_PTE));
        assertTrue(o.sizeImplementationDefined(), "first stage Bare");
    }

    @ParameterizedTest
    @EnumSource(value = PagingScheme.class, names = {"SV32", "SV39", "SV48", "SV57"})
    void gpa_bits_above_the_x4_width_are_a_guest_page_fault(PagingScheme scheme) {
        setUp(scheme, PagingScheme.BARE, 0);
        long gpa = 1L << (scheme.vaBits + 2);
        Outcome o = s.write(DID, gpa | 0x10);
        assertEquals(Cause.WRITE_GUEST_PAGE_FAULT, o.cause());
        assertEquals(scheme == PagingScheme.SV32 ? Rule.GPA_WIDER_THAN_34 : Rule.GPA_TOO_WIDE, o.trace().rule());
        assertEquals(gpa | 0x10, o.iotval2(), "GPA[63:2], not implicit");
    }

    @Test
    void superpages_in_the_g_stage() {
        setUp(PagingScheme.SV48, PagingScheme.BARE, 0);
        for (int level = 1; level < 4; level++) {
            long gpa = 0x3L << (12 + 9 * level + 1);
            long spa = 1L << (12 + 9 * level + 1);
            g.map(gpa, spa, level, LEAF);
            Outcome o = s.read(DID, gpa + 0x1234);
            assertEquals(Status.SUCCESS, o.status(), o::toString);
            assertEquals(spa + 0x1234, o.address());
            assertEquals(12 + 9 * level, o.pageShift());
        }
    }

    @Test
    void guest_page_faults_take_the_original_access_type() {
        setUp(PagingScheme.SV39, PagingScheme.BARE, 0);
        g.set(GPA, 0, 0);
        assertEquals(Cause.READ_GUEST_PAGE_FAULT, s.read(DID, GPA).cause());
        assertEquals(Cause.WRITE_GUEST_PAGE_FAULT, s.write(DID, GPA).cause());
        Outcome x = s.exec(DID, GPA + 8);
        assertEquals(Cause.INSTRUCTION_GUEST_PAGE_FAULT, x.cause());
        FaultRecord f = x.faultRecord();
        assertEquals(GPA + 8, f.iotval());
        assertEquals(GPA + 8, f.iotval2());
    }

    @Test
    void g_stage_u_bit_must_be_set_since_accesses_are_user() {
        setUp(PagingScheme.SV39, PagingScheme.BARE, 0);
        g.map(GPA, SPA, 0, R | W | A | D);
        Outcome o = s.read(DID, GPA);
        assertEquals(Cause.READ_GUEST_PAGE_FAULT, o.cause());
        assertEquals(Rule.PTE_G_STAGE_U, o.trace().rule());
    }

    @Test
    void g_bit_is_ignored_in_g_stage_ptes() {
        setUp(PagingScheme.SV39, PagingScheme.BARE, 0);
        g.map(GPA, SPA, 0, LEAF | G);
        assertEquals(Status.SUCCESS, s.read(DID, GPA).status());
    }

    @Test
    void gade_updates_g_stage_a_d_otherwise_guest_page_fault() {
        setUp(PagingScheme.SV39, PagingScheme.BARE, 0);
        g.map(GPA, SPA, 0, R | W | U | A);
        assertEquals(Rule.PTE_A_OR_D_CLEAR, s.write(DID, GPA).trace().rule());
        setUp(PagingScheme.SV39, PagingScheme.BARE, Dc.GADE);
        long a = g.map(GPA, SPA, 0, R | W | U);
        Outcome o = s.write(DID, GPA);
        assertEquals(Status.SUCCESS, o.status());
        assertEquals(1, o.adWriteCount());
        assertEquals(Role.G_STAGE_PTE, o.trace().writeRole(0));
        assertEquals(A | D, g.read(a) & (A | D));
    }

    @Test
    void first_stage_fault_is_a_page_fault_not_a_guest_page_fault() {
        setUp(PagingScheme.SV39, PagingScheme.SV39, 0);
        long va = 0x4000_1000L;
        fs.set(va, 0, 0); // first-stage leaf V=0; the final GPA would not be mapped either
        Outcome o = s.read(DID, va);
        assertEquals(Cause.READ_PAGE_FAULT, o.cause());
        assertEquals(0, o.iotval2());
    }

    @Test
    void g_stage_fault_on_the_final_gpa_is_a_guest_page_fault_without_the_implicit_bit() {
        setUp(PagingScheme.SV39, PagingScheme.SV39, 0);
        long va = 0x4000_1abcL;
        fs.map(va, GPA, 0, LEAF); // GPA not mapped in the G stage
        Outcome o = s.read(DID, va);
        assertEquals(Cause.READ_GUEST_PAGE_FAULT, o.cause());
        assertEquals(GPA | 0xabc, o.iotval2());
        assertEquals(va, o.iotval());
        g.map(GPA, SPA, 0, LEAF);
        Outcome ok = s.read(DID, va);
        assertEquals(SPA | 0xabc, ok.address(), ok::toString);
    }

    @Test
    void g_stage_fault_on_a_first_stage_pte_address_sets_iotval2_bit_0() {
        setUp(PagingScheme.SV39, PagingScheme.SV39, 0);
        long va = 0x4000_1abcL;
        fs.map(va, GPA, 0, LEAF);
        g.map(GPA, SPA, 0, LEAF);
        long l0Table = fs.pteAddress(va, 0) & ~0xfffL;
        // Move the level-0 table's GPA outside the identity-mapped region: the G stage has no mapping for it.
        long unmapped = 0x5_0000_0000L;
        long l1 = fs.pteAddress(va, 1);
        fs.write(l1, ((unmapped >>> 12) << 10) | V);
        Outcome o = s.write(DID, va);
        assertEquals(Cause.WRITE_GUEST_PAGE_FAULT, o.cause(), o::toString);
        long pteGpa = unmapped + fs.index(va, 0) * 8;
        assertEquals(pteGpa | FaultRecord.IOTVAL2_IMPLICIT, o.iotval2());
        assertTrue(l0Table != 0);
    }

    @Test
    void implicit_a_d_update_through_a_read_only_g_stage_mapping_sets_iotval2_bits_0_and_1() {
        setUp(PagingScheme.SV39, PagingScheme.SV39, Dc.SADE);
        long va = 0x4000_1abcL;
        long pteAddr = fs.map(va, GPA, 0, R | W | U); // A=0: needs an A/D update
        g.map(GPA, SPA, 0, LEAF);
        // Map the page holding the level-0 table read-only in the G stage.
        long tablePage = pteAddr & ~0xfffL;
        g.map(tablePage, tablePage, 0, R | U | A | D);
        Outcome o = s.read(DID, va);
        assertEquals(Cause.READ_GUEST_PAGE_FAULT, o.cause(), o::toString);
        assertEquals(pteAddr | FaultRecord.IOTVAL2_IMPLICIT | FaultRecord.IOTVAL2_IMPLICIT_WRITE, o.iotval2());
        assertEquals(0, o.adWriteCount());
        g.map(tablePage, tablePage, 0, LEAF);
        Outcome ok = s.read(DID, va);
        assertEquals(Status.SUCCESS, ok.status(), ok::toString);
        assertEquals(1, ok.adWriteCount());
        assertEquals(pteAddr, ok.trace().writeAddress(0));
    }

    @Test
    void access_fault_in_the_g_stage_walk_of_an_implicit_access_takes_the_original_access_type() {
        setUp(PagingScheme.SV39, PagingScheme.SV39, 0);
        long va = 0x4000_1abcL;
        fs.map(va, GPA, 0, LEAF);
        s.mem.injectError(g.pteAddress(Scenario.TABLES, 1), PhysicalMemory.ACCESS_FAULT);
        Outcome o = s.exec(DID, va);
        assertEquals(Cause.INSTRUCTION_ACCESS_FAULT, o.cause());
        assertEquals(0, o.iotval2());
    }

    @Test
    void g_stage_pte_data_corruption_is_274() {
        setUp(PagingScheme.SV39, PagingScheme.BARE, 0);
        g.map(GPA, SPA, 0, LEAF);
        s.mem.injectError(g.pteAddress(GPA, 0), PhysicalMemory.DATA_CORRUPTION);
        assertEquals(Cause.PT_DATA_CORRUPTION, s.read(DID, GPA).cause());
    }

    @Test
    void sxl_limits_the_gpa_to_34_bits_even_with_a_wider_g_stage() {
        setUp(PagingScheme.SV39, PagingScheme.SV32, 0);
        long va = 0x1000_0abcL;
        long gpa = 1L << 34; // an Sv32 leaf can produce a 34-bit GPA at most; use a Bare-like path via T2GPA-free UT
        fs.map(va, gpa - 0x1000, 0, LEAF);
        g.map(gpa - 0x1000, SPA, 0, LEAF);
        assertEquals(Status.SUCCESS, s.read(DID, va).status());
        s.writeDc(DID, new Dc().tc(Dc.SXL).iohgatp(8, 3, g.rootPpn()));
        Outcome o = s.read(DID, gpa);
        assertEquals(Rule.GPA_WIDER_THAN_34, o.trace().rule());
        assertEquals(Cause.READ_GUEST_PAGE_FAULT, o.cause());
    }

    @Test
    void the_worst_case_walk_reads_every_pte_of_both_stages() {
        setUp(PagingScheme.SV57, PagingScheme.SV57, 0);
        long va = 0x00ab_cdef_1234_5abcL;
        fs.map(va, GPA, 0, LEAF);
        g.map(GPA, SPA, 0, LEAF);
        Outcome o = s.read(DID, va);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(5, count(o, Role.FIRST_STAGE_PTE));
        assertEquals(5 * 5 + 5, count(o, Role.G_STAGE_PTE));
        assertFalse(o.sizeImplementationDefined());
        assertEquals(12, o.pageShift());
    }

    @Test
    void resolved_pbmt_is_the_first_stage_unless_pma() {
        setUp(PagingScheme.SV39, PagingScheme.SV39, 0);
        long va = 0x4000_1abcL;
        fs.map(va, GPA, 0, LEAF);
        g.map(GPA, SPA, 0, LEAF | pbmt(2));
        Outcome o = s.read(DID, va);
        assertEquals(2, o.pbmt());
        fs.map(va, GPA, 0, LEAF | pbmt(1));
        o = s.read(DID, va);
        assertEquals(1, o.pbmt());
        assertEquals(2, o.gStagePbmt());
    }

    static int count(Outcome o, int role) {
        int n = 0;
        for (int i = 0; i < o.trace().readCount(); i++) if (o.trace().readRole(i) == role) n++;
        return n;
    }
}
