package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    private static EffectRecorder model(long[]... messages) {
        EffectRecorder r = new EffectRecorder();
        for (long[] m : messages) r.atsInvalidationRequest((int) m[0], false, 0, false, 0, m[1]);
        return r;
    }

    private static DutObservations dut(long[]... messages) {
        DutObservations d = new DutObservations();
        for (long[] m : messages) {
            d.messageHeader[d.messages] = MessageCheck.header(Dut.MSG_INVALIDATION_REQUEST, (int) m[0], false, 0, false, 0);
            d.messagePayload[d.messages] = m[1];
            d.messages++;
        }
        return d;
    }

    @Test
    void messagesOfOneActionMayLeaveInAnyOrder() {
        // "the IOMMU may execute the fetched commands out of order" ("Command-Queue"): two ATS.INVAL of one
        // doorbell send their Invalidation Requests in either order.
        long[] a = {0x10, 0x1000}, b = {0x20, 0x2000};
        assertNull(MessageCheck.compare(model(a, b), dut(b, a)));
        assertNull(MessageCheck.compare(model(a, b), dut(a, b)));
    }

    @Test
    void eachMessageIsSentOnceWithItsFields() {
        long[] a = {0x10, 0x1000}, b = {0x20, 0x2000};
        assertTrue(MessageCheck.compare(model(a, b), dut(a, a)).subject().startsWith("outbound message #1"),
                "a second copy of one request is not the other");
        assertTrue(MessageCheck.compare(model(a, b), dut(b)).subject().startsWith("missing outbound message #0"));
        assertTrue(MessageCheck.compare(model(a), dut(a, b)).subject().startsWith("unexpected outbound message #1"));
        MessageCheck.Mismatch wrongPayload = MessageCheck.compare(model(a, b), dut(new long[] {0x20, 0x2001}, a));
        assertEquals("payload (ATS.INVAL dw1)", wrongPayload.fields().get(0).field(),
                "an unmatched message is compared with the one of its RID");
    }
}
