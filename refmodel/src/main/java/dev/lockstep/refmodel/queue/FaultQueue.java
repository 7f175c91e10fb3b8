package dev.lockstep.refmodel.queue;

import static dev.lockstep.refmodel.regs.RegisterFile.*;

import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.effect.ImplicitMemory;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.interrupt.InterruptController;
import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * The fault/event queue (spec: "Fault/Event-Queue"). The IOMMU is the producer: it writes a 32-byte
 * record at fqt and advances fqt. A record is discarded when the queue is off, when fqof or fqmf is
 * already set, when the queue is full (fqt == fqh - 1: sets fqof) or when the store faults (sets
 * fqmf); while either error bit is set every later record is discarded too.
 */
public final class FaultQueue {

    public static final int RECORD_BYTES = 32;

    /** What became of a reported record. */
    public static final int WRITTEN = 0;
    public static final int DROPPED_OFF = 1;
    public static final int DROPPED_ERROR_PENDING = 2;
    public static final int DROPPED_OVERFLOW = 3;
    public static final int DROPPED_MEMORY_FAULT = 4;
    /** Left out: identical to a record written before, and the IOMMU checked against reported it once. */
    public static final int LEFT_OUT_IDENTICAL = 5;

    private final RegisterFile regs;
    private final ImplicitMemory memory;
    private final InterruptController interrupts;
    private long recordsWritten;
    private long recordsDropped;
    /** Every record written so far: a later identical fault may be reported through one of them. */
    private final java.util.Set<FaultRecord> written = new java.util.HashSet<>();
    private long recordsLeftOut;
    private java.util.function.BooleanSupplier leaveOutIdentical = () -> false;

    public FaultQueue(RegisterFile regs, ImplicitMemory memory, InterruptController interrupts) {
        this.regs = regs;
        this.memory = memory;
        this.interrupts = interrupts;
    }

    public long recordsWritten() { return recordsWritten; }
    public long recordsDropped() { return recordsDropped; }

    /**
     * Whether a record identical to {@code record} (every field) was written to the queue before. The spec
     * (Fault/Event-Queue): "The IOMMU may identify multiple requests as having detected an identical fault.
     * In such cases the IOMMU may report each of those faults individually, or report the fault for a
     * subset, including one, of requests." So such a fault need not be reported again.
     */
    public boolean wroteIdentical(FaultRecord record) { return written.contains(record); }

    /**
     * While set, a record identical to one already written is left out when {@code when} says so (the
     * IOMMU being checked reported it once); it is asked only for such a record, while the queue records.
     * {@code null} restores the default: every fault is reported.
     */
    public void leaveOutIdenticalWhen(java.util.function.BooleanSupplier when) {
        this.leaveOutIdentical = when == null ? () -> false : when;
    }

    /** Records left out as identical to one written before ({@link #leaveOutIdenticalWhen}). */
    public long recordsLeftOut() { return recordsLeftOut; }

    /** Queues a fault record; returns WRITTEN or why it was dropped. */
    public int report(FaultRecord record) {
        int csr = regs.fqcsr();
        if ((csr & QCSR_ON) == 0) return drop(DROPPED_OFF);
        if ((csr & (QCSR_OF | QCSR_MF)) != 0) return drop(DROPPED_ERROR_PENDING);
        if (written.contains(record) && leaveOutIdentical.getAsBoolean()) {
            recordsLeftOut++;
            return LEFT_OUT_IDENTICAL;
        }
        long n = RegisterFile.queueEntries(regs.fqb());
        int tail = regs.fqt();
        int next = (int) (((tail & 0xffffffffL) + 1) % n);
        if (next == regs.fqh()) {
            regs.hwSetFqcsrBits(QCSR_OF);
            interrupts.update();
            return drop(DROPPED_OVERFLOW);
        }
        long pa = RegisterFile.queueBaseAddress(regs.fqb()) + (tail & 0xffffffffL) * RECORD_BYTES;
        for (int i = 0; i < 4; i++) {
            if (!memory.storable(pa + 8L * i)) {
                regs.hwSetFqcsrBits(QCSR_MF);
                interrupts.update();
                return drop(DROPPED_MEMORY_FAULT);
            }
        }
        memory.store64(EffectSink.WRITE_FAULT_RECORD, pa, record.dword0());
        memory.store64(EffectSink.WRITE_FAULT_RECORD, pa + 8, 0);
        memory.store64(EffectSink.WRITE_FAULT_RECORD, pa + 16, record.iotval());
        memory.store64(EffectSink.WRITE_FAULT_RECORD, pa + 24, record.iotval2());
        regs.hwSetFqt(next);
        recordsWritten++;
        written.add(record);
        interrupts.faultRecordProduced();
        return WRITTEN;
    }

    private int drop(int why) {
        recordsDropped++;
        return why;
    }
}
