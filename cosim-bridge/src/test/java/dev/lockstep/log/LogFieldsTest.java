package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.dut.Dut;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.stimulus.Action;
import org.junit.jupiter.api.Test;

/**
 * The optional fields schema version 1 gained with ABI 4 (docs/log-format.md): `cxl` of a translate
 * action, `dsv` of a page_request, `cxl_io` of a completion; absent they read as before (false, true,
 * false), so older logs stay readable.
 */
class LogFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode parse(String s) throws Exception { return JSON.readTree(s); }

    @Test
    void cxlOfAnAtsRequestIsWrittenWhenSetAndReadBack() throws Exception {
        Action.Translate cxl = new Action.Translate(3, 0x12, false, 0, false, Ttyp.ATS_TRANSLATION, 0x4000, false, false, true);
        JsonNode n = ActionJson.write(0, cxl);
        assertTrue(n.get("cxl").asBoolean());
        assertEquals(cxl, ActionJson.read(n));
        assertEquals(Dut.REQ_CXL, cxl.flags());
        Action.Translate plain = new Action.Translate(3, 0x12, false, 0, false, Ttyp.ATS_TRANSLATION, 0x4000);
        assertFalse(ActionJson.write(0, plain).has("cxl"), "written only when set");
        JsonNode old = parse("{\"type\":\"action\",\"index\":0,\"op\":\"translate\",\"tag\":3,\"device_id\":\"0x12\","
                + "\"pv\":false,\"process_id\":\"0x0\",\"priv\":false,\"ttyp\":8,\"iova\":\"0x4000\"}");
        assertEquals(plain, ActionJson.read(old), "absent: not a CXL device");
        JsonNode misplaced = parse("{\"type\":\"action\",\"index\":0,\"op\":\"translate\",\"tag\":3,\"device_id\":\"0x12\","
                + "\"pv\":false,\"process_id\":\"0x0\",\"priv\":false,\"ttyp\":2,\"iova\":\"0x4000\",\"cxl\":true}");
        LogFormat.FieldException e = assertThrows(LogFormat.FieldException.class, () -> ActionJson.read(misplaced));
        assertTrue(e.getMessage().contains("cxl"), e.getMessage());
    }

    @Test
    void aRequestWithoutAPasidCarriesNoProcessIdPrivilegeOrExecute() throws Exception {
        // "Execute requested must be explicitly associated with the request (e.g., using a PCIe PASID). When
        // not explicitly requested, the default must be 0"; "For requests without a process_id the privilege
        // mode must be User". The engine sends what the action holds.
        Action.Translate t = new Action.Translate(1, 2, false, 0x55, true, Ttyp.ATS_TRANSLATION, 0, true, true, false);
        assertEquals(0, t.processId());
        assertFalse(t.priv() || t.execRequested());
        assertEquals(Dut.REQ_NW, t.flags());
        Action.PageRequest p = new Action.PageRequest(2, false, 9, true, true, 4, true);
        assertEquals(0, p.processId());
        assertEquals(Dut.REQ_DSV, p.flags());
    }

    @Test
    void dsvOfAPageRequestDefaultsToTrue() throws Exception {
        Action.PageRequest noDsv = new Action.PageRequest(0x4a0003, true, 7, false, false, 0x5005, false);
        JsonNode n = ActionJson.write(0, noDsv);
        assertFalse(n.get("dsv").asBoolean());
        assertEquals(noDsv, ActionJson.read(n));
        Action.PageRequest withDsv = new Action.PageRequest(0x4a0003, true, 7, false, false, 0x5005);
        assertTrue(withDsv.dsv());
        assertFalse(ActionJson.write(0, withDsv).has("dsv"), "the default is not written");
        assertEquals(withDsv, ActionJson.read(ActionJson.write(0, withDsv)));
    }

    @Test
    void cxlIoOfACompletionIsLoggedAndReadBack() throws Exception {
        long[] ev = new long[Dut.EVENT_WORDS];
        ev[0] = Dut.EV_COMPLETION;
        ev[2] = 5 | (1L << 20) | (1L << 29);
        JsonNode n = EventJson.write(ev, 0, 10);
        assertTrue(n.get("cxl_io").asBoolean());
        assertEquals(ev[2], EventJson.read(LogFormat.COMPLETION, n, 0)[2]);
        ev[2] &= ~(1L << 29);
        JsonNode clear = EventJson.write(ev, 0, 10);
        assertFalse(clear.has("cxl_io"), "written only when set");
        assertEquals(ev[2], EventJson.read(LogFormat.COMPLETION, clear, 0)[2]);
    }
}
