package dev.lockstep.refmodel.hpm;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.TestSystem;
import org.junit.jupiter.api.Test;

class PerformanceMonitorTest {

    private final TestSystem s = TestSystem.standard();

    PerformanceMonitorTest() { s.write(DDTP, IommuMode.BARE.encoding); }

    private void evt(int x, long value) { s.write(IOHPMEVT_BASE + 8 * (x - 1), value); }
    private long ctr(int x) { return s.read(IOHPMCTR_BASE + 8 * (x - 1)); }
    private void dma(int did, boolean pv, int pid, int ttyp) {
        s.iommu.translate(new TranslationRequest(did, pv, pid, false, ttyp, 0x1000));
    }

    @Test
    void countsByEventWithDeviceAndProcessFilters() {
        evt(1, PerformanceMonitor.EV_UNTRANSLATED);
        evt(2, PerformanceMonitor.EV_UNTRANSLATED | HPMEVT_DV_GSCV | (0x12L << 36));
        evt(3, PerformanceMonitor.EV_UNTRANSLATED | HPMEVT_DV_GSCV | HPMEVT_DMASK | (0x13L << 36)); // 0x10-0x13
        evt(4, PerformanceMonitor.EV_UNTRANSLATED | HPMEVT_PV_PSCV | (7L << 16));
        evt(5, PerformanceMonitor.EV_TRANSLATED);
        evt(6, PerformanceMonitor.EV_UNTRANSLATED | HPMEVT_IDT); // IDT=1 unsupported for event 1
        dma(0x12, false, 0, Ttyp.UNTRANSLATED_READ);
        dma(0x11, true, 7, Ttyp.UNTRANSLATED_WRITE);
        dma(0x20, true, 8, Ttyp.UNTRANSLATED_READ);
        dma(0x12, false, 0, Ttyp.TRANSLATED_READ);
        assertEquals(3, ctr(1));
        assertEquals(1, ctr(2));
        assertEquals(2, ctr(3));
        assertEquals(1, ctr(4), "no process_id: not counted");
        assertEquals(1, ctr(5));
        assertEquals(0, ctr(6));
    }

    @Test
    void inhibitAndOverflowSetPmipOnce() {
        evt(1, PerformanceMonitor.EV_UNTRANSLATED);
        s.write(IOCOUNTINH, 1 << 1);
        dma(1, false, 0, Ttyp.UNTRANSLATED_READ);
        assertEquals(0, ctr(1), "inhibited");
        s.write(IOCOUNTINH, 0);
        s.write(IOHPMCTR_BASE, -1L);
        dma(1, false, 0, Ttyp.UNTRANSLATED_READ);
        assertEquals(0, ctr(1), "wrapped");
        assertEquals(HPMEVT_OF, s.read(IOHPMEVT_BASE) & HPMEVT_OF);
        assertEquals(0b10, s.read(IOCOUNTOVF));
        assertEquals(IPSR_PMIP, s.read(IPSR));
        s.write(IPSR, IPSR_PMIP);
        s.write(IOHPMCTR_BASE, -1L);
        dma(1, false, 0, Ttyp.UNTRANSLATED_READ);
        assertEquals(0, s.read(IPSR), "OF already 1: no new pmip");
    }

    @Test
    void cyclesCounterAdvancesOnlyWhenTold() {
        s.iommu.performanceMonitor().advanceCycles(10);
        assertEquals(10, s.read(IOHPMCYCLES));
        s.write(IOHPMCYCLES, (1L << 63) - 2);
        s.iommu.performanceMonitor().advanceCycles(3);
        assertEquals(HPMEVT_OF | 1, s.read(IOHPMCYCLES));
        assertEquals(IPSR_PMIP, s.read(IPSR));
    }

    @Test
    void walkEventCountersAreMaskedForComparison() {
        evt(1, PerformanceMonitor.EV_DDT_WALK);
        assertEquals(0, s.iommu.registerMasks().compareMask(IOHPMCTR_BASE, 8));
    }
}
