package dev.lockstep.refmodel.ddt;

import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.trace.Rule;

/**
 * IOMMU "Device-context configuration checks" (DC_MISCONFIG): the conditions under which a DC with
 * V=1 is misconfigured (cause 259). Every listed rule is checked; {@link #check} returns the first
 * that fires, in the spec's order (which rule is named only matters for the explanation).
 *
 * <p>Implementation choices: custom encodings (14-15) of pdtp/iosatp/msiptp MODE are treated as
 * reserved, since this model implements no custom mode; DC.ta.RCID/MCID width checks with
 * capabilities.QOSID=1 are not made (the supported widths are not in capabilities); addresses in the
 * DC are not checked against capabilities.PAS (the spec allows either early 259 or a later access
 * fault; this model reports the later access fault). The recommended 259 for iohgatp.MODE=Bare with
 * msiptp.MODE not Off is an option.
 */
public final class DeviceContextChecks {
    private DeviceContextChecks() {}

    private static final long TC_RESERVED = (0xfffL << 12) | (0xffffffffL << 32);
    private static final long TA_RESERVED = 0xfffL | (0xffL << 32);
    private static final long TA_QOS = 0xffffffL << 40;
    private static final long POINTER_RESERVED = 0xffffL << 44;

    /**
     * @param gxl                    fctl.GXL
     * @param be                     fctl.BE
     * @param gxlWritable            whether fctl.GXL is writable (rule 20)
     * @param beWritable             whether fctl.BE is writable (rule 21; false whenever capabilities.END is 0)
     * @param msiptpOffWhenGBare     report 259 for the reserved setting iohgatp.MODE=Bare with msiptp.MODE not Off
     */
    public static Rule check(DeviceContext dc, Capabilities caps, boolean gxl, boolean be, boolean gxlWritable,
                             boolean beWritable, boolean msiptpOffWhenGBare) {
        // 1. Reserved bits and encodings.
        if ((dc.tc() & TC_RESERVED) != 0) return Rule.DC_RESERVED;
        long ta = dc.dword(DeviceContext.TA);
        if ((ta & TA_RESERVED) != 0) return Rule.DC_RESERVED;
        if (!caps.qosid() && (ta & TA_QOS) != 0) return Rule.DC_RESERVED;
        if ((dc.dword(DeviceContext.FSC) & POINTER_RESERVED) != 0) return Rule.DC_RESERVED;
        if (dc.extended()) {
            if ((dc.dword(DeviceContext.MSIPTP) & POINTER_RESERVED) != 0) return Rule.DC_RESERVED;
            long msiReserved = ~msiFieldMask(caps);
            if ((dc.dword(DeviceContext.MSI_ADDR_MASK) & msiReserved) != 0) return Rule.DC_RESERVED;
            if ((dc.dword(DeviceContext.MSI_ADDR_PATTERN) & msiReserved) != 0) return Rule.DC_RESERVED;
            if (dc.dword(DeviceContext.RESERVED) != 0) return Rule.DC_RESERVED;
        }
        // 2-7. ATS, PRI, T2GPA.
        if (!caps.ats() && (dc.enAts() || dc.enPri() || dc.prpr())) return Rule.DC_ATS_NOT_SUPPORTED;
        if (!dc.enAts() && dc.t2gpa()) return Rule.DC_T2GPA_WITHOUT_ATS;
        if (!dc.enAts() && dc.enPri()) return Rule.DC_PRI_WITHOUT_ATS;
        if (!dc.enPri() && dc.prpr()) return Rule.DC_PRPR_WITHOUT_PRI;
        if (!caps.t2gpa() && dc.t2gpa()) return Rule.DC_T2GPA_NOT_SUPPORTED;
        PagingScheme g = PagingScheme.gStage(dc.iohgatpMode(), gxl);
        if (dc.t2gpa() && g == PagingScheme.BARE) return Rule.DC_T2GPA_G_BARE;
        // 8-12. First-stage context.
        if (dc.pdtv()) {
            int mode = dc.fscMode();
            boolean supported = mode == DeviceContext.PDTP_BARE
                    || (mode == DeviceContext.PD8 && caps.pd8())
                    || (mode == DeviceContext.PD17 && caps.pd17())
                    || (mode == DeviceContext.PD20 && caps.pd20());
            if (!supported) return Rule.DC_PDTP_MODE;
        } else {
            PagingScheme s = PagingScheme.firstStage(dc.fscMode(), dc.sxl());
            if (s == null || !s.supportedFirstStage(caps)) return Rule.DC_IOSATP_MODE;
            if (dc.dpe()) return Rule.DC_DPE_WITHOUT_PDTV;
        }
        // 13-15. G stage.
        if (g == null || !g.supportedGStage(caps)) return Rule.DC_IOHGATP_MODE;
        // 16. MSI page table mode.
        if (caps.msiFlat() && dc.msiptpMode() != DeviceContext.MSIPTP_OFF && dc.msiptpMode() != DeviceContext.MSIPTP_FLAT) {
            return Rule.DC_MSIPTP_MODE;
        }
        // 17. 16-KiB aligned G-stage root.
        if (g != PagingScheme.BARE && (dc.iohgatpPpn() & 3) != 0) return Rule.DC_IOHGATP_ALIGNMENT;
        // 18. Hardware A/D updating.
        if (!caps.amoHwad() && (dc.sade() || dc.gade())) return Rule.DC_AD_NOT_SUPPORTED;
        // 19. "capabilities.END is 0 and fctl.BE != DC.tc.SBE".
        // 21. "If fctl.BE is writable then DC.tc.SBE may be 0 or 1. If fctl.BE is not writable then
        //     DC.tc.SBE must be the same as fctl.BE": also with END=1 when the IOMMU fixed BE.
        if ((!caps.end() || !beWritable) && dc.sbe() != be) return Rule.DC_SBE;
        // 20. SXL.
        if (gxl && !dc.sxl()) return Rule.DC_SXL;
        if (!gxl && !gxlWritable && dc.sxl()) return Rule.DC_SXL;
        // Reserved setting after the list: msiptp must be Off when iohgatp is Bare (recommended check).
        if (msiptpOffWhenGBare && caps.msiFlat() && g == PagingScheme.BARE && dc.msiptpMode() != DeviceContext.MSIPTP_OFF) {
            return Rule.DC_MSIPTP_WITH_G_BARE;
        }
        return null;
    }

    /**
     * The writable part of msi_addr_mask/pattern: bits 51:0, less bits 51:MGPAW-12 when MGPAW is
     * below 64 (IOMMU MSI_ID: MGPAW from the widest x4 scheme, else capabilities.PAS).
     */
    static long msiFieldMask(Capabilities caps) {
        int mgpaw = caps.sv57x4() ? 59 : caps.sv48x4() ? 50 : caps.sv39x4() ? 41 : caps.sv32x4() ? 34 : caps.pas();
        int bits = Math.min(52, Math.max(0, mgpaw - 12));
        return bits >= 64 ? -1L : (1L << bits) - 1;
    }
}
