package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.command.Commands;
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
    /** The window's requests the DUT wrote a fault record for (by {@link #linearization}). */
    private final Set<Integer> recordedTags = new HashSet<>();
    /** Their records as the DUT wrote them: dword 0, iotval, iotval2 (logical byte order). */
    private final Map<Integer, long[]> dutRecords = new HashMap<>();
    /** The cycle the DUT wrote each of those records (its first doubleword). */
    private final Map<Integer, Long> recordCycle = new HashMap<>();

    WindowCheck(SeedContext seed, QueueRegions regions, EffectCheck effectCheck, CompletionCheck completions,
                RegisterCheck registers) {
        this.seed = seed;
        this.regions = regions;
        this.effectCheck = effectCheck;
        this.completions = completions;
        this.registers = registers;
        this.walks = new ModelWalk(seed);
    }

    private final ModelWalk walks;

    Finding check(int index, Action.Window w) throws DutException {
        DutObservations observed = seed.observed;
        long applied = seed.driver.driveWindow(w);
        Map<Integer, Integer> completionOf = new HashMap<>();
        Finding f = matchTags(w, completionOf);
        if (f != null) return f;
        boolean during = !w.during().isEmpty();
        boolean queueRace = false;
        for (Action a : w.during()) {
            if (a instanceof Action.RegisterWrite r && (r.offset() == RegisterFile.FQH || r.offset() == RegisterFile.FQCSR)) {
                queueRace = true;
            }
        }
        dutOverflow = null;
        long fenceDone = fenceCompletion(w, applied);
        Set<Long> stored = new HashSet<>();
        for (Action a : w.during()) if (a instanceof Action.MemoryWrite m) stored.add(m.pa() & ~7L);

        List<Deferred> after = new ArrayList<>();
        List<AdUpdates> adBefore = new ArrayList<>();
        List<AdUpdates> adAfter = new ArrayList<>();
        for (Action.Translate t : linearization(w, completionOf)) {
            int i = completionOf.get(t.tag());
            long word = observed.completionWord[i];
            long pa = observed.completionPa[i];
            boolean mustBefore = !during || observed.completionCycle[i] <= applied;
            long accepted = observed.acceptCycle(t.tag());
            boolean mayBefore = mustBefore || accepted < 0 || accepted < fenceDone;
            if (!mayBefore) {
                after.add(new Deferred(t, null));
                continue;
            }
            CompletionCheck.Permitted p = completions.permitted(t);
            Boolean recorded = recordedTags.contains(t.tag());
            CompletionCheck.Match m = mustBefore ? completions.match(index, t, p, word, pa, recorded)
                    : completions.fitting(index, t, p, word, pa, recorded);
            if (m != null && m.finding() != null) return m.finding();
            if (m == null) {
                after.add(new Deferred(t, null));
                continue;
            }
            // A fault whose record the DUT did not write (a queue that filled up) waits for the records it did
            // write, on both sides of the software actions, so that the model's queue fills in the DUT's order.
            boolean reportedFault = m.chosen().outcome().fault() && m.chosen().outcome().reported();
            boolean wrote = recordedTags.contains(t.tag());
            boolean unrecorded = reportedFault && !wrote;
            boolean recordedLater = false;
            if (queueRace && reportedFault && queueDiscards()) {
                // Software drains the fault queue or clears fqof while the faults are in flight, and the model's
                // queue discards a record here (full, fqof or fqmf set, off): "While either error bit is set in
                // fqcsr, the IOMMU discards the record that led to the fault and all further fault records". A
                // record the DUT wrote after the actions took effect was made after them; one it left out was
                // discarded before them, unless the DUT's queue overflowed again after them (fqof set at the end).
                recordedLater = wrote && recordCycle.getOrDefault(t.tag(), Long.MIN_VALUE) > applied;
                unrecorded = !wrote && overflowedAtEnd();
            }
            // A success before the store whose leaf the DUT updated after it did that update on the new version;
            // a fault before it makes no update, so a later store to its PTE is another request's.
            boolean updatedAfter = !m.chosen().outcome().fault() && leafUpdatedAfter(t, stored, applied);
            if (!mustBefore && (updatesStoredWordAfter(m, stored, applied) || updatedAfter
                    || !recordAgrees(m, t) || unrecorded || recordedLater)) {
                after.add(new Deferred(t, m));
                continue;
            }
            adBefore.add(completions.commit(index, t, m));
        }
        // The A/D stores to a PTE software rewrites in this window, made before the store, on the old version.
        f = checkAd(index, AdUpdates.merge(adBefore).only(stored::contains), Long.MIN_VALUE, applied);
        if (f != null) return f;
        for (Action a : w.during()) {
            if (a instanceof Action.MemoryWrite m) {
                seed.model.softwareWrite64(m.pa(), m.value());
                seed.touchedPages.add(m.pa() >>> 12);
            } else if (a instanceof Action.RegisterWrite r) {
                seed.model.mmioWrite(r.offset(), r.size(), r.value());
            }
        }
        for (Deferred d : after) {
            Action.Translate t = d.request();
            int i = completionOf.get(t.tag());
            CompletionCheck.Permitted p = completions.permitted(t);
            long word = observed.completionWord[i];
            long pa = observed.completionPa[i];
            Boolean recorded = recordedTags.contains(t.tag());
            CompletionCheck.Match m = d.before() == null ? completions.match(index, t, p, word, pa, recorded)
                    : completions.fitting(index, t, p, word, pa, recorded);
            // Only the structures before the store explain it after all: the A/D store after it was another request's.
            if (m == null) m = d.before();
            if (m.finding() != null) return m.finding();
            (d.before() == m ? adBefore : adAfter).add(completions.commit(index, t, m));
        }
        f = checkAd(index, AdUpdates.merge(adAfter).only(stored::contains), applied + 1, Long.MAX_VALUE);
        if (f != null) return f;
        List<AdUpdates> all = new ArrayList<>(adBefore);
        all.addAll(adAfter);
        AdUpdates rest = AdUpdates.merge(all).only(word -> !stored.contains(word));

        // The completions are matched; the rest of what the window did is compared as for any action.
        observed.completions = 0;
        ConcurrentRecords.alignToDut(seed.effects, observed, regions, seed.memory, seed.model.registers().bigEndian());
        InterruptCheck.byLine(seed.effects, observed);
        f = effectCheck.compare(index, w, rest);
        if (f != null) return f;
        for (Action a : w.during()) {
            if (a instanceof Action.RegisterWrite r) {
                f = registers.compare(index, r, r.offset(), r.size());
                if (f != null) return f;
            }
        }
        return null;
    }

    /**
     * Whether the fault record the DUT wrote for {@code t} (if any) is the one match {@code m} reports:
     * the record shows which structures the walk read (its cause, iotval2's GPA), where the completion
     * alone may not.
     */
    private boolean recordAgrees(CompletionCheck.Match m, Action.Translate t) {
        long[] d = dutRecords.get(t.tag());
        if (d == null || !m.chosen().outcome().fault()) return true;
        dev.lockstep.refmodel.fault.FaultRecord r = m.chosen().outcome().record();
        return (d[0] & 0xfff) == r.cause() && MemoryWriteCheck.sameIotval(r.iotval(), d[1])
                && MemoryWriteCheck.sameIotval2(r.iotval2(), d[2]);
    }

    /** A request linearized after the window's software actions; {@code before}: how it fits before them, if it does. */
    private record Deferred(Action.Translate request, CompletionCheck.Match before) {}

    /**
     * Whether the model's walk of {@code t} reads a PTE word the window's store rewrites and the DUT
     * wrote that word after the store: an A/D update made on the new version, so the request is after it.
     */
    private boolean leafUpdatedAfter(Action.Translate t, Set<Long> stored, long applied) {
        if (stored.isEmpty()) return false;
        dev.lockstep.refmodel.translate.Outcome o = walks.of(t.request());
        if (o == null) return false;
        DutObservations obs = seed.observed;
        for (int r = 0; r < o.trace().readCount(); r++) {
            long a = o.trace().readAddress(r) & ~7L;
            if (!stored.contains(a)) continue;
            for (int i = 0; i < obs.writes; i++) {
                if ((obs.writeAddr[i] & ~7L) == a && obs.writeCycle[i] > applied) return true;
            }
        }
        return false;
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
                return completions.completionCount(t, completions.permitted(t), "a second completion with its tag",
                        "two completions", 2);
            }
        }
        for (Action.Translate t : w.requests()) {
            if (!completionOf.containsKey(t.tag())) {
                return completions.completionCount(t, completions.permitted(t), "no completion while "
                        + w.requests().size() + " requests were outstanding", "no completion", 0);
            }
        }
        return null;
    }

    /**
     * The order the model performs the window's requests in: those the DUT wrote a fault record for
     * (identified by device, process and type) in the order of their records, then the others in the
     * order of their completions, so that the model's fault queue fills, and overflows, in the DUT's
     * order (a record the DUT left out of a full queue is then left out of the model's too).
     */
    private List<Action.Translate> linearization(Action.Window w, Map<Integer, Integer> completionOf) {
        DutObservations observed = seed.observed;
        Map<Integer, Long> key = new HashMap<>();
        for (Action.Translate t : w.requests()) key.put(t.tag(), Long.MAX_VALUE);
        boolean bigEndian = seed.model.registers().bigEndian();
        long fqBase = RegisterFile.queueBaseAddress(seed.model.registers().fqb());
        Set<Integer> attributed = recordedTags;
        attributed.clear();
        dutRecords.clear();
        recordCycle.clear();
        for (int i = 0; i < observed.writes; i++) {
            long a = observed.writeAddr[i] & ~7L;
            if (!regions.inFaultQueue(a) || ((a - fqBase) & 31) != 0) continue;
            long dw0 = bigEndian ? Long.reverseBytes(observed.writeData[i]) : observed.writeData[i];
            Long iotval = null;
            long iotval2 = 0;
            for (int j = 0; j < observed.writes; j++) {
                long v = bigEndian ? Long.reverseBytes(observed.writeData[j]) : observed.writeData[j];
                if ((observed.writeAddr[j] & ~7L) == a + 16) iotval = v;
                if ((observed.writeAddr[j] & ~7L) == a + 24) iotval2 = v;
            }
            // The request the record names: same device, process and type; where several are, the one with
            // the record's iotval, else one on its page (the page offset may be reported as 0).
            Action.Translate named = null;
            int best = -1;
            for (Action.Translate t : w.requests()) {
                if (attributed.contains(t.tag()) || !recordOf(dw0, t)) continue;
                int fit = iotval == null ? 0 : iotval == t.iova() ? 2 : (iotval >>> 12) == (t.iova() >>> 12) ? 1 : 0;
                if (fit > best) {
                    named = t;
                    best = fit;
                }
            }
            if (named != null) {
                attributed.add(named.tag());
                dutRecords.put(named.tag(), new long[] {dw0, iotval == null ? 0 : iotval, iotval2});
                key.put(named.tag(), observed.writeCycle[i]);
                recordCycle.put(named.tag(), observed.writeCycle[i]);
            }
        }
        List<Action.Translate> order = new ArrayList<>(w.requests());
        order.sort((x, y) -> {
            int c = Long.compare(key.get(x.tag()), key.get(y.tag()));
            return c != 0 ? c : Integer.compare(completionOf.get(x.tag()), completionOf.get(y.tag()));
        });
        return order;
    }

    /** Whether a fault record's first doubleword names request {@code t}: DID, PV, PID and TTYP. */
    private static boolean recordOf(long dw0, Action.Translate t) {
        return (dw0 >>> 40) == t.deviceId() && ((dw0 >>> 34) & 0x3f) == t.ttyp() && ((dw0 >>> 32) & 1) == (t.pv() ? 1 : 0)
                && (!t.pv() || ((dw0 >>> 12) & 0xfffff) == t.processId());
    }

    /**
     * The cycle the IOFENCE.C the window's cqt write made available completed (cqh reached the tail past
     * it, ABI 6), or {@link Long#MAX_VALUE} when there is none, the last command made available is not a
     * fence, or the DUT reports no cqh.
     */
    private long fenceCompletion(Action.Window w, long applied) {
        long fenceDone = Long.MAX_VALUE;
        for (Action a : w.during()) {
            if (!(a instanceof Action.RegisterWrite r) || r.offset() != RegisterFile.CQT) continue;
            long cqb = seed.model.registers().cqb();
            long entries = RegisterFile.queueEntries(cqb);
            long tail = r.value() & (entries - 1);
            long slot = RegisterFile.queueBaseAddress(cqb) + 16 * ((tail + entries - 1) & (entries - 1));
            long dw0 = seed.memory.load64(slot);
            boolean fence = (dw0 & 0x7f) == Commands.IOFENCE && ((dw0 >>> 7) & 7) == Commands.IOFENCE_C;
            long reached = seed.observed.cqHeadReached(tail, applied);
            fenceDone = fence && reached >= 0 ? reached : Long.MAX_VALUE;
        }
        return fenceDone;
    }

    /** The DUT's fqcsr.fqof once the window is done (read when first needed: a read has no side effect). */
    private Boolean dutOverflow;

    private boolean overflowedAtEnd() throws DutException {
        if (dutOverflow == null) {
            dutOverflow = (seed.driver.dut.mmioRead(RegisterFile.FQCSR, 4) & RegisterFile.QCSR_OF) != 0;
        }
        return dutOverflow;
    }

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

    /**
     * Whether {@code m}'s A/D updates of a PTE word the window's store rewrites are not what the DUT did
     * before the store (it made none there before it, or one after it): the request then performed them,
     * or needed none, on the new version, so it is after the store.
     */
    private boolean updatesStoredWordAfter(CompletionCheck.Match m, Set<Long> stored, long applied) {
        if (stored.isEmpty()) return false;
        DutObservations o = seed.observed;
        for (long word : AdUpdates.of(m.chosen(), seed.memory).words()) {
            if (!stored.contains(word)) continue;
            boolean before = false;
            for (int i = 0; i < o.writes; i++) {
                if ((o.writeAddr[i] & ~7L) != word) continue;
                if (o.writeCycle[i] > applied) return true;
                before = true;
            }
            if (!before) return true;
        }
        return false;
    }

    /** The DUT's A/D stores in cycles {@code from..to} against {@code ad}; null when permitted. */
    private Finding checkAd(int index, AdUpdates ad, long from, long to) {
        if (ad.isEmpty()) return null;
        List<AdUpdates.Choice> chosen = new ArrayList<>(0);
        MemoryWriteCheck.Mismatch m = ad.check(seed.effects, seed.observed, seed.model.caching(), chosen, from, to);
        if (m != null) return EffectCheck.memoryWriteFinding(m);
        for (AdUpdates.Choice c : chosen) seed.observer.choice(index, c.text());
        return null;
    }
}
