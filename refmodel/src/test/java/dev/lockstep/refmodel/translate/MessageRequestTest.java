package dev.lockstep.refmodel.translate;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.trace.Rule;
import org.junit.jupiter.api.Test;

/**
 * PCIe message requests (TTYP 9) in the translation process: spec "PCIe ATS Page Request handling"
 * (ATS_PRI: locating the DC, EN_PRI), DC.tc.EN_ATS (Invalidation Completion), ddtp (Bare: PCIe message
 * transactions unsupported), and the fault record (TTYP 9: iotval = the message code; DTF).
 */
class MessageRequestTest {

    static final int DID = 0x12;

    Scenario s = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL1);

    Outcome pageRequest(int did) {
        return s.translate(Request.message(did, true, 0x345, true, PcieMessage.PAGE_REQUEST));
    }

    Outcome invalidationCompletion(int did) {
        return s.translate(Request.message(did, false, 0, false, PcieMessage.INVALIDATION_COMPLETION));
    }

    static void assertRecord(Outcome o, int cause, int code) {
        assertEquals(Status.ABORT, o.status(), o::toString);
        assertEquals(cause, o.cause(), o::toString);
        assertTrue(o.recordFault(), o::toString);
        FaultRecord r = o.faultRecord();
        assertEquals(Ttyp.PCIE_MESSAGE, r.ttyp());
        assertEquals(code, r.iotval(), "iotval holds the message code");
        assertEquals(0, r.iotval2());
    }

    @Test
    void the_record_carries_did_pv_pid_and_priv_of_the_message() {
        Outcome o = pageRequest(DID); // no DC written: 258
        assertRecord(o, Cause.DDT_ENTRY_NOT_VALID, PcieMessage.PAGE_REQUEST);
        FaultRecord r = o.faultRecord();
        assertEquals(DID, r.deviceId());
        assertTrue(r.pv());
        assertEquals(0x345, r.processId());
        assertTrue(r.priv());
        assertTrue(o.toString().contains("message code=0x4"), o::toString);
    }

    @Test
    void mode_off_is_256() {
        Outcome o = s.translator().translate(Request.message(DID, false, 0, false, PcieMessage.PAGE_REQUEST),
                IommuMode.OFF.encoding, 0);
        assertRecord(o, Cause.ALL_INBOUND_DISALLOWED, PcieMessage.PAGE_REQUEST);
    }

    @Test
    void mode_bare_is_260_for_both_messages() {
        for (int code : new int[] {PcieMessage.PAGE_REQUEST, PcieMessage.INVALIDATION_COMPLETION}) {
            Outcome o = s.translator().translate(Request.message(DID, false, 0, false, code), IommuMode.BARE.encoding, 0);
            assertRecord(o, Cause.TRANSACTION_TYPE_DISALLOWED, code);
            assertEquals(Rule.MESSAGE_IN_BARE_MODE, o.trace().rule());
        }
    }

    @Test
    void device_id_too_wide_is_260() {
        assertRecord(pageRequest(1 << 7), Cause.TRANSACTION_TYPE_DISALLOWED, PcieMessage.PAGE_REQUEST);
    }

    @Test
    void ddt_faults_are_257_258_259_268() {
        assertRecord(pageRequest(DID), Cause.DDT_ENTRY_NOT_VALID, PcieMessage.PAGE_REQUEST);
        s.writeDc(DID, new Dc().tc(Dc.EN_PRI)); // EN_PRI without EN_ATS: DC_MISCONFIG
        assertRecord(pageRequest(DID), Cause.DDT_ENTRY_MISCONFIGURED, PcieMessage.PAGE_REQUEST);
        s.mem.injectError(s.dcAddress(DID), PhysicalMemory.DATA_CORRUPTION);
        assertRecord(pageRequest(DID), Cause.DDT_DATA_CORRUPTION, PcieMessage.PAGE_REQUEST);
        s.mem.injectError(s.dcAddress(DID), PhysicalMemory.ACCESS_FAULT);
        assertRecord(invalidationCompletion(DID), Cause.DDT_LOAD_ACCESS_FAULT, PcieMessage.INVALIDATION_COMPLETION);
    }

    @Test
    void page_request_with_en_pri_0_is_260_and_with_en_pri_1_is_accepted() {
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS));
        Outcome refused = pageRequest(DID);
        assertRecord(refused, Cause.TRANSACTION_TYPE_DISALLOWED, PcieMessage.PAGE_REQUEST);
        assertEquals(Rule.MESSAGE_PRI_DISABLED, refused.trace().rule());
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.EN_PRI | Dc.PRPR));
        Outcome ok = pageRequest(DID);
        assertEquals(Status.SUCCESS, ok.status(), ok::toString);
        assertFalse(ok.recordFault());
        assertTrue(ok.prpr());
        assertEquals(Rule.MESSAGE_ACCEPTED, ok.trace().rule());
    }

    @Test
    void invalidation_completion_with_en_ats_0_is_260_and_with_en_ats_1_is_accepted() {
        s.writeDc(DID, new Dc());
        Outcome refused = invalidationCompletion(DID);
        assertRecord(refused, Cause.TRANSACTION_TYPE_DISALLOWED, PcieMessage.INVALIDATION_COMPLETION);
        assertEquals(Rule.MESSAGE_ATS_DISABLED, refused.trace().rule());
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS));
        assertEquals(Status.SUCCESS, invalidationCompletion(DID).status());
    }

    @Test
    void dtf_suppresses_260_once_a_valid_dc_is_found() {
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.DTF));
        Outcome o = pageRequest(DID);
        assertEquals(Cause.TRANSACTION_TYPE_DISALLOWED, o.cause());
        assertFalse(o.recordFault());
        assertNull(o.faultRecord());
    }

    @Test
    void dtf_does_not_suppress_the_ddt_causes() {
        s.writeDc(DID, new Dc().tc(Dc.DTF | Dc.EN_PRI)); // misconfigured: DTF taken as 0
        assertRecord(pageRequest(DID), Cause.DDT_ENTRY_MISCONFIGURED, PcieMessage.PAGE_REQUEST);
        s.writeDc(DID, new Dc().tc(Dc.DTF).tcClear(Dc.V));
        assertRecord(pageRequest(DID), Cause.DDT_ENTRY_NOT_VALID, PcieMessage.PAGE_REQUEST);
    }

    @Test
    void process_id_checks_of_step_7_do_not_apply_to_messages() {
        // A PASID without PDTV would be 260 for a memory request (P2IOVA step 7); a Page Request only needs its DC.
        s.writeDc(DID, new Dc().tc(Dc.EN_ATS | Dc.EN_PRI));
        assertEquals(Status.SUCCESS, pageRequest(DID).status());
    }
}
