package dev.lockstep.refmodel.translate;

import dev.lockstep.refmodel.regs.IommuConfig;

/**
 * Implementation choices the specification leaves to the hardware, which the translator needs
 * beyond the capabilities register.
 *
 * @param gxlWritable         whether fctl.GXL is writable (DC_MISCONFIG rule 20: with GXL=0 and not
 *                            writable, DC.tc.SXL must be 0)
 * @param msiptpOffWhenGBare  report cause 259 for the reserved setting iohgatp.MODE=Bare with
 *                            msiptp.MODE not Off (the spec recommends it)
 * @param bareRangeShift      log2 of the range reported when both stages are Bare (IOMMU
 *                            ATS_FAULTS note: implementation-defined, "recommended large")
 */
public record TranslatorOptions(boolean gxlWritable, boolean msiptpOffWhenGBare, int bareRangeShift) {

    public TranslatorOptions {
        if (bareRangeShift < 12 || bareRangeShift > 63) {
            throw new IllegalArgumentException("bareRangeShift: must be 12..63, got " + bareRangeShift);
        }
    }

    /** GXL not writable, the recommended msiptp check, 2 MiB ranges for Bare. */
    public static TranslatorOptions defaults() { return new TranslatorOptions(false, true, 21); }

    /** Options matching an IOMMU configuration (fctl.GXL writability from its writable mask). */
    public static TranslatorOptions from(IommuConfig config) {
        return new TranslatorOptions((config.fctlWritableMask() & IommuConfig.FCTL_GXL) != 0, true, 21);
    }
}
