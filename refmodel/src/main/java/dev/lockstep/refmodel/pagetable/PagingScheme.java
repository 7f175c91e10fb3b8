package dev.lockstep.refmodel.pagetable;

import dev.lockstep.refmodel.regs.Capabilities;

/**
 * Paged virtual-memory schemes of the privileged spec (Sv32, Sv39, Sv48, Sv57) and their use as
 * G-stage schemes widened by 2 bits (Sv32x4 ... Sv57x4, Priv "Guest Physical Address Translation").
 * Encodings are those of iosatp.MODE / iohgatp.MODE (IOMMU tables IOSATP_MODE_ENC and
 * IOHGATP_MODE_ENC): 0 Bare, 8 Sv39 (Sv32 when SXL/GXL=1), 9 Sv48, 10 Sv57.
 */
public enum PagingScheme {
    BARE(0, 0, 8, 64),
    SV32(2, 10, 4, 32),
    SV39(3, 9, 8, 39),
    SV48(4, 9, 8, 48),
    SV57(5, 9, 8, 57);

    public final int levels;
    /** VPN bits per level (the root of an x4 scheme has 2 more). */
    public final int bitsPerLevel;
    /** PTESIZE in bytes. */
    public final int pteBytes;
    /** Width of the virtual address (add 2 for the x4 G-stage scheme). */
    public final int vaBits;

    PagingScheme(int levels, int bitsPerLevel, int pteBytes, int vaBits) {
        this.levels = levels;
        this.bitsPerLevel = bitsPerLevel;
        this.pteBytes = pteBytes;
        this.vaBits = vaBits;
    }

    /** The first-stage scheme for an iosatp/PC.fsc MODE under DC.tc.SXL, or null for a reserved or custom encoding. */
    public static PagingScheme firstStage(int mode, boolean sxl) {
        if (mode == 0) return BARE;
        if (sxl) return mode == 8 ? SV32 : null;
        return mode == 8 ? SV39 : mode == 9 ? SV48 : mode == 10 ? SV57 : null;
    }

    /** The G-stage scheme for an iohgatp.MODE under fctl.GXL, or null for a reserved encoding. */
    public static PagingScheme gStage(int mode, boolean gxl) {
        return firstStage(mode, gxl);
    }

    /** Whether the IOMMU supports this scheme for the first stage (capabilities.Sv32 ... Sv57). */
    public boolean supportedFirstStage(Capabilities caps) {
        switch (this) {
            case BARE: return true;
            case SV32: return caps.sv32();
            case SV39: return caps.sv39();
            case SV48: return caps.sv48();
            default: return caps.sv57();
        }
    }

    /** Whether the IOMMU supports this scheme widened by 2 bits for the G stage (capabilities.Sv32x4 ... Sv57x4). */
    public boolean supportedGStage(Capabilities caps) {
        switch (this) {
            case BARE: return true;
            case SV32: return caps.sv32x4();
            case SV39: return caps.sv39x4();
            case SV48: return caps.sv48x4();
            default: return caps.sv57x4();
        }
    }

    public String firstStageName() { return this == BARE ? "Bare" : name().charAt(0) + name().substring(1).toLowerCase(); }
    public String gStageName() { return this == BARE ? "Bare" : firstStageName() + "x4"; }
}
