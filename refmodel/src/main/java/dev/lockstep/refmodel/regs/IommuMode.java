package dev.lockstep.refmodel.regs;

/** {@code ddtp.iommu_mode} encodings (spec: Registers, "Device-directory-table pointer"). */
public enum IommuMode {
    OFF(0), BARE(1), LVL1(2), LVL2(3), LVL3(4);

    public final int encoding;

    IommuMode(int encoding) { this.encoding = encoding; }

    /** The mode for an encoding, or null for the reserved (5-13) and custom (14-15) values. */
    public static IommuMode of(int encoding) {
        for (IommuMode m : values()) {
            if (m.encoding == encoding) return m;
        }
        return null;
    }

    /** Number of device-directory levels walked in this mode (0 for Off and Bare). */
    public int levels() { return this == LVL1 ? 1 : this == LVL2 ? 2 : this == LVL3 ? 3 : 0; }
}
