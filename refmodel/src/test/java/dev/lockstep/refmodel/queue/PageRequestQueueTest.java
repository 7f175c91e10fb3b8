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
}
