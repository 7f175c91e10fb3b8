package dev.lockstep.refmodel.queue;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.testsupport.TestSystem;
import org.junit.jupiter.api.Test;

class FaultQueueTest {

    private final TestSystem s = TestSystem.standard();

    private static FaultRecord rec(int i) {
        return new FaultRecord(Cause.READ_PAGE_FAULT, Ttyp.UNTRANSLATED_READ, 0x100 + i, true, 7, true, 0x1000L * i, 0);
    }

    @Test
    void recordsAreWrittenAtTailWithEveryField() {
        s.enableFq(2, false);
        assertEquals(FaultQueue.WRITTEN, s.iommu.reportFault(rec(1)));
        assertEquals(1, s.read(FQT));
        assertEquals(rec(1), s.faultRecord(0));
        assertEquals(4, s.sink.count("write kind=1"));
    }

    @Test
    void overflowSetsFqofAndDropsThisAndLaterRecords() {
        s.enableFq(2, true); // 4 entries, capacity 3
        for (int i = 0; i < 3; i++) assertEquals(FaultQueue.WRITTEN, s.iommu.reportFault(rec(i)));
        assertEquals(FaultQueue.DROPPED_OVERFLOW, s.iommu.reportFault(rec(3)));
        assertEquals(QCSR_OF, s.read(FQCSR) & (QCSR_OF | QCSR_MF));
        s.write(FQH, 2); // software consumed two records
        assertEquals(FaultQueue.DROPPED_ERROR_PENDING, s.iommu.reportFault(rec(4)), "fqof still set: dropped");
        s.write(FQCSR, QCSR_EN | QCSR_IE | QCSR_OF);
        assertEquals(FaultQueue.WRITTEN, s.iommu.reportFault(rec(5)));
        assertEquals(rec(5), s.faultRecord(3));
        assertEquals(0, s.read(FQT), "tail wrapped");
    }

    @Test
    void storeFaultSetsFqmfAndDropsLaterRecords() {
        s.enableFq(2, true);
        s.memory.injectError(TestSystem.FQ_BASE + 16, PhysicalMemory.ACCESS_FAULT);
        assertEquals(FaultQueue.DROPPED_MEMORY_FAULT, s.iommu.reportFault(rec(0)));
        assertEquals(QCSR_MF, s.read(FQCSR) & (QCSR_OF | QCSR_MF));
        assertEquals(0, s.read(FQT));
        assertEquals(0, s.sink.count("write kind=1"), "no partial record");
        s.memory.injectError(TestSystem.FQ_BASE + 16, PhysicalMemory.OK);
        assertEquals(FaultQueue.DROPPED_ERROR_PENDING, s.iommu.reportFault(rec(1)));
        assertEquals(IPSR_FIP, s.read(IPSR) & IPSR_FIP);
    }

    @Test
    void queueOffDropsRecords() {
        assertEquals(FaultQueue.DROPPED_OFF, s.iommu.reportFault(rec(0)));
        assertEquals(0, s.read(IPSR));
    }

    @Test
    void reEnablingClearsTailAndErrors() {
        s.enableFq(1, false);
        s.iommu.reportFault(rec(0));
        s.iommu.reportFault(rec(1));
        assertEquals(QCSR_OF, s.read(FQCSR) & QCSR_OF);
        s.write(FQCSR, 0);
        s.write(FQCSR, QCSR_EN);
        assertEquals(0, s.read(FQT));
        assertEquals(QCSR_EN | QCSR_ON, s.read(FQCSR));
    }

    @Test
    void newRecordSetsFipOnlyWithFie() {
        s.enableFq(3, false);
        s.iommu.reportFault(rec(0));
        assertEquals(0, s.read(IPSR));
        s.write(FQCSR, QCSR_EN | QCSR_IE);
        s.iommu.reportFault(rec(1));
        assertEquals(IPSR_FIP, s.read(IPSR));
    }
}
