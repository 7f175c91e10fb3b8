package dev.lockstep.engine;

import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * A fault record whose write faulted is discarded and fqmf set (spec: Fault/Event-Queue, fqmf); the slot
 * at fqt is not a record until fqt moves past it, so the words the DUT stored there before the faulting
 * beat are not compared: they are taken into the model's memory image as they are. Likewise a
 * page-request record (spec: Page-Request-Queue, pqmf).
 */
final class DiscardedRecordWrites {
    private final SeedContext seed;
    /** The model's fqcsr and pqcsr before the current action: a record write that faulted sets mf during it. */
    private int fqcsrBefore;
    private int pqcsrBefore;

    DiscardedRecordWrites(SeedContext seed) {
        this.seed = seed;
    }

    /** Before each action. */
    void actionStarted() {
        fqcsrBefore = seed.model.registers().fqcsr();
        pqcsrBefore = seed.model.registers().pqcsr();
    }

    /** Takes the DUT's writes to a slot whose record this action discarded out of its list of writes, into the model's memory. */
    void accept() {
        RegisterFile regs = seed.model.registers();
        accept(fqcsrBefore, regs.fqcsr(), regs.fqb(), regs.fqt(), 32);
        accept(pqcsrBefore, regs.pqcsr(), regs.pqb(), regs.pqt(), 16);
    }

    /** The slot at the tail of a queue whose mf bit this action set: its writes are taken as they are. */
    private void accept(int csrBefore, int csr, long base, int tail, int recordBytes) {
        boolean mfSet = (csrBefore & RegisterFile.QCSR_MF) == 0 && (csr & RegisterFile.QCSR_MF) != 0;
        if (!mfSet) return;
        acceptSlotWrites(RegisterFile.queueBaseAddress(base) + recordBytes * Integer.toUnsignedLong(tail), recordBytes);
    }

    private void acceptSlotWrites(long slot, int bytes) {
        DutObservations observed = seed.observed;
        observed.removeWrites(i -> {
            long a = observed.writeAddr[i] & ~7L;
            if (a < slot || a >= slot + bytes) return false;
            long mask = MemoryWriteCheck.strobeMask(observed.writeStrobe[i]);
            seed.memory.store64(a, (seed.memory.load64(a) & ~mask) | (observed.writeData[i] & mask));
            return true;
        });
    }
}
