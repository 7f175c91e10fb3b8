package dev.lockstep.refmodel.queue;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.TestSystem;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.translate.PcieMessage;
import org.junit.jupiter.api.Test;

/**
 * Spec "PCIe ATS Page Request handling" through the facade: a page request the device context refuses
 * gets its fault record (TTYP 9, iotval = Page Request message code 0x04) as well as its automatic
 * response; L=0 requests and Stop Markers are discarded without a response but still recorded; the
 * page-request queue's own conditions (off, pqmf, full, pqof) write no fault record. Also the
 * Invalidation Completion entry (DC.tc.EN_ATS).
 */
class PageRequestFaultTest {

    static final int DID = 0x0a;
    static final long READ = 1, LAST = 4, PRGI_5 = 5 << 3;

    final Scenario s = new Scenario(TestSystem.caps(), IommuMode.LVL1);
    final TestSystem t = new TestSystem(IommuConfig.defaults(TestSystem.caps()), true, s.mem);

    PageRequestFaultTest() {
        t.enableFq(4, false);
        t.write(DDTP, s.ddtp());
    }

    void pageRequest(long payload) { t.iommu.pageRequest(DID, true, 0x77, true, false, payload); }

    void assertMessageRecord(int index, int cause, int code) {
        FaultRecord r = t.faultRecord(index);
        assertEquals(cause, r.cause());
        assertEquals(Ttyp.PCIE_MESSAGE, r.ttyp());
        assertEquals(code, r.iotval());
        assertEquals(DID, r.deviceId());
    }

    @Test
    void en_pri_0_gets_invalid_request_and_a_260_record() {
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS));
        pageRequest(READ | LAST | PRGI_5);
        assertEquals(1, t.read(FQT));
        assertMessageRecord(0, Cause.TRANSACTION_TYPE_DISALLOWED, PcieMessage.PAGE_REQUEST);
        assertTrue(t.faultRecord(0).pv());
        assertEquals(0x77, t.faultRecord(0).processId());
        assertTrue(t.faultRecord(0).priv());
        assertTrue(t.sink.events.contains("prgr rid=0xa pv=false pid=0 prgi=5 code=1 auto"), t.sink.events::toString);
    }

    @Test
    void ddt_entry_not_valid_gets_response_failure_and_a_258_record() {
        pageRequest(READ | LAST);
        assertMessageRecord(0, Cause.DDT_ENTRY_NOT_VALID, PcieMessage.PAGE_REQUEST);
        assertTrue(t.sink.events.contains("prgr rid=0xa pv=true pid=119 prgi=0 code=15 auto"), t.sink.events::toString);
    }

    @Test
    void l0_requests_and_stop_markers_are_discarded_without_response_but_recorded() {
        pageRequest(READ);          // L=0
        pageRequest(LAST);          // Stop Marker: PASID, L=1, R=W=0
        assertEquals(2, t.read(FQT));
        assertMessageRecord(0, Cause.DDT_ENTRY_NOT_VALID, PcieMessage.PAGE_REQUEST);
        assertMessageRecord(1, Cause.DDT_ENTRY_NOT_VALID, PcieMessage.PAGE_REQUEST);
        assertEquals(0, t.sink.count("prgr"));
    }

    @Test
    void dtf_suppresses_the_260_record_but_not_the_response() {
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.DTF));
        pageRequest(READ | LAST);
        assertEquals(0, t.read(FQT));
        assertEquals(1, t.sink.count("prgr"));
    }

    @Test
    void mode_off_and_bare_are_recorded_without_a_translation_process_too() {
        TestSystem plain = TestSystem.standard();
        plain.enableFq(4, false);
        plain.iommu.pageRequest(DID, false, 0, false, false, READ | LAST); // Off after reset
        plain.write(DDTP, IommuMode.BARE.encoding);
        plain.iommu.pageRequest(DID, false, 0, false, false, READ | LAST);
        assertEquals(Cause.ALL_INBOUND_DISALLOWED, plain.faultRecord(0).cause());
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, plain.faultRecord(1).cause());
        assertEquals(Ttyp.PCIE_MESSAGE, plain.faultRecord(1).ttyp());
        assertEquals(PcieMessage.PAGE_REQUEST, plain.faultRecord(1).iotval());
    }

    // ------------------------------------------------------------------ no record for the queue's own conditions

    @Test
    void queue_off_answers_response_failure_without_a_record() {
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.EN_PRI));
        pageRequest(READ | LAST);
        assertEquals(1, t.sink.count("prgr"));
        assertTrue(t.sink.events.contains("prgr rid=0xa pv=true pid=119 prgi=0 code=15 auto"));
        assertEquals(0, t.read(FQT));
    }

    @Test
    void full_queue_and_pqof_answer_success_without_a_record() {
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.EN_PRI));
        t.enablePq(1, false); // capacity 1
        pageRequest(READ | LAST);              // queued
        assertEquals(1, t.read(PQT));
        pageRequest(READ | LAST | PRGI_5);     // full: sets pqof
        pageRequest(READ | LAST | PRGI_5);     // pqof already set
        assertEquals(QCSR_OF, t.read(PQCSR) & QCSR_OF);
        assertEquals(2, t.sink.count("prgr"));
        assertEquals(0, t.read(FQT));
    }

    @Test
    void pqmf_answers_response_failure_without_a_record() {
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.EN_PRI));
        t.enablePq(2, false);
        s.mem.injectError(TestSystem.PQ_BASE, dev.lockstep.refmodel.mem.PhysicalMemory.ACCESS_FAULT);
        pageRequest(READ | LAST);
        assertEquals(QCSR_MF, t.read(PQCSR) & QCSR_MF);
        assertTrue(t.sink.events.contains("prgr rid=0xa pv=true pid=119 prgi=0 code=15 auto"));
        assertEquals(0, t.read(FQT));
    }

    // ------------------------------------------------------------------ Invalidation Completion

    @Test
    void invalidation_completion_needs_en_ats() {
        s.writeDc(DID, new Dc());
        assertFalse(t.iommu.invalidationCompletion(DID));
        assertMessageRecord(0, Cause.TRANSACTION_TYPE_DISALLOWED, PcieMessage.INVALIDATION_COMPLETION);
        assertFalse(t.faultRecord(0).pv());
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS));
        assertTrue(t.iommu.invalidationCompletion(DID));
        assertEquals(1, t.read(FQT));
    }

    @Test
    void invalidation_completion_in_bare_mode_is_260() {
        t.write(DDTP, IommuMode.BARE.encoding);
        assertFalse(t.iommu.invalidationCompletion(DID));
        assertMessageRecord(0, Cause.TRANSACTION_TYPE_DISALLOWED, PcieMessage.INVALIDATION_COMPLETION);
    }
}
