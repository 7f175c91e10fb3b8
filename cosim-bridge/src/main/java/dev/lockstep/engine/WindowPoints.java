package dev.lockstep.engine;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The points a window's requests may be linearized at (docs/concurrency.md, sections 15 and 19), over all of its
 * software groups: point 0 before everything, then per group the point after its stores and register writes and
 * one after each command it made available ({@link WindowSteps}), the groups one after the other. Group g starts
 * at point {@link #first}(g) and ends at {@link #last}(g); it took effect at DUT cycle {@link #applied}(g). What
 * the DUT did bounds each request's points: completed before a group took effect, it is before the group; accepted
 * at or after that cycle, or submitted after the group, it is at the group's first point or later; accepted after
 * the IOFENCE.C the group made available completed, at its last point or later.
 */
public final class WindowPoints {
    private final List<List<Action>> steps = new ArrayList<>();
    private final int[] first;
    private final int[] last;
    private final long[] applied;
    private final long[] fenceDone;
    /** The cycle cqh passed the commands the groups before g made available (g >= 1; -1: never, or none). */
    private final long[] passedBefore;
    /** Whether group g made commands available without an IOFENCE.C last. */
    private final boolean[] unfenced;
    /** Each word the window stores: the groups that store it, in order. */
    private final Map<Long, List<Integer>> groupsOf = new HashMap<>();
    /** Whether the window has software actions: without, every request is at point 0. */
    private final boolean software;

    /**
     * The points of {@code w}, whose groups took effect at {@code applied}; {@code cqt} and {@code cqb}: the
     * model's registers before the window.
     */
    WindowPoints(Action.Window w, long[] applied, long cqt, long cqb, PhysicalMemory memory, DutObservations observed) {
        List<Action.Window.Software> groups = w.groups();
        int n = Math.max(1, groups.size());
        software = !groups.isEmpty();
        this.applied = applied.clone();
        first = new int[n];
        last = new int[n];
        fenceDone = new long[n];
        passedBefore = new long[n];
        unfenced = new boolean[n];
        long[] tails = WindowSteps.tailsAfter(w, cqt, cqb);
        long previousTail = -1;
        long madeAvailable = 0;
        List<List<List<Action>>> stepsOf = WindowSteps.ofGroups(w, cqt, cqb);
        Map<Long, Long> storedSoFar = new HashMap<>();
        long entries = RegisterFile.queueEntries(cqb);
        for (int g = 0; g < n; g++) {
            passedBefore[g] = previousTail >= 0 ? observed.cqHeadReached(previousTail, madeAvailable + 1) : -1;
            first[g] = steps.size() + 1;
            steps.addAll(stepsOf.get(g));
            last[g] = steps.size();
            fenceDone[g] = Long.MAX_VALUE;
            if (groups.isEmpty()) continue;
            for (Action a : groups.get(g).during()) {
                if (!(a instanceof Action.MemoryWrite m)) continue;
                List<Integer> gs = groupsOf.computeIfAbsent(m.pa() & ~7L, x -> new ArrayList<>());
                if (gs.isEmpty() || gs.get(gs.size() - 1) != g) gs.add(g);
                storedSoFar.put(m.pa() & ~7L, m.value());
            }
            long before = g == 0 ? cqt : tails[g - 1];
            if (tails[g] == before) continue;
            // The last command the group made available, as the window's own stores put it there (the model performs
            // them later, point by point).
            long slot = RegisterFile.queueBaseAddress(cqb) + 16 * ((tails[g] + entries - 1) & (entries - 1));
            long dw0 = storedSoFar.containsKey(slot) ? storedSoFar.get(slot) : memory.load64(slot);
            boolean fence = (dw0 & 0x7f) == Commands.IOFENCE && ((dw0 >>> 7) & 7) == Commands.IOFENCE_C;
            long reached = observed.cqHeadReached(tails[g], applied[g] + 1);
            fenceDone[g] = fence && reached >= 0 ? reached : Long.MAX_VALUE;
            unfenced[g] = !fence;
            previousTail = tails[g];
            madeAvailable = applied[g];
        }
    }

    /**
     * The points of logged window {@code w} that started at cycle {@code start}, from its logged DUT events (words as
     * {@code Dut.run} reports them), for {@code explain}: each group taken as applied at its gap, or, after the first,
     * once cqh is seen at the tail the groups before it left, if that is later. (The driver applies a group earlier
     * when the DUT is idle first; explain does not follow that.)
     */
    public static WindowPoints ofLog(Action.Window w, long start, List<long[]> events, long cqt, long cqb,
                                     PhysicalMemory memory) {
        DutObservations o = DutObservations.of(events);
        List<Action.Window.Software> groups = w.groups();
        long[] applied = new long[Math.max(1, groups.size())];
        applied[0] = start + w.gap();
        long[] tails = WindowSteps.tailsAfter(w, cqt, cqb);
        long madeAvailable = -1;
        for (int g = 0; g < groups.size(); g++) {
            if (g > 0) {
                long passed = madeAvailable >= 0 ? o.cqHeadReached(tails[g - 1], madeAvailable + 1) : -1;
                applied[g] = Math.max(start + groups.get(g).gap(), passed);
            }
            if (tails[g] != (g == 0 ? cqt : tails[g - 1])) madeAvailable = applied[g];
        }
        return new WindowPoints(w, applied, cqt, cqb, memory, o);
    }

    /** The steps between the points, over all groups: point k is after the first k. */
    public List<List<Action>> steps() { return steps; }

    public int groups() { return first.length; }

    int first(int g) { return first[g]; }

    int last(int g) { return last[g]; }

    public long applied(int g) { return applied[g]; }

    /** The last point. */
    int end() { return steps.size(); }

    /**
     * Why the window cannot be judged on these points, or null: a group followed by another that makes commands
     * available without an IOFENCE.C last, or a group after the first applied before cqh passed the commands the
     * groups before it made available (the points take them as completed by then: "IOFENCE.C completion, as
     * determined by cqh advancing past the index of the IOFENCE.C, guarantees that all previous commands fetched
     * from the CQ have been completed and committed").
     */
    String unordered() {
        for (int g = 0; g + 1 < first.length; g++) {
            if (unfenced[g]) {
                return String.format("software group %d of the window makes commands available without an IOFENCE.C "
                        + "last, and a later group follows it: cqh passing a command shows it fetched, not executed, "
                        + "so the window's points cannot order it before the next group's stores; end the group with "
                        + "IOFENCE.C (docs/concurrency.md, section 19)", g);
            }
        }
        for (int g = 1; g < first.length; g++) {
            if (passedBefore[g] > applied[g]) {
                return String.format("software group %d of the window took effect at cycle %d, before cqh passed the "
                        + "commands of the groups before it (cycle %d): a later group waits for them "
                        + "(docs/concurrency.md, section 19)", g, applied[g], passedBefore[g]);
            }
        }
        return null;
    }

    /** The latest point a request completed at cycle {@code completed} may be at: before the first group applied after it. */
    public int maxPoint(long completed) {
        if (!software) return 0;
        for (int g = 0; g < first.length; g++) if (completed < applied[g]) return first[g] - 1;
        return end();
    }

    /**
     * The earliest point request {@code i} of {@code w}, accepted at cycle {@code accepted} (-1: unknown), may be
     * at (section 18): after each group it was submitted after, or accepted at or after, and at the end of each
     * group whose IOFENCE.C completed before its acceptance.
     */
    public int minPoint(Action.Window w, int i, long accepted) {
        int min = 0;
        if (!software) return 0;
        for (int g = 0; g < first.length; g++) {
            if (w.submittedAfter(i, g) || accepted >= applied[g]) min = Math.max(min, first[g]);
            if (accepted >= 0 && accepted >= fenceDone[g]) min = Math.max(min, last[g]);
        }
        return min;
    }

    /** The group whose stores come right after {@code point} (-1: none): the A/D updates before them are complete. */
    int groupStartingAfter(int point) {
        for (int g = 0; g < first.length; g++) if (first[g] - 1 == point) return g;
        return -1;
    }

    /** The words group {@code g} stores. */
    Set<Long> storedBy(int g) {
        Set<Long> words = new java.util.HashSet<>();
        for (Map.Entry<Long, List<Integer>> e : groupsOf.entrySet()) if (e.getValue().contains(g)) words.add(e.getKey());
        return words;
    }

    /** Every word the window stores. */
    Set<Long> stored() { return groupsOf.keySet(); }

    /**
     * The first group that stores {@code word} with its store still to come at {@code point} (its first point is
     * after {@code point}), or -1: the store a request at {@code point} is before.
     */
    int nextStore(long word, int point) {
        for (int g : groupsOf.getOrDefault(word, List.of())) if (first[g] > point) return g;
        return -1;
    }

    /** The last group that stores {@code word} at or before {@code point}'s group, or -1: the version a request there sees. */
    int previousStore(long word, int point) {
        int found = -1;
        for (int g : groupsOf.getOrDefault(word, List.of())) if (first[g] <= point) found = g;
        return found;
    }

    /** The cycle the next store of {@code word} after {@code point} took effect at ({@link #nextStore}). */
    long nextStoreCycle(long word, int point) { return applied[nextStore(word, point)]; }

    /** The groups that store {@code word}, in order. */
    List<Integer> storesOf(long word) { return groupsOf.getOrDefault(word, List.of()); }

    /** The cycle the group of step {@code s} (0-based, point s + 1 is after it) took effect at. */
    long appliedOfStep(int s) {
        for (int g = first.length - 1; g >= 0; g--) if (s + 1 >= first[g]) return applied[g];
        return applied[0];
    }
}
