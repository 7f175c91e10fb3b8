package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import dev.lockstep.triage.Signature;
import java.util.List;

/**
 * Data before tail (C ABI 7, {@link Dut#EV_QUEUE_TAIL}): "The producer of data must ensure that the data written
 * to a queue and the tail update are ordered such that the consumer that observes an update to the tail
 * register must also observe all data produced into the queue between the offsets determined by the head and
 * the tail" (spec: "In-memory queue interface"). Each move of fqt or pqt the DUT reports covers the slots from
 * the tail before it to the new one; every record in them must have been written, each of its writes at an
 * earlier cycle than the one the new tail is first seen in (lockstep_dut.h, "Ordering": a write of cycle t
 * is after a call made at t, a level of cycle t before it). The record's contents are compared as always; this
 * is their order against the tail. A DUT that reports no tail moves (ABI 6 and older, a log without
 * {@code queue_tail} records) is not checked here. An action that writes the queue's base or CSR (which
 * may reset the tail to 0) is not checked for that queue.
 */
final class TailCheck {
    private final SeedContext seed;
    private long fqtBefore;
    private long pqtBefore;

    TailCheck(SeedContext seed) {
        this.seed = seed;
    }

    /** Before each action: the tails both sides agree on. */
    void actionStarted() {
        fqtBefore = seed.model.registers().fqt() & 0xffffffffL;
        pqtBefore = seed.model.registers().pqt() & 0xffffffffL;
    }

    /** The first record a tail move of this action covered before it was written; null when none. */
    Finding check(Action action) {
        DutObservations o = seed.observed;
        if (o.tails == 0) return null;
        RegisterFile regs = seed.model.registers();
        boolean checkFq = !WindowSteps.setsUpQueue(action, RegisterFile.FQB, RegisterFile.FQCSR);
        boolean checkPq = !WindowSteps.setsUpQueue(action, RegisterFile.PQB, RegisterFile.PQCSR);
        long fq = fqtBefore;
        long pq = pqtBefore;
        for (int i = 0; i < o.tails; i++) {
            boolean fault = o.tailQueue[i] == Dut.QUEUE_FAULT;
            if (!fault && o.tailQueue[i] != Dut.QUEUE_PAGE_REQUEST) continue;
            if (fault ? !checkFq : !checkPq) continue;
            long qb = fault ? regs.fqb() : regs.pqb();
            int bytes = fault ? 32 : 16;
            long entries = RegisterFile.queueEntries(qb);
            long from = fault ? fq : pq;
            long to = o.tailValue[i];
            // A tail outside the queue is the register's own divergence (fqt/pqt read back); what it covers is unknown.
            if (to >= entries || from >= entries) return null;
            Finding f = null;
            for (long slot = from, n = 0; slot != to && n < entries && f == null; slot = (slot + 1) % entries, n++) {
                f = slotWrittenBefore(fault, RegisterFile.queueBaseAddress(qb) + slot * bytes, bytes, slot, to,
                        o.tailCycle[i]);
            }
            if (f != null) return f;
            if (fault) fq = to;
            else pq = to;
        }
        return null;
    }

    /** A divergence unless the DUT wrote the record at {@code pa} in this action, all of it before {@code cycle}. */
    private Finding slotWrittenBefore(boolean fault, long pa, int bytes, long slot, long tail, long cycle) {
        DutObservations o = seed.observed;
        long latest = Long.MIN_VALUE;
        for (int w = 0; w < o.writes; w++) {
            long a = o.writeAddr[w] & ~7L;
            if (a >= pa && a < pa + bytes) latest = Math.max(latest, o.writeCycle[w]);
        }
        if (latest != Long.MIN_VALUE && latest < cycle) return null;
        String queue = fault ? "fault queue" : "page-request queue";
        String record = fault ? "fault record" : "page-request record";
        String subject = latest == Long.MIN_VALUE
                ? String.format("%s tail moved to %d at cycle %d over slot %d, which it never wrote", queue, tail, cycle, slot)
                : String.format("%s tail moved to %d at cycle %d over slot %d, whose record it wrote at cycle %d",
                        queue, tail, cycle, slot, latest);
        return new Finding(subject,
                List.of(new Divergence.FieldMismatch("last record write cycle", "-", cycle - 1,
                        latest == Long.MIN_VALUE ? -1 : latest)),
                "data before tail: \"the consumer that observes an update to the tail register must also observe all "
                        + "data produced into the queue between the offsets determined by the head and the tail\" "
                        + "(spec: In-memory queue interface)",
                new Signature(Signature.key("memory write", record + " written after the tail that covers it"),
                        "the " + queue + "'s tail covers a record before its writes: software reading the tail "
                                + "may read a slot not yet written (data before tail)"));
    }
}
