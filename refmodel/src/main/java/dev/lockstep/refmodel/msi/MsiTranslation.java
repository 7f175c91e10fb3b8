package dev.lockstep.refmodel.msi;

import dev.lockstep.refmodel.ddt.DeviceContext;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.Access;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.trace.TracedMemory;

/**
 * IOMMU "Process to translate addresses of MSIs" (MSI_TRANS) with a flat MSI page table: recognition
 * of a virtual interrupt file's page by msi_addr_mask/pattern (MSI_ID), the interrupt-file number
 * {@code I = extract(A >> 12, mask)}, the 16-byte MSI PTE (read in fctl.BE byte order), basic
 * (write-through) mode and MRIF mode. Results stay in this object after a successful call.
 *
 * <p>MSI PTE layout (AIA, as summarised in the checklist): dw0 V[0], M[2:1], basic PPN[53:10] or MRIF
 * address[55:9] at [53:7], C[63]; MRIF dw1 NID[9:0], NPPN[53:10], N10[60]. Reserved bits: basic dw0
 * [9:3], [62:54] and (model choice) the whole of dw1; MRIF dw0 [6:3], [62:54], dw1 [59:54], [63:61].
 * C=1 is implementation-defined; this model reports "MSI PTE misconfigured" (263) for it.
 */
public final class MsiTranslation {

    private static final long BASIC_DW0_RESERVED = (0x7fL << 3) | (0x1ffL << 54);
    private static final long MRIF_DW0_RESERVED = (0xfL << 3) | (0x1ffL << 54);
    private static final long MRIF_DW1_RESERVED = (0x3fL << 54) | (0x7L << 61);

    private final TracedMemory mem;
    private final Capabilities caps;

    private long address;
    private boolean mrif;
    private long mrifAddress;
    private long noticeAddress;
    private int noticeData;

    public MsiTranslation(TracedMemory mem, Capabilities caps) {
        this.mem = mem;
        this.caps = caps;
    }

    /** MSI_ID: {@code (A >> 12) & ~msi_addr_mask == msi_addr_pattern & ~msi_addr_mask}. */
    public static boolean isVirtualInterruptFile(long gpa, DeviceContext dc) {
        long notMask = ~dc.msiAddrMask();
        return ((gpa >>> 12) & notMask) == (dc.msiAddrPattern() & notMask);
    }

    /** The spec's {@code extract(x, y)}: the bits of x where y is 1, packed at the low end (PEXT). */
    public static long extract(long x, long mask) {
        long result = 0;
        long bit = 1;
        for (long m = mask; m != 0; m &= m - 1) {
            if ((x & (m & -m)) != 0) result |= bit;
            bit <<= 1;
        }
        return result;
    }

    /** The SPA of a basic-mode translation (MSI PTE PPN with the GPA's page offset). */
    public long address() { return address; }
    /** Whether the MSI PTE is in MRIF mode. */
    public boolean mrif() { return mrif; }
    /** MRIF mode: the destination MRIF address (MRIF_Address[55:9] x 512). */
    public long mrifAddress() { return mrifAddress; }
    /** MRIF mode: the notice MSI address (NPPN << 12). */
    public long noticeAddress() { return noticeAddress; }
    /** MRIF mode: the notice MSI data, NID = N10 << 10 | N[9:0]. */
    public int noticeData() { return noticeData; }

    /**
     * Translates the GPA of a virtual interrupt file: returns 0 or cause 261, 270, 262, 263, or 1 for
     * an untranslated/translated read-for-execute (the MSI mapping has X=0).
     *
     * @param execFaults whether a read-for-execute faults (untranslated and translated requests); ATS
     *                   requests instead get X cleared by the caller
     */
    public int translate(long gpa, DeviceContext dc, boolean be, boolean execFaults) {
        mrif = false;
        long i = extract(gpa >>> 12, dc.msiAddrMask());
        long pteAddress = (dc.msiptpPpn() << 12) | (i * 16);
        long dw0 = mem.read64(pteAddress, be, Role.MSI_PTE, 0);
        int s0 = mem.status();
        long dw1 = mem.read64(pteAddress + 8, be, Role.MSI_PTE, 0);
        int s1 = mem.status();
        if (s0 == PhysicalMemory.ACCESS_FAULT || s1 == PhysicalMemory.ACCESS_FAULT) {
            return fault(Rule.MSI_PTE_ACCESS_FAULT, Cause.MSI_PTE_LOAD_ACCESS_FAULT);
        }
        if (s0 == PhysicalMemory.DATA_CORRUPTION || s1 == PhysicalMemory.DATA_CORRUPTION) {
            return fault(Rule.MSI_PTE_CORRUPTED, Cause.MSI_PT_DATA_CORRUPTION);
        }
        if ((dw0 & 1) == 0) return fault(Rule.MSI_PTE_NOT_VALID, Cause.MSI_PTE_NOT_VALID);
        if (dw0 < 0) return fault(Rule.MSI_PTE_CUSTOM, Cause.MSI_PTE_MISCONFIGURED);
        int m = (int) ((dw0 >>> 1) & 3);
        if (m == 0 || m == 2) return fault(Rule.MSI_PTE_MODE, Cause.MSI_PTE_MISCONFIGURED);
        if (m == 3) {
            if ((dw0 & BASIC_DW0_RESERVED) != 0 || dw1 != 0) return fault(Rule.MSI_PTE_RESERVED, Cause.MSI_PTE_MISCONFIGURED);
            address = (((dw0 >>> 10) & DeviceContext.PPN_MASK) << 12) | (gpa & 0xfff);
        } else {
            if (!caps.msiMrif()) return fault(Rule.MSI_MRIF_NOT_SUPPORTED, Cause.MSI_PTE_MISCONFIGURED);
            if ((dw0 & MRIF_DW0_RESERVED) != 0 || (dw1 & MRIF_DW1_RESERVED) != 0) {
                return fault(Rule.MSI_PTE_RESERVED, Cause.MSI_PTE_MISCONFIGURED);
            }
            mrif = true;
            mrifAddress = ((dw0 >>> 7) & ((1L << 47) - 1)) << 9;
            noticeAddress = ((dw1 >>> 10) & DeviceContext.PPN_MASK) << 12;
            noticeData = (int) ((((dw1 >>> 60) & 1) << 10) | (dw1 & 0x3ff));
            address = mrifAddress;
        }
        // Step 15: permissions of a G-stage PTE with R=W=U=1, X=0.
        if (execFaults) return fault(Rule.MSI_EXEC, Access.accessFault(Access.EXEC));
        return 0;
    }

    private int fault(Rule rule, int cause) {
        mem.trace().decide(rule, 0, cause);
        return cause;
    }
}
