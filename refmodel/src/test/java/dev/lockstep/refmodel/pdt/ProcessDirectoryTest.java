package dev.lockstep.refmodel.pdt;

import static dev.lockstep.refmodel.testutil.PageTables.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * IOMMU "Process to locate the Process-context" (GET_PC), P2IOVA steps 7 and 10-16 (process_id
 * width, DPE, pdtp Bare, ENS, SUM), PC checks, and PDT reads through the G stage.
 */
class ProcessDirectoryTest {

    static final int DID = 0x44;
    static final long DATA = 0x2_0000_0000L;
    static final long LEAF = R | W | U | A | D;

    Scenario s;
    Scenario.Pdt pdt;
    PageTables fs;
    PageTables g;

    void setUp(int pdtMode, boolean withG, long tc) {
        s = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL3);
        pdt = s.pdt(pdtMode, false);
        fs = s.firstStage(PagingScheme.SV39, false);
        Dc dc = new Dc().tc(Dc.PDTV | tc).fsc(pdtMode, pdt.ppn());
        if (withG) {
            g = s.gStage(PagingScheme.SV39);
            dc.iohgatp(8, 1, g.rootPpn());
        }
        s.writeDc(DID, dc);
    }

    Outcome read(int pid, boolean supervisor, long va) {
        return s.translate(Request.untranslated(DID, va, Ttyp.UNTRANSLATED_READ).withProcess(pid, supervisor));
    }

    static int widestPid(int mode) { return mode == 1 ? 0xff : mode == 2 ? 0x1ffff : 0xfffff; }

    @ParameterizedTest(name = "PD mode {0}")
    @ValueSource(ints = {1, 2, 3})
    void every_pdt_mode_locates_the_pc_of_the_widest_process_id(int mode) {
        setUp(mode, false, 0);
        int pid = widestPid(mode);
        pdt.writePc(pid, false, false, 9, 8, fs.rootPpn());
        long va = 0x1234_5000L;
        fs.map(va, DATA, 0, LEAF);
        Outcome o = read(pid, false, va);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(DATA, o.address());
        int pdtReads = 0;
        for (int i = 0; i < o.trace().readCount(); i++) {
            if (o.trace().readRole(i) == Role.PDT_NONLEAF) pdtReads++;
        }
        assertEquals(mode - 1, pdtReads);
    }

    @ParameterizedTest(name = "PD mode {0}")
    @ValueSource(ints = {1, 2})
    void process_id_wider_than_pdtp_mode_is_disallowed(int mode) {
        setUp(mode, false, 0);
        Outcome o = read(widestPid(mode) + 1, false, 0x1000);
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, o.cause());
        assertEquals(Rule.PID_TOO_WIDE, o.trace().rule());
    }

    @Test
    void process_id_with_pdtv_0_is_disallowed() {
        s = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL1);
        s.writeDc(DID, new Dc());
        assertEquals(Rule.PID_WITHOUT_PDTV, s.translate(Request.untranslated(DID, 0, Ttyp.UNTRANSLATED_READ).withProcess(1, false)).trace().rule());
        assertEquals(Status.SUCCESS, s.read(DID, 0).status(), "without a process_id");
    }

    @Test
    void without_a_process_id_and_dpe_0_the_first_stage_is_bare() {
        setUp(3, false, 0);
        Outcome o = s.read(DID, 0x5678_9000L);
        assertEquals(0x5678_9000L, o.address());
        assertEquals(0, o.trace().readCount() - 4 - 2, "no PDT read");
    }

    @Test
    void dpe_makes_process_id_0_the_default() {
        setUp(3, false, Dc.DPE);
        pdt.writePc(0, false, false, 9, 8, fs.rootPpn());
        long va = 0x1234_5000L;
        fs.map(va, DATA, 0, LEAF);
        Outcome o = s.read(DID, va);
        assertEquals(DATA, o.address(), o::toString);
        FaultRecord none = o.faultRecord();
        assertNull(none);
        fs.set(va, 0, 0);
        FaultRecord f = s.read(DID, va).faultRecord();
        assertFalse(f.pv(), "the record reports the request's own (absent) process_id");
    }

    @Test
    void pdtp_bare_leaves_the_first_stage_bare() {
        setUp(3, false, 0);
        s.writeDc(DID, new Dc().tc(Dc.PDTV).fsc(0, 0));
        Outcome o = read(0x12345, false, 0x777_7000L);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(0x777_7000L, o.address());
    }

    @Test
    void pc_v0_is_266_and_nonleaf_v0_is_266() {
        setUp(3, false, 0);
        Outcome o = read(0x12345, false, 0x1000); // nothing written: the root entry is V=0
        assertEquals(Cause.PDT_ENTRY_NOT_VALID, o.cause());
        assertEquals(Rule.PDTE_NOT_VALID, o.trace().rule());
        pdt.pcAddress(0x12345);
        o = read(0x12345, false, 0x1000);
        assertEquals(Rule.PC_NOT_VALID, o.trace().rule());
        assertEquals(Cause.PDT_ENTRY_NOT_VALID, o.cause());
    }

    @Test
    void pdte_reserved_bits_and_pc_misconfiguration_are_267() {
        setUp(2, false, 0);
        pdt.writePc(0x100, false, false, 9, 8, fs.rootPpn());
        long a = pdt.pdteAddress(0x100, 1);
        s.write64(a, s.read64(a, false) | (1L << 63), false);
        assertEquals(Rule.PDTE_RESERVED, read(0x100, false, 0x1000).trace().rule());
        setUp(1, false, 0);
        pdt.writePc(5, false, false, 9, 8, fs.rootPpn());
        s.write64(pdt.pcAddress(5), s.read64(pdt.pcAddress(5), false) | (1L << 3), false);
        assertEquals(Rule.PC_RESERVED, read(5, false, 0x1000).trace().rule());
        pdt.writePc(5, false, false, 9, 11, fs.rootPpn()); // fsc.MODE 11: reserved
        Outcome o = read(5, false, 0x1000);
        assertEquals(Cause.PDT_ENTRY_MISCONFIGURED, o.cause());
        assertEquals(Rule.PC_FSC_MODE, o.trace().rule());
        pdt.writePc(5, false, false, 9, 8, fs.rootPpn());
        assertNotEquals(Cause.PDT_ENTRY_MISCONFIGURED, read(5, false, 0x1000).cause());
    }

    @Test
    void pdt_access_fault_265_and_corruption_269_win_over_contents() {
        setUp(3, false, 0);
        long a = pdt.pdteAddress(0x12345, 2);
        s.mem.injectError(a, PhysicalMemory.ACCESS_FAULT);
        assertEquals(Cause.PDT_LOAD_ACCESS_FAULT, read(0x12345, false, 0).cause());
        s.mem.injectError(a, PhysicalMemory.DATA_CORRUPTION);
        assertEquals(Cause.PDT_DATA_CORRUPTION, read(0x12345, false, 0).cause());
        s.mem.injectError(a, PhysicalMemory.OK);
        long pc = pdt.writePc(0x12345, false, false, 0, 0, 0);
        s.mem.injectError(pc + 8, PhysicalMemory.ACCESS_FAULT);
        assertEquals(Rule.PC_ACCESS_FAULT, read(0x12345, false, 0).trace().rule());
    }

    @Test
    void supervisor_request_needs_ens_260() {
        setUp(1, false, 0);
        pdt.writePc(7, false, false, 0, 8, fs.rootPpn());
        long va = 0x1234_5000L;
        fs.map(va, DATA, 0, R | W | A | D); // supervisor page (U=0)
        Outcome o = read(7, true, va);
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, o.cause());
        assertEquals(Rule.SUPERVISOR_WITHOUT_ENS, o.trace().rule());
        assertTrue(o.faultRecord().priv());
        pdt.writePc(7, true, false, 0, 8, fs.rootPpn());
        assertEquals(Status.SUCCESS, read(7, true, va).status());
        assertEquals(Cause.READ_PAGE_FAULT, read(7, false, va).cause(), "user request to a U=0 page");
    }

    @Test
    void sum_allows_supervisor_access_to_user_pages_but_never_execute() {
        setUp(1, false, 0);
        long va = 0x1234_5000L;
        fs.map(va, DATA, 0, R | X | U | A | D);
        pdt.writePc(7, true, false, 0, 8, fs.rootPpn());
        assertEquals(Rule.PTE_U_SUPERVISOR, read(7, true, va).trace().rule());
        pdt.writePc(7, true, true, 0, 8, fs.rootPpn());
        assertEquals(Status.SUCCESS, read(7, true, va).status());
        Outcome x = s.translate(Request.untranslated(DID, va, Ttyp.UNTRANSLATED_EXEC).withProcess(7, true));
        assertEquals(Cause.INSTRUCTION_PAGE_FAULT, x.cause());
        assertEquals(Rule.PTE_U_SUPERVISOR_EXEC, x.trace().rule());
    }

    @Test
    void pdt_reads_go_through_the_g_stage_as_implicit_reads() {
        setUp(3, true, 0);
        pdt.writePc(0x12345, false, false, 9, 8, fs.rootPpn());
        long va = 0x1234_5000L;
        fs.map(va, DATA, 0, LEAF);
        g.map(DATA, 0x6_0000_0000L, 0, LEAF);
        Outcome o = read(0x12345, false, va);
        assertEquals(Status.SUCCESS, o.status(), o::toString);
        assertEquals(0x6_0000_0000L, o.address());
        assertEquals(Role.G_STAGE_PTE, o.trace().readRole(4 + 3), "the first PDT read is preceded by a G-stage walk");
    }

    @Test
    void guest_page_fault_on_a_pdt_read_keeps_the_access_type_and_sets_iotval2_bit_0() {
        setUp(3, true, 0);
        long root = pdt.pdteAddress(0x12345, 2);
        g.set(root, 0, 0); // the G-stage leaf for the PDT root page: V=0
        Outcome o = s.translate(Request.untranslated(DID, 0x1000, Ttyp.UNTRANSLATED_WRITE).withProcess(0x12345, false));
        assertEquals(Cause.WRITE_GUEST_PAGE_FAULT, o.cause());
        assertEquals(root | FaultRecord.IOTVAL2_IMPLICIT, o.iotval2());
    }

    @Test
    void g_stage_access_fault_on_a_pdt_read_is_265_and_corruption_269() {
        setUp(3, true, 0);
        long root = pdt.pdteAddress(0x12345, 2);
        long gLeaf = g.pteAddress(root, 0);
        s.mem.injectError(gLeaf, PhysicalMemory.ACCESS_FAULT);
        Outcome o = read(0x12345, false, 0);
        assertEquals(Cause.PDT_LOAD_ACCESS_FAULT, o.cause());
        assertEquals(Rule.PDT_G_STAGE_ACCESS_FAULT, o.trace().rule());
        s.mem.injectError(gLeaf, PhysicalMemory.DATA_CORRUPTION);
        assertEquals(Cause.PDT_DATA_CORRUPTION, read(0x12345, false, 0).cause());
    }

    @Test
    void pdt_faults_are_suppressed_by_dtf() {
        setUp(3, false, Dc.DTF);
        Outcome o = read(0x12345, false, 0);
        assertEquals(Cause.PDT_ENTRY_NOT_VALID, o.cause());
        assertFalse(o.recordFault());
    }

    @Test
    void big_endian_pdt_follows_tc_sbe() {
        s = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL1);
        pdt = s.pdt(2, true);
        fs = s.firstStage(PagingScheme.SV39, true);
        s.writeDc(DID, new Dc().tc(Dc.PDTV | Dc.SBE).fsc(2, pdt.ppn()));
        pdt.writePc(0x1ff00, false, false, 9, 8, fs.rootPpn());
        fs.map(0x1234_5000L, DATA, 0, LEAF);
        Outcome o = read(0x1ff00, false, 0x1234_5000L);
        assertEquals(DATA, o.address(), o::toString);
    }
}
