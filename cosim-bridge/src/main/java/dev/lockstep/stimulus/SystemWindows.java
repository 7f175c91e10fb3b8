package dev.lockstep.stimulus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * How {@link SystemStimulus}'s requests and the software changes that race them become windows at overlap
 * (docs/concurrency.md, sections 15, 18 and 19): a random gap, staggered arrivals half the time, requests a
 * device sends again, and windows with a second software group. It takes what a step emitted from the pending
 * actions and emits the window in its place, drawing from the stimulus's random stream.
 */
final class SystemWindows {
    private final SplittableRandom random;
    private final List<Action> pending;
    /** Requests outstanding together at most. */
    private final int overlap;

    SystemWindows(SplittableRandom random, List<Action> pending, int overlap) {
        this.random = random;
        this.pending = pending;
        this.overlap = overlap;
    }

    private void emit(Action a) { pending.add(a); }

    /** Cycles between a window's submissions and the software actions that race them. */
    private static final int[] GAPS = {0, 1, 2, 4, 7, 12, 20, 32, 50};

    /**
     * The requests {@code requests} emits become one window, and the stores and register writes
     * {@code change} emits are applied a random gap after them, while they are in flight, up to its first
     * other action (a register read, a memory error), which follows the window with the rest. A single request without a change stays a plain action.
     */
    void window(Runnable requests, Runnable change) {
        int mark = pending.size();
        requests.run();
        int mid = pending.size();
        change.run();
        List<Action> emitted = new ArrayList<>(pending.subList(mark, pending.size()));
        pending.subList(mark, pending.size()).clear();
        List<Action.Translate> reqs = new ArrayList<>();
        List<Action> during = new ArrayList<>();
        List<Action> later = new ArrayList<>();
        boolean racing = true;
        for (int i = 0; i < emitted.size(); i++) {
            Action a = emitted.get(i);
            if (i < mid - mark) {
                if (a instanceof Action.Translate t) reqs.add(t);
                else later.add(a);
                continue;
            }
            // The change's stores and register writes race the requests up to its first other action (a
            // register read, a memory word made to fail): from there on it follows the window, in order.
            racing &= a instanceof Action.MemoryWrite || a instanceof Action.RegisterWrite;
            (racing ? during : later).add(a);
        }
        if (reqs.isEmpty()) {
            emitted.forEach(this::emit);
            return;
        }
        if (reqs.size() == 1 && during.isEmpty()) {
            emit(reqs.get(0));
        } else {
            List<Integer> arrivals = arrivals(reqs.size());
            if (arrivals.get(arrivals.size() - 1) > 0) repeatSome(reqs);
            emit(new Action.Window(reqs, arrivals, during.isEmpty() ? 0 : GAPS[random.nextInt(GAPS.length)], during,
                    List.of()));
        }
        later.forEach(this::emit);
    }

    /** Cycles from a window's first software group to its second. */
    private static final int[] LATER_GAPS = {1, 10, 30, 60, 120};

    /**
     * One window with two software groups (docs/concurrency.md, section 19): devices use two mappings
     * ({@code firstRequests} and {@code secondRequests} emit that many requests to each), arriving over the whole
     * window, while software changes the first ({@code change}: with its invalidation and fence) and then, once
     * the IOMMU has passed those commands, the second ({@code secondChange}). Requests accepted after the first fence may not use the version it retired; requests in flight
     * across both groups may use either version of each. A change that reads or does more than stores and
     * register writes (a failing fence, say) ends the window there, as in {@link #window}, and the second change
     * follows the window.
     */
    void twoChanges(IntConsumer firstRequests, IntConsumer secondRequests, Runnable change, Runnable secondChange) {
        int mark = pending.size();
        int first = 1 + random.nextInt(overlap - 1);
        int more = 1 + random.nextInt(overlap - first);
        firstRequests.accept(first);
        secondRequests.accept(more);
        List<Action.Translate> reqs = new ArrayList<>();
        for (Action a : pending.subList(mark, pending.size())) if (a instanceof Action.Translate t) reqs.add(t);
        pending.subList(mark, pending.size()).clear();
        if (reqs.size() < 2) {
            reqs.forEach(this::emit);
            change.run();
            secondChange.run();
            return;
        }
        List<Action> changed = emitted(change);
        List<Action> secondChanged = emitted(secondChange);
        int racing = racingPrefix(changed);
        int secondRacing = racingPrefix(secondChanged);
        boolean readsOnly = changed.subList(racing, changed.size()).stream().allMatch(a -> a instanceof Action.RegisterRead);
        boolean two = racing > 0 && readsOnly && secondRacing > 0;
        int gap = GAPS[random.nextInt(GAPS.length)];
        int laterGap = gap + LATER_GAPS[random.nextInt(LATER_GAPS.length)];
        List<Integer> arrivals = new ArrayList<>();
        arrivals.add(0);
        for (int i = 1; i < reqs.size(); i++) arrivals.add(random.nextInt(laterGap + 91));
        java.util.Collections.sort(arrivals);
        List<Action.Window.Software> later = two
                ? List.of(new Action.Window.Software(laterGap, secondChanged.subList(0, secondRacing))) : List.of();
        emit(new Action.Window(reqs, arrivals, racing == 0 ? 0 : gap, changed.subList(0, racing), List.of(), later));
        changed.subList(racing, changed.size()).forEach(this::emit);
        (two ? secondChanged.subList(secondRacing, secondChanged.size()) : secondChanged).forEach(this::emit);
    }

    /** The actions {@code step} emits, taken out of the pending list. */
    private List<Action> emitted(Runnable step) {
        int from = pending.size();
        step.run();
        List<Action> out = new ArrayList<>(pending.subList(from, pending.size()));
        pending.subList(from, pending.size()).clear();
        return out;
    }

    /** How many of {@code actions}, from the first, are stores and register writes: those race a window's requests. */
    private static int racingPrefix(List<Action> actions) {
        int n = 0;
        while (n < actions.size() && (actions.get(n) instanceof Action.MemoryWrite || actions.get(n) instanceof Action.RegisterWrite)) n++;
        return n;
    }

    /**
     * In a staggered window, a device sends a request again (its own tag, the same address and type) one time
     * in four, so that a request may arrive while the IOMMU still walks for the one it repeats.
     */
    private void repeatSome(List<Action.Translate> reqs) {
        for (int i = 1; i < reqs.size(); i++) {
            if (random.nextInt(4) != 0) continue;
            Action.Translate t = reqs.get(random.nextInt(i));
            reqs.set(i, new Action.Translate(reqs.get(i).tag(), t.deviceId(), t.pv(), t.processId(), t.priv(), t.ttyp(),
                    t.iova(), t.noWrite(), t.execRequested(), t.cxl()));
        }
    }

    /** Cycles between two requests of a staggered window that do not arrive in one burst. */
    private static final int[] SPACINGS = {1, 3, 8, 20, 45, 90};

    /**
     * When the {@code n} requests of a window arrive: half the windows all at once, the others in bursts (a
     * request with the one before it) and gaps, so that some arrive while others are in flight, some after
     * the software actions, and some after a fence those made available completed.
     */
    private List<Integer> arrivals(int n) {
        List<Integer> at = new ArrayList<>(java.util.Collections.nCopies(n, 0));
        if (n < 2 || random.nextBoolean()) return at;
        for (int i = 1; i < n; i++) {
            at.set(i, at.get(i - 1) + (random.nextInt(3) == 0 ? 0 : SPACINGS[random.nextInt(SPACINGS.length)]));
        }
        return at;
    }
}
