package dev.lockstep.refmodel.pdt;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.Access;
import dev.lockstep.refmodel.pagetable.PageTableWalker;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.trace.TracedMemory;

/**
 * IOMMU "Process to locate the Process-context" (GET_PC) over a PD8/PD17/PD20 directory. When the
 * G stage is active, every PDT address is a GPA translated as an implicit read (guest-page faults
 * keep the original access type with iotval2 bit 0 set; a G-stage access fault becomes cause 265 and
 * G-stage data corruption cause 269).
 */
public final class ProcessDirectory {

    private static final long PDTE_RESERVED = (0x1ffL << 1) | (0x3ffL << 54);

    private final TracedMemory mem;
    private final Capabilities caps;
    private final PageTableWalker gWalker;
    private long iotval2;

    public ProcessDirectory(TracedMemory mem, Capabilities caps, PageTableWalker gWalker) {
        this.mem = mem;
        this.caps = caps;
        this.gWalker = gWalker;
    }

    /** Number of PDT levels for pdtp.MODE PD8/PD17/PD20 (1/2/3). */
    public static int levels(int pdtpMode) { return pdtpMode; }

    /** Whether the process_id is wider than pdtp.MODE supports (PD8: bits 19:8 must be 0; PD17: bits 19:17). */
    public static boolean processIdTooWide(int processId, int pdtpMode) {
        return pdtpMode == 1 ? (processId >>> 8) != 0 : pdtpMode == 2 && (processId >>> 17) != 0;
    }

    /** PDI[i]: process_id bits 7:0, 16:8 and 19:17. */
    public static int pdi(int processId, int i) {
        return i == 0 ? processId & 0xff : i == 1 ? (processId >>> 8) & 0x1ff : (processId >>> 17) & 0x7;
    }

    /** iotval2 of the last guest-page fault. */
    public long iotval2() { return iotval2; }

    /**
     * Locates the PC: returns 0 or a cause (265, 266, 267, 269, or a guest-page fault 20/21/23 of the
     * original access {@code type}).
     *
     * @param sbe DC.tc.SBE, byte order of the PDT
     * @param sxl DC.tc.SXL, for the PC.fsc.MODE check
     */
    public int locate(int processId, int pdtpMode, long pdtpPpn, boolean sbe, boolean sxl, int type, ProcessContext pc) {
        iotval2 = 0;
        long a = pdtpPpn << 12;
        for (int i = levels(pdtpMode) - 1; ; i--) {
            a = i != 0 ? a + pdi(processId, i) * 8L : a + pdi(processId, 0) * 16L;
            int cause = translate(a, type);
            if (cause != 0) return cause;
            long pa = gWalker.address();
            if (i == 0) {
                long ta = mem.read64(pa, sbe, Role.PC, 0);
                int s0 = mem.status();
                long fsc = mem.read64(pa + 8, sbe, Role.PC, 0);
                int s1 = mem.status();
                if (s0 == PhysicalMemory.ACCESS_FAULT || s1 == PhysicalMemory.ACCESS_FAULT) {
                    return fault(Rule.PC_ACCESS_FAULT, 0, Cause.PDT_LOAD_ACCESS_FAULT);
                }
                if (s0 == PhysicalMemory.DATA_CORRUPTION || s1 == PhysicalMemory.DATA_CORRUPTION) {
                    return fault(Rule.PC_CORRUPTED, 0, Cause.PDT_DATA_CORRUPTION);
                }
                pc.set(ta, fsc);
                if (!pc.v()) return fault(Rule.PC_NOT_VALID, 0, Cause.PDT_ENTRY_NOT_VALID);
                Rule bad = ProcessContextChecks.check(pc, caps, sxl);
                if (bad != null) return fault(bad, 0, Cause.PDT_ENTRY_MISCONFIGURED);
                return 0;
            }
            long pdte = mem.read64(pa, sbe, Role.PDT_NONLEAF, i);
            if (mem.status() == PhysicalMemory.ACCESS_FAULT) return fault(Rule.PDTE_ACCESS_FAULT, i, Cause.PDT_LOAD_ACCESS_FAULT);
            if (mem.status() == PhysicalMemory.DATA_CORRUPTION) return fault(Rule.PDTE_CORRUPTED, i, Cause.PDT_DATA_CORRUPTION);
            if ((pdte & 1) == 0) return fault(Rule.PDTE_NOT_VALID, i, Cause.PDT_ENTRY_NOT_VALID);
            if ((pdte & PDTE_RESERVED) != 0) return fault(Rule.PDTE_RESERVED, i, Cause.PDT_ENTRY_MISCONFIGURED);
            a = ((pdte >>> 10) & ((1L << 44) - 1)) << 12;
        }
    }

    /** GET_PC step 3: the G-stage translation of a PDT address, with the PDT's own causes for access faults and corruption. */
    private int translate(long gpa, int type) {
        int cause = gWalker.translateGpa(gpa, type, Access.R, true, true, false);
        if (cause == 0) return 0;
        if (Access.isAccessFault(cause)) return fault(Rule.PDT_G_STAGE_ACCESS_FAULT, mem.trace().ruleLevel(), Cause.PDT_LOAD_ACCESS_FAULT);
        if (cause == Cause.PT_DATA_CORRUPTION) return fault(Rule.PDT_G_STAGE_CORRUPTED, mem.trace().ruleLevel(), Cause.PDT_DATA_CORRUPTION);
        iotval2 = gWalker.iotval2();
        return cause;
    }

    private int fault(Rule rule, int level, int cause) {
        mem.trace().decide(rule, level, cause);
        return cause;
    }
}
