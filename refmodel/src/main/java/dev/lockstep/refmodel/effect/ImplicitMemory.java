package dev.lockstep.refmodel.effect;

import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * The IOMMU's own accesses to memory for queues, IOFENCE.C and MSIs (spec: fctl.BE, "accesses to
 * in-memory queues ... and for MSI generation"): applies the byte order of fctl.BE, checks the access
 * (a PMA/PMP violation, corrupted data or an address beyond capabilities.PAS is a memory fault) and
 * reports every store to the {@link EffectSink}.
 */
public final class ImplicitMemory {

    private final PhysicalMemory memory;
    private final RegisterFile regs;
    private final EffectSink sink;

    public ImplicitMemory(PhysicalMemory memory, RegisterFile regs, EffectSink sink) {
        this.memory = memory;
        this.regs = regs;
        this.sink = sink;
    }

    public PhysicalMemory memory() { return memory; }

    /** Whether a load of the word at {@code pa} completes without an access fault or corrupted data. */
    public boolean loadable(long pa) {
        return inRange(pa) && memory.status(pa) == PhysicalMemory.OK;
    }

    /** Whether a store to the word at {@code pa} completes without an access fault. */
    public boolean storable(long pa) {
        return inRange(pa) && memory.status(pa) != PhysicalMemory.ACCESS_FAULT;
    }

    /**
     * How an access to the word at {@code pa} completes: {@link PhysicalMemory#OK},
     * {@link PhysicalMemory#ACCESS_FAULT} (also for an address beyond capabilities.PAS) or
     * {@link PhysicalMemory#DATA_CORRUPTION}.
     */
    public int status(long pa) {
        return inRange(pa) ? memory.status(pa) : PhysicalMemory.ACCESS_FAULT;
    }

    private boolean inRange(long pa) {
        return (pa & ~regs.physicalAddressMask()) == 0;
    }

    /** Loads a doubleword of an IOMMU structure in fctl.BE byte order. */
    public long load64(long pa) {
        long v = memory.load64(pa);
        return regs.bigEndian() ? Long.reverseBytes(v) : v;
    }

    /** Stores a doubleword in fctl.BE byte order; false (nothing stored) on an access fault. */
    public boolean store64(int kind, long pa, long value) {
        if (!storable(pa)) return false;
        long v = regs.bigEndian() ? Long.reverseBytes(value) : value;
        memory.store64(pa, v);
        sink.memoryWrite(kind, pa, 8, v);
        return true;
    }

    /**
     * Atomically ORs {@code bits} (fctl.BE byte order) into the doubleword at {@code pa} and reports the
     * operand; false (nothing stored) on an access fault.
     */
    public boolean amoOr64(int kind, long pa, long bits) {
        if (!storable(pa)) return false;
        long v = regs.bigEndian() ? Long.reverseBytes(bits) : bits;
        memory.store64(pa, memory.load64(pa) | v);
        sink.memoryWrite(kind, pa, 8, v);
        return true;
    }

    /** Stores a 4-byte word in fctl.BE byte order; false (nothing stored) on an access fault. */
    public boolean store32(int kind, long pa, int value) {
        if (!storable(pa)) return false;
        int v = regs.bigEndian() ? Integer.reverseBytes(value) : value;
        memory.store32(pa, v);
        sink.memoryWrite(kind, pa, 4, v & 0xffffffffL);
        return true;
    }
}
