package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import dev.lockstep.triage.Signature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A window of overlapping traffic ({@link Action.Window}; the argument is docs/concurrency.md): several
 * requests outstanding together, and software stores and register writes applied while they are in
 * flight. The rules, each from that argument:
 * <ul>
 * <li>every request gets exactly one completion with its tag, in any order ("the IOMMU is allowed to
 * complete translation requests out of order", "Placement and data flow"); a tag not outstanding, or a
 * second completion, is a divergence (section 13.2);
 * <li>each request is linearized before the window's software actions or after them. Before them is
 * forced for a request completed before they took effect, after them for one the IOMMU accepted after
 * the IOFENCE.C they made available completed (cqh passed it: "IOFENCE.C completion ... guarantees that
 * all previous commands ... have been completed and committed"). A request accepted before that may use
 * the structures as they were (section 3) or as they are, and a request whose A/D update hit a PTE the
 * software store rewrote is after it (the leaf of an A/D update is the version current at the update,
 * section 8). Within each side the model's own caching rules give the permitted outcomes, as for one
 * request ({@link CompletionCheck});
 * <li>where the software actions drain the fault queue or clear fqof (fqh, fqcsr), a fault whose record
 * the model's queue would discard before them is after them when the DUT wrote its record after they took
 * effect, and before them when the DUT left it out, unless the DUT's queue overflowed again after them;
 * <li>the requests' fault records may be in any order ({@link ConcurrentRecords}); their A/D updates
 * together ({@link AdUpdates#merge}); the interrupt wires compared per line, since edges of different
 * sources in one window follow no order the spec fixes;
 * <li>what else the window made the IOMMU do is compared as for any action ({@link EffectCheck}), and
 * each register written is read back ({@link RegisterCheck}).
 * </ul>
 * A window without software actions and a single request is exactly a serialized translation.
 */
final class WindowCheck {
    private final SeedContext seed;
    private final QueueRegions regions;
    private final EffectCheck effectCheck;
    private final CompletionCheck completions;
    private final RegisterCheck registers;
    /** The fault records the DUT wrote in the window, by the request each names. */
    private final WindowRecords records;
    /** The A/D updates of the window's requests, judged against the DUT's stores around each store of the window. */
    private final WindowAdStores adStores;

    private final IdenticalFaults identicalFaults;

    WindowCheck(SeedContext seed, QueueRegions regions, EffectCheck effectCheck, CompletionCheck completions,
                RegisterCheck registers, IdenticalFaults identicalFaults) {
        this.seed = seed;
        this.identicalFaults = identicalFaults;
        this.records = new WindowRecords(seed, regions);
        this.regions = regions;
        this.effectCheck = effectCheck;
        this.completions = completions;
        this.registers = registers;
        this.walks = new ModelWalk(seed);
        this.adStores = new WindowAdStores(seed, walks);
    }

    private final ModelWalk walks;

    Finding check(int index, Action.Window w) throws DutException {
        DutObservations observed = seed.observed;
        // The cycle each software group took effect at (lockstep_dut.h, "Ordering"): the DUT's completions and
        // memory writes of that cycle were made at its clock edge, after it; its cqh changes of that cycle were
        // seen before it.
        long[] applied = seed.driver.driveWindow(w);
        Map<Integer, Integer> completionOf = new HashMap<>();
        Finding f = matchTags(w, completionOf);
        if (f != null) return f;
        readAtEnd.clear();
        boolean overflowBefore = (seed.model.registers().fqcsr() & RegisterFile.QCSR_OF) != 0;
        WindowPoints points = new WindowPoints(w, applied, seed.model.registers().read(RegisterFile.CQT, 4),
                seed.model.registers().cqb(), seed.memory, observed);
        String unordered = points.unordered();
        if (unordered != null) throw new DutException(DutException.Kind.API, unordered);
        List<List<Action>> steps = points.steps();

        // Point 0 is before every software action, point k after the first k steps, the last after all of them.
        // Each request goes to the first point it fits at and where nothing the DUT did puts it later.
        List<Pending> pending = new ArrayList<>();
        Map<Integer, Integer> minPoint = new HashMap<>();
        for (int i = 0; i < w.requests().size(); i++) {
            Action.Translate t = w.requests().get(i);
            minPoint.put(t.tag(), points.minPoint(w, i, observed.acceptCycle(t.tag())));
        }
        for (Action.Translate t : records.linearization(w, completionOf)) pending.add(new Pending(t, null, -1));
        WindowPageRequests pages = new WindowPageRequests(seed.model, w, applied[0], observed, this::pageQueueOverflowedAtEnd,
                this::pageRequestPendingAtEnd);
        WindowPageRequests.Performer perform = (p, dutFaulted, later, context) -> identicalFaults.modelAfterDut(index,
                () -> WindowPageRequests.handle(seed.model, p, later, context), dutFaulted);
        adStores.start(index, points);
        for (int point = 0; point <= steps.size(); point++) {
            if (point > 0) apply(steps.get(point - 1));
            Set<Long> later = WindowSteps.storedFrom(steps, point);
            int drain = WindowSteps.drainingStepFrom(steps, point);
            List<Pending> deferred = new ArrayList<>();
            for (Pending d : pending) {
                Action.Translate t = d.request();
                int i = completionOf.get(t.tag());
                long word = observed.completionWord[i];
                long pa = observed.completionPa[i];
                boolean mustHere = point == points.maxPoint(observed.completionCycle[i]);
                // submitted after a software group, or accepted at or after the cycle it took effect: every read
                // of its walk is after it, so the structures as they were are open to it only as cached versions
                // (docs/concurrency.md, section 18); accepted after the fence a group made available completed:
                // after all of that group
                if (!mustHere && point < minPoint.get(t.tag())) {
                    deferred.add(d);
                    continue;
                }
                CompletionCheck.Permitted p = completions.permitted(t);
                CompletionCheck.Reported recorded = reportedOf(t);
                CompletionCheck.Match m = mustHere && d.earliest() == null
                        ? completions.match(index, t, p, word, pa, recorded)
                        : completions.fitting(index, t, p, word, pa, recorded);
                if (mustHere && m == null) {
                    // Only an earlier point explains it after all: the A/D store after the store was another request's.
                    adStores.committed(commit(index, t, d.earliest()), d.earliestPoint(), false);
                    continue;
                }
                if (m != null && m.finding() != null) return crossed(m.finding(), w, t, word, pa);
                if (m == null) {
                    deferred.add(d);
                    continue;
                }
                if (!mustHere && laterPoint(t, p, m, later, points, drain, point)) {
                    deferred.add(d.earliest() != null ? d : new Pending(t, asNow(t, m), point));
                    continue;
                }
                adStores.committed(commit(index, t, m), point, true);
            }
            pending = deferred;
            if (point == 0) pages.performBefore(perform);
            int g = points.groupStartingAfter(point);
            if (g >= 0 && !w.during().isEmpty()) {
                f = adStores.checkBefore(g, point);
                if (f != null) return f;
            }
        }
        pages.performAfter(perform);
        f = adStores.checkAfterLastStores();
        if (f != null) return f;
        AdUpdates rest = adStores.rest();

        // The completions are matched; the rest of what the window did is compared as for any action.
        observed.completions = 0;
        ConcurrentRecords.alignToDut(seed.effects, observed, regions, seed.memory, seed.model.registers().bigEndian());
        InterruptCheck.byLine(seed.effects, observed);
        f = effectCheck.compare(index, w, rest);
        if (f != null) return f;
        f = lostToOverflow(overflowBefore);
        if (f != null) return f;
        for (Action a : w.software()) {
            if (a instanceof Action.RegisterWrite r) {
                f = registers.compare(index, r, r.offset(), r.size());
                if (f != null) return f;
            }
        }
        return null;
    }

    /**
     * A fault the model's full queue discarded in this window, setting fqof, where the DUT wrote no record for
     * it and left fqof clear (read once already, when the fault was linearized): the fault was neither
     * recorded nor counted as an overflow, so its record is lost. Keyed as a missing record, which it is
     * whether the queue the DUT lost it in had room or not; null when nothing was lost so.
     */
    private Finding lostToOverflow(boolean overflowBefore) throws DutException {
        boolean overflowNow = (seed.model.registers().fqcsr() & RegisterFile.QCSR_OF) != 0;
        if (overflowBefore || !overflowNow || !readAtEnd.containsKey(RegisterFile.FQCSR) || overflowedAtEnd()) return null;
        return new Finding("fault queue after the window: a fault met the full queue",
                List.of(new Divergence.FieldMismatch("fqcsr.fqof", "9", 1, 0)),
                "a fault record that finds the queue full is discarded and sets fqof (spec: \"Fault/Event-Queue\"); "
                        + "the DUT neither wrote the record nor set fqof",
                new Signature(Signature.key("memory write", "missing " + EffectRecorder.kindName(
                        dev.lockstep.refmodel.effect.EffectSink.WRITE_FAULT_RECORD)),
                        "a fault the model reports is neither in the DUT's fault queue nor counted in fqof"));
    }

    /**
     * Whether what the DUT did puts request {@code t}, fitting as {@code m} at {@code point}, at a later one:
     * {@code later} are the words stores still to come rewrite, {@code drain} the first step still to come that
     * drains the fault queue or clears its error bits (-1: none).
     */
    private boolean laterPoint(Action.Translate t, CompletionCheck.Permitted p, CompletionCheck.Match m, Set<Long> later,
                               WindowPoints points, int drain, int point) throws DutException {
        // A fault whose record the DUT did not write (a queue that filled up) waits for the records it did
        // write, on both sides of the software actions, so that the model's queue fills in the DUT's order.
        boolean reportedFault = m.chosen().outcome().fault() && m.chosen().outcome().reported();
        boolean wrote = records.wrote(t.tag());
        boolean unrecorded = reportedFault && !wrote;
        boolean recordedLater = false;
        if (drain >= 0 && reportedFault && queueDiscards()) {
            // Software drains the fault queue or clears fqof (a step still to come) while the faults are in
            // flight, and the model's queue discards a record here (full, fqof or fqmf set, off): "While either
            // error bit is set in fqcsr, the IOMMU discards the record that led to the fault and all further
            // fault records". A record the DUT wrote after the actions took effect was made after them; one it
            // left out was discarded before them, unless the DUT's queue overflowed again after them (fqof set
            // at the end).
            recordedLater = wrote && records.cycle(t.tag()) >= points.appliedOfStep(drain);
            unrecorded = !wrote && overflowedAtEnd();
        }
        return adStores.putsLater(t, p, m, later, point) || !recordAgrees(m, t) || unrecorded || recordedLater;
    }

    /**
     * Whether the DUT reported a fault of {@code t}: it wrote a record for it, or the model's queue is full
     * and the DUT's overflowed ("Fault/Event-Queue": a record that finds the queue full sets fqof and is
     * discarded), which tells a reported fault from one the spec lets go unreported (DTF, a cached context).
     */
    private boolean reported(Action.Translate t) throws DutException {
        if (records.wrote(t.tag())) return true;
        int csr = seed.model.registers().fqcsr();
        boolean discardsAll = (csr & RegisterFile.QCSR_ON) == 0 || (csr & (RegisterFile.QCSR_OF | RegisterFile.QCSR_MF)) != 0;
        return !discardsAll && queueDiscards() && overflowedAtEnd();   // on, no error bit: it discards when full
    }

    /**
     * The model performs request {@code t} as {@code m}. A fault record identical in every field to one
     * the queue already holds is left out when the DUT reported none for {@code t}: "the IOMMU may report
     * each of those faults individually, or report the fault for a subset, including one, of requests"
     * (Fault/Event-Queue), as {@link IdenticalFaults} does for one request at a time.
     */
    private AdUpdates commit(int index, Action.Translate t, CompletionCheck.Match m) throws DutException {
        return completions.commit(index, t, m, reportedOf(t));
    }

    /** What the window knows of {@code t}'s fault record: whether the DUT reported its fault, and the record's cause. */
    private CompletionCheck.Reported reportedOf(Action.Translate t) throws DutException {
        return CompletionCheck.Reported.of(reported(t), records.record(t.tag()));
    }

    /**
     * {@code m} pinned to the structures as they are now: the words its walk reads, at their current values
     * (or the cached versions it uses), as overrides, so that committing it after later steps changed
     * memory still performs it as it fits now. Without them the commit would walk the later contents.
     */
    private CompletionCheck.Match asNow(Action.Translate t, CompletionCheck.Match m) {
        dev.lockstep.refmodel.cache.CachingModel.Candidate c = m.chosen();
        dev.lockstep.refmodel.translate.Outcome walk = c.overrides().isEmpty() ? walks.of(m.performed())
                : walks.of(m.performed(), c.overrides());
        if (walk == null) return m;
        Map<Long, Long> pinned = new HashMap<>(c.overrides());
        for (int r = 0; r < walk.trace().readCount(); r++) {
            long base = walk.trace().readAddress(r) & ~7L;
            for (long a = base; a < base + Math.max(8, walk.trace().readSize(r)); a += 8) {
                pinned.putIfAbsent(a, seed.memory.load64(a));
            }
        }
        return new CompletionCheck.Match(new dev.lockstep.refmodel.cache.CachingModel.Candidate(c.outcome(), true, c.stores(),
                pinned, c.adChoices()), m.performed(), m.finding());
    }

    /** The model performs {@code step}'s software actions. */
    private void apply(List<Action> step) {
        for (Action a : step) {
            if (a instanceof Action.MemoryWrite m) {
                seed.model.softwareWrite64(m.pa(), m.value());
                seed.touchedPages.add(m.pa() >>> 12);
            } else if (a instanceof Action.RegisterWrite r) {
                seed.model.mmioWrite(r.offset(), r.size(), r.value());
            }
        }
    }

    /**
     * Whether the fault record the DUT wrote for {@code t} (if any) is the one match {@code m} reports:
     * the record shows which structures the walk read (its cause, iotval2's GPA), where the completion
     * alone may not.
     */
    private boolean recordAgrees(CompletionCheck.Match m, Action.Translate t) {
        long[] d = records.record(t.tag());
        if (d == null || !m.chosen().outcome().fault()) return true;
        dev.lockstep.refmodel.fault.FaultRecord r = m.chosen().outcome().record();
        return (d[0] & 0xfff) == r.cause() && MemoryWriteCheck.sameIotval(r.iotval(), d[1])
                && MemoryWriteCheck.sameIotval2(r.iotval2(), d[2]);
    }

    /**
     * A request not yet linearized; {@code earliest}: how it fits at the first point it fitted at,
     * {@code earliestPoint}, where something the DUT did put it later (null, -1 when it fitted nowhere yet).
     */
    private record Pending(Action.Translate request, CompletionCheck.Match earliest, int earliestPoint) {}

    /**
     * {@code f} for request {@code t}'s completion, with the signature of crossed completions when the DUT
     * answered success at an address none of {@code t}'s outcomes has and that belongs to another request
     * of the window: one the model gives it, or the one the DUT's completion of it carries. The completion
     * then has its own tag and another request's data, and its class is the crossing, not the rule
     * {@code t}'s walk ended at (which depends on the seed's tables).
     */
    private Finding crossed(Finding f, Action.Window w, Action.Translate t, long word, long pa) {
        if (DutObservations.status(word) != 0) return f;
        for (CachingModel.Candidate c : seed.model.candidates(t.request())) {
            if (!c.outcome().fault() && c.outcome().pa() == pa) return f;
        }
        boolean other = false;
        DutObservations observed = seed.observed;
        for (int i = 0; i < observed.completions && !other; i++) {
            other = DutObservations.tag(observed.completionWord[i]) != t.tag() && observed.completionPa[i] == pa;
        }
        for (Action.Translate u : w.requests()) {
            if (u == t || other) continue;
            for (CachingModel.Candidate c : seed.model.candidates(u.request())) {
                other |= !c.outcome().fault() && c.outcome().pa() == pa;
            }
        }
        if (!other) return f;
        return new Finding(f.during(), f.subject(), f.fields(), f.rule(), f.walk(),
                new Signature(Signature.key("translation", "completion with another outstanding request's address"),
                        "a completion carries its own request's tag and the address of another request in flight "
                                + "with it: tag and data of different requests"));
    }

    /** Each request's completion, by tag; a divergence for a tag not outstanding, a second completion or none. */
    private Finding matchTags(Action.Window w, Map<Integer, Integer> completionOf) {
        DutObservations observed = seed.observed;
        Map<Integer, Action.Translate> byTag = new HashMap<>();
        for (Action.Translate t : w.requests()) byTag.put(t.tag(), t);
        for (int i = 0; i < observed.completions; i++) {
            int tag = DutObservations.tag(observed.completionWord[i]);
            Action.Translate t = byTag.get(tag);
            if (t == null) {
                return new Finding("translation completion with tag " + tag + ", which no outstanding request has",
                        List.of(new Divergence.FieldMismatch("tag", "15:0", -1, tag)),
                        "a completion answers an outstanding request, by its tag (spec: \"Placement and data flow\")",
                        new Signature(Signature.key("translation", "completion with a tag not outstanding"),
                                "a completion whose tag no outstanding request has: completions are matched to "
                                        + "their requests by tag"));
            }
            if (completionOf.putIfAbsent(tag, i) != null) {
                return completions.completionCount(t, "a second completion with its tag",
                        "two completions", 2);
            }
        }
        for (Action.Translate t : w.requests()) {
            if (!completionOf.containsKey(t.tag())) {
                return completions.completionCount(t, "no completion while "
                        + w.requests().size() + " requests were outstanding", "no completion", 0);
            }
        }
        return null;
    }

    /**
     * The DUT's registers once the window is done, each read when first needed and then kept (a read has no side
     * effect; reading once keeps the log's reads the same for {@code check}).
     */
    private final Map<Integer, Long> readAtEnd = new HashMap<>();

    private boolean atEnd(int offset, int bit) throws DutException {
        Long v = readAtEnd.get(offset);
        if (v == null) {
            v = seed.driver.dut.mmioRead(offset, 4);
            readAtEnd.put(offset, v);
        }
        return (v & bit) != 0;
    }

    /** The DUT's fqcsr.fqof once the window is done. */
    private boolean overflowedAtEnd() throws DutException { return atEnd(RegisterFile.FQCSR, RegisterFile.QCSR_OF); }

    /** The DUT's pqcsr.pqof once the window is done. */
    private boolean pageQueueOverflowedAtEnd() throws DutException { return atEnd(RegisterFile.PQCSR, RegisterFile.QCSR_OF); }

    /** The DUT's ipsr.pip once the window is done. */
    private boolean pageRequestPendingAtEnd() throws DutException { return atEnd(RegisterFile.IPSR, RegisterFile.IPSR_PIP); }

    /**
     * Whether the model's fault queue would discard a record now: off, fqof or fqmf set, or full (spec:
     * "Fault/Event-Queue").
     */
    private boolean queueDiscards() {
        RegisterFile r = seed.model.registers();
        int csr = r.fqcsr();
        if ((csr & RegisterFile.QCSR_ON) == 0 || (csr & (RegisterFile.QCSR_OF | RegisterFile.QCSR_MF)) != 0) return true;
        long n = RegisterFile.queueEntries(r.fqb());
        return ((r.fqt() & 0xffffffffL) + 1) % n == (r.fqh() & 0xffffffffL);
    }




}
