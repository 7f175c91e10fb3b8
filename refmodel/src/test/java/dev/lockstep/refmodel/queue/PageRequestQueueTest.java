package dev.lockstep.refmodel.queue;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.TestSystem;
import org.junit.jupiter.api.Test;

class PageRequestQueueTest {

    private final TestSystem s = TestSystem.standard();
    private static final long LAST = 4, READ = 1;

    PageRequestQueueTest() {
        s.write(DDTP, IommuMode.LVL3.encoding);
        s.iommu.setPageRequestAdmission((did, pv, pid, priv) -> PageRequestQueue.Admission.ADMIT);
    }

    @Test
    void requestIsQueuedAsARecord() {
        s.enablePq(2, true);
        s.iommu.pageRequest(0x0102, true, 77, true, false, 0x5000 | (3 << 3) | READ | LAST);
        assertEquals(1, s.read(PQT));
        long dw0 = s.memory.load64(TestSystem.PQ_BASE);
        assertEquals((77L << 12) | (1L << 32) | (1L << 33) | (0x0102L << 40), dw0);
        assertEquals(0x5000 | (3 << 3) | READ | LAST, s.memory.load64(TestSystem.PQ_BASE + 8));
        assertEquals(IPSR_PIP, s.read(IPSR));
    }

    @Test
    void fullQueueSetsPqofAndAnswersSuccess() {
        s.enablePq(1, false); // capacity 1
        s.iommu.pageRequest(1, false, 0, false, false, READ | LAST);
        s.iommu.pageRequest(1, false, 0, false, false, READ | LAST | (5 << 3));
        assertEquals(QCSR_OF, s.read(PQCSR) & QCSR_OF);
        assertTrue(s.sink.events.contains("prgr rid=0x1 pv=false pid=0 prgi=5 code=0 auto"));
        s.iommu.pageRequest(1, false, 0, false, false, READ); // L=0: dropped silently
        assertEquals(1, s.sink.count("prgr"));
    }

    @Test
    void queueOffAnswersResponseFailureWithPasid() {
        s.iommu.pageRequest(2, true, 9, false, false, READ | LAST);
        assertTrue(s.sink.events.contains("prgr rid=0x2 pv=true pid=9 prgi=0 code=15 auto"));
        s.iommu.pageRequest(2, true, 9, false, false, LAST); // stop marker: no response
        assertEquals(1, s.sink.count("prgr"));
    }

    @Test
    void automaticResponseGoesToTheRequestsSegmentOnlyWithDsv() {
        // ATS.PRGR: "If the DSV operand is 1, then a valid destination segment number is specified by the
        // DSEG operand. If the DSV operand is 0, then the DSEG operand is ignored."
        java.util.List<String> responses = new java.util.ArrayList<>();
        dev.lockstep.refmodel.Iommu iommu = new dev.lockstep.refmodel.Iommu(
                dev.lockstep.refmodel.regs.IommuConfig.defaults(TestSystem.caps()),
                new dev.lockstep.refmodel.mem.SparseMemory(), new dev.lockstep.refmodel.testsupport.SimpleTranslator(),
                new dev.lockstep.refmodel.effect.EffectSink() {
                    @Override public void pageRequestGroupResponse(int rid, boolean dsv, int dseg, boolean pv, int pid,
                                                                   int prgIndex, int responseCode, boolean automatic) {
                        responses.add("rid=0x" + Integer.toHexString(rid) + " dsv=" + dsv + " dseg=0x"
                                + Integer.toHexString(dseg));
                    }
                });
        iommu.mmioWrite(DDTP, 8, IommuMode.BARE.encoding);
        iommu.pageRequest(0x4a0003, false, 0, false, false, READ | LAST);
        iommu.pageRequest(0x4a0003, false, 0, false, false, READ | LAST, true);
        iommu.pageRequest(0x4a0003, false, 0, false, false, READ | LAST, false);
        assertEquals(java.util.List.of("rid=0x3 dsv=true dseg=0x4a", "rid=0x3 dsv=true dseg=0x4a",
                "rid=0x3 dsv=false dseg=0x0"), responses);
    }

    @Test
    void bareModeAnswersInvalidRequestWithoutPasidUnlessPrpr() {
        TestSystem t = TestSystem.standard();
        t.write(DDTP, IommuMode.BARE.encoding);
        t.iommu.pageRequest(3, true, 4, false, false, READ | LAST);
        assertTrue(t.sink.events.contains("prgr rid=0x3 pv=false pid=0 prgi=0 code=1 auto"));
    }

    @Test
    void ddtModeWithoutAdmissionFailsLoudly() {
        TestSystem t = TestSystem.standard();
        t.write(DDTP, IommuMode.LVL1.encoding);
        assertThrows(UnsupportedOperationException.class, () -> t.iommu.pageRequest(3, false, 0, false, false, LAST));
    }

    /**
     * The fate asked for before a message is handled is what handling it then does, in every state of the
     * queue (off, on with room, full, pqof set) and for L=0, L=1 and Stop Markers, and asking changes nothing.
     */
    @Test
    void fateForetellsWhatReceivingDoesAndChangesNothing() {
        long[] payloads = {READ, READ | LAST | (7 << 3), LAST};
        s.enablePq(1, true); // capacity 1: the second message finds it full, the third pqof set
        for (int round = 0; round < 4; round++) {
            for (long payload : payloads) {
                long pqcsr = s.read(PQCSR);
                long pqt = s.read(PQT);
                long responses = s.sink.count("prgr");
                PageRequestQueue.Fate f = s.iommu.pageRequestFate(5, true, 3, false, payload);
                assertEquals(pqcsr, s.read(PQCSR), "asking sets no bit");
                assertEquals(pqt, s.read(PQT), "asking queues nothing");
                assertEquals(responses, s.sink.count("prgr"), "asking answers nothing");
                boolean queued = s.iommu.pageRequestQueue().receive(5, true, 3, false, false, payload,
                        (did, pv, pid, priv) -> PageRequestQueue.Admission.ADMIT);
                assertEquals(f.queued(), queued, "queued, round " + round + " payload " + payload);
                assertEquals(f.response() >= 0 ? 1L : 0L, s.sink.count("prgr") - responses, "responses");
                assertEquals(f.setsBits(), (int) (s.read(PQCSR) & ~pqcsr & (QCSR_OF | QCSR_MF)), "bits set");
            }
            if (round == 1) s.write(PQCSR, 0); // off from here on
        }
    }
}
