package dev.lockstep.regression;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.EnumSet;
import java.util.Set;

/**
 * Discovers a DUT's configuration the way a driver probes an IOMMU (the Linux driver's probe): read
 * capabilities and fctl after reset, find which fctl bits stick, which ddtp modes the WARL field keeps
 * (each written from Off, then Off again), the largest queue sizes the WARL LOG2SZ fields hold, the
 * writable bits of each icvec field, with capabilities.HPM the number of counters, their width and the
 * events they count, and the writable bits of the debug interface (DBG) and of iommu_qosid (QOSID).
 *
 * <p>For bring-up: what is discovered is what the DUT does, bugs included (a DUT that wrongly refuses
 * 3LVL would have 3LVL left out). Regressions pin the printed configuration in a file and review it
 * against the design's specification.
 */
public final class ConfigDiscovery {
    private ConfigDiscovery() {}

    public static IommuConfig discover(Dut dut) throws DutException {
        dut.reset(0);
        Capabilities caps = new Capabilities(dut.mmioRead(RegisterFile.CAPABILITIES, 8));
        int fctlReset = (int) dut.mmioRead(RegisterFile.FCTL, 4);
        IommuMode resetMode = IommuMode.of((int) (dut.mmioRead(RegisterFile.DDTP, 8) & 0xf));
        int writable = 0;
        for (int bit : new int[] {IommuConfig.FCTL_BE, IommuConfig.FCTL_WSI, IommuConfig.FCTL_GXL}) {
            dut.mmioWrite(RegisterFile.FCTL, 4, fctlReset ^ bit);
            if (((dut.mmioRead(RegisterFile.FCTL, 4) ^ fctlReset) & bit) != 0) writable |= bit;
            dut.mmioWrite(RegisterFile.FCTL, 4, fctlReset);
        }
        Set<IommuMode> modes = EnumSet.of(IommuMode.OFF, IommuMode.BARE);
        for (IommuMode m : new IommuMode[] {IommuMode.LVL3, IommuMode.LVL2, IommuMode.LVL1}) {
            dut.mmioWrite(RegisterFile.DDTP, 8, m.encoding);
            if ((dut.mmioRead(RegisterFile.DDTP, 8) & 0xf) == m.encoding) modes.add(m);
            dut.mmioWrite(RegisterFile.DDTP, 8, IommuMode.OFF.encoding);
        }
        int cq = log2SzMax(dut, RegisterFile.CQB);
        int fq = log2SzMax(dut, RegisterFile.FQB);
        int pq = caps.ats() ? log2SzMax(dut, RegisterFile.PQB) : 19;
        // icvec (WARL): the bits each cause's vector field keeps when written with all ones ("if only two
        // vectors are supported then only bit 0 for each cause could be writable", spec: icvec).
        dut.mmioWrite(RegisterFile.ICVEC, 4, 0xffff);
        int icvec = (int) (dut.mmioRead(RegisterFile.ICVEC, 4) & 0xffff);
        dut.mmioWrite(RegisterFile.ICVEC, 4, 0);
        IommuConfig base = new IommuConfig(caps, writable, fctlReset,
                resetMode == IommuMode.BARE ? IommuMode.BARE : IommuMode.OFF, modes);
        int counters = base.hpmCounters();
        int width = base.hpmCounterWidth();
        if (caps.hpm()) {
            // With counting inhibited, the counters that exist keep a value written to them (iohpmctr1 first:
            // "capabilities.HPM ... at least iohpmctr1"); the bits iohpmctr1 keeps of all ones are its width.
            dut.mmioWrite(RegisterFile.IOCOUNTINH, 4, 0xffffffffL);
            counters = 0;
            for (int x = 1; x <= 31; x++) {
                int off = RegisterFile.IOHPMCTR_BASE + 8 * (x - 1);
                dut.mmioWrite(off, 8, 1);
                if (dut.mmioRead(off, 8) != 1) break;
                counters = x;
            }
            int ctr1 = RegisterFile.IOHPMCTR_BASE;
            dut.mmioWrite(ctr1, 8, -1L);
            width = Math.max(32, 64 - Long.numberOfLeadingZeros(dut.mmioRead(ctr1, 8)));
        }
        IommuConfig.Warl warl = warl(dut, caps, counters);
        dut.reset(0);
        return new IommuConfig(caps, writable, fctlReset, base.resetMode(), modes, cq, fq, pq, counters, width, icvec,
                warl);
    }

    /**
     * The other WARL fields (IommuConfig.Warl), each where its capability makes it exist: the tr_req_iova.vpn
     * and tr_req_ctl bits that stick (DBG; Go is never written), iommu_qosid's RCID/MCID bits (QOSID), and the
     * standard events iohpmevt1.eventID keeps (HPM: "another ID written reads back 0"); otherwise the defaults.
     */
    private static IommuConfig.Warl warl(Dut dut, Capabilities caps, int counters) throws DutException {
        IommuConfig.Warl d = IommuConfig.Warl.DEFAULT;
        long iova = d.trReqIovaWritable();
        long ctl = d.trReqCtlWritable();
        if (caps.dbg()) {
            iova = stick(dut, RegisterFile.TR_REQ_IOVA, 8, IommuConfig.Warl.TR_REQ_IOVA_VPN);
            ctl = stick(dut, RegisterFile.TR_REQ_CTL, 8, IommuConfig.Warl.TR_REQ_CTL_FIELDS);
        }
        int qosid = caps.qosid() ? (int) stick(dut, RegisterFile.IOMMU_QOSID, 4, IommuConfig.Warl.IOMMU_QOSID_FIELDS)
                : d.iommuQosidWritable();
        long events = d.hpmEvents();
        if (caps.hpm() && counters >= 1) {
            events = 0;
            for (int id = 1; id <= 8; id++) {
                dut.mmioWrite(RegisterFile.IOHPMEVT_BASE, 8, id);
                if ((dut.mmioRead(RegisterFile.IOHPMEVT_BASE, 8) & RegisterFile.HPMEVT_EVENT_MASK) == id) events |= 1L << id;
            }
            dut.mmioWrite(RegisterFile.IOHPMEVT_BASE, 8, 0);
        }
        return new IommuConfig.Warl(iova, ctl, qosid, events);
    }

    /** The bits of {@code mask} a register keeps when they are written as ones; the register is cleared after. */
    private static long stick(Dut dut, int offset, int size, long mask) throws DutException {
        dut.mmioWrite(offset, size, mask);
        long kept = dut.mmioRead(offset, size) & mask;
        dut.mmioWrite(offset, size, 0);
        return kept;
    }

    /** The largest LOG2SZ-1 a queue base keeps: write all ones, read back (queues are off after reset). */
    private static int log2SzMax(Dut dut, int offset) throws DutException {
        dut.mmioWrite(offset, 8, 0x1f);
        return (int) (dut.mmioRead(offset, 8) & 0x1f);
    }
}
