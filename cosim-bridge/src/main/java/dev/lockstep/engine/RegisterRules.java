package dev.lockstep.engine;

/** The spec rule that decides the expected value of a register, cited in divergence reports. */
final class RegisterRules {
    private RegisterRules() {}

    static String describe(int offset) {
        switch (offset & ~7) {
            case 0:
                return "capabilities is read-only and reports the implementation's features (spec: Registers, capabilities)";
            case 8:
                return "fctl: BE, WSI, GXL are WARL; only the bits the implementation makes writable change "
                        + "(spec: Registers, fctl)";
            case 16:
                return "ddtp.iommu_mode is WARL: a mode the IOMMU does not support (reserved 5-13, custom 14-15, or "
                        + "absent) leaves the field unchanged in this configuration; PPN is WARL over capabilities.PAS; "
                        + "reserved bits read 0 (spec: Registers, ddtp)";
            default:
                return "register behaviour per spec chapter 'Memory-mapped register interface'";
        }
    }
}
