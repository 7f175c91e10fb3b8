package dev.lockstep.refmodel.command;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.TestSystem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandQueueTest {

    private final TestSystem s = TestSystem.standard();
    private final List<String> inv = new ArrayList<>();

    private void recordInvalidations() {
        s.iommu.commandExecutor().setInvalidationListener(new InvalidationListener() {
            @Override public void iotinvalVma(boolean gv, int gscid, boolean pscv, int pscid, boolean av, long addr, boolean nl, boolean sz) {
                inv.add("vma gv=" + gv + " gscid=" + gscid + " pscv=" + pscv + " pscid=" + pscid + " av=" + av
                        + " addr=0x" + Long.toHexString(addr) + " nl=" + nl + " s=" + sz);
            }
            @Override public void iotinvalGvma(boolean gv, int gscid, boolean av, long addr, boolean nl, boolean sz) {
                inv.add("gvma gv=" + gv + " gscid=" + gscid + " av=" + av + " addr=0x" + Long.toHexString(addr) + " nl=" + nl + " s=" + sz);
            }
            @Override public void iodirInvalDdt(boolean dv, int did) { inv.add("ddt dv=" + dv + " did=" + did); }
            @Override public void iodirInvalPdt(int did, int pid) { inv.add("pdt did=" + did + " pid=" + pid); }
            @Override public void fenceCompleted() { inv.add("fence"); }
        });
    }

    private int cqcsr() { return (int) s.read(CQCSR); }

    @Test
    void iofenceWithAvWritesDataAndAdvancesHead() {
        s.enableCq(4, false);
        s.submit(Commands.iofenceC(true, 0x5000, 0xcafe, false, true, true));
        assertEquals(0xcafe, s.memory.load32(0x5000));
        assertEquals(1, s.read(CQH));
        assertTrue(s.sink.events.contains("write kind=3 pa=0x5000 size=4 value=0xcafe"));
    }

    @Test
    void iofenceAvStoreIsBigEndianWhenFctlBe() {
        TestSystem be = new TestSystem(IommuConfig.defaults(Capabilities.builder().sv39().end().igs(1).pas(48).build())
                .withFctl(IommuConfig.FCTL_BE, IommuConfig.FCTL_WSI));
        be.write(FCTL, IommuConfig.FCTL_BE | IommuConfig.FCTL_WSI);
        be.enableCq(2, false);
        long[] c = Commands.iofenceC(true, 0x5000, 0x11223344, false, false, false);
        be.iommu.softwareWrite64(TestSystem.CQ_BASE, Long.reverseBytes(c[0]));
        be.iommu.softwareWrite64(TestSystem.CQ_BASE + 8, Long.reverseBytes(c[1]));
        be.write(CQT, 1);
        assertEquals(0x44332211L, be.memory.load32(0x5000));
    }

    @Test
    void invalidationCommandsDecodeEveryOperand() {
        recordInvalidations();
        s.enableCq(4, false);
        s.submit(Commands.iotinval(false, true, 0x7000_1000L, true, 0x12345, true, 0xbeef, true, true),
                Commands.iotinval(false, false, 0, false, 0, false, 0, false, false),
                Commands.iotinval(true, true, 0x4000_0000L, false, 0, true, 7, false, false),
                Commands.iodirInvalDdt(true, 0x42),
                Commands.iodirInvalDdt(false, 0),
                Commands.iodirInvalPdt(0x42, 0x99),
                Commands.iofenceC(false, 0, 0, false, false, false));
        assertEquals(List.of(
                "vma gv=true gscid=48879 pscv=true pscid=74565 av=true addr=0x70001000 nl=true s=true",
                "vma gv=false gscid=0 pscv=false pscid=0 av=false addr=0x0 nl=false s=false",
                "gvma gv=true gscid=7 av=true addr=0x40000000 nl=false s=false",
                "ddt dv=true did=66", "ddt dv=false did=0", "pdt did=66 pid=153", "fence"), inv);
        assertEquals(7, s.read(CQH));
        assertEquals(0, cqcsr() & CQCSR_ERRORS);
    }

    private void assertIllegal(long[] cmd, String why) {
        TestSystem t = TestSystem.standard();
        t.enableCq(3, true);
        t.submit(Commands.iofenceC(false, 0, 0, false, false, false), cmd, Commands.iofenceC(true, 0x5000, 1, false, false, false));
        assertEquals(CQCSR_CMD_ILL, t.read(CQCSR) & CQCSR_ERRORS, why);
        assertEquals(1, t.read(CQH), "cqh left on the illegal command: " + why);
        assertEquals(0, t.memory.load32(0x5000), "later commands not executed: " + why);
        assertEquals(IPSR_CIP, t.read(IPSR) & IPSR_CIP, "cip with cie: " + why);
    }

    @Test
    void illegalCommands() {
        assertIllegal(new long[] {0, 0}, "opcode 0 reserved");
        assertIllegal(new long[] {5, 0}, "opcode 5 reserved");
        assertIllegal(new long[] {64, 0}, "custom opcode unsupported");
        assertIllegal(new long[] {1 | (2 << 7), 0}, "IOTINVAL func3 2");
        long[] gvmaPscv = Commands.iotinval(true, false, 0, true, 1, true, 1, false, false);
        assertIllegal(gvmaPscv, "GVMA with PSCV");
        long[] rsvd = Commands.iotinval(false, false, 0, false, 0, false, 0, false, false);
        rsvd[0] |= 1L << 11;
        assertIllegal(rsvd, "IOTINVAL bit 11 reserved");
        long[] rsvdHi = Commands.iotinval(false, false, 0, false, 0, false, 0, false, false);
        rsvdHi[1] |= 1L << 63;
        assertIllegal(rsvdHi, "IOTINVAL bit 127 reserved");
        assertIllegal(new long[] {2 | (1 << 7), 0}, "IOFENCE func3 1");
        assertIllegal(new long[] {2 | (1L << 20), 0}, "IOFENCE reserved bit");
        assertIllegal(Commands.iofenceC(false, 0, 0, true, false, false), "IOFENCE.C WSI with fctl.WSI=0");
        assertIllegal(new long[] {3 | (1L << 33) | (1L << 12), 0}, "INVAL_DDT with PID");
        assertIllegal(new long[] {3 | (1 << 7), 0}, "INVAL_PDT with DV=0");
        assertIllegal(new long[] {3, 1}, "IODIR dword1 reserved");
        assertIllegal(new long[] {4 | (2 << 7), 0}, "ATS func3 2");
    }

    @Test
    void extensionBitsAreReservedWithoutTheCapability() {
        IommuConfig noExt = IommuConfig.defaults(Capabilities.builder().sv39().igs(2).pas(48).pd8().build());
        for (long[] c : new long[][] {
                Commands.iotinval(false, true, 0x1000, false, 0, false, 0, true, false),
                Commands.iotinval(false, true, 0x1000, false, 0, false, 0, false, true),
                Commands.atsInval(1, false, 0, false, 0, 0),
                Commands.iodirInvalPdt(1, 0x100)}) {
            TestSystem t = new TestSystem(noExt);
            t.enableCq(2, false);
            t.submit(c);
            assertEquals(CQCSR_CMD_ILL, t.read(CQCSR) & CQCSR_ERRORS);
            assertEquals(0, t.read(CQH));
        }
    }

    @Test
    void iodirDidWiderThanModeIsIllegal() {
        s.write(DDTP, IommuMode.LVL1.encoding);
        s.enableCq(2, false);
        s.submit(Commands.iodirInvalDdt(true, 0x80)); // base format 1LVL: 7-bit device_id
        assertEquals(CQCSR_CMD_ILL, cqcsr() & CQCSR_ERRORS);
    }

    @Test
    void clearingCmdIllResumesAtTheFixedCommand() {
        s.enableCq(2, false);
        s.submit(new long[] {0, 0});
        assertEquals(0, s.read(CQH));
        long[] fence = Commands.iofenceC(true, 0x5000, 7, false, false, false);
        s.iommu.softwareWrite64(TestSystem.CQ_BASE, fence[0]);
        s.iommu.softwareWrite64(TestSystem.CQ_BASE + 8, fence[1]);
        s.write(CQCSR, CQCSR_CQEN | CQCSR_CMD_ILL);
        assertEquals(0, cqcsr() & CQCSR_ERRORS);
        assertEquals(1, s.read(CQH));
        assertEquals(7, s.memory.load32(0x5000));
    }

    @Test
    void commandFetchFaultSetsCqmf() {
        s.enableCq(2, true);
        s.memory.injectError(TestSystem.CQ_BASE, PhysicalMemory.ACCESS_FAULT);
        s.write(CQT, 1);
        assertEquals(CQCSR_CQMF, cqcsr() & CQCSR_ERRORS);
        assertEquals(0, s.read(CQH));
        assertEquals(IPSR_CIP, s.read(IPSR));
    }

    @Test
    void iofenceStoreFaultSetsCqmfAndLeavesHeadOnTheFence() {
        s.enableCq(2, false);
        s.memory.injectError(0x5000, PhysicalMemory.ACCESS_FAULT);
        s.submit(Commands.iofenceC(true, 0x5000, 1, false, false, false));
        assertEquals(CQCSR_CQMF, cqcsr() & CQCSR_ERRORS);
        assertEquals(0, s.read(CQH));
        s.memory.injectError(0x5000, PhysicalMemory.OK);
        s.write(CQCSR, CQCSR_CQEN | CQCSR_CQMF);
        assertEquals(1, s.read(CQH));
        assertEquals(1, s.memory.load32(0x5000));
    }

    @Test
    void fenceStoreBeyondPasFaults() {
        s.enableCq(2, false);
        s.submit(Commands.iofenceC(true, 1L << 50, 1, false, false, false));
        assertEquals(CQCSR_CQMF, cqcsr() & CQCSR_ERRORS);
    }

    @Test
    void atsInvalTimeoutIsReportedAtTheNextFence() {
        s.iommu.setAtsDevices((rid, pv, pid, payload) -> rid != 0x13);
        s.enableCq(3, true);
        s.submit(Commands.atsInval(0x12, false, 0, false, 0, 0x1000),
                Commands.atsInval(0x13, true, 5, false, 0, 0x2000),
                Commands.iofenceC(true, 0x5000, 9, false, false, false));
        assertEquals(2, s.sink.count("ats.inval"));
        assertEquals(CQCSR_CMD_TO, cqcsr() & CQCSR_ERRORS);
        assertEquals(2, s.read(CQH), "cqh on the IOFENCE.C that detected the timeout");
        assertEquals(0, s.memory.load32(0x5000));
        assertEquals(IPSR_CIP, s.read(IPSR) & IPSR_CIP);
        s.write(CQCSR, CQCSR_CQEN | CQCSR_CIE | CQCSR_CMD_TO);
        assertEquals(3, s.read(CQH));
        assertEquals(9, s.memory.load32(0x5000));
    }

    @Test
    void atsPrgrSendsResponse() {
        s.enableCq(2, false);
        s.submit(Commands.atsPrgr(0x0102, true, 33, 0x1ab, 0xf));
        assertTrue(s.sink.events.contains("prgr rid=0x102 pv=true pid=33 prgi=427 code=15"));
    }

    @Test
    void fenceWsiSetsFenceWIpAndDrivesTheWire() {
        s.write(FCTL, IommuConfig.FCTL_WSI);
        s.write(ICVEC, 0x5);           // civ = 5
        s.enableCq(2, true);
        s.submit(Commands.iofenceC(false, 0, 0, true, false, false));
        assertEquals(CQCSR_FENCE_W_IP, cqcsr() & CQCSR_ERRORS);
        assertEquals(1, s.read(CQH), "fence_w_ip does not stop the queue");
        assertEquals(IPSR_CIP, s.read(IPSR));
        assertTrue(s.sink.events.contains("wire 5 up"));
    }

    @Test
    void headWrapsAround() {
        s.enableCq(1, false); // 2 entries
        for (int i = 0; i < 5; i++) {
            s.submit(Commands.iofenceC(true, 0x5000, i, false, false, false));
            assertEquals(i, s.memory.load32(0x5000));
        }
        assertEquals(1, s.read(CQH));
    }

    @Test
    void disabledQueueDoesNotProcess() {
        s.write(CQB, (TestSystem.CQ_BASE >>> 12) << 10 | 1);
        s.submit(Commands.iofenceC(true, 0x5000, 3, false, false, false));
        assertEquals(0, s.memory.load32(0x5000));
        s.write(CQCSR, CQCSR_CQEN);
        assertEquals(3, s.memory.load32(0x5000), "enabling processes what is queued");
    }
}
