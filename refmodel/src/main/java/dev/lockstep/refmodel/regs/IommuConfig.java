package dev.lockstep.refmodel.regs;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The implementation choices the specification leaves to the hardware, which the model must know to
 * predict a particular IOMMU.
 *
 * <ul>
 *   <li>{@code capabilities}: the RO capabilities register.</li>
 *   <li>{@code fctlWritableMask}, {@code fctlReset}: which of fctl.BE/WSI/GXL are writable, and the reset value.</li>
 *   <li>{@code resetMode}, {@code supportedModes}: ddtp.iommu_mode at reset and the modes a write keeps
 *       (an unsupported mode keeps the old value).</li>
 *   <li>{@code cqLog2SzMax}, {@code fqLog2SzMax}, {@code pqLog2SzMax}: the largest value the WARL
 *       {@code LOG2SZ-1} field of cqb/fqb/pqb holds; larger writes are clamped to it.</li>
 *   <li>{@code hpmCounters}: number of programmable counters iohpmctr1..N (0..31; at least 1 with HPM).</li>
 *   <li>{@code hpmCounterWidth}: implemented width of iohpmctrX and iohpmcycles.counter (32..64; cycles at most 63).</li>
 *   <li>{@code icvecWritableMask}: writable bits of icvec[15:0] (civ, fiv, pmiv, piv; WARL).</li>
 * </ul>
 */
public record IommuConfig(
        Capabilities capabilities,
        int fctlWritableMask,
        int fctlReset,
        IommuMode resetMode,
        Set<IommuMode> supportedModes,
        int cqLog2SzMax,
        int fqLog2SzMax,
        int pqLog2SzMax,
        int hpmCounters,
        int hpmCounterWidth,
        int icvecWritableMask) {

    public static final int FCTL_BE = 1;
    public static final int FCTL_WSI = 1 << 1;
    public static final int FCTL_GXL = 1 << 2;

    /** Default of the queue-size fields: 2^20 entries (LOG2SZ-1 = 19). */
    public static final int DEFAULT_LOG2SZ_MAX = 19;
    /** Spec recommendation: seven programmable counters (Registers, iohpmevt1-31 note). */
    public static final int DEFAULT_HPM_COUNTERS = 7;

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
        for (int m : new int[] {cqLog2SzMax, fqLog2SzMax, pqLog2SzMax}) {
            if (m < 0 || m > 31) throw new IllegalArgumentException("LOG2SZ-1 maximum must be 0..31, got " + m);
        }
        if (hpmCounters < 0 || hpmCounters > 31) {
            throw new IllegalArgumentException("hpmCounters must be 0..31, got " + hpmCounters);
        }
        if (capabilities.hpm() && hpmCounters < 1) {
            throw new IllegalArgumentException("capabilities.HPM=1 requires at least iohpmctr1 (spec: capabilities.HPM)");
        }
        if (hpmCounterWidth < 32 || hpmCounterWidth > 64) {
            throw new IllegalArgumentException("hpmCounterWidth must be 32..64 (spec: at least 32 bits), got " + hpmCounterWidth);
        }
        if ((icvecWritableMask & ~0xffff) != 0) {
            throw new IllegalArgumentException("icvecWritableMask covers icvec[15:0] only");
        }
    }

    /** The original five-field configuration; the other choices take {@link #defaults} values. */
    public IommuConfig(Capabilities capabilities, int fctlWritableMask, int fctlReset, IommuMode resetMode,
                       Set<IommuMode> supportedModes) {
        this(capabilities, fctlWritableMask, fctlReset, resetMode, supportedModes,
                DEFAULT_LOG2SZ_MAX, DEFAULT_LOG2SZ_MAX, DEFAULT_LOG2SZ_MAX,
                capabilities.hpm() ? DEFAULT_HPM_COUNTERS : 0, 64, 0xffff);
    }

    /** Default configuration of the built-in RTL IOMMU: every DDT mode, little-endian, 16 vectors. */
    public static IommuConfig defaults(Capabilities caps) {
        int fctlReset = caps.igs() == Capabilities.IGS_WSI ? FCTL_WSI : 0;
        int writable = caps.igs() == Capabilities.IGS_BOTH ? FCTL_WSI : 0;
        return new IommuConfig(caps, writable, fctlReset, IommuMode.OFF, EnumSet.allOf(IommuMode.class));
    }

    public IommuConfig withSupportedModes(Set<IommuMode> modes) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, resetMode, modes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, hpmCounters, hpmCounterWidth, icvecWritableMask);
    }

    public IommuConfig withQueueLog2SzMax(int cq, int fq, int pq) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, resetMode, supportedModes, cq, fq, pq,
                hpmCounters, hpmCounterWidth, icvecWritableMask);
    }

    public IommuConfig withHpm(int counters, int width) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, resetMode, supportedModes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, counters, width, icvecWritableMask);
    }

    public IommuConfig withIcvecWritableMask(int mask) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, resetMode, supportedModes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, hpmCounters, hpmCounterWidth, mask);
    }

    public IommuConfig withFctl(int writableMask, int reset) {
        return new IommuConfig(capabilities, writableMask, reset, resetMode, supportedModes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, hpmCounters, hpmCounterWidth, icvecWritableMask);
    }

    public IommuConfig withResetMode(IommuMode mode) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, mode, supportedModes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, hpmCounters, hpmCounterWidth, icvecWritableMask);
    }
}
