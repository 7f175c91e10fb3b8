package dev.lockstep.refmodel.regs;

/**
 * The IOMMU's memory-mapped register file (spec: chapter "Memory-mapped register interface").
 *
 * <p>Registers are little-endian; accesses are 4 or 8 bytes, naturally aligned. An 8-byte access to
 * a 4-byte register pair is two 4-byte accesses. Offsets not implemented here read 0 and ignore
 * writes, as absent optional registers do.
 */
public final class RegisterFile {

    public static final int CAPABILITIES = 0;
    public static final int FCTL = 8;
    public static final int DDTP = 16;

    /** ddtp fields: iommu_mode[3:0], busy[4], PPN[53:10]. */
    public static final long DDTP_MODE_MASK = 0xfL;
    public static final long DDTP_BUSY = 1L << 4;
    public static final long DDTP_PPN_MASK = ((1L << 44) - 1) << 10;

    private final IommuConfig config;
    private int fctl;
    private long ddtp;

    public RegisterFile(IommuConfig config) {
        this.config = config;
        reset();
    }

    public IommuConfig config() { return config; }

    /** The spec's reset state (spec: "Reset behavior"); fields it leaves UNSPECIFIED reset to 0 here. */
    public void reset() {
        fctl = config.fctlReset();
        ddtp = config.resetMode().encoding;
    }

    public IommuMode mode() { return IommuMode.of((int) (ddtp & DDTP_MODE_MASK)); }

    public long ddtp() { return ddtp; }

    public int fctl() { return fctl; }

    /** Reads {@code size} (4 or 8) bytes at {@code offset}. */
    public long read(int offset, int size) {
        checkAccess(offset, size);
        if (size == 8) {
            return (read32(offset) & 0xffffffffL) | ((long) read32(offset + 4) << 32);
        }
        return read32(offset) & 0xffffffffL;
    }

    /** Writes {@code size} (4 or 8) bytes at {@code offset}; an 8-byte write acts high half first. */
    public void write(int offset, int size, long value) {
        checkAccess(offset, size);
        if (size == 8 && isEightByteRegister(offset)) {
            write64(offset, value);
        } else if (size == 8) {
            write32(offset + 4, (int) (value >>> 32));
            write32(offset, (int) value);
        } else {
            write32(offset, (int) value);
        }
    }

    private static boolean isEightByteRegister(int offset) {
        return offset == CAPABILITIES || offset == DDTP;
    }

    private int read32(int offset) {
        int base = offset & ~7;
        int shift = (offset & 4) * 8;
        switch (base) {
            case CAPABILITIES: return (int) (config.capabilities().value() >>> shift);
            case FCTL: return shift == 0 ? fctl : 0;
            case DDTP: return (int) (ddtp >>> shift);
            default: return 0;
        }
    }

    private void write32(int offset, int value) {
        int base = offset & ~7;
        if (base == DDTP) {
            long v = (offset & 4) == 0
                    ? (ddtp & ~0xffffffffL) | (value & 0xffffffffL)
                    : (ddtp & 0xffffffffL) | ((long) value << 32);
            write64(DDTP, v);
        } else if (offset == FCTL) {
            writeFctl(value);
        }
    }

    private void write64(int offset, long value) {
        if (offset == DDTP) {
            writeDdtp(value);
        }
        // capabilities is read-only.
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
     * this model completes mode changes at once, so busy reads 0.
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

    /** PPN bits that exist in a physical address space of capabilities.PAS bits. */
    private long physicalAddressPpnMask() {
        int pas = config.capabilities().pas();
        if (pas <= 12) return 0;
        if (pas >= 56) return DDTP_PPN_MASK;
        return ((1L << (pas - 12)) - 1) << 10;
    }

    private static void checkAccess(int offset, int size) {
        if (size != 4 && size != 8) {
            throw new IllegalArgumentException("register access size must be 4 or 8 bytes, got " + size);
        }
        if (offset < 0 || offset + size > 4096 || (offset & (size - 1)) != 0) {
            throw new IllegalArgumentException("register offset 0x" + Integer.toHexString(offset)
                    + " is outside the 4 KiB page or not aligned to " + size + " bytes");
        }
    }
}
