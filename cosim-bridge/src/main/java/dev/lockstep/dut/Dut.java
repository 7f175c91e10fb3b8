package dev.lockstep.dut;

/**
 * A device under test seen through the C ABI of {@code lockstep_dut.h}: register accesses, its memory
 * image, translation requests and a clock that runs until something observable happens.
 *
 * <p>An instance must be used from one thread only (Verilated models are evaluated on the thread that
 * created them).
 */
public interface Dut extends AutoCloseable {

    /** Words per event record returned by {@link #run}. */
    int EVENT_WORDS = 8;

    int EV_COMPLETION = 1;
    int EV_MEM_WRITE = 2;
    int EV_IRQ = 3;
    int EV_MESSAGE = 4;
    /** An outbound PCIe message (ATS.INVAL, ATS.PRGR): w[2] type/PV/DSV/RID/DSEG/PID, w[3] payload (ABI 2). */
    int EV_MESSAGE_OUT = 5;
    int MSG_INVALIDATION_REQUEST = 0;
    int MSG_PAGE_REQUEST_GROUP_RESPONSE = 1;
    /** ABI 6: the IOMMU took request w[2] (its tag) from its request interface at cycle w[1]. */
    int EV_ACCEPT = 6;
    /** ABI 6: cqh changed to w[2] at cycle w[1] (an IOFENCE.C completes when cqh passes it). */
    int EV_CQ_HEAD = 7;
    /**
     * ABI 7: the IOMMU moved a queue's tail: w[2] the queue ({@link #QUEUE_FAULT}, {@link #QUEUE_PAGE_REQUEST}),
     * w[3] the new tail, w[1] the first cycle software reading the tail sees it ("data before tail").
     */
    int EV_QUEUE_TAIL = 8;
    int QUEUE_FAULT = 1;
    int QUEUE_PAGE_REQUEST = 2;
    /**
     * ABI 7: an "Invalidation Completion" message reached the IOMMU at cycle w[1]: w[2] its RID (the device's
     * requester id), w[3] its ITAG vector (bit i: ITAG i completed); an IOFENCE.C may not complete before the
     * completions of the ATS.INVALs ahead of it.
     */
    int EV_INVAL_COMPLETION = 9;
    int EV_IDLE = 15;

    int REQ_PRIV = 1;
    int REQ_NW = 2;
    int REQ_EXEC = 4;
    /** ATS translation request from a CXL type 1/2 device (ABI 4). */
    int REQ_CXL = 8;
    /** Page Request with a valid destination segment, device_id[23:16] (ABI 4). */
    int REQ_DSV = 16;

    /** Identity of the DUT build (design, source hash, simulator version) for reports. */
    String buildId();

    /** Resets the DUT with the planted bugs {@code mutant} selects (up to four ids, one per byte; 0 = none) and clears its memory. */
    void reset(int mutant) throws DutException;

    long mmioRead(int offset, int size) throws DutException;

    void mmioWrite(int offset, int size, long value) throws DutException;

    /** Writes software data into the DUT's memory image (not an IOMMU write). */
    void memWrite(long addr, byte[] data) throws DutException;

    /** Reads {@code len} bytes of the DUT's memory image at {@code addr}. */
    byte[] memRead(long addr, int len) throws DutException;

    /**
     * Reads {@code into.capacity()} bytes of the DUT's memory image at {@code addr} into a buffer (a
     * direct one saves the native library's DUT a copy); position and limit are left alone.
     */
    default void memRead(long addr, java.nio.ByteBuffer into) throws DutException {
        into.duplicate().clear().put(memRead(addr, into.capacity()));
    }

    /** Makes IOMMU accesses to the 8-byte word at {@code addr} fail (1 access fault, 2 corruption, 0 none). */
    void memError(long addr, int kind) throws DutException;

    void submit(int tag, int deviceId, boolean processValid, int processId, long iova, int ttyp, int flags)
            throws DutException;

    /**
     * Queues an inbound PCIe "Page Request" message (ABI 3) from {@code deviceId}, with a PASID when
     * {@code processValid}; {@code flags} {@link #REQ_PRIV} and {@link #REQ_EXEC} (with a PASID),
     * {@link #REQ_DSV} (ABI 4); {@code payload} is the
     * page-request record's dw1 (R [0], W [1], L [2], PRG index [11:3], page address [63:12]).
     */
    void pageRequest(int deviceId, boolean processValid, int processId, int flags, long payload) throws DutException;

    /**
     * Runs at most {@code maxCycles} cycles, until the DUT is idle or {@code events} is full. Returns the
     * number of {@link #EVENT_WORDS}-word records written to {@code events}; the last one is
     * {@link #EV_IDLE} when the DUT became idle.
     */
    int run(long maxCycles, long[] events) throws DutException;

    long cycles();

    /**
     * Starts (path) or stops (null) a waveform dump: FST for a name ending in .fst, else VCD; a DUT that
     * cannot write the format asked for throws (lockstep_dut.h lockstep_trace).
     */
    void trace(String path) throws DutException;

    /**
     * While a waveform is being dumped: the dump's {@code lockstep} scope shows {@code actionIndex} and
     * the seed's {@code divergences} so far from the current cycle on (ABI 5, lockstep_trace_marker). A DUT
     * without that scope ignores it; called once per action, only while tracing.
     */
    default void traceMarker(int actionIndex, int divergences) throws DutException { }

    /** What the RTL printed so far ($display). */
    String messages();

    @Override
    void close();

    /**
     * Whether this DUT takes several requests outstanding together and reports when it accepts each one
     * and each change of cqh (C ABI 6), so that windows of overlapping traffic can be checked.
     */
    default boolean overlaps() { return false; }
}
