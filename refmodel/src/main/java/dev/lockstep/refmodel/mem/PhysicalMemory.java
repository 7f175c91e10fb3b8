package dev.lockstep.refmodel.mem;

/**
 * The system memory the IOMMU reads its data structures from and writes its records to.
 *
 * <p>Accesses are naturally aligned 4- or 8-byte little-endian loads and stores of physical
 * addresses; byte order of the IOMMU's structures (fctl.BE, tc.SBE) is applied by the caller. An
 * access may fail: {@link #status(long)} tells, before the load or store, whether the word at an
 * address answers with an access fault (PMA/PMP violation) or with corrupted data. Implementations
 * are a sparse image for tests, the co-simulation's mirror of the DUT memory, or a log's snapshot.
 */
public interface PhysicalMemory {

    /** The access completes normally. */
    int OK = 0;
    /** The access is denied (spec: "access fault", PMA or PMP violation). */
    int ACCESS_FAULT = 1;
    /** The data returned is corrupted (spec: "data corruption", e.g. poisoned data). */
    int DATA_CORRUPTION = 2;

    /** How an access to the 8-byte word containing {@code pa} completes: OK, ACCESS_FAULT or DATA_CORRUPTION. */
    int status(long pa);

    /** Loads the 8-byte little-endian word at {@code pa} (8-byte aligned); unwritten memory reads 0. */
    long load64(long pa);

    /** Stores the 8-byte little-endian word at {@code pa} (8-byte aligned). */
    void store64(long pa, long value);

    /** Loads the 4-byte word at {@code pa} (4-byte aligned), zero-extended. */
    /** {@link #adLatitude} kind: the IOMMU may also set {@code bits} in the word (they are optional). */
    int AD_MAY_SET = 1;
    /**
     * {@link #adLatitude} kind: the A/D store the walk makes to this word next is required only when the
     * request is ultimately performed (its translation succeeds and grants a permission); otherwise the
     * IOMMU may leave any of its bits out.
     */
    int AD_IF_PERFORMED = 2;

    /**
     * Told by a page-table walk where the spec lets the IOMMU choose its A/D updates ({@code bits} in this
     * memory's byte order, for the 8-byte word at {@code pa & ~7}). Memories that only hold data ignore it;
     * the caching model collects it for the checker.
     */
    default void adLatitude(long pa, long bits, int kind) { }

    default long load32(long pa) {
        long word = load64(pa & ~7L);
        return (pa & 4) == 0 ? word & 0xffffffffL : word >>> 32;
    }

    /** Stores the 4-byte word at {@code pa} (4-byte aligned). */
    default void store32(long pa, int value) {
        long aligned = pa & ~7L;
        long word = load64(aligned);
        long v = value & 0xffffffffL;
        word = (pa & 4) == 0 ? (word & 0xffffffff00000000L) | v : (word & 0xffffffffL) | (v << 32);
        store64(aligned, word);
    }
}
