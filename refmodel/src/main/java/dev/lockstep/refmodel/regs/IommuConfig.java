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
 *   <li>{@code icvecWritableMask}: writable bits of icvec[15:0] (civ, fiv, pmiv, piv; WARL): "if only two
 *       vectors are supported then only bit 0 for each cause could be writable" (0x1111), a cause's field
 *       may be hardwired to 0.</li>
 *   <li>{@code warl}: the legal values of the other WARL fields ({@link Warl}).</li>
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
        int icvecWritableMask,
        Warl warl) {

    public static final int FCTL_BE = 1;
    public static final int FCTL_WSI = 1 << 1;
    public static final int FCTL_GXL = 1 << 2;

    /** Default of the queue-size fields: 2^20 entries (LOG2SZ-1 = 19). */
    public static final int DEFAULT_LOG2SZ_MAX = 19;
    /** Spec recommendation: seven programmable counters (Registers, iohpmevt1-31 note). */
    public static final int DEFAULT_HPM_COUNTERS = 7;

    /**
     * The legal values of WARL register fields an implementation may narrow (spec: Registers), beyond
     * those with their own component: which bits of tr_req_iova.vpn, of tr_req_ctl's WARL fields (Priv,
     * Exe, NW, PID, PV, DID) and of iommu_qosid (RCID, MCID) are writable, and which iohpmevtX.eventID
     * values the implementation counts (bit N: event N; a write of another ID sets eventID to 0, "no event").
     * The defaults are every bit and every standard event.
     */
    public record Warl(long trReqIovaWritable, long trReqCtlWritable, int iommuQosidWritable, long hpmEvents) {
        /** tr_req_iova.vpn[63:12]. */
        public static final long TR_REQ_IOVA_VPN = ~0xfffL;
        /** tr_req_ctl: Priv[1], Exe[2], NW[3], PID[31:12], PV[32], DID[63:40] (RegisterFile.TR_CTL_WRITABLE). */
        public static final long TR_REQ_CTL_FIELDS = 0xe | 0xfffffL << 12 | 1L << 32 | 0xffffffL << 40;
        /** iommu_qosid: RCID[11:0], MCID[27:16]. */
        public static final int IOMMU_QOSID_FIELDS = 0x0fff0fff;
        /** The standard events, 1..8 (spec: "Standard Events list"). */
        public static final long STANDARD_EVENTS = 0x1feL;
        public static final Warl DEFAULT = new Warl(TR_REQ_IOVA_VPN, TR_REQ_CTL_FIELDS, IOMMU_QOSID_FIELDS,
                STANDARD_EVENTS);

        public Warl {
            if ((trReqIovaWritable & ~TR_REQ_IOVA_VPN) != 0) {
                throw new IllegalArgumentException("trReqIovaWritable: only tr_req_iova.vpn[63:12] is WARL, got 0x"
                        + Long.toHexString(trReqIovaWritable));
            }
            if ((trReqCtlWritable & ~TR_REQ_CTL_FIELDS) != 0) {
                throw new IllegalArgumentException("trReqCtlWritable: only Priv, Exe, NW, PID, PV and DID of tr_req_ctl "
                        + "are WARL (mask 0x" + Long.toHexString(TR_REQ_CTL_FIELDS) + "), got 0x"
                        + Long.toHexString(trReqCtlWritable));
            }
            if ((iommuQosidWritable & ~IOMMU_QOSID_FIELDS) != 0) {
                throw new IllegalArgumentException("iommuQosidWritable: only RCID[11:0] and MCID[27:16] are WARL, got 0x"
                        + Integer.toHexString(iommuQosidWritable));
            }
            if ((hpmEvents & ~STANDARD_EVENTS) != 0) {
                throw new IllegalArgumentException("hpmEvents: the model knows the standard events 1..8 only");
            }
        }

        /** Whether iohpmevtX.eventID keeps {@code id} when written. */
        public boolean countsEvent(long id) {
            return id > 0 && id < 64 && (hpmEvents & (1L << id)) != 0;
        }
    }

    /** The configuration before {@link Warl} existed: every other WARL field fully writable. */
    public IommuConfig(Capabilities capabilities, int fctlWritableMask, int fctlReset, IommuMode resetMode,
                       Set<IommuMode> supportedModes, int cqLog2SzMax, int fqLog2SzMax, int pqLog2SzMax,
                       int hpmCounters, int hpmCounterWidth, int icvecWritableMask) {
        this(capabilities, fctlWritableMask, fctlReset, resetMode, supportedModes, cqLog2SzMax, fqLog2SzMax,
                pqLog2SzMax, hpmCounters, hpmCounterWidth, icvecWritableMask, Warl.DEFAULT);
    }

    public IommuConfig {
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(warl, "warl");
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
                fqLog2SzMax, pqLog2SzMax, hpmCounters, hpmCounterWidth, icvecWritableMask, warl);
    }

    public IommuConfig withQueueLog2SzMax(int cq, int fq, int pq) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, resetMode, supportedModes, cq, fq, pq,
                hpmCounters, hpmCounterWidth, icvecWritableMask, warl);
    }

    public IommuConfig withHpm(int counters, int width) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, resetMode, supportedModes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, counters, width, icvecWritableMask, warl);
    }

    public IommuConfig withIcvecWritableMask(int mask) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, resetMode, supportedModes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, hpmCounters, hpmCounterWidth, mask, warl);
    }

    public IommuConfig withFctl(int writableMask, int reset) {
        return new IommuConfig(capabilities, writableMask, reset, resetMode, supportedModes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, hpmCounters, hpmCounterWidth, icvecWritableMask, warl);
    }

    public IommuConfig withWarl(Warl w) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, resetMode, supportedModes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, hpmCounters, hpmCounterWidth, icvecWritableMask, w);
    }

    public IommuConfig withResetMode(IommuMode mode) {
        return new IommuConfig(capabilities, fctlWritableMask, fctlReset, mode, supportedModes, cqLog2SzMax,
                fqLog2SzMax, pqLog2SzMax, hpmCounters, hpmCounterWidth, icvecWritableMask, warl);
    }
}
