package dev.lockstep.refmodel.pdt;

import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.trace.Rule;

/**
 * IOMMU "Process-context configuration checks" (PC_MISCONFIG): a PC with V=1 is misconfigured
 * (cause 267) if reserved bits are set (ta bits 11:3 and 63:32, fsc bits 59:44) or PC.fsc.MODE is
 * not a valid, supported encoding for DC.tc.SXL. Addresses are not checked against PAS (the later
 * access fault is reported instead, as the spec allows).
 */
public final class ProcessContextChecks {
    private ProcessContextChecks() {}

    private static final long TA_RESERVED = (0x1ffL << 3) | (0xffffffffL << 32);
    private static final long FSC_RESERVED = 0xffffL << 44;

    public static Rule check(ProcessContext pc, Capabilities caps, boolean sxl) {
        if ((pc.ta() & TA_RESERVED) != 0 || (pc.fsc() & FSC_RESERVED) != 0) return Rule.PC_RESERVED;
        PagingScheme s = PagingScheme.firstStage(pc.fscMode(), sxl);
        if (s == null || !s.supportedFirstStage(caps)) return Rule.PC_FSC_MODE;
        return null;
    }
}
