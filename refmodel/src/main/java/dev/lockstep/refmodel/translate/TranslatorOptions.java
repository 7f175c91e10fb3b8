package dev.lockstep.refmodel.translate;

import dev.lockstep.refmodel.regs.IommuConfig;

/**
 * Implementation choices the specification leaves to the hardware, which the translator needs
 * beyond the capabilities register.
 *
 * @param gxlWritable         whether fctl.GXL is writable (DC_MISCONFIG rule 20: with GXL=0 and not
 *                            writable, DC.tc.SXL must be 0)
 * @param beWritable          whether fctl.BE is writable (DC_MISCONFIG rule 21: "If fctl.BE is not
 *                            writable then DC.tc.SBE must be the same as fctl.BE"); it can be only with
 *                            capabilities.END=1
 * @param msiptpOffWhenGBare  report cause 259 for the reserved setting iohgatp.MODE=Bare with
 *                            msiptp.MODE not Off (the spec recommends it)
 * @param bareRangeShift      log2 of the range reported when both stages are Bare (IOMMU
 *                            ATS_FAULTS note: implementation-defined, "recommended large")
 */
public record TranslatorOptions(boolean gxlWritable, boolean beWritable, boolean msiptpOffWhenGBare,
                                int bareRangeShift) {

    public TranslatorOptions {
        if (bareRangeShift < 12 || bareRangeShift > 63) {
            throw new IllegalArgumentException("bareRangeShift: must be 12..63, got " + bareRangeShift);
        }
    }

    /** fctl.BE writable whenever capabilities.END is 1 (the translator's default without a configuration). */
    public TranslatorOptions(boolean gxlWritable, boolean msiptpOffWhenGBare, int bareRangeShift) {
        this(gxlWritable, true, msiptpOffWhenGBare, bareRangeShift);
    }

    /**
     * GXL not writable, BE writable when capabilities.END is 1, the recommended msiptp check, 2 MiB ranges
     * for Bare. A translator for a particular IOMMU takes {@link #from} its configuration instead.
     */
    public static TranslatorOptions defaults() { return new TranslatorOptions(false, true, true, 21); }

    /** Options matching an IOMMU configuration (fctl.GXL and fctl.BE writability from its writable mask). */
    public static TranslatorOptions from(IommuConfig config) {
        int writable = config.fctlWritableMask();
        return new TranslatorOptions((writable & IommuConfig.FCTL_GXL) != 0, (writable & IommuConfig.FCTL_BE) != 0,
                true, 21);
    }
}
