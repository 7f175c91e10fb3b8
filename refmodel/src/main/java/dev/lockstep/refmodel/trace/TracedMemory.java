package dev.lockstep.refmodel.trace;

import dev.lockstep.refmodel.mem.PhysicalMemory;

/**
 * The IOMMU's implicit accesses to its in-memory structures: each read asks the memory for its
 * status first (an access fault or data corruption wins over the contents, spec "Process to locate
 * the Device-context" steps 3-4 and the privileged spec's step 2), applies the structure's byte
 * order (spec "Endianness of in-memory data structures") and records the access in the trace.
 */
public final class TracedMemory {

    private PhysicalMemory memory;
    private WalkTrace trace;
    private int status;

    public TracedMemory(PhysicalMemory memory, WalkTrace trace) {
        this.memory = memory;
        this.trace = trace;
    }

    public PhysicalMemory memory() { return memory; }
    public void memory(PhysicalMemory m) { this.memory = m; }
    public WalkTrace trace() { return trace; }
    /** Directs the following accesses' records to {@code t}. */
    public void trace(WalkTrace t) { this.trace = t; }

    /** Status of the last read: OK, ACCESS_FAULT or DATA_CORRUPTION. */
    public int status() { return status; }

    /** Reads the doubleword at {@code pa} in the given byte order; 0 when the access faults. */
    public long read64(long pa, boolean bigEndian, int role, int level) {
        status = memory.status(pa);
        long v = 0;
        if (status != PhysicalMemory.ACCESS_FAULT) {
            v = memory.load64(pa);
            if (bigEndian) v = Long.reverseBytes(v);
        }
        trace.recordRead(pa, v, role, level, status, 8);
        return v;
    }

    /** Reads the 4-byte word at {@code pa} (Sv32 PTEs), zero-extended; 0 when the access faults. */
    public long read32(long pa, boolean bigEndian, int role, int level) {
        status = memory.status(pa);
        long v = 0;
        if (status != PhysicalMemory.ACCESS_FAULT) {
            v = memory.load32(pa);
            if (bigEndian) v = Integer.reverseBytes((int) v) & 0xffffffffL;
        }
        trace.recordRead(pa, v, role, level, status, 4);
        return v;
    }

    /** Writes (atomic A/D update) {@code value} of {@code size} bytes at {@code pa} and records it. */
    public void write(long pa, long value, int size, boolean bigEndian, int role) {
        if (size == 8) {
            memory.store64(pa, bigEndian ? Long.reverseBytes(value) : value);
        } else {
            int v = (int) value;
            memory.store32(pa, bigEndian ? Integer.reverseBytes(v) : v);
        }
        trace.recordWrite(pa, value, role, size);
    }
}
