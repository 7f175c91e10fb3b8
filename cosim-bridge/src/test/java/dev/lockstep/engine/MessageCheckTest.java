package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.dut.Dut;
import org.junit.jupiter.api.Test;

/** How outbound PCIe messages are compared (spec: ATS.INVAL, ATS.PRGR). */
class MessageCheckTest {

    @Test
    void dsegIsComparedOnlyWithDsv() {
        // "If the DSV operand is 1, then a valid destination segment number is specified by the DSEG
        // operand. If the DSV operand is 0, then the DSEG operand is ignored."
        long payload = MessageCheck.prgrPayload(5, 0);
        int prgr = Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE;
        long noDsv = MessageCheck.header(prgr, 3, false, 0, false, 0);
        assertTrue(MessageCheck.fields(noDsv, payload, MessageCheck.header(prgr, 3, false, 0x4a, false, 0), payload).isEmpty());
        long dsv = MessageCheck.header(prgr, 3, true, 0x4a, false, 0);
        assertEquals("DSEG", MessageCheck.fields(dsv, payload, MessageCheck.header(prgr, 3, true, 0, false, 0), payload)
                .get(0).field());
        assertEquals("DSV", MessageCheck.fields(dsv, payload, noDsv, payload).get(0).field());
    }
}
