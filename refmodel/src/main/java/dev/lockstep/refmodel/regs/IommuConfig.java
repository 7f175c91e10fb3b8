package dev.lockstep.refmodel.regs;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The implementation choices the specification leaves to the hardware, which the model must know to
 * predict a particular IOMMU: the capabilities, which fctl bits are writable and their reset value,
 * the reset iommu_mode and the ddtp modes the IOMMU keeps when written.
 *
 * <p>A DUT's configuration is discovered from the DUT itself (read capabilities, probe the WARL
 * fields, as the Linux driver does) or pinned in a file.
 */
public record IommuConfig(
        Capabilities capabilities,
        int fctlWritableMask,
        int fctlReset,
        IommuMode resetMode,
        Set<IommuMode> supportedModes) {

    public static final int FCTL_BE = 1;
    public static final int FCTL_WSI = 1 << 1;
    public static final int FCTL_GXL = 1 << 2;

    public IommuConfig {
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(resetMode, "resetMode");
        supportedModes = Set.copyOf(supportedModes);
        if (resetMode != IommuMode.OFF && resetMode != IommuMode.BARE) {
            throw new IllegalArgumentException("resetMode: ddtp.iommu_mode must reset to Off or Bare, not " + resetMode);
        }
        if (!supportedModes.contains(IommuMode.OFF) || !supportedModes.contains(IommuMode.BARE)) {
            throw new IllegalArgumentException("supportedModes: every IOMMU supports Off and Bare, got " + supportedModes);
        }
        if ((fctlWritableMask & ~(FCTL_BE | FCTL_WSI | FCTL_GXL)) != 0) {
            throw new IllegalArgumentException("fctlWritableMask: only BE, WSI and GXL may be writable, got 0x"
                    + Integer.toHexString(fctlWritableMask));
        }
        int igs = capabilities.igs();
        if (igs == 3) {
            throw new IllegalArgumentException("capabilities.IGS: 3 is reserved");
        }
        // fctl.WSI is fixed by IGS unless both methods exist (spec: capabilities.IGS).
        if (igs != Capabilities.IGS_BOTH && (fctlWritableMask & FCTL_WSI) != 0) {
            throw new IllegalArgumentException("fctlWritableMask: WSI is writable only when capabilities.IGS is BOTH");
        }
        if (!capabilities.end() && (fctlWritableMask & FCTL_BE) != 0) {
            throw new IllegalArgumentException("fctlWritableMask: BE is writable only when capabilities.END is 1");
        }
    }

    /** Default configuration of the built-in RTL IOMMU: every DDT mode, little-endian, WSI only. */
    public static IommuConfig defaults(Capabilities caps) {
        int fctlReset = caps.igs() == Capabilities.IGS_WSI ? FCTL_WSI : 0;
        int writable = caps.igs() == Capabilities.IGS_BOTH ? FCTL_WSI : 0;
        return new IommuConfig(caps, writable, fctlReset, IommuMode.OFF, EnumSet.allOf(IommuMode.class));
    }
}
