package dev.lockstep.engine;

import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.List;

/**
 * The last few actions of a seed, for the "leading actions" of a divergence report. Kept as references
 * and described only when a report is written: formatting every action would cost more than checking it.
 */
final class RecentActions {

    private final Action[] actions;
    private final int[] indexes;
    private int count;
    private int next;

    RecentActions(int capacity) {
        actions = new Action[capacity];
        indexes = new int[capacity];
    }

    void clear() {
        count = 0;
        next = 0;
    }

    void add(int index, Action action) {
        actions[next] = action;
        indexes[next] = index;
        next = (next + 1) % actions.length;
        if (count < actions.length) count++;
    }

    /** Oldest first, as "#index description". */
    List<String> describe() {
        List<String> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int i = (next - count + k + actions.length) % actions.length;
            out.add("#" + indexes[i] + " " + actions[i].describe());
        }
        return out;
    }
}
