package dev.lockstep.refmodel.ddt;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.trace.TracedMemory;

/**
 * IOMMU "Process to locate the Device-context" (GET_DC) over a 1-, 2- or 3-level device directory,
 * and the device_id partitioning into DDI fields (base format: 7/9/8 bits; extended: 6/9/9 bits).
 * DDT entries and DCs are read in fctl.BE byte order.
 */
public final class DeviceDirectory {

    private static final long DDTE_RESERVED = (0x1ffL << 1) | (0x3ffL << 54);

    private final TracedMemory mem;
    private final Capabilities caps;

    public DeviceDirectory(TracedMemory mem, Capabilities caps) {
        this.mem = mem;
        this.caps = caps;
    }

    /** DDI[i] of a device_id for the DC format of these capabilities (IOMMU P2IOVA steps 3-4). */
    public int ddi(int deviceId, int i) {
        boolean ext = caps.extendedDeviceContext();
        int bits0 = ext ? 6 : 7;
        if (i == 0) return deviceId & ((1 << bits0) - 1);
        if (i == 1) return (deviceId >>> bits0) & 0x1ff;
        return deviceId >>> (bits0 + 9);
    }

    /** Whether the device_id is wider than a DDT of {@code levels} levels supports (IOMMU P2IOVA step 5). */
    public boolean deviceIdTooWide(int deviceId, int levels) {
        if (levels == 3) return false;
        if (ddi(deviceId, 2) != 0) return true;
        return levels == 1 && ddi(deviceId, 1) != 0;
    }

    /**
     * Walks the DDT and reads the DC into {@code dc}: returns 0, or cause 257 (access fault), 268
     * (data corruption), 258 (V=0) or 259 (reserved bits in a non-leaf entry). The DC's V bit and
     * its configuration checks are the caller's next steps (GET_DC steps 9-10).
     */
    public int locate(int deviceId, int levels, long ddtpPpn, boolean be, DeviceContext dc) {
        long a = ddtpPpn << 12;
        for (int i = levels - 1; i > 0; i--) {
            long ddte = mem.read64(a + ddi(deviceId, i) * 8L, be, Role.DDT_NONLEAF, i);
            if (mem.status() == PhysicalMemory.ACCESS_FAULT) return fault(Rule.DDTE_ACCESS_FAULT, i, Cause.DDT_LOAD_ACCESS_FAULT);
            if (mem.status() == PhysicalMemory.DATA_CORRUPTION) return fault(Rule.DDTE_CORRUPTED, i, Cause.DDT_DATA_CORRUPTION);
            if ((ddte & 1) == 0) return fault(Rule.DDTE_NOT_VALID, i, Cause.DDT_ENTRY_NOT_VALID);
            if ((ddte & DDTE_RESERVED) != 0) return fault(Rule.DDTE_RESERVED, i, Cause.DDT_ENTRY_MISCONFIGURED);
            a = ((ddte >>> 10) & DeviceContext.PPN_MASK) << 12;
        }
        int dwords = caps.extendedDeviceContext() ? 8 : 4;
        dc.clear(dwords);
        long dcAddress = a + (long) ddi(deviceId, 0) * dwords * 8;
        boolean accessFault = false;
        boolean corrupted = false;
        // The IOMMU may read the DC fields in any order; all are read, then an access fault wins over corruption.
        for (int d = 0; d < dwords; d++) {
            dc.set(d, mem.read64(dcAddress + d * 8L, be, Role.DC, 0));
            accessFault |= mem.status() == PhysicalMemory.ACCESS_FAULT;
            corrupted |= mem.status() == PhysicalMemory.DATA_CORRUPTION;
        }
        if (accessFault) return fault(Rule.DC_ACCESS_FAULT, 0, Cause.DDT_LOAD_ACCESS_FAULT);
        if (corrupted) return fault(Rule.DC_CORRUPTED, 0, Cause.DDT_DATA_CORRUPTION);
        if (!dc.v()) return fault(Rule.DC_NOT_VALID, 0, Cause.DDT_ENTRY_NOT_VALID);
        return 0;
    }

    private int fault(Rule rule, int level, int cause) {
        mem.trace().decide(rule, level, cause);
        return cause;
    }
}
