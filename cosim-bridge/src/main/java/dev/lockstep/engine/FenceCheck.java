package dev.lockstep.engine;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import dev.lockstep.triage.Signature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An IOFENCE.C completes after the ATS.INVALs before it (C ABI 7, {@link dev.lockstep.dut.Dut#EV_INVAL_COMPLETION}):
 * "The IOFENCE.C is guaranteed to not complete before all previously fetched commands were executed and
 * completed. A previously fetched ATS command to invalidate device ATC does not complete until either the
 * request times out or a valid response is received from the device" (spec: ATS.INVAL), and "A IOFENCE.C
 * command completion, as determined by cqh advancing past the index of the IOFENCE.C command in the CQ,
 * guarantees that all previous commands fetched from the CQ have been completed and committed".
 *
 * <p>As cqh moves (ABI 6 {@code EV_CQ_HEAD}) the commands it passes are read from the queue: each ATS.INVAL
 * counts for its RID, and when cqh passes an IOFENCE.C at cycle c, each RID must have had at least as many
 * Invalidation Completions before c as ATS.INVALs were fetched for it so far (the devices answer each
 * Invalidation Request with one completion, lockstep_dut.h). Counting per RID is sound whatever order the
 * IOMMU executes commands in: a completion of a later ATS.INVAL can only make the count larger. A timed-out
 * ATS.INVAL keeps cqh at the fence (cqh "holds the index of the IOFENCE.C that timed out"), so it is never
 * passed. A DUT that reports no Invalidation Completions (ABI 6 and older, a log without them) is not
 * checked: the check starts with the first one the DUT reports in the seed, and covers the fences of that
 * action and after it (a DUT reports idle only once every invalidation it sent completed, so the completions
 * of an action's ATS.INVALs are in the action).
 */
final class FenceCheck {
    private final SeedContext seed;
    /** The DUT's cqh as its events left it (0 after reset; one instance per seed). */
    private long cqh;
    private final Map<Integer, Integer> fetched = new HashMap<>();
    private final Map<Integer, List<Long>> completed = new HashMap<>();
    private boolean reportsCompletions;
    /** cqh left the queue's range: not followed until the queue is set up again. */
    private boolean lost;

    FenceCheck(SeedContext seed) {
        this.seed = seed;
    }

    /** The first IOFENCE.C of this action that completed before an ATS.INVAL ahead of it did; null when none. */
    Finding check(Action action) {
        DutObservations o = seed.observed;
        for (int i = 0; i < o.invalCompletions; i++) {
            completed.computeIfAbsent(o.invalRid[i], r -> new java.util.ArrayList<>()).add(o.invalCycle[i]);
            reportsCompletions = true;
        }
        RegisterFile regs = seed.model.registers();
        if (WindowSteps.setsUpQueue(action, RegisterFile.CQB, RegisterFile.CQCSR)) {
            // A new queue (cqb) or one turned on: cqh starts again at the model's value.
            cqh = regs.read(RegisterFile.CQH, 4) & 0xffffffffL;
            lost = false;
            return null;
        }
        long cqb = regs.cqb();
        long entries = RegisterFile.queueEntries(cqb);
        long base = RegisterFile.queueBaseAddress(cqb);
        for (int i = 0; i < o.cqHeads && !lost; i++) {
            long to = o.cqHeadValue[i];
            if (to >= entries) {
                // A cqh outside the queue (the register check names it): the commands it passed are unknown
                // until software sets the queue up again.
                lost = true;
                return null;
            }
            for (long n = 0; cqh != to && n < entries; n++, cqh = (cqh + 1) % entries) {
                long dw0 = seed.memory.load64(base + 16 * cqh);
                int opcode = (int) (dw0 & 0x7f);
                int func3 = (int) ((dw0 >>> 7) & 7);
                if (opcode == Commands.ATS && func3 == Commands.ATS_INVAL) {
                    fetched.merge((int) ((dw0 >>> 40) & 0xffff), 1, Integer::sum);
                } else if (opcode == Commands.IOFENCE && func3 == Commands.IOFENCE_C && reportsCompletions) {
                    Finding f = fenceAfterCompletions(cqh, o.cqHeadCycle[i]);
                    if (f != null) return f;
                }
            }
            cqh = to;
        }
        return null;
    }

    private Finding fenceAfterCompletions(long slot, long cycle) {
        for (Map.Entry<Integer, Integer> e : fetched.entrySet()) {
            long before = 0;
            for (long c : completed.getOrDefault(e.getKey(), List.of())) if (c < cycle) before++;
            if (before >= e.getValue()) continue;
            return new Finding(String.format("IOFENCE.C at command-queue slot %d completed at cycle %d (cqh passed it) "
                            + "before the Invalidation Completion of an ATS.INVAL to RID 0x%x ahead of it", slot, cycle,
                    e.getKey()),
                    List.of(new Divergence.FieldMismatch("completions", "-", e.getValue(), before)),
                    "an IOFENCE.C does not complete before the commands fetched before it completed, and an ATS.INVAL "
                            + "completes when its Invalidation Completion is received (spec: ATS.INVAL, IOFENCE.C)",
                    new Signature(Signature.key("command", "IOFENCE.C completed before an ATS.INVAL ahead of it"),
                            "an IOFENCE.C completed while an ATS.INVAL before it still waited for its Invalidation "
                                    + "Completion: the fence does not wait for the device"));
        }
        return null;
    }
}
