package dev.lockstep.refmodel.interrupt;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.testsupport.TestSystem;
import org.junit.jupiter.api.Test;

class InterruptControllerTest {

    private final TestSystem s = TestSystem.standard(); // IGS=BOTH, fctl.WSI=0: MSIs

    private void msiVector(int v, long addr, int data) {
        s.write(MSI_CFG_TBL + 16 * v, addr);
        s.write(MSI_CFG_TBL + 16 * v + 8, data);
    }

    private void illegalCommand() {
        s.submit(new long[] {0, 0});
    }

    @Test
    void cipIsReassertedWhenClearedWhileCmdIllHolds() {
        s.write(ICVEC, 0x2);
        msiVector(2, 0x8000, 0x77);
        s.enableCq(2, true);
        illegalCommand();
        assertEquals(IPSR_CIP, s.read(IPSR));
        assertEquals(1, s.sink.count("write kind=4"), "one MSI");
        s.write(IPSR, IPSR_CIP);
        assertEquals(IPSR_CIP, s.read(IPSR), "condition still holds: set again");
        assertEquals(2, s.sink.count("write kind=4"), "0->1 again: a second MSI (edge semantics)");
        s.write(CQCSR, CQCSR_CIE | CQCSR_CMD_ILL); // queue off: the illegal command is not fetched again
        s.write(IPSR, IPSR_CIP);
        assertEquals(0, s.read(IPSR), "condition gone: stays clear");
        assertEquals(0x77, s.memory.load32(0x8000));
    }

    @Test
    void fipIsReassertedWhileFqofHolds() {
        s.enableFq(1, true);
        FaultRecord r = new FaultRecord(Cause.READ_PAGE_FAULT, 2, 1, false, 0, false, 0, 0);
        s.iommu.reportFault(r);
        s.iommu.reportFault(r); // overflow
        s.write(IPSR, IPSR_FIP);
        assertEquals(IPSR_FIP, s.read(IPSR));
        s.write(FQCSR, QCSR_EN | QCSR_IE | QCSR_OF);
        s.write(IPSR, IPSR_FIP);
        assertEquals(0, s.read(IPSR), "a past new-record event is not a level condition");
    }

    @Test
    void enablingCieWithAnErrorPendingSetsCip() {
        s.enableCq(2, false);
        illegalCommand();
        assertEquals(0, s.read(IPSR));
        s.write(CQCSR, CQCSR_CQEN | CQCSR_CIE);
        assertEquals(IPSR_CIP, s.read(IPSR));
    }

    @Test
    void wiredInterruptsFollowIcvec() {
        s.write(FCTL, IommuConfig.FCTL_WSI);
        s.write(ICVEC, 0x0031); // civ=1, fiv=3
        s.enableCq(2, true);
        s.enableFq(2, true);
        illegalCommand();
        assertTrue(s.sink.events.contains("wire 1 up"));
        s.iommu.reportFault(new FaultRecord(Cause.READ_PAGE_FAULT, 2, 1, false, 0, false, 0, 0));
        assertTrue(s.sink.events.contains("wire 3 up"));
        s.write(CQCSR, CQCSR_CIE | CQCSR_CMD_ILL); // queue off: the illegal command is not fetched again
        s.write(IPSR, IPSR_CIP);
        assertTrue(s.sink.events.contains("wire 1 down"));
        assertEquals(0, s.sink.count("write kind=4"), "no MSI in WSI mode");
    }

    @Test
    void sharedWireStaysUpWhileAnySourcePends() {
        s.write(FCTL, IommuConfig.FCTL_WSI);
        s.write(ICVEC, 0x0000);
        s.enableCq(2, true);
        s.enableFq(2, true);
        illegalCommand();
        s.iommu.reportFault(new FaultRecord(Cause.READ_PAGE_FAULT, 2, 1, false, 0, false, 0, 0));
        s.write(CQCSR, CQCSR_CIE | CQCSR_CMD_ILL); // queue off: the illegal command is not fetched again
        s.write(IPSR, IPSR_CIP);
        assertEquals(1, s.sink.count("wire 0 up"));
        assertEquals(0, s.sink.count("wire 0 down"));
        s.write(IPSR, IPSR_FIP);
        assertEquals(1, s.sink.count("wire 0 down"));
    }

    @Test
    void maskedMsiIsPendingAndSentOnUnmask() {
        s.write(ICVEC, 0x0040); // fiv = 4
        msiVector(4, 0x9000, 0x1234);
        s.write(MSI_CFG_TBL + 16 * 4 + 12, MSI_VEC_CTL_M);
        s.enableFq(2, true);
        s.iommu.reportFault(new FaultRecord(Cause.READ_PAGE_FAULT, 2, 1, false, 0, false, 0, 0));
        assertEquals(0, s.memory.load32(0x9000));
        assertEquals(1 << 4, s.iommu.interrupts().msiPending());
        s.write(MSI_CFG_TBL + 16 * 4 + 12, 0);
        assertEquals(0x1234, s.memory.load32(0x9000));
        assertEquals(0, s.iommu.interrupts().msiPending());
    }

    @Test
    void failedMsiWriteReportsCause273() {
        s.write(ICVEC, 0x0001); // civ=1, fiv=0
        msiVector(1, 0xa000, 1);
        msiVector(0, 0xb000, 2);
        s.memory.injectError(0xa000, PhysicalMemory.ACCESS_FAULT);
        s.enableFq(2, true);
        s.enableCq(2, true);
        illegalCommand();
        assertEquals(1, s.read(FQT));
        FaultRecord r = s.faultRecord(0);
        assertEquals(Cause.MSI_WRITE_ACCESS_FAULT, r.cause());
        assertEquals(0, r.ttyp());
        assertEquals(0, r.deviceId());
        assertEquals(0xa000, r.iotval());
        assertEquals(2, s.memory.load32(0xb000), "the new fault record's fip MSI went out on vector 0");
    }
}
