package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.queue.PageRequestQueue;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Page Requests of a window ({@link Action.Window}; docs/concurrency.md section 16): sent right after its
 * translation requests and outstanding while software acts, e.g. turns the page-request queue off or on.
 * The IOMMU handles them in the order they arrived (a device's Stop Marker follows the requests it stops),
 * so the model performs a prefix of them before the window's software actions and the rest after. Which
 * prefix follows from what the DUT did with each (its record in the queue, its automatic response, its
 * fault record and their cycles):
 * <ul>
 * <li>a message the DUT handled before the actions took effect (something of it seen at an earlier cycle)
 * is before them, and so is every message that arrived before it;
 * <li>after that, the next message is before them while its fate in the queue as it then is (queued, the
 * response code or none: {@link PageRequestQueue#fate}) is what the DUT did with it, else it and all later
 * ones are after them ("The IOMMU may respond to Page Request messages received when page-request-queue
 * is off or in the process of being turned off", pqcsr.pqen; a queue turned on "may take some time to be
 * active");
 * <li>a message that overflows a full queue there without an answer to show it (L=0) is before them only
 * if the DUT's pqof is set once the window is done, or the actions clear it (pqof written with 1, or pqen
 * set from 0).
 * </ul>
 * A record is produced when its tail moves, after its writes ("When ... a new message is produced in the queue,
 * pip is set in ipsr if ... pqcsr.pie is 1"): when the DUT reports tail moves (ABI 7), at the move; else a
 * record written after the actions took effect is produced after them, and one written before, when the
 * actions change pie, on the side the DUT's ipsr.pip shows once the window is done.
 * The model's side of each message is then what is compared, as for any action: records, responses, fault
 * records, pointers, wires. A message the DUT got wrong fits neither side and is performed after, where
 * its difference shows.
 */
public final class WindowPageRequests {

    /**
     * What the model does with one Page Request once its side is known ({@code dutFaulted}: the DUT wrote its
     * TTYP 9 record; {@code producedLater}: a record queued now is produced after the software actions, so its
     * interrupt waits for {@link dev.lockstep.refmodel.queue.PageRequestQueue#produced}).
     */
    public interface Performer {
        void perform(Action.PageRequest p, boolean dutFaulted, boolean producedLater, Map<Long, Long> context)
                throws DutException;
    }

    /** A fact about the DUT read when first needed (a register read has no side effect). */
    public interface DutFlag {
        boolean get() throws DutException;
    }

    /**
     * What the DUT did with one Page Request: queued it (produced after cycle {@code produced}: its record's last
     * write, or, {@code tailSeen}, exactly then, the cycle before its tail move is seen), answered it (-1: not),
     * its fault record; {@code cycle}: the first cycle of any.
     */
    private record Handling(boolean recorded, long produced, boolean tailSeen, int response, boolean faulted, long cycle) {}

    private final Iommu model;
    private final Action.Window window;
    private final long applied;
    private final List<Handling> handled;
    private final DutFlag overflowAtEnd;
    private final boolean clearsOverflow;
    private final DutFlag pendingAtEnd;
    private final boolean pieChanges;
    private int next;
    private int producedLater;

    /**
     * Before the window's software actions are performed in the model: attributes what the DUT did
     * ({@code observed}, the window's whole observation) to each of {@code w}'s Page Requests. {@code applied}:
     * the cycle the actions took effect at; {@code overflowAtEnd}: the DUT's pqcsr.pqof once the window is done.
     */
    WindowPageRequests(Iommu model, Action.Window w, long applied, DutObservations observed, DutFlag overflowAtEnd,
                       DutFlag pendingAtEnd) {
        this.model = model;
        this.window = w;
        this.applied = applied;
        this.overflowAtEnd = overflowAtEnd;
        this.pendingAtEnd = pendingAtEnd;
        this.handled = attribute(model, w.pageRequests(), observed);
        // pqof is cleared by writing 1 to it (RW1C) and by pqen going from 0 to 1 ("Changing pqen from 0 to 1, sets
        // ... the pqcsr bits pqmf and pqof to 0").
        boolean clears = false;
        boolean enabled = (model.registers().pqcsr() & RegisterFile.QCSR_EN) != 0;
        boolean pie = (model.registers().pqcsr() & RegisterFile.QCSR_IE) != 0;
        boolean pieAfter = pie;
        for (Action.RegisterWrite r : WindowSteps.registerWrites(w)) {
            if (r.offset() != RegisterFile.PQCSR) continue;
            clears |= (r.value() & RegisterFile.QCSR_OF) != 0 || !enabled && (r.value() & RegisterFile.QCSR_EN) != 0;
            enabled = (r.value() & RegisterFile.QCSR_EN) != 0;
            pieAfter = (r.value() & RegisterFile.QCSR_IE) != 0;
        }
        this.clearsOverflow = clears;
        this.pieChanges = pie != pieAfter;
    }

    /**
     * The same from logged DUT events (event words as {@link Dut#run} reports them), for rebuilding a logged
     * window's effects; {@code overflowAtEnd}: the pqof the log shows after the window, if it does.
     */
    public static WindowPageRequests fromEvents(Iommu model, Action.Window w, long applied, List<long[]> events,
                                                boolean overflowAtEnd, boolean pendingAtEnd) {
        DutObservations o = DutObservations.of(events);
        return new WindowPageRequests(model, w, applied, o, () -> overflowAtEnd, () -> pendingAtEnd);
    }

    /**
     * The model handles {@code p} with its device context located through {@code context} (see {@link #context});
     * with {@code producedLater} a record it queues signals later (see {@link Performer}).
     */
    public static void handle(Iommu model, Action.PageRequest p, boolean producedLater, Map<Long, Long> context) {
        if (producedLater) {
            model.pageRequestProducedLater(p.deviceId(), p.pv(), p.processId(), p.priv(), p.exec(), p.payload(), p.dsv(),
                    context);
        } else {
            model.pageRequest(p.deviceId(), p.pv(), p.processId(), p.priv(), p.exec(), p.payload(), p.dsv(), context);
        }
    }

    /**
     * The version of the DDT entries and device context the DUT located Page Request {@code p} with, among those
     * the spec permits ({@link Iommu#pageRequestContexts}: the current contents, or a version a DDT cache may hold
     * until an IODIR.INVAL_DDT covering it completed): the first whose fate in the model's queue as it is now is
     * what the DUT did with it (queued or not, the response code); the current contents when none is, so that the
     * difference shows.
     */
    static Map<Long, Long> context(Iommu model, Action.PageRequest p, boolean recorded, int response) {
        List<Map<Long, Long>> contexts = model.pageRequestContexts(p.deviceId(), p.pv(), p.processId(), p.priv());
        if (contexts.size() == 1) return Map.of();
        for (Map<Long, Long> c : contexts) {
            PageRequestQueue.Fate f = model.pageRequestFate(p.deviceId(), p.pv(), p.processId(), p.priv(), p.payload(), c);
            if (f.queued() == recorded && f.response() == response) return c;
        }
        return Map.of();
    }

    /** {@link #context} for a Page Request sent alone, from what the DUT did with it ({@code observed}). */
    static Map<Long, Long> context(Iommu model, Action.PageRequest p, DutObservations observed) {
        Handling h = attribute(model, List.of(p), observed).get(0);
        return context(model, p, h.recorded(), h.response());
    }

    /** {@link #context} for a Page Request sent alone, from the logged DUT events of its action (words as {@link Dut#run} reports them). */
    public static Map<Long, Long> contextFromEvents(Iommu model, Action.PageRequest p, List<long[]> events) {
        return context(model, p, DutObservations.of(events));
    }

    private Map<Long, Long> context(Action.PageRequest p, Handling h) {
        return context(model, p, h.recorded(), h.response());
    }

    /** At the point before the software actions: performs the Page Requests handled before them, in order. */
    public void performBefore(Performer performer) throws DutException {
        List<Action.PageRequest> prs = window.pageRequests();
        int forcedUpTo = -1;
        for (int i = 0; i < handled.size(); i++) if (handled.get(i).cycle() < applied) forcedUpTo = i;
        while (next < prs.size()) {
            Handling h = handled.get(next);
            Map<Long, Long> context = context(prs.get(next), h);
            if (next > forcedUpTo && !window.during().isEmpty() && !fitsNow(prs.get(next), h, context)) break;
            // Decided before the actions, its record is produced (the tail moved, pip set if pie is 1) after its
            // writes: after the actions when they finished after them; else on either side if the actions change
            // pie, the side the DUT's pip shows.
            // A tail move at the clock edge of the actions' own cycle is simultaneous with the register write
            // (which the RTL latches at that edge): either side, as pip shows.
            boolean later = h.recorded() && pieChanges && (h.tailSeen()
                    ? h.produced() > applied || h.produced() == applied && !pendingAtEnd.get()
                    : h.produced() >= applied || !pendingAtEnd.get());
            if (later) producedLater++;
            performer.perform(prs.get(next), h.faulted(), later, context);
            next++;
        }
    }

    /** After the software actions: the records produced after them signal now, then the rest are performed, in order. */
    public void performAfter(Performer performer) throws DutException {
        for (; producedLater > 0; producedLater--) model.pageRequestQueue().produced();
        List<Action.PageRequest> prs = window.pageRequests();
        for (; next < prs.size(); next++) {
            Handling h = handled.get(next);
            performer.perform(prs.get(next), h.faulted(), false, context(prs.get(next), h));
        }
    }

    /** How many were performed before the software actions (once {@link #performBefore} ran). */
    public int before() { return next; }

    /** Whether {@code p}, its device context located through {@code context}, meets now the fate the DUT gave it. */
    private boolean fitsNow(Action.PageRequest p, Handling h, Map<Long, Long> context) throws DutException {
        PageRequestQueue.Fate f = model.pageRequestFate(p.deviceId(), p.pv(), p.processId(), p.priv(), p.payload(), context);
        if (f.queued() != h.recorded() || f.response() != h.response()) return false;
        return (f.setsBits() & RegisterFile.QCSR_OF) == 0 || clearsOverflow || overflowAtEnd.get();
    }

    /**
     * Each message's handling, by arrival order: the first unclaimed message its record names (DID, PV, PID,
     * PRIV, EXEC in dword 0 and the payload in dword 1; a record whose payload was not written is claimed by
     * dword 0 alone when it lies in the queue), the first its response answers (RID, PRG index; one that needs
     * a response before one that does not, and one not queued before one queued), the first
     * its TTYP 9 fault record names (DID, PV, PID, PRIV).
     */
    private static List<Handling> attribute(Iommu model, List<Action.PageRequest> prs, DutObservations o) {
        RegisterFile regs = model.registers();
        boolean be = regs.bigEndian();
        long fqBase = RegisterFile.queueBaseAddress(regs.fqb());
        long fqEnd = fqBase + 32L * RegisterFile.queueEntries(regs.fqb());
        long pqBase = RegisterFile.queueBaseAddress(regs.pqb());
        long pqEnd = pqBase + 16L * RegisterFile.queueEntries(regs.pqb());
        int n = prs.size();
        boolean[] recorded = new boolean[n];
        long[] produced = new long[n];
        boolean[] faulted = new boolean[n];
        int[] response = new int[n];
        long[] cycle = new long[n];
        java.util.Arrays.fill(response, -1);
        java.util.Arrays.fill(cycle, Long.MAX_VALUE);
        for (int w = 0; w < o.writes; w++) {
            long a = o.writeAddr[w] & ~7L;
            long v = be ? Long.reverseBytes(o.writeData[w]) : o.writeData[w];
            boolean inFq = a >= fqBase && a < fqEnd;
            if (inFq && ((a - fqBase) & 31) == 0 && ((v >>> 34) & 0x3f) == Ttyp.PCIE_MESSAGE) {
                int i = first(prs, faulted, p -> (v >>> 40) == p.deviceId() && ((v >>> 32) & 1) == (p.pv() ? 1 : 0)
                        && (!p.pv() || ((v >>> 12) & 0xfffff) == p.processId() && ((v >>> 33) & 1) == (p.priv() ? 1 : 0)));
                mark(faulted, cycle, i, o.writeCycle[w]);
            } else if (!inFq && (a & 15) == 0) {
                int dw1 = writeAt(o, a + 8);
                Long payload = dw1 < 0 ? null : be ? Long.reverseBytes(o.writeData[dw1]) : o.writeData[dw1];
                boolean inPq = a >= pqBase && a < pqEnd;
                int i = first(prs, recorded, p -> v == PageRequestQueue.recordDw0(p.deviceId(), p.pv(), p.processId(),
                        p.priv(), p.exec()) && (payload == null ? inPq : payload == p.payload()));
                if (mark(recorded, cycle, i, o.writeCycle[w])) {
                    produced[i] = Math.max(o.writeCycle[w], dw1 < 0 ? Long.MIN_VALUE : o.writeCycle[dw1]);
                }
            }
        }
        boolean[] answered = new boolean[n];
        for (int m = 0; m < o.messages; m++) {
            long hdr = o.messageHeader[m];
            long pl = o.messagePayload[m];
            if ((hdr & 3) != Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE) continue;
            java.util.function.Predicate<Action.PageRequest> names = p -> ((hdr >>> 16) & 0xffff) == (p.deviceId() & 0xffff)
                    && ((pl >>> 32) & 0x1ff) == ((p.payload() >>> 3) & 0x1ff);
            // A message that needs a response first (L=1, not a Stop Marker, which may share its PRG index), and
            // among those one the DUT did not queue (a queued message gets no automatic response; two requests of
            // one group may both be last, e.g. retried).
            java.util.function.Predicate<Action.PageRequest> needs = names.and(p -> p.last() && !p.stopMarker());
            int i = -1;
            for (int k = 0; k < n && i < 0; k++) if (!answered[k] && !recorded[k] && needs.test(prs.get(k))) i = k;
            if (i < 0) i = first(prs, answered, needs);
            if (i < 0) i = first(prs, answered, names);
            if (mark(answered, cycle, i, o.messageCycle[m])) response[i] = (int) ((pl >>> 44) & 0xf);
        }
        // With tail moves reported (ABI 7), a record is produced when the first move of pqt after its writes is
        // seen (a level: seen at that cycle, so before a call made then); without, its last write bounds it.
        boolean tailSeen = false;
        for (int i = 0; i < n; i++) {
            if (!recorded[i]) continue;
            long at = Long.MAX_VALUE;
            for (int t = 0; t < o.tails; t++) {
                if (o.tailQueue[t] == Dut.QUEUE_PAGE_REQUEST && o.tailCycle[t] > produced[i]) at = Math.min(at, o.tailCycle[t]);
            }
            if (at != Long.MAX_VALUE) {
                produced[i] = at - 1;
                tailSeen = true;
            }
        }
        List<Handling> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Handling(recorded[i], produced[i], tailSeen, response[i], faulted[i], cycle[i]));
        }
        return out;
    }

    private static int first(List<Action.PageRequest> prs, boolean[] claimed, java.util.function.Predicate<Action.PageRequest> names) {
        for (int i = 0; i < prs.size(); i++) if (!claimed[i] && names.test(prs.get(i))) return i;
        return -1;
    }

    private static boolean mark(boolean[] claimed, long[] cycle, int i, long at) {
        if (i < 0) return false;
        claimed[i] = true;
        cycle[i] = Math.min(cycle[i], at);
        return true;
    }

    /** The DUT's write of the doubleword at {@code a} in this window (its index), or -1. */
    private static int writeAt(DutObservations o, long a) {
        for (int w = 0; w < o.writes; w++) if ((o.writeAddr[w] & ~7L) == a) return w;
        return -1;
    }
}
