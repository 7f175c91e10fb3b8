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
 * writable bits of each icvec field, and with capabilities.HPM the number of counters and their width.
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
        dut.reset(0);
        return new IommuConfig(caps, writable, fctlReset, base.resetMode(), modes, cq, fq, pq, counters, width, icvec);
    }

    /** The largest LOG2SZ-1 a queue base keeps: write all ones, read back (queues are off after reset). */
    private static int log2SzMax(Dut dut, int offset) throws DutException {
        dut.mmioWrite(offset, 8, 0x1f);
        return (int) (dut.mmioRead(offset, 8) & 0x1f);
    }
}
