package dev.lockstep.engine;

import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A window's software actions cut into the steps a request may be linearized between
 * (docs/concurrency.md, section 15). All of them take effect at one cycle, but the commands a cqt write
 * makes available execute later, one after the other: a request in flight may read a structure after a
 * store and before the invalidation that follows it, so each register write ends a step, and a cqt write
 * that makes several commands available becomes one step per command (cqt written one entry further each
 * time, which executes the same commands in the same order: "the IOMMU fetches ... commands in order",
 * "Command-Queue").
 */
final class WindowSteps {
    /** At most this many commands made available by one cqt write are cut apart. */
    private static final long MAX_SPLIT = 16;

    private WindowSteps() {}

    /**
     * {@code during} cut into steps. {@code cqt} and {@code cqb}: the registers before the window (a window
     * that rewrites cqb is cut at its register writes only).
     */
    static List<List<Action>> of(List<Action> during, long cqt, long cqb) {
        List<List<Action>> steps = new ArrayList<>();
        List<Action> step = new ArrayList<>();
        long entries = RegisterFile.queueEntries(cqb);
        boolean split = true;
        for (Action a : during) {
            if (!(a instanceof Action.RegisterWrite r)) {
                step.add(a);
                continue;
            }
            if (r.offset() == RegisterFile.CQB) split = false;
            if (r.offset() == RegisterFile.CQT && r.size() == 4 && split) {
                long tail = r.value() & (entries - 1);
                long advance = (tail - cqt) & (entries - 1);
                for (long k = 1; k < advance && advance <= MAX_SPLIT; k++) {
                    step.add(new Action.RegisterWrite(r.offset(), r.size(), (cqt + k) & (entries - 1)));
                    steps.add(step);
                    step = new ArrayList<>();
                }
                cqt = tail;
            }
            step.add(a);
            steps.add(step);
            step = new ArrayList<>();
        }
        if (!step.isEmpty() || steps.isEmpty()) steps.add(step);
        return steps;
    }

    /** The memory words the steps from {@code from} on store. */
    static Set<Long> storedFrom(List<List<Action>> steps, int from) {
        Set<Long> words = new HashSet<>();
        for (int s = from; s < steps.size(); s++) {
            for (Action a : steps.get(s)) if (a instanceof Action.MemoryWrite m) words.add(m.pa() & ~7L);
        }
        return words;
    }
}
