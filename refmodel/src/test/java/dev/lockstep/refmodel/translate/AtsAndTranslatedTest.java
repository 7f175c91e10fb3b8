package dev.lockstep.refmodel.translate;

import static dev.lockstep.refmodel.testutil.PageTables.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import org.junit.jupiter.api.Test;

/**
 * Translated requests (P2IOVA steps 7-9, T2GPA) and PCIe ATS translation requests (IOMMU "PCIe ATS
 * translation request handling": UR, CA, Success with R=W=0, permissions, U/G/Priv, the S encoding).
 */
class AtsAndTranslatedTest {

    static final int DID = 0x55;
    static final long GPA = 0x1_2345_6000L;
    static final long SPA = 0x7_0000_0000L;

    Scenario s;
    PageTables fs;
    PageTables g;
    Scenario.Pdt pdt;

    /** EN_ATS, PDT PD8 with PC for pid 1 (ENS, SUM) over Sv39, G stage Sv39x4. */
    void setUp(long tc) {
        s = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL2);
        g = s.gStage(PagingScheme.SV39);
        fs = s.firstStage(PagingScheme.SV39, false);
        pdt = s.pdt(1, false);
        pdt.writePc(0, false, false, 3, 8, fs.rootPpn()); // the DPE default process_id
        pdt.writePc(1, true, false, 3, 8, fs.rootPpn());
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.PDTV | Dc.DPE | tc).fsc(1, pdt.ppn()).iohgatp(8, 2, g.rootPpn()));
    }

    Outcome ats(long va, boolean noWrite, boolean exec) { return s.translate(Request.ats(DID, va, noWrite, exec)); }
    /** Execute Requested, with the PASID it needs (pid 1, user). */
    Outcome atsExec(long va, boolean noWrite) {
        return s.translate(Request.ats(DID, va, noWrite, true).withProcess(1, false));
    }

    Outcome atsPid(long va, boolean supervisor) { return s.translate(Request.ats(DID, va, false, false).withProcess(1, supervisor)); }

    @Test
    void translated_request_without_t2gpa_is_not_translated() {
        setUp(0);
        Outcome o = s.translate(Request.of(Ttyp.TRANSLATED_WRITE, DID, SPA | 0x10));
        assertEquals(Status.SUCCESS, o.status());
        assertEquals(SPA | 0x10, o.address());
        assertEquals(dev.lockstep.refmodel.trace.Rule.TRANSLATED_NO_T2GPA, o.trace().rule());
    }

    @Test
    void translated_request_needs_en_ats() {
        setUp(0);
        s.writeDc(DID, new Dc());
        Outcome o = s.translate(Request.of(Ttyp.TRANSLATED_READ, DID, 0));
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, o.cause());
        assertEquals(Status.ABORT, o.status());
    }

    @Test
    void translated_request_with_t2gpa_goes_through_the_g_stage_only() {
        setUp(Dc.T2GPA);
        g.map(GPA, SPA, 0, R | U | A | D);
        Outcome o = s.translate(Request.of(Ttyp.TRANSLATED_READ, DID, GPA | 0x20));
        assertEquals(SPA | 0x20, o.address(), o::toString);
        Outcome w = s.translate(Request.of(Ttyp.TRANSLATED_WRITE, DID, GPA));
        assertEquals(Cause.WRITE_GUEST_PAGE_FAULT, w.cause());
    }

    @Test
    void ats_success_reports_permissions_and_the_spa() {
        setUp(0);
        long va = 0x4000_0000L;
        fs.map(va, GPA, 0, R | W | U | A | D);
        g.map(GPA, SPA, 0, R | W | U | A | D);
        Outcome o = ats(va, false, false);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertTrue(o.r() && o.w() && !o.x());
        assertEquals(SPA, o.atsTranslatedAddress());
        assertFalse(o.atsS());
        assertFalse(o.atsPriv(), "no PASID: Priv 0");
        assertFalse(o.recordFault());
    }

    @Test
    void ats_with_t2gpa_returns_the_gpa() {
        setUp(Dc.T2GPA);
        long va = 0x4000_0000L;
        fs.map(va, GPA, 0, R | W | U | A | D);
        g.map(GPA, SPA, 0, R | U | A | D);
        Outcome o = ats(va, false, false);
        assertEquals(GPA, o.address());
        assertTrue(o.r());
        assertFalse(o.w(), "G stage denies W: only W is cleared");
    }

    @Test
    void denied_permissions_are_cleared_not_faulted_and_x_needs_r_and_a_request() {
        setUp(0);
        long va = 0x4000_0000L;
        fs.map(va, GPA, 0, R | X | U | A | D);
        g.map(GPA, SPA, 0, R | W | X | U | A | D);
        Outcome o = atsExec(va, false);
        assertEquals(Status.SUCCESS, o.status());
        assertEquals(0, o.cause());
        assertTrue(o.r() && !o.w() && o.x());
        assertFalse(ats(va, false, false).x(), "X only when requested");
        fs.map(va, GPA, 0, X | U | A | D); // execute-only: X cannot be granted without R
        Outcome xo = atsExec(va, true);
        assertEquals(Status.SUCCESS, xo.status());
        assertEquals(0, xo.permissions());
    }

    @Test
    void execute_requested_without_a_pasid_is_not_a_request_for_execute() {
        // "Execute requested must be explicitly associated with the request (e.g., using a PCIe PASID).
        // When not explicitly requested, the default must be 0" (Device Translation Request interface).
        setUp(0);
        long va = 0x4000_0000L;
        fs.map(va, GPA, 0, R | X | U | A | D);
        g.map(GPA, SPA, 0, R | W | X | U | A | D);
        Outcome o = ats(va, true, true);
        assertTrue(o.r(), o::toString);
        assertFalse(o.x(), "no PASID: Execute Requested is 0");
        assertTrue(atsExec(va, true).x(), "with a PASID: X granted");
    }

    @Test
    void ats_page_faults_are_success_with_no_permission_and_no_record() {
        setUp(0);
        long va = 0x4000_0000L;
        Outcome o = ats(va, false, false); // first stage not mapped
        assertEquals(Status.SUCCESS, o.status());
        assertEquals(Cause.WRITE_PAGE_FAULT, o.cause());
        assertEquals(0, o.permissions());
        assertFalse(o.recordFault());
        Outcome supervisor = atsPid(va, true);
        assertEquals(Status.SUCCESS, supervisor.status());
        assertEquals(0, supervisor.permissions());
        assertTrue(supervisor.atsPriv(), "Priv is the request's in a fault-derived Success too");
        fs.map(va, GPA, 0, R | W | U | A | D);
        Outcome go = ats(va, true, false); // G stage not mapped
        assertEquals(Cause.READ_GUEST_PAGE_FAULT, go.cause());
        assertEquals(Status.SUCCESS, go.status());
    }

    @Test
    void ats_user_request_to_a_supervisor_page_and_supervisor_to_user_page_without_sum_get_no_permission() {
        setUp(0);
        long va = 0x4000_0000L;
        fs.map(va, GPA, 0, R | W | A | D);
        g.map(GPA, SPA, 0, R | W | U | A | D);
        assertEquals(0, atsPid(va, false).permissions());
        Outcome sup = atsPid(va, true);
        assertTrue(sup.r() && sup.w());
        assertTrue(sup.atsPriv());
        Outcome supervisorToUser = atsPid(va, false);
        assertEquals(0, supervisorToUser.permissions(), "U=0 for a non-privileged request");
        assertFalse(supervisorToUser.atsPriv(), "Privilege Mode Requested 0");
        fs.map(va, GPA, 0, R | W | U | A | D | G);
        Outcome noSum = atsPid(va, true);
        assertEquals(0, noSum.permissions(), "U=1 and SUM=0");
        // Spec "PCIe ATS translation request handling": in every Success, Priv is the request's
        // Privilege Mode Requested when a PASID is present, R=W=0 completions included.
        assertTrue(noSum.atsPriv(), "Priv in a Success with R=W=0");
        Outcome user = atsPid(va, false);
        assertTrue(user.global(), "G from the first stage with a PASID");
        assertFalse(user.atsPriv());
        assertFalse(ats(va, false, false).global(), "no PASID: Global 0");
    }

    @Test
    void ats_access_faults_are_completer_abort_with_a_record() {
        setUp(0);
        long va = 0x4000_0000L;
        long a = fs.map(va, GPA, 0, R | W | U | A | D);
        s.mem.injectError(a, PhysicalMemory.ACCESS_FAULT);
        Outcome o = ats(va, true, false);
        assertEquals(Status.COMPLETER_ABORT, o.status());
        assertEquals(Cause.READ_ACCESS_FAULT, o.cause());
        assertTrue(o.recordFault());
        s.mem.injectError(a, PhysicalMemory.DATA_CORRUPTION);
        assertEquals(Status.COMPLETER_ABORT, ats(va, true, false).status());
    }

    @Test
    void ats_ddt_and_disallowed_faults_are_unsupported_request() {
        setUp(0);
        s.writeDc(DID, new Dc());
        Outcome o = ats(0, false, false);
        assertEquals(Status.UNSUPPORTED_REQUEST, o.status());
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, o.cause());
        assertTrue(o.recordFault());
        s.writeDc(DID, new Dc().tcClear(Dc.V));
        assertEquals(Status.UNSUPPORTED_REQUEST, ats(0, false, false).status());
    }

    @Test
    void ats_pdt_faults_266_is_success_and_267_is_completer_abort() {
        setUp(0);
        Outcome nv = s.translate(Request.ats(DID, 0, false, false).withProcess(2, false));
        assertEquals(Cause.PDT_ENTRY_NOT_VALID, nv.cause());
        assertEquals(Status.SUCCESS, nv.status());
        pdt.writePc(2, false, false, 0, 12, 0);
        Outcome mc = s.translate(Request.ats(DID, 0, false, false).withProcess(2, false));
        assertEquals(Cause.PDT_ENTRY_MISCONFIGURED, mc.cause());
        assertEquals(Status.COMPLETER_ABORT, mc.status());
    }

    @Test
    void ats_range_size_uses_the_s_encoding() {
        setUp(0);
        long va = 0x4000_0000L;
        fs.map(va, GPA & ~0x1f_ffffL, 1, R | W | U | A | D); // 2 MiB in the first stage
        g.map(GPA & ~0x1f_ffffL, SPA, 1, R | W | U | A | D);
        Outcome o = ats(va + 0x12_3456, true, false);
        assertEquals(21, o.pageShift(), o::toString);
        assertTrue(o.atsS());
        assertEquals(SPA | 0x0f_f000L, o.atsTranslatedAddress(), "PPN ends 0_1111_1111b");
    }

    @Test
    void a_64k_range_encodes_as_ppn_0111() {
        setUp(0);
        long va = 0x4001_0000L;
        fs.set(va, 0, N | (((GPA & ~0xffffL) >>> 12 | 8) << 10) | R | W | U | A | D | V);
        g.map(GPA & ~0x1f_ffffL, SPA, 1, R | W | U | A | D);
        Outcome o = ats(va, true, false);
        assertEquals(16, o.pageShift(), o::toString);
        assertEquals(0x7L << 12, o.atsTranslatedAddress() & 0xf000L);
    }

    @Test
    void ats_a_d_updates_set_d_only_when_write_is_granted() {
        setUp(Dc.SADE);
        long va = 0x4000_0000L;
        long a = fs.map(va, GPA, 0, R | W | U);
        g.map(GPA, SPA, 0, R | W | U | A | D);
        ats(va, true, false);
        assertEquals(A, fs.read(a) & (A | D));
        ats(va, false, false);
        assertEquals(A | D, fs.read(a) & (A | D));
    }
}
