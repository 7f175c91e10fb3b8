package dev.lockstep.refmodel.pagetable;

import static dev.lockstep.refmodel.testutil.PageTables.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.Capabilities;
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
 * Single-stage translation (iosatp in the DC, G stage Bare): the privileged spec's sv32algorithm
 * for Sv32/39/48/57, superpages, Svnapot, Svpbmt, reserved bits, U, R/W/X, A/D (IOMMU tc.SADE).
 */
class FirstStageTest {

    static final int DID = 7;
    static final long DATA = 0x2_0000_0000L;
    static final long PAGE_RW = R | W | U | A | D;

    Scenario s;
    PageTables pt;

    void setUp(PagingScheme scheme, long extraTc, Capabilities caps) {
        s = new Scenario(caps, IommuMode.LVL1);
        boolean sv32 = scheme == PagingScheme.SV32;
        s.options = new TranslatorOptions(true, true, 21); // fctl.GXL writable: SXL=1 is legal
        pt = s.firstStage(scheme, (extraTc & Dc.SBE) != 0);
        s.writeDc(DID, new Dc().tc(extraTc | (sv32 ? Dc.SXL : 0)).fsc(8 + (scheme.ordinal() - (sv32 ? 1 : 2)), pt.rootPpn()).pscid(5));
    }

    void setUp(PagingScheme scheme) { setUp(scheme, 0, Scenario.fullCaps(false).build()); }

    static long va(PagingScheme s) { return s == PagingScheme.SV32 ? 0x4567_8abcL : 0x12_3456_7abcL; }
    static long dataPa(PagingScheme s) { return s == PagingScheme.SV32 ? 0x3_0000_0000L : DATA; }

    @ParameterizedTest
    @EnumSource(value = PagingScheme.class, names = {"SV32", "SV39", "SV48", "SV57"})
    void a_4k_page_translates_in_every_scheme(PagingScheme scheme) {
        setUp(scheme);
        long va = va(scheme);
        pt.map(va, dataPa(scheme), 0, PAGE_RW);
        Outcome o = s.read(DID, va);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(dataPa(scheme) | (va & 0xfff), o.address());
        assertEquals(12, o.pageShift());
        int dcReads = 4;
        assertEquals(dcReads + scheme.levels, o.trace().readCount());
        for (int i = 0; i < scheme.levels; i++) {
            assertEquals(Role.FIRST_STAGE_PTE, o.trace().readRole(dcReads + i));
            assertEquals(scheme.levels - 1 - i, o.trace().readLevel(dcReads + i));
        }
        assertEquals(scheme == PagingScheme.SV32 ? 4 : 8, o.trace().readSize(dcReads));
    }

    @ParameterizedTest
    @EnumSource(value = PagingScheme.class, names = {"SV32", "SV39", "SV48", "SV57"})
    void superpages_at_every_level_translate_and_misaligned_ones_fault(PagingScheme scheme) {
        for (int level = 1; level < scheme.levels; level++) {
            setUp(scheme);
            int shift = 12 + level * scheme.bitsPerLevel;
            long va = scheme == PagingScheme.SV32 ? 0x4567_8abcL : 0xff_ffff_fabc_dabcL & ((1L << (scheme.vaBits - 1)) - 1);
            long pa = 1L << (shift + 1); // aligned to the superpage size
            pt.map(va, pa, level, PAGE_RW);
            Outcome o = s.read(DID, va);
            assertEquals(Status.SUCCESS, o.status(), o::toString);
            assertEquals(pa | (va & ((1L << shift) - 1)), o.address(), "level " + level);
            assertEquals(shift, o.pageShift());
            // Misaligned: a PPN bit below the superpage size set.
            pt.map(va, pa | 0x1000, level, PAGE_RW);
            o = s.read(DID, va);
            assertEquals(Cause.READ_PAGE_FAULT, o.cause(), "level " + level);
            assertEquals(Rule.PTE_MISALIGNED_SUPERPAGE, o.trace().rule());
        }
    }

    @Test
    void svnapot_64k_page_replaces_ppn_3_0_with_vpn_3_0() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5000L | 0xabc;
        pt.set(va, 0, N | (((DATA >>> 12) | 0x8) << 10) | PAGE_RW | V);
        Outcome o = s.read(DID, va);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(16, o.pageShift());
        assertEquals(DATA | (va & 0xffff), o.address());
    }

    @Test
    void svnapot_reserved_encodings_fault() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5abcL;
        pt.set(va, 0, N | (((DATA >>> 12) | 0x4) << 10) | PAGE_RW | V); // napot bits xxx1xx: reserved
        assertEquals(Rule.PTE_NAPOT_RESERVED, s.read(DID, va).trace().rule());
        setUp(PagingScheme.SV39);
        pt.set(va, 1, N | (((DATA >>> 12) | 0x8) << 10) | PAGE_RW | V); // N=1 at level 1: reserved
        Outcome o = s.read(DID, va);
        assertEquals(Cause.READ_PAGE_FAULT, o.cause());
        assertEquals(Rule.PTE_NAPOT_RESERVED, o.trace().rule());
    }

    @Test
    void svpbmt_is_reported_and_its_reserved_encoding_faults() {
        setUp(PagingScheme.SV48);
        long va = 0x1234_5abcL;
        pt.map(va, DATA, 0, PAGE_RW | pbmt(2));
        Outcome o = s.read(DID, va);
        assertEquals(2, o.pbmt());
        assertEquals(2, o.firstStagePbmt());
        pt.map(va, DATA, 0, PAGE_RW | pbmt(3));
        assertEquals(Rule.PTE_PBMT_RESERVED, s.read(DID, va).trace().rule());
    }

    @Test
    void pbmt_bits_without_svpbmt_are_reserved() {
        Capabilities noPbmt = new Capabilities(Scenario.fullCaps(false).build().value() & ~(1L << 15));
        setUp(PagingScheme.SV39, 0, noPbmt);
        long va = 0x1234_5abcL;
        pt.map(va, DATA, 0, PAGE_RW | pbmt(1));
        assertEquals(Rule.PTE_RESERVED, s.read(DID, va).trace().rule());
        pt.map(va, DATA, 0, PAGE_RW);
        assertEquals(Status.SUCCESS, s.read(DID, va).status());
    }

    @Test
    void reserved_bits_60_54_fault_unless_svrsw60t59b_frees_60_59() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5abcL;
        pt.map(va, DATA, 0, PAGE_RW | (1L << 60));
        assertEquals(Rule.PTE_RESERVED, s.read(DID, va).trace().rule());
        pt.map(va, DATA, 0, PAGE_RW | (1L << 54));
        assertEquals(Cause.READ_PAGE_FAULT, s.read(DID, va).cause());
        setUp(PagingScheme.SV39, 0, Scenario.fullCaps(false).set(14).build());
        pt.map(va, DATA, 0, PAGE_RW | (1L << 60) | (1L << 59));
        assertEquals(Status.SUCCESS, s.read(DID, va).status());
        pt.map(va, DATA, 0, PAGE_RW | (1L << 58));
        assertEquals(Cause.READ_PAGE_FAULT, s.read(DID, va).cause());
    }

    @Test
    void invalid_pte_faults_with_the_original_access_type() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5abcL;
        pt.set(va, 0, 0);
        assertEquals(Cause.READ_PAGE_FAULT, s.read(DID, va).cause());
        assertEquals(Cause.WRITE_PAGE_FAULT, s.write(DID, va).cause());
        Outcome x = s.exec(DID, va);
        assertEquals(Cause.INSTRUCTION_PAGE_FAULT, x.cause());
        assertEquals(Rule.PTE_NOT_VALID, x.trace().rule());
        assertEquals(va, x.faultRecord().iotval());
        assertEquals(0, x.faultRecord().iotval2(), "not a guest-page fault");
    }

    @Test
    void w_without_r_is_reserved_including_the_shadow_stack_encoding() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5abcL;
        pt.map(va, DATA, 0, W | U | A | D);
        assertEquals(Rule.PTE_W_WITHOUT_R, s.write(DID, va).trace().rule());
        pt.map(va, DATA, 0, W | X | U | A | D);
        assertEquals(Cause.INSTRUCTION_PAGE_FAULT, s.exec(DID, va).cause());
    }

    @Test
    void nonleaf_pte_at_level_0_and_nonleaf_reserved_bits_fault() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5abcL;
        pt.set(va, 0, ((DATA >>> 12) << 10) | V);
        assertEquals(Rule.PTE_NO_LEAF, s.read(DID, va).trace().rule());
        for (long bit : new long[] {A, D, U, N, pbmt(1)}) {
            setUp(PagingScheme.SV39);
            pt.map(va, DATA, 0, PAGE_RW);
            long l1 = pt.pteAddress(va, 1);
            pt.write(l1, pt.read(l1) | bit);
            Outcome o = s.read(DID, va);
            assertEquals(Rule.PTE_NONLEAF_RESERVED, o.trace().rule(), "bit " + Long.toHexString(bit));
            assertEquals(1, o.trace().ruleLevel());
        }
        setUp(PagingScheme.SV39);
        pt.map(va, DATA, 0, PAGE_RW);
        long l1 = pt.pteAddress(va, 1);
        pt.write(l1, pt.read(l1) | G | (3L << 8)); // G and RSW are allowed in a non-leaf PTE
        assertEquals(Status.SUCCESS, s.read(DID, va).status());
    }

    @Test
    void device_requests_are_user_accesses_and_need_u() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5abcL;
        pt.map(va, DATA, 0, R | W | A | D);
        Outcome o = s.read(DID, va);
        assertEquals(Cause.READ_PAGE_FAULT, o.cause());
        assertEquals(Rule.PTE_U_USER, o.trace().rule());
    }

    @Test
    void permissions_r_w_x_are_checked_for_the_access_type() {
        setUp(PagingScheme.SV57);
        long va = 0x1234_5abcL;
        pt.map(va, DATA, 0, X | U | A | D); // execute-only: no MXR in the IOMMU
        assertEquals(Cause.READ_PAGE_FAULT, s.read(DID, va).cause());
        assertEquals(Status.SUCCESS, s.exec(DID, va).status());
        pt.map(va, DATA, 0, R | U | A | D);
        assertEquals(Rule.PTE_PERMISSION, s.write(DID, va).trace().rule());
        assertEquals(Cause.WRITE_PAGE_FAULT, s.write(DID, va).cause());
        assertEquals(Cause.INSTRUCTION_PAGE_FAULT, s.exec(DID, va).cause());
        assertEquals(Status.SUCCESS, s.read(DID, va).status());
    }

    @Test
    void a_and_d_clear_fault_without_sade() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5abcL;
        pt.map(va, DATA, 0, R | W | U);
        assertEquals(Rule.PTE_A_OR_D_CLEAR, s.read(DID, va).trace().rule());
        pt.map(va, DATA, 0, R | W | U | A);
        assertEquals(Status.SUCCESS, s.read(DID, va).status(), "a read needs only A");
        Outcome w = s.write(DID, va);
        assertEquals(Cause.WRITE_PAGE_FAULT, w.cause());
        assertEquals(0, w.adWriteCount());
    }

    @Test
    void sade_updates_a_and_d_atomically_and_reports_the_write() {
        setUp(PagingScheme.SV39, Dc.SADE, Scenario.fullCaps(false).build());
        long va = 0x1234_5abcL;
        long pteAddr = pt.map(va, DATA, 0, R | W | U);
        Outcome r = s.read(DID, va);
        assertEquals(Status.SUCCESS, r.status(), r::toString);
        assertEquals(1, r.adWriteCount());
        assertEquals(pteAddr, r.trace().writeAddress(0));
        assertEquals(pt.read(pteAddr), r.trace().writeValue(0));
        assertEquals(A, pt.read(pteAddr) & (A | D), "a read sets A only");
        Outcome w = s.write(DID, va);
        assertEquals(1, w.adWriteCount());
        assertEquals(A | D, pt.read(pteAddr) & (A | D));
        assertEquals(0, s.write(DID, va).adWriteCount(), "nothing to update any more");
    }

    @Test
    void iova_must_be_sign_extended_from_the_top_va_bit() {
        setUp(PagingScheme.SV39);
        long bad = 1L << 39;
        Outcome o = s.read(DID, bad);
        assertEquals(Cause.READ_PAGE_FAULT, o.cause());
        assertEquals(Rule.IOVA_NOT_CANONICAL, o.trace().rule());
        assertEquals(4, o.trace().readCount(), "no PTE read");
        long high = 0xffff_ffc0_0000_1000L; // bits 63:38 all set
        pt.map(high, DATA, 0, PAGE_RW);
        assertEquals(Status.SUCCESS, s.read(DID, high).status());
    }

    @Test
    void sxl_limits_the_iova_to_32_bits() {
        setUp(PagingScheme.SV32);
        Outcome o = s.write(DID, 1L << 32);
        assertEquals(Cause.WRITE_PAGE_FAULT, o.cause());
        assertEquals(Rule.IOVA_WIDER_THAN_32, o.trace().rule());
    }

    @Test
    void pte_access_fault_wins_over_its_contents_and_takes_the_access_type() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5abcL;
        long a = pt.set(va, 0, 0); // V=0 would be a page fault
        s.mem.injectError(a, PhysicalMemory.ACCESS_FAULT);
        assertEquals(Cause.READ_ACCESS_FAULT, s.read(DID, va).cause());
        assertEquals(Cause.WRITE_ACCESS_FAULT, s.write(DID, va).cause());
        assertEquals(Cause.INSTRUCTION_ACCESS_FAULT, s.exec(DID, va).cause());
    }

    @Test
    void pte_data_corruption_is_274() {
        setUp(PagingScheme.SV39);
        long va = 0x1234_5abcL;
        pt.map(va, DATA, 0, PAGE_RW);
        s.mem.injectError(pt.pteAddress(va, 2), PhysicalMemory.DATA_CORRUPTION);
        Outcome o = s.read(DID, va);
        assertEquals(Cause.PT_DATA_CORRUPTION, o.cause());
        assertEquals(2, o.trace().ruleLevel());
    }

    @Test
    void big_endian_first_stage_follows_tc_sbe() {
        setUp(PagingScheme.SV39, Dc.SBE, Scenario.fullCaps(false).build());
        long va = 0x1234_5abcL;
        pt.map(va, DATA, 0, PAGE_RW);
        Outcome o = s.read(DID, va);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(DATA | 0xabc, o.address());
    }

    @Test
    void big_endian_sv32_ptes_are_4_byte_swapped() {
        setUp(PagingScheme.SV32, Dc.SBE, Scenario.fullCaps(false).build());
        long va = 0x4567_8abcL;
        pt.map(va, 0x3_0000_0000L, 0, PAGE_RW);
        assertEquals(0x3_0000_0abcL, s.read(DID, va).address());
    }

    @Test
    void bare_first_stage_with_bare_g_stage_is_identity_with_implementation_defined_size() {
        s = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL1);
        s.writeDc(DID, new Dc());
        Outcome o = s.read(DID, 0xdead_beefL);
        assertEquals(0xdead_beefL, o.address());
        assertTrue(o.sizeImplementationDefined());
        assertEquals(21, o.pageShift());
    }
}
