package dev.lockstep.refmodel.regs;

/**
 * The IOMMU's memory-mapped register file (spec: chapter "Memory-mapped register interface").
 *
 * <p>This class holds the software-visible state and applies each register's access rules: RO, RW,
 * RW1C, RW1S and WARL fields, presence by capabilities (an absent optional register reads 0 and
 * ignores writes), 4- and 8-byte accesses, queue base/head/tail WARL masks, and the enable sequences
 * with what enabling clears. The IOMMU's own reactions to a write (processing commands, interrupts,
 * the debug translation) are delegated to a {@link Listener}; the IOMMU-side updates (cqh advancing,
 * error bits, fqt, ipsr, counters) use the {@code hw*} methods.
 *
 * <p>Registers are little-endian; accesses are 4 or 8 bytes, naturally aligned. An 8-byte access to
 * two 4-byte registers acts as two 4-byte accesses, high half first (spec: register interface).
 * A 4-byte write to one half of an 8-byte register merges with the other half, then acts as a write
 * of the whole register.
 *
 * <p>Timing: this model completes every operation synchronously, so ddtp.busy, cqcsr/fqcsr/pqcsr.busy
 * and tr_req_ctl.Go/Busy read 0 after the write and the on bits follow the enable bits at once. The
 * spec leaves those timings UNSPECIFIED; {@link RegisterMasks} tells the checker which bits to ignore.
 */
public final class RegisterFile {

    // ---- register offsets (spec: "Register layout") ----
    public static final int CAPABILITIES = 0;
    public static final int FCTL = 8;
    public static final int DDTP = 16;
    public static final int CQB = 24;
    public static final int CQH = 32;
    public static final int CQT = 36;
    public static final int FQB = 40;
    public static final int FQH = 48;
    public static final int FQT = 52;
    public static final int PQB = 56;
    public static final int PQH = 64;
    public static final int PQT = 68;
    public static final int CQCSR = 72;
    public static final int FQCSR = 76;
    public static final int PQCSR = 80;
    public static final int IPSR = 84;
    public static final int IOCOUNTOVF = 88;
    public static final int IOCOUNTINH = 92;
    public static final int IOHPMCYCLES = 96;
    /** iohpmctrX is at IOHPMCTR_BASE + 8*(X-1), X = 1..31. */
    public static final int IOHPMCTR_BASE = 104;
    /** iohpmevtX is at IOHPMEVT_BASE + 8*(X-1), X = 1..31. */
    public static final int IOHPMEVT_BASE = 352;
    public static final int TR_REQ_IOVA = 600;
    public static final int TR_REQ_CTL = 608;
    public static final int TR_RESPONSE = 616;
    public static final int IOMMU_QOSID = 624;
    public static final int ICVEC = 760;
    /** msi_cfg_tbl entry x: msi_addr at +16x, msi_data at +16x+8, msi_vec_ctl at +16x+12. */
    public static final int MSI_CFG_TBL = 768;
    public static final int MSI_VECTORS = 16;

    // ---- fields ----
    /** ddtp fields: iommu_mode[3:0], busy[4], PPN[53:10]. */
    public static final long DDTP_MODE_MASK = 0xfL;
    public static final long DDTP_BUSY = 1L << 4;
    public static final long DDTP_PPN_MASK = ((1L << 44) - 1) << 10;
    /** cqb/fqb/pqb fields: LOG2SZ-1[4:0], PPN[53:10]. */
    public static final long QB_LOG2SZ_MASK = 0x1fL;
    public static final long QB_PPN_MASK = DDTP_PPN_MASK;

    public static final int CQCSR_CQEN = 1;
    public static final int CQCSR_CIE = 1 << 1;
    public static final int CQCSR_CQMF = 1 << 8;
    public static final int CQCSR_CMD_TO = 1 << 9;
    public static final int CQCSR_CMD_ILL = 1 << 10;
    public static final int CQCSR_FENCE_W_IP = 1 << 11;
    public static final int CQCSR_CQON = 1 << 16;
    public static final int CQCSR_BUSY = 1 << 17;
    public static final int CQCSR_ERRORS = CQCSR_CQMF | CQCSR_CMD_TO | CQCSR_CMD_ILL | CQCSR_FENCE_W_IP;

    /** fqcsr and pqcsr share one layout: en[0], ie[1], mf[8], of[9], on[16], busy[17]. */
    public static final int QCSR_EN = 1;
    public static final int QCSR_IE = 1 << 1;
    public static final int QCSR_MF = 1 << 8;
    public static final int QCSR_OF = 1 << 9;
    public static final int QCSR_ON = 1 << 16;
    public static final int QCSR_BUSY = 1 << 17;

    public static final int IPSR_CIP = 1;
    public static final int IPSR_FIP = 1 << 1;
    public static final int IPSR_PMIP = 1 << 2;
    public static final int IPSR_PIP = 1 << 3;

    public static final long HPMEVT_EVENT_MASK = 0x7fffL;
    public static final long HPMEVT_DMASK = 1L << 15;
    public static final long HPMEVT_PID_PSCID_MASK = 0xfffffL << 16;
    public static final long HPMEVT_DID_GSCID_MASK = 0xffffffL << 36;
    public static final long HPMEVT_PV_PSCV = 1L << 60;
    public static final long HPMEVT_DV_GSCV = 1L << 61;
    public static final long HPMEVT_IDT = 1L << 62;
    public static final long HPMEVT_OF = 1L << 63;
    /** Highest standard event ID (spec: "Standard Events list"). */
    public static final int HPM_MAX_EVENT = 8;

    public static final long TR_CTL_GO = 1;
    public static final long TR_CTL_PRIV = 1L << 1;
    public static final long TR_CTL_EXE = 1L << 2;
    public static final long TR_CTL_NW = 1L << 3;
    public static final long TR_CTL_PID_MASK = 0xfffffL << 12;
    public static final long TR_CTL_PV = 1L << 32;
    public static final long TR_CTL_DID_MASK = 0xffffffL << 40;
    public static final long TR_CTL_WRITABLE = TR_CTL_PRIV | TR_CTL_EXE | TR_CTL_NW | TR_CTL_PID_MASK
            | TR_CTL_PV | TR_CTL_DID_MASK;
    public static final long TR_RSP_FAULT = 1;
    public static final long TR_RSP_PBMT_MASK = 3L << 7;
    public static final long TR_RSP_S = 1L << 9;
    public static final long TR_RSP_PPN_MASK = DDTP_PPN_MASK;

    public static final int MSI_VEC_CTL_M = 1;

    /** The IOMMU's reactions to software register writes. */
    public interface Listener {
        /**
         * Called after a software write took effect at the register starting at {@code offset} (one
         * 4-byte register or one whole 8-byte register); {@code old} is the value before the write.
         */
        void registerWritten(int offset, long old);
    }

    private static final Listener NO_LISTENER = (offset, old) -> { };

    private final IommuConfig config;
    private final Capabilities caps;
    private Listener listener = NO_LISTENER;

    private int fctl;
    private long ddtp;
    private long cqb, fqb, pqb;
    private int cqh, cqt, fqh, fqt, pqh, pqt;
    private int cqcsr, fqcsr, pqcsr;
    private int ipsr;
    private int iocountinh;
    private long iohpmcycles;
    private final long[] iohpmctr = new long[32];
    private final long[] iohpmevt = new long[32];
    private long trReqIova, trReqCtl, trResponse;
    private int iommuQosid;
    private long icvec;
    private final long[] msiAddr = new long[MSI_VECTORS];
    private final int[] msiData = new int[MSI_VECTORS];
    private final int[] msiVecCtl = new int[MSI_VECTORS];
    /** After a base write the low index bits of cqt/fqh/pqh are UNSPECIFIED until software writes them. */
    private boolean cqtUnspecified, fqhUnspecified, pqhUnspecified;

    public RegisterFile(IommuConfig config) {
        this.config = config;
        this.caps = config.capabilities();
        reset();
    }

    public IommuConfig config() { return config; }

    public void setListener(Listener listener) {
        this.listener = listener == null ? NO_LISTENER : listener;
    }

    /**
     * The spec's reset state (spec: "Reset behavior"): en/ie/on/busy of the three CSRs, Go/Busy,
     * ddtp.busy and ipsr are 0; iommu_mode is the configured Off or Bare. Every other reset value is
     * UNSPECIFIED; this model resets them to 0 (and fctl to the configured value).
     */
    public void reset() {
        fctl = config.fctlReset();
        ddtp = config.resetMode().encoding;
        cqb = fqb = pqb = 0;
        cqh = cqt = fqh = fqt = pqh = pqt = 0;
        cqcsr = fqcsr = pqcsr = 0;
        ipsr = 0;
        iocountinh = 0;
        iohpmcycles = 0;
        java.util.Arrays.fill(iohpmctr, 0);
        java.util.Arrays.fill(iohpmevt, 0);
        trReqIova = trReqCtl = trResponse = 0;
        iommuQosid = 0;
        icvec = 0;
        java.util.Arrays.fill(msiAddr, 0);
        java.util.Arrays.fill(msiData, 0);
        java.util.Arrays.fill(msiVecCtl, 0);
        cqtUnspecified = fqhUnspecified = pqhUnspecified = false;
    }

    // ---------------------------------------------------------------- presence

    /** Whether a register exists at the 4-byte-aligned {@code offset} in this configuration. */
    public boolean isPresent(int offset) {
        int base = offset & ~3;
        if (base >= PQB && base < PQT + 4 || base == PQCSR) return caps.ats();
        if (base >= IOCOUNTOVF && base < IOHPMEVT_BASE + 31 * 8) {
            if (!caps.hpm()) return false;
            if (base >= IOHPMCTR_BASE && base < IOHPMEVT_BASE) return counterIndex(base, IOHPMCTR_BASE) <= config.hpmCounters();
            if (base >= IOHPMEVT_BASE) return counterIndex(base, IOHPMEVT_BASE) <= config.hpmCounters();
            return true;
        }
        if (base >= TR_REQ_IOVA && base < TR_RESPONSE + 8) return caps.dbg();
        if (base == IOMMU_QOSID) return caps.qosid();
        if (base >= MSI_CFG_TBL && base < MSI_CFG_TBL + 256) return caps.igs() != Capabilities.IGS_WSI;
        return true; // mandatory registers; reserved and custom space reads 0 and ignores writes
    }

    private static int counterIndex(int offset, int base) { return (offset - base) / 8 + 1; }

    // ---------------------------------------------------------------- software access

    /** Reads {@code size} (4 or 8) bytes at {@code offset}. */
    public long read(int offset, int size) {
        checkAccess(offset, size);
        if (size == 8) {
            return (read32(offset) & 0xffffffffL) | ((long) read32(offset + 4) << 32);
        }
        return read32(offset) & 0xffffffffL;
    }

    /** Writes {@code size} (4 or 8) bytes at {@code offset}; an 8-byte write to a register pair acts high half first. */
    public void write(int offset, int size, long value) {
        checkAccess(offset, size);
        if (size == 8 && isEightByteRegister(offset)) {
            writeRegister64(offset, value);
        } else if (size == 8) {
            write32(offset + 4, (int) (value >>> 32));
            write32(offset, (int) value);
        } else {
            write32(offset, (int) value);
        }
    }

    /** Whether {@code offset} (8-byte aligned) starts one 8-byte register rather than two 4-byte ones. */
    public static boolean isEightByteRegister(int offset) {
        switch (offset) {
            case CAPABILITIES: case DDTP: case CQB: case FQB: case PQB: case IOHPMCYCLES:
            case TR_REQ_IOVA: case TR_REQ_CTL: case TR_RESPONSE: case ICVEC:
                return true;
            default:
                if (offset >= IOHPMCTR_BASE && offset < IOHPMEVT_BASE + 31 * 8) return true;
                return offset >= MSI_CFG_TBL && offset < MSI_CFG_TBL + 256 && (offset & 15) == 0;
        }
    }

    private int read32(int offset) {
        if (!isPresent(offset)) return 0;
        int base8 = offset & ~7;
        if (isEightByteRegister(base8)) {
            return (int) (read64(base8) >>> ((offset & 4) * 8));
        }
        switch (offset) {
            case FCTL: return fctl;
            case CQH: return cqh;
            case CQT: return cqt;
            case FQH: return fqh;
            case FQT: return fqt;
            case PQH: return pqh;
            case PQT: return pqt;
            case CQCSR: return cqcsr;
            case FQCSR: return fqcsr;
            case PQCSR: return pqcsr;
            case IPSR: return ipsr;
            case IOCOUNTOVF: return iocountovf();
            case IOCOUNTINH: return iocountinh;
            case IOMMU_QOSID: return iommuQosid;
            default:
                if (offset >= MSI_CFG_TBL && offset < MSI_CFG_TBL + 256) {
                    int x = (offset - MSI_CFG_TBL) >> 4;
                    return (offset & 0xc) == 8 ? msiData[x] : msiVecCtl[x];
                }
                return 0;
        }
    }

    private long read64(int offset) {
        switch (offset) {
            case CAPABILITIES: return caps.value();
            case DDTP: return ddtp;
            case CQB: return cqb;
            case FQB: return fqb;
            case PQB: return pqb;
            case IOHPMCYCLES: return iohpmcycles;
            case TR_REQ_IOVA: return trReqIova;
            case TR_REQ_CTL: return trReqCtl;
            case TR_RESPONSE: return trResponse;
            case ICVEC: return icvec;
            default:
                if (offset >= IOHPMCTR_BASE && offset < IOHPMEVT_BASE) return iohpmctr[counterIndex(offset, IOHPMCTR_BASE)];
                if (offset >= IOHPMEVT_BASE && offset < IOHPMEVT_BASE + 31 * 8) return iohpmevt[counterIndex(offset, IOHPMEVT_BASE)];
                if (offset >= MSI_CFG_TBL && offset < MSI_CFG_TBL + 256) return msiAddr[(offset - MSI_CFG_TBL) >> 4];
                return 0;
        }
    }

    private void write32(int offset, int value) {
        if (!isPresent(offset)) return;
        int base8 = offset & ~7;
        if (isEightByteRegister(base8)) {
            long cur = read64(base8);
            long v = (offset & 4) == 0
                    ? (cur & ~0xffffffffL) | (value & 0xffffffffL)
                    : (cur & 0xffffffffL) | ((long) value << 32);
            writeRegister64(base8, v);
            return;
        }
        long old = read32(offset) & 0xffffffffL;
        switch (offset) {
            case FCTL: writeFctl(value); break;
            case CQT:
                cqt = value & indexMask(cqb);
                cqtUnspecified = false;
                break;
            case FQH:
                fqh = value & indexMask(fqb);
                fqhUnspecified = false;
                break;
            case PQH:
                pqh = value & indexMask(pqb);
                pqhUnspecified = false;
                break;
            case CQCSR: writeCqcsr(value); break;
            case FQCSR: fqcsr = writeQueueCsr(fqcsr, value, true); break;
            case PQCSR: pqcsr = writeQueueCsr(pqcsr, value, false); break;
            case IPSR: ipsr &= ~(value & (IPSR_CIP | IPSR_FIP | IPSR_PMIP | IPSR_PIP)); break;
            case IOCOUNTINH: iocountinh = value & inhibitWritableMask(); break;
            case IOMMU_QOSID: iommuQosid = value & config.warl().iommuQosidWritable(); break; // RCID, MCID: WARL
            default:
                if (offset >= MSI_CFG_TBL && offset < MSI_CFG_TBL + 256) {
                    int x = (offset - MSI_CFG_TBL) >> 4;
                    if ((offset & 0xc) == 8) msiData[x] = value;
                    else msiVecCtl[x] = value & MSI_VEC_CTL_M;
                    break;
                }
                return; // RO registers (cqh, fqt, pqt, iocountovf) and reserved/custom space ignore writes
        }
        listener.registerWritten(offset, old);
    }

    private void writeRegister64(int offset, long value) {
        if (!isPresent(offset)) return;
        long old = read64(offset);
        switch (offset) {
            case DDTP: writeDdtp(value); break;
            case CQB:
                cqb = queueBase(value, config.cqLog2SzMax());
                cqt = 0;
                cqtUnspecified = true;
                break;
            case FQB:
                fqb = queueBase(value, config.fqLog2SzMax());
                fqh = 0;
                fqhUnspecified = true;
                break;
            case PQB:
                pqb = queueBase(value, config.pqLog2SzMax());
                pqh = 0;
                pqhUnspecified = true;
                break;
            case IOHPMCYCLES:
                iohpmcycles = (value & HPMEVT_OF) | (value & cyclesCounterMask());
                break;
            case TR_REQ_IOVA: trReqIova = value & config.warl().trReqIovaWritable(); break; // vpn: WARL
            case TR_REQ_CTL:
                // Go/Busy is RW1S: software can set it but never clear it.
                trReqCtl = (trReqCtl & TR_CTL_GO) | (value & TR_CTL_GO)
                        | (value & TR_CTL_WRITABLE & config.warl().trReqCtlWritable());
                break;
            case ICVEC: icvec = value & config.icvecWritableMask(); break;
            default:
                if (offset >= IOHPMCTR_BASE && offset < IOHPMEVT_BASE) {
                    iohpmctr[counterIndex(offset, IOHPMCTR_BASE)] = value & counterMask();
                } else if (offset >= IOHPMEVT_BASE && offset < IOHPMEVT_BASE + 31 * 8) {
                    iohpmevt[counterIndex(offset, IOHPMEVT_BASE)] = eventSelector(value, config.warl());
                } else if (offset >= MSI_CFG_TBL && offset < MSI_CFG_TBL + 256) {
                    msiAddr[(offset - MSI_CFG_TBL) >> 4] = value & 0x00fffffffffffffcL & physicalAddressMask();
                } else {
                    return; // capabilities and tr_response are read-only
                }
        }
        listener.registerWritten(offset, old);
    }

    /** fctl: BE, WSI and GXL are WARL; only the bits the implementation makes writable change. */
    private void writeFctl(int value) {
        int writable = config.fctlWritableMask();
        fctl = (fctl & ~writable) | (value & writable);
    }

    /**
     * ddtp: iommu_mode is WARL; a mode the IOMMU does not support leaves the field unchanged (the
     * legal-value choice of this configuration, which the Linux driver's probe relies on: it writes
     * a mode and reads back what stuck). PPN is WARL over the physical address width; busy is RO and
     * this model completes mode changes at once, so busy reads 0. Changing between 1/2/3LVL without
     * passing through Off/Bare is UNSPECIFIED; this model performs the write.
     */
    private void writeDdtp(long value) {
        IommuMode requested = IommuMode.of((int) (value & DDTP_MODE_MASK));
        long mode = ddtp & DDTP_MODE_MASK;
        if (requested != null && config.supportedModes().contains(requested)) {
            mode = requested.encoding;
        }
        long ppn = value & DDTP_PPN_MASK & physicalAddressPpnMask();
        ddtp = ppn | mode;
    }

    /**
     * cqb/fqb/pqb: LOG2SZ-1 is WARL (clamped to the configured maximum), PPN is WARL over PAS,
     * reserved bits read 0. Writing a base while the queue is busy or on is UNSPECIFIED; this model
     * performs the write. After the write the head/tail index software owns reads 0 (its low bits
     * are UNSPECIFIED per spec, see {@link RegisterMasks}).
     */
    private long queueBase(long value, int log2szMax) {
        long log2 = Math.min(value & QB_LOG2SZ_MASK, log2szMax);
        return (value & QB_PPN_MASK & physicalAddressPpnMask()) | log2;
    }

    private void writeCqcsr(int value) {
        int next = cqcsr & ~(CQCSR_CQEN | CQCSR_CIE);
        next |= value & (CQCSR_CQEN | CQCSR_CIE);
        next &= ~(value & CQCSR_ERRORS); // RW1C
        boolean wasEn = (cqcsr & CQCSR_CQEN) != 0;
        boolean en = (value & CQCSR_CQEN) != 0;
        if (en && !wasEn) {
            // spec: cqen 0->1 sets cqh and cmd_ill, cmd_to, cqmf, fence_w_ip to 0.
            cqh = 0;
            next &= ~CQCSR_ERRORS;
        }
        next = en ? next | CQCSR_CQON : next & ~CQCSR_CQON;
        cqcsr = next & ~CQCSR_BUSY;
    }

    private int writeQueueCsr(int csr, int value, boolean faultQueue) {
        int next = csr & ~(QCSR_EN | QCSR_IE);
        next |= value & (QCSR_EN | QCSR_IE);
        next &= ~(value & (QCSR_MF | QCSR_OF)); // RW1C
        boolean wasEn = (csr & QCSR_EN) != 0;
        boolean en = (value & QCSR_EN) != 0;
        if (en && !wasEn) {
            // spec: fqen 0->1 sets fqt, fqof, fqmf to 0; pqen 0->1 sets pqt, pqof, pqmf to 0.
            if (faultQueue) fqt = 0; else pqt = 0;
            next &= ~(QCSR_MF | QCSR_OF);
        }
        next = en ? next | QCSR_ON : next & ~QCSR_ON;
        return next & ~QCSR_BUSY;
    }

    /**
     * iohpmevtX.eventID is WARL: an ID the implementation does not count (config {@code hpm_events}; custom
     * IDs are not modelled) reads back as 0, "no event" (model choice of the legal value).
     */
    private static long eventSelector(long value, IommuConfig.Warl warl) {
        long id = value & HPMEVT_EVENT_MASK;
        if (id > HPM_MAX_EVENT || !warl.countsEvent(id)) id = 0;
        return (value & ~HPMEVT_EVENT_MASK) | id;
    }

    private int inhibitWritableMask() {
        int n = config.hpmCounters();
        return (int) ((1L << (n + 1)) - 1);
    }

    /** Implemented bits of iohpmctrX. */
    public long counterMask() {
        int w = config.hpmCounterWidth();
        return w >= 64 ? -1L : (1L << w) - 1;
    }

    /** Implemented bits of iohpmcycles.counter (at most 63). */
    public long cyclesCounterMask() {
        int w = Math.min(config.hpmCounterWidth(), 63);
        return (1L << w) - 1;
    }

    private int iocountovf() {
        int v = (int) (iohpmcycles >>> 63);
        for (int x = 1; x <= config.hpmCounters(); x++) {
            v |= (int) (iohpmevt[x] >>> 63) << x;
        }
        return v;
    }

    /** Physical address bits that exist in a physical address space of capabilities.PAS bits. */
    public long physicalAddressMask() {
        int pas = caps.pas();
        if (pas == 0 || pas >= 64) return -1L;
        return (1L << pas) - 1;
    }

    /** PPN bits (at [53:10]) that exist in a physical address space of capabilities.PAS bits. */
    private long physicalAddressPpnMask() {
        int pas = caps.pas();
        if (pas == 0 || pas >= 56) return DDTP_PPN_MASK;
        if (pas <= 12) return 0;
        return ((1L << (pas - 12)) - 1) << 10;
    }

    private static void checkAccess(int offset, int size) {
        if (size != 4 && size != 8) {
            throw new IllegalArgumentException("register access size must be 4 or 8 bytes, got " + size
                    + " (spec: other sizes are UNSPECIFIED)");
        }
        if (offset < 0 || offset + size > 4096 || (offset & (size - 1)) != 0) {
            throw new IllegalArgumentException("register offset 0x" + Integer.toHexString(offset)
                    + " is outside the 4 KiB page or not aligned to " + size + " bytes");
        }
    }

    // ---------------------------------------------------------------- decoded views

    public Capabilities capabilities() { return caps; }
    public IommuMode mode() { return IommuMode.of((int) (ddtp & DDTP_MODE_MASK)); }
    public long ddtp() { return ddtp; }
    public int fctl() { return fctl; }
    public boolean bigEndian() { return (fctl & IommuConfig.FCTL_BE) != 0; }
    public boolean wsi() { return (fctl & IommuConfig.FCTL_WSI) != 0; }
    public long cqb() { return cqb; }
    public long fqb() { return fqb; }
    public long pqb() { return pqb; }
    public int cqh() { return cqh; }
    public int cqt() { return cqt; }
    public int fqh() { return fqh; }
    public int fqt() { return fqt; }
    public int pqh() { return pqh; }
    public int pqt() { return pqt; }
    public int cqcsr() { return cqcsr; }
    public int fqcsr() { return fqcsr; }
    public int pqcsr() { return pqcsr; }
    public int ipsr() { return ipsr; }
    public int iocountinh() { return iocountinh; }
    public long iohpmcycles() { return iohpmcycles; }
    public long iohpmctr(int x) { return iohpmctr[x]; }
    public long iohpmevt(int x) { return iohpmevt[x]; }
    public long trReqIova() { return trReqIova; }
    public long trReqCtl() { return trReqCtl; }
    public long trResponse() { return trResponse; }
    public long icvec() { return icvec; }
    public long msiAddr(int x) { return msiAddr[x]; }
    public int msiData(int x) { return msiData[x]; }
    public int msiVecCtl(int x) { return msiVecCtl[x]; }
    public boolean cqtUnspecified() { return cqtUnspecified; }
    public boolean fqhUnspecified() { return fqhUnspecified; }
    public boolean pqhUnspecified() { return pqhUnspecified; }

    /** Base physical address of a queue from its cqb/fqb/pqb value. */
    public static long queueBaseAddress(long qb) { return ((qb & QB_PPN_MASK) >>> 10) << 12; }

    /** Number of entries of a queue from its cqb/fqb/pqb value: 2^(LOG2SZ-1 + 1). */
    public static long queueEntries(long qb) {
        return 1L << ((qb & QB_LOG2SZ_MASK) + 1);
    }

    /** The writable bits of a queue's index register: LOG2SZ-1:0 (all 32 for a 2^32-entry queue). */
    private static int indexMask(long qb) { return (int) (queueEntries(qb) - 1); }

    /** The icvec vector of an ipsr bit (0 cip, 1 fip, 2 pmip, 3 pip). */
    public int vectorOf(int ipsrBit) { return (int) ((icvec >>> (4 * ipsrBit)) & 0xf); }

    // ---------------------------------------------------------------- IOMMU-side updates

    public void hwSetCqh(int index) { cqh = index; }

    /** The registers {@link #adopt} can set: those the IOMMU itself updates, and the WARL ones software programs. */
    public static final int[] ADOPTABLE = {FCTL, DDTP, CQB, CQH, CQT, FQB, FQH, FQT, PQB, PQH, PQT, CQCSR, FQCSR,
            PQCSR, IPSR};

    /**
     * Sets a register to the value an implementation showed, bypassing the rules of software writes:
     * for a checker that, after a known (waived) divergence, goes on from the state the implementation
     * is in. {@code offset} is one of {@link #ADOPTABLE}; 8-byte registers take the whole value.
     */
    public void adopt(int offset, long value) {
        int v = (int) value;
        switch (offset) {
            case FCTL: fctl = v; break;
            case DDTP: ddtp = value; break;
            case CQB: cqb = value; break;
            case FQB: fqb = value; break;
            case PQB: pqb = value; break;
            case CQH: cqh = v; break;
            case CQT: cqt = v; cqtUnspecified = false; break;
            case FQH: fqh = v; fqhUnspecified = false; break;
            case FQT: fqt = v; break;
            case PQH: pqh = v; pqhUnspecified = false; break;
            case PQT: pqt = v; break;
            case CQCSR: cqcsr = v; break;
            case FQCSR: fqcsr = v; break;
            case PQCSR: pqcsr = v; break;
            case IPSR: ipsr = v; break;
            default: throw new IllegalArgumentException("register at offset " + offset + " cannot be adopted");
        }
    }
    public void hwSetCqcsrBits(int bits) { cqcsr |= bits; }
    public void hwSetFqt(int index) { fqt = index; }
    public void hwSetFqcsrBits(int bits) { fqcsr |= bits; }
    public void hwSetPqt(int index) { pqt = index; }
    public void hwSetPqcsrBits(int bits) { pqcsr |= bits; }
    public void hwSetIpsrBits(int bits) { ipsr |= bits; }
    public void hwSetIohpmcycles(long value) { iohpmcycles = value; }
    public void hwSetIohpmctr(int x, long value) { iohpmctr[x] = value & counterMask(); }
    public void hwSetIohpmevtOf(int x) { iohpmevt[x] |= HPMEVT_OF; }
    /** Completes a debug translation: clears Go/Busy and sets tr_response. */
    public void hwCompleteDebugTranslation(long response) {
        trResponse = response;
        trReqCtl &= ~TR_CTL_GO;
    }
}
