package dev.lockstep.engine;

import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A window's software actions cut into the steps a request may be linearized between
 * (docs/concurrency.md, section 15). The stores and register writes all take effect at one cycle, so they
 * are one step; the commands the cqt writes make available execute later, one after the other ("the IOMMU
 * fetches ... commands in order", "Command-Queue"), so each is a step of its own, made by writing cqt one
 * entry further: a request in flight may read a structure after a store and before the invalidation that
 * follows it. A window that rewrites cqb or cqcsr, or makes many commands available at once, is one step.
 */
public final class WindowSteps {
    /** At most this many commands a window makes available are cut apart. */
    private static final long MAX_SPLIT = 16;

    private WindowSteps() {}

    /**
     * {@code during} cut into steps. {@code cqt} and {@code cqb}: the registers before the window.
     */
    public static List<List<Action>> of(List<Action> during, long cqt, long cqb) {
        List<Action> direct = new ArrayList<>();
        long entries = RegisterFile.queueEntries(cqb);
        long tail = cqt;
        for (Action a : during) {
            if (a instanceof Action.RegisterWrite r) {
                if (r.offset() == RegisterFile.CQB || r.offset() == RegisterFile.CQCSR
                        || r.offset() == RegisterFile.CQT && r.size() != 4) {
                    return List.of(during);
                }
                if (r.offset() == RegisterFile.CQT) {
                    tail = r.value() & (entries - 1);
                    continue;
                }
            }
            direct.add(a);
        }
        long advance = (tail - cqt) & (entries - 1);
        if (advance > MAX_SPLIT) return List.of(during);
        List<List<Action>> steps = new ArrayList<>();
        steps.add(direct);
        for (long k = 1; k <= advance; k++) {
            steps.add(List.of(new Action.RegisterWrite(RegisterFile.CQT, 4, (cqt + k) & (entries - 1))));
        }
        return steps;
    }

    /**
     * The steps of each of a window's software groups (docs/concurrency.md, section 19), group after group: each
     * group's commands start at the tail the groups before it left. {@code cqt} and {@code cqb}: the registers
     * before the window. A window without software actions has one group of one empty step.
     */
    public static List<List<List<Action>>> ofGroups(Action.Window w, long cqt, long cqb) {
        List<List<List<Action>>> out = new ArrayList<>();
        long[] tails = tailsAfter(w, cqt, cqb);
        List<Action.Window.Software> groups = w.groups();
        for (int g = 0; g < groups.size(); g++) out.add(of(groups.get(g).during(), g == 0 ? cqt : tails[g - 1], cqb));
        if (out.isEmpty()) out.add(of(List.of(), cqt, cqb));
        return out;
    }

    /**
     * The command-queue tail each of a window's software groups leaves (its last cqt write, else the tail before it),
     * group after group from {@code cqt}; {@code cqb}: the register, for the queue's size.
     */
    static long[] tailsAfter(Action.Window w, long cqt, long cqb) {
        List<Action.Window.Software> groups = w.groups();
        long[] tails = new long[groups.size()];
        long entries = RegisterFile.queueEntries(cqb);
        long tail = cqt;
        for (int g = 0; g < groups.size(); g++) {
            for (Action a : groups.get(g).during()) {
                if (a instanceof Action.RegisterWrite r && r.offset() == RegisterFile.CQT) tail = r.value() & (entries - 1);
            }
            tails[g] = tail;
        }
        return tails;
    }

    /** The first step from {@code from} on that drains the fault queue or clears its error bits (fqh, fqcsr writes); -1: none. */
    static int drainingStepFrom(List<List<Action>> steps, int from) {
        for (int s = from; s < steps.size(); s++) {
            for (Action a : steps.get(s)) {
                if (a instanceof Action.RegisterWrite r && (r.offset() == RegisterFile.FQH || r.offset() == RegisterFile.FQCSR)) {
                    return s;
                }
            }
        }
        return -1;
    }

    /** The memory words the steps from {@code from} on store. */
    static Set<Long> storedFrom(List<List<Action>> steps, int from) {
        Set<Long> words = new HashSet<>();
        for (int s = from; s < steps.size(); s++) {
            for (Action a : steps.get(s)) if (a instanceof Action.MemoryWrite m) words.add(m.pa() & ~7L);
        }
        return words;
    }

    /** The register writes {@code action} makes: itself, or a window's software actions, in order. */
    static List<Action.RegisterWrite> registerWrites(Action action) {
        List<Action> all = action instanceof Action.Window w ? w.software() : List.of(action);
        List<Action.RegisterWrite> writes = new java.util.ArrayList<>(0);
        for (Action a : all) if (a instanceof Action.RegisterWrite r) writes.add(r);
        return writes;
    }

    /** Whether {@code action} writes a queue's base ({@code base}, either half) or its CSR, which may reset its pointers. */
    static boolean setsUpQueue(Action action, int base, int csr) {
        for (Action.RegisterWrite r : registerWrites(action)) {
            if ((r.offset() & ~7) == base || r.offset() == csr) return true;
        }
        return false;
    }
}
