package dev.lockstep.log;

import dev.lockstep.dut.Dut;
import dev.lockstep.engine.WindowPageRequests;
import dev.lockstep.engine.WindowPoints;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.List;

/**
 * A logged window of overlapping traffic ({@link Action.Window}) for {@code explain}: its requests against
 * the points the engine may linearize them at (docs/concurrency.md, section 15: before the software
 * actions, after their stores and register writes, after each command they made available), and the
 * rebuild of its effects for the actions after it. Each request is judged alone here, at the points its logged
 * submission, acceptance and completion cycles leave open ({@link WindowPoints#ofLog}); {@code check} judges the
 * window as a whole (A/D updates, fault records, the cycles the software groups took effect at).
 */
final class LoggedWindow {
    private LoggedWindow() {}

    /** The logged completion of each request of window {@code index}, by request, in the order of {@code w}. */
    private static List<long[]> completions(SeedLog log, int index, Action.Window w) {
        List<long[]> cpl = new ArrayList<>();
        for (Action.Translate t : w.requests()) {
            long[] found = null;
            for (SeedLog.Entry e : LoggedWalk.entriesOf(log, index)) {
                if (e instanceof SeedLog.EventEntry ev && ev.words()[0] == Dut.EV_COMPLETION
                        && (ev.words()[2] & 0xffff) == t.tag()) {
                    found = ev.words();
                    break;
                }
            }
            cpl.add(found);
        }
        return cpl;
    }

    /** The points of window {@code index} (docs/concurrency.md, sections 15 and 19), from its logged events. */
    private static WindowPoints points(SeedLog log, int index, Action.Window w, Iommu model) {
        return WindowPoints.ofLog(w, log.actions().get(index).cycle(), LoggedWalk.events(log, index),
                model.mmioRead(RegisterFile.CQT, 4), model.registers().cqb(), model.memory());
    }

    /**
     * Per request, the first and last point it may be linearized at: after each group it was submitted after or
     * accepted (a logged {@code accept}) at or after, at the end of a group whose fence completed before its
     * acceptance, and before each group that took effect after its completion (sections 15, 18 and 19).
     */
    private static int[][] bounds(SeedLog log, int index, Action.Window w, WindowPoints points, List<long[]> cpl) {
        java.util.Map<Integer, Long> accepted = new java.util.HashMap<>();
        for (SeedLog.Entry e : LoggedWalk.entriesOf(log, index)) {
            if (e instanceof SeedLog.EventEntry ev && ev.words()[0] == Dut.EV_ACCEPT) {
                accepted.putIfAbsent((int) (ev.words()[2] & 0xffff), ev.words()[1]);
            }
        }
        int[][] out = new int[w.requests().size()][2];
        for (int i = 0; i < out.length; i++) {
            out[i][1] = cpl.get(i) == null ? points.steps().size() : points.maxPoint(cpl.get(i)[1]);
            out[i][0] = Math.min(points.minPoint(w, i, accepted.getOrDefault(w.requests().get(i).tag(), -1L)), out[i][1]);
        }
        return out;
    }

    private static void perform(List<Action> step, Iommu model) {
        for (Action a : step) {
            if (a instanceof Action.MemoryWrite m) model.softwareWrite64(m.pa(), m.value());
            else if (a instanceof Action.RegisterWrite r) model.mmioWrite(r.offset(), r.size(), r.value());
        }
    }

    /**
     * Rebuilds the window's effects in the model, following the logged completions: each request at the
     * first point whose permitted outcomes hold its completion (before the software actions when it
     * completed before they took effect), the model's own outcome where none does.
     */
    static void apply(SeedLog log, int index, Action.Window w, Iommu model) {
        List<long[]> cpl = completions(log, index, w);
        WindowPoints points = points(log, index, w, model);
        List<List<Action>> steps = points.steps();
        int[][] bounds = bounds(log, index, w, points, cpl);
        WindowPageRequests pages = pageRequests(log, index, w, model, points.applied(0));
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < w.requests().size(); i++) pending.add(i);
        for (int point = 0; point <= steps.size(); point++) {
            if (point > 0) perform(steps.get(point - 1), model);
            List<Integer> later = new ArrayList<>();
            for (int i : pending) {
                Action.Translate t = w.requests().get(i);
                if (point < bounds[i][0]) {
                    later.add(i);
                    continue;
                }
                TranslationOutcome fit = LoggedWalk.followCompletion(cpl.get(i), model, t.request());
                if (fit != null) model.translateAs(t.request(), fit);
                else if (point >= bounds[i][1]) model.translate(t.request());
                else later.add(i);
            }
            pending = later;
            if (point == 0) performPages(pages, true, model);
        }
        performPages(pages, false, model);
    }

    /**
     * The window's Page Requests against what the log shows the DUT did with them (docs/concurrency.md,
     * section 16); the DUT's pqof and pip after the window are the last pqcsr and ipsr reads logged within it, if any.
     */
    private static WindowPageRequests pageRequests(SeedLog log, int index, Action.Window w, Iommu model, long applied) {
        List<long[]> events = new ArrayList<>();
        boolean overflow = false;
        boolean pending = true;
        for (SeedLog.Entry e : LoggedWalk.entriesOf(log, index)) {
            if (e instanceof SeedLog.EventEntry ev) events.add(ev.words());
            if (e instanceof SeedLog.ReadEntry r && r.offset() == RegisterFile.PQCSR) {
                overflow = (r.value() & RegisterFile.QCSR_OF) != 0;
            }
            if (e instanceof SeedLog.ReadEntry r && r.offset() == RegisterFile.IPSR) {
                pending = (r.value() & RegisterFile.IPSR_PIP) != 0;
            }
        }
        return WindowPageRequests.fromEvents(model, w, applied, events, overflow, pending);
    }

    private static void performPages(WindowPageRequests pages, boolean before, Iommu model) {
        WindowPageRequests.Performer p = (r, faulted, later, context) -> WindowPageRequests.handle(model, r, later, context);
        try {
            if (before) pages.performBefore(p);
            else pages.performAfter(p);
        } catch (dev.lockstep.dut.DutException e) {
            throw new IllegalStateException("a logged window reads no DUT", e); // the flag comes from the log
        }
    }

    /** Each request of window {@code n}: its permitted outcomes at each point, its logged completion, a verdict. */
    static void explain(SeedLog log, int n, Action.Window w, Iommu model, StringBuilder b) {
        List<long[]> cpl = completions(log, n, w);
        WindowPoints points = points(log, n, w, model);
        List<List<Action>> steps = points.steps();
        int[][] bounds = bounds(log, n, w, points, cpl);
        int requests = w.requests().size();
        String[] fits = new String[requests];
        b.append("each request alone, at each point the engine may place it at (check judges the window as a whole: "
                + "A/D updates, fault records, fences, acceptance cycles)\n");
        for (int point = 0; point <= steps.size(); point++) {
            if (point > 0) perform(steps.get(point - 1), model);
            String where = point == 0 ? "before the software actions"
                    : point == 1 ? "after the stores and register writes" + (steps.size() > 1 ? ", no command executed" : "")
                    : "after step " + point + " of the software actions (a group's stores and register writes are one "
                            + "step, each command it made available one)";
            b.append("point ").append(point).append(": ").append(where).append('\n');
            for (int i = 0; i < requests; i++) {
                Action.Translate t = w.requests().get(i);
                List<String> permitted = new ArrayList<>();
                for (TranslationOutcome o : model.permittedOutcomes(t.request())) permitted.add(o.toString());
                permitted.sort(null);
                b.append("  tag ").append(t.tag()).append(": ").append(String.join(" | ", permitted)).append('\n');
                boolean open = point >= bounds[i][0] && point <= bounds[i][1];
                if (open && LoggedWalk.followCompletion(cpl.get(i), model, t.request()) != null) {
                    fits[i] = fits[i] == null ? "point " + point : fits[i] + ", " + point;
                }
            }
        }
        for (int i = 0; i < requests; i++) {
            Action.Translate t = w.requests().get(i);
            long[] c = cpl.get(i);
            b.append("tag ").append(t.tag()).append(" (").append(t.describe()).append(")\n  logged completion: ");
            if (c == null) {
                b.append("none\n  verdict: NOT PERMITTED: the log has no completion with this tag; the DUT answers every request\n");
                continue;
            }
            b.append(String.format("cycle %d status %d cause %d pa 0x%x%n", c[1], (c[2] >>> 16) & 3, (c[2] >>> 32) & 0xfff, c[3]));
            b.append("  verdict: ").append(fits[i] != null ? "PERMITTED at " + fits[i]
                    : "NOT PERMITTED: the logged completion is none of the permitted outcomes at the points it may take ("
                            + (bounds[i][0] == bounds[i][1] ? "point " + bounds[i][0]
                            : "points " + bounds[i][0] + " to " + bounds[i][1]) + ", from its submission, acceptance and "
                            + "completion cycles)").append('\n');
        }
        if (!w.pageRequests().isEmpty()) {
            b.append(w.pageRequests().size()).append(" page request(s), handled in arrival order, a prefix before the "
                    + "software actions and the rest after: check compares what each did on its side\n");
        }
    }
}
