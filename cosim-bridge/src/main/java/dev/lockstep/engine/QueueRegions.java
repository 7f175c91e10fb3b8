package dev.lockstep.engine;

import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * Where the IOMMU's in-memory queues lie, by the model's queue registers: which structure a written word
 * lies in (for signatures), and what the DUT wrote into the fault queue during the action.
 */
final class QueueRegions {
    private final SeedContext seed;

    QueueRegions(SeedContext seed) {
        this.seed = seed;
    }

    /** Which IOMMU structure a word lies in. */
    String region(long pa) {
        RegisterFile regs = seed.model.registers();
        if (inFaultQueue(pa)) return MemoryWriteCheck.FAULT_QUEUE;
        if (inQueue(pa, regs.pqb(), 16)) return "the page-request queue";
        if (inQueue(pa, regs.cqb(), 16)) return "the command queue";
        return "other memory";
    }

    private static boolean inQueue(long pa, long qb, int recordBytes) {
        long base = RegisterFile.queueBaseAddress(qb);
        return pa >= base && pa < base + (long) recordBytes * RegisterFile.queueEntries(qb);
    }

    boolean inFaultQueue(long pa) {
        long fqb = seed.model.registers().fqb();
        long base = RegisterFile.queueBaseAddress(fqb);
        return pa >= base && pa < base + 32L * RegisterFile.queueEntries(fqb);
    }

    /** The CAUSE of the fault record the DUT wrote during this action (its first word), or -1. */
    int recordedCause() {
        DutObservations observed = seed.observed;
        long base = RegisterFile.queueBaseAddress(seed.model.registers().fqb());
        for (int i = 0; i < observed.writes; i++) {
            long a = observed.writeAddr[i] & ~7L;
            if (inFaultQueue(a) && ((a - base) & 31) == 0 && (observed.writeStrobe[i] & 3) == 3) {
                return (int) (observed.writeData[i] & 0xfff);
            }
        }
        return -1;
    }

    /** Whether the DUT wrote into the fault queue during this action. */
    boolean wroteFaultQueue() {
        for (int i = 0; i < seed.observed.writes; i++) {
            if (inFaultQueue(seed.observed.writeAddr[i])) return true;
        }
        return false;
    }
}
