package dev.lockstep.refmodel.regs;

/**
 * The read-only {@code capabilities} register (spec: Registers, "IOMMU capabilities") with its fields
 * decoded. Every feature-dependent behaviour of the model asks this object.
 */
public record Capabilities(long value) {

    public int version() { return (int) (value & 0xff); }
    public boolean sv32() { return bit(8); }
    public boolean sv39() { return bit(9); }
    public boolean sv48() { return bit(10); }
    public boolean sv57() { return bit(11); }
    public boolean svrsw60t59b() { return bit(14); }
    public boolean svpbmt() { return bit(15); }
    public boolean sv32x4() { return bit(16); }
    public boolean sv39x4() { return bit(17); }
    public boolean sv48x4() { return bit(18); }
    public boolean sv57x4() { return bit(19); }
    public boolean amoMrif() { return bit(21); }
    public boolean msiFlat() { return bit(22); }
    public boolean msiMrif() { return bit(23); }
    public boolean amoHwad() { return bit(24); }
    public boolean ats() { return bit(25); }
    public boolean t2gpa() { return bit(26); }
    public boolean end() { return bit(27); }
    /** Interrupt generation support: 0 MSI, 1 WSI, 2 both. */
    public int igs() { return (int) ((value >>> 28) & 3); }
    public boolean hpm() { return bit(30); }
    public boolean dbg() { return bit(31); }
    public int pas() { return (int) ((value >>> 32) & 0x3f); }
    public boolean pd8() { return bit(38); }
    public boolean pd17() { return bit(39); }
    public boolean pd20() { return bit(40); }
    public boolean qosid() { return bit(41); }
    public boolean nl() { return bit(42); }
    public boolean s() { return bit(43); }

    /** Device contexts are 64 bytes (extended format) when MSI_FLAT is supported, else 32. */
    public boolean extendedDeviceContext() { return msiFlat(); }

    public static final int IGS_MSI = 0;
    public static final int IGS_WSI = 1;
    public static final int IGS_BOTH = 2;

    private boolean bit(int n) { return ((value >>> n) & 1) != 0; }

    /** Builder for tests and configurations: start from version 1.0 and set features. */
    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private long v = 0x10;

        public Builder set(int bit) { v |= 1L << bit; return this; }
        public Builder sv39() { return set(9); }
        public Builder sv48() { return set(10); }
        public Builder sv57() { return set(11); }
        public Builder sv32() { return set(8); }
        public Builder svpbmt() { return set(15); }
        public Builder sv32x4() { return set(16); }
        public Builder sv39x4() { return set(17); }
        public Builder sv48x4() { return set(18); }
        public Builder sv57x4() { return set(19); }
        public Builder msiFlat() { return set(22); }
        public Builder msiMrif() { return set(23); }
        public Builder amoMrif() { return set(21); }
        public Builder amoHwad() { return set(24); }
        public Builder ats() { return set(25); }
        public Builder t2gpa() { return set(26); }
        public Builder end() { return set(27); }
        public Builder igs(int igs) { v = (v & ~(3L << 28)) | ((long) (igs & 3) << 28); return this; }
        public Builder hpm() { return set(30); }
        public Builder dbg() { return set(31); }
        public Builder pas(int pas) { v = (v & ~(0x3fL << 32)) | ((long) (pas & 0x3f) << 32); return this; }
        public Builder pd8() { return set(38); }
        public Builder pd17() { return set(39); }
        public Builder pd20() { return set(40); }
        public Builder qosid() { return set(41); }
        public Builder nl() { return set(42); }
        public Builder s() { return set(43); }
        public Capabilities build() { return new Capabilities(v); }
    }
}
