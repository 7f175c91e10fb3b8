package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.stimulus.Action;
import dev.lockstep.triage.TranslationStep;
import dev.lockstep.triage.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * A translation request: exactly one completion with its tag, and it must show one of the outcomes the
 * spec's caching rules still permit ({@link CachingModel#candidates}: cached structures may be old or new
 * until invalidated), compared by {@link Completions}; the ATS choices of {@link AtsChoices} are taken
 * as the DUT made them. The candidate the DUT used is then committed in the model, and what the
 * translation did besides its completion is compared by {@link EffectCheck} (A/D updates, fault record).
 */
final class CompletionCheck {
    private final SeedContext seed;
    private final QueueRegions regions;
    private final EffectCheck effectCheck;
    private final ModelWalk walks;
    /** Translations whose completion used a cached structure older than memory. */
    long staleHits;

    private final IdenticalFaults identicalFaults;
    private final MistakeProbes probes;

    CompletionCheck(SeedContext seed, QueueRegions regions, EffectCheck effectCheck, IdenticalFaults identicalFaults) {
        this.identicalFaults = identicalFaults;
        this.seed = seed;
        this.regions = regions;
        this.effectCheck = effectCheck;
        this.walks = new ModelWalk(seed);
        this.probes = new MistakeProbes(seed);
    }

    /** Applies translation request {@code t} to both sides; null when the DUT's completion and effects are permitted. */
    Finding translate(int index, Action.Translate t) throws DutException {
        DutObservations observed = seed.observed;
        Permitted permitted = permitted(t);
        seed.driver.drive(t);
        if (observed.completions != 1 || DutObservations.tag(observed.completionWord[0]) != t.tag()) {
            String got = observed.completions == 0 ? "no completion"
                    : observed.completions + " completion(s), first with tag "
                    + DutObservations.tag(observed.completionWord[0]);
            return completionCount(t, got, observed.completions == 0 ? "no completion" : "other completions",
                    observed.completions);
        }
        Match m = match(index, t, permitted, observed.completionWord[0], observed.completionPa[0], null);
        if (m.finding() != null) return m.finding();
        seed.effects.clear();
        AdUpdates ad = commit(index, t, m);
        effectCheck.committed = m.chosen().outcome();
        Finding f = effectCheck.compare(index, t, ad);
        return f == null ? null : f.withWalk(walks.explain(walks.of(t.request())));
    }

    /** The outcomes the spec permits for {@code t} in the model's current state (and, for ATS No Write, with W granted). */
    record Permitted(List<CachingModel.Candidate> candidates, TranslationRequest writeRequest,
                     List<CachingModel.Candidate> writeGranted) {}

    Permitted permitted(Action.Translate t) {
        TranslationRequest req = t.request();
        TranslationRequest writeReq = AtsChoices.writeRequested(req);
        return new Permitted(seed.model.candidates(req), writeReq,
                writeReq == null ? List.of() : AtsChoices.grantingWrite(seed.model.candidates(writeReq)));
    }

    /** Request {@code t} got {@code count} completions (described by {@code got}) instead of one with its tag. */
    Finding completionCount(Action.Translate t, String got, String observedClass, int count) {
        Outcome walk = walks.of(t.request());
        return new Finding(null, "translation completion for tag " + t.tag(),
                List.of(new Divergence.FieldMismatch("completions", "-", 1, count)),
                "every request gets exactly one completion with its tag; the DUT gave " + got,
                walks.explain(walk), countSignature(observedClass));
    }

    /**
     * The signature of a wrong number of completions: the bug is in how completions leave the IOMMU, so
     * neither the request's type nor the rule its walk ended at (which depend on the seed) is its class.
     */
    static Signature countSignature(String observedClass) {
        return new Signature(Signature.key("translation", "completions", observedClass),
                "every request gets exactly one completion with its tag; the DUT gave " + observedClass);
    }

    /** The candidate a completion shows the DUT used, and the request it performed; or the finding when none fits. */
    record Match(CachingModel.Candidate chosen, TranslationRequest performed, Finding finding) {}

    /**
     * What a window knows of one of its requests' fault records: whether the DUT reported its fault, and the cause of
     * the record the window attributed to it (-1: none). Without the cause on the bus, the completion takes that
     * cause, not the action's first record's, which another request of the window may have written. Null outside a
     * window: both are told from the action's writes.
     */
    record Reported(boolean fault, int cause) {
        static Reported of(boolean fault, long[] record) { return new Reported(fault, record == null ? -1 : (int) (record[0] & 0xfff)); }
    }

    /**
     * The permitted candidate completion ({@code word}, {@code pa}) shows, or null when none does.
     * {@code recorded}: the request's fault record, where the engine knows (a window of several requests); null to
     * tell from this action's writes.
     */
    Match fitting(int index, Action.Translate t, Permitted p, long word, long pa, Reported recorded) throws DutException {
        boolean ats = t.ttyp() == Ttyp.ATS_TRANSLATION;
        word = withRecordedCause(word, recorded);
        CachingModel.Candidate chosen = choose(p.candidates(), word, pa, ats, recorded);
        if (chosen != null) return new Match(chosen, t.request(), null);
        if (p.writeGranted().isEmpty()) return null;
        chosen = choose(p.writeGranted(), word, pa, ats, recorded);
        if (chosen == null) return null;
        seed.observer.choice(index, "ATS no-write: W returned as the page's permission");
        return new Match(chosen, p.writeRequest(), null);
    }

    /** {@link #fitting}, or the divergence of a completion no permitted outcome explains. */
    Match match(int index, Action.Translate t, Permitted p, long word, long pa, Reported recorded) throws DutException {
        Match m = fitting(index, t, p, word, pa, recorded);
        if (m != null) return m;
        boolean ats = t.ttyp() == Ttyp.ATS_TRANSLATION;
        word = withRecordedCause(word, recorded);
        TranslationRequest req = t.request();
        List<CachingModel.Candidate> permitted = p.candidates();
        TranslationOutcome want = permitted.get(0).outcome();
        Outcome walk = walks.of(req);
        CachingModel.Candidate keyed = nearest(permitted, req, word);
        // Fields the bus cannot carry are taken from the model: compared on everything else.
        long shown = unobservedFromModel(want, word);
        String unobserved = seed.iface.notObservable().isEmpty() ? ""
                : " (not observable on this DUT's bus, so not compared: " + seed.iface.notObservable() + ")";
        List<Divergence.FieldMismatch> fields = ats
                ? AtsCompletion.mismatches(want, shown, pa)
                : CompletionReport.fields(want, shown, pa);
        long dutWord = word;
        Signature mistake = probes.classify(req, walk, word, o -> completionMatches(o, dutWord, pa, ats));
        return new Match(null, null, new Finding(null, "translation completion for tag " + t.tag(), fields,
                CompletionReport.permittedText(permitted) + unobserved, walks.explain(walk),
                mistake != null ? mistake : CompletionReport.signature(t, keyed == permitted.get(0) ? walk : walks.of(req, keyed.overrides()),
                        CompletionReport.fieldClasses(fields, keyed.outcome()), keyed.outcome(), CompletionReport.outcomeClass(keyed.outcome(), ats),
                        CompletionReport.completionClass(shown, ats),
                        DutObservations.status(shown) != 0 ? DutObservations.cause(shown) : 0,
                        CompletionReport.passedThrough(t, keyed.outcome(), shown, pa))));
    }

    /**
     * Commits the candidate the DUT used in the model (its fault record, A/D updates, cache fills), the
     * model following the DUT where the spec lets it choose; returns the A/D updates it permits.
     */
    AdUpdates commit(int index, Action.Translate t, Match m) throws DutException { return commit(index, t, m, null); }

    /** {@link #commit}; {@code reported}: {@code t}'s fault record, where the caller knows (see {@link #fitting}). */
    AdUpdates commit(int index, Action.Translate t, Match m, Reported reported) throws DutException {
        boolean ats = t.ttyp() == Ttyp.ATS_TRANSLATION;
        CachingModel.Candidate chosen = m.chosen();
        TranslationRequest req = t.request();
        if (chosen.stale()) staleHits++;
        seed.observer.translated(index, req, chosen.outcome(), chosen.stale());
        // Without the cause on the bus, the DUT's cause is the one of the fault record it wrote (none: not shown).
        long word = withRecordedCause(completionWordOf(t), reported);
        if (ats) seed.observer.atsCompleted(index, req, chosen.outcome(), word);
        AdUpdates ad = AdUpdates.of(chosen, seed.memory);
        identicalFaults.modelAfterDut(index, () -> seed.model.commit(m.performed(), chosen),
                reported == null ? null : reported.fault());
        if (ats && chosen.outcome().fault() && AtsCompletion.isAccessFault(chosen.outcome().record().cause())
                && (seed.iface.cause() || DutObservations.cause(word) != 0)) {
            seed.observer.choice(index, "ATS access fault reported with cause " + DutObservations.cause(word));
            if (DutObservations.cause(word) != chosen.outcome().record().cause()) {
                AtsChoices.takeCause(seed.effects, seed.memory, DutObservations.cause(word),
                        seed.model.registers().bigEndian());
            }
        }
        return ad;
    }

    /** The DUT's completion word for {@code t}'s tag in this action. */
    private long completionWordOf(Action.Translate t) {
        DutObservations o = seed.observed;
        for (int i = 0; i < o.completions; i++) if (DutObservations.tag(o.completionWord[i]) == t.tag()) return o.completionWord[i];
        throw new IllegalStateException("no completion for tag " + t.tag());
    }

    /**
     * Of the outcomes the spec permits (structures cached old or new), the one the signature is keyed by:
     * the one whose walk got furthest without passing the step the DUT stopped at, as the DUT's answer
     * shows it went that far (it used the structures that walk read); the first when none did.
     */
    private CachingModel.Candidate nearest(List<CachingModel.Candidate> permitted, TranslationRequest req, long word) {
        if (permitted.size() == 1) return permitted.get(0);
        int dutCause = DutObservations.status(word) != 0 ? DutObservations.cause(word) : 0;
        CachingModel.Candidate best = permitted.get(0);
        TranslationStep bestStep = null;
        for (CachingModel.Candidate c : permitted) {
            Outcome w = walks.of(req, c.overrides());
            int cause = c.outcome().fault() ? c.outcome().record().cause() : 0;
            // A candidate served from a cached translation has no walk of its own over memory to key by.
            if (w == null || w.trace().ruleCause() != cause) continue;
            TranslationStep step = TranslationStep.ofRule(w.trace().rule().name());
            TranslationStep dutStep = dutCause == 0 ? TranslationStep.COMPLETED
                    : TranslationStep.ofCause(dutCause, step, cause);
            if (step.compareTo(dutStep) <= 0 && (bestStep == null || step.compareTo(bestStep) > 0)) {
                best = c;
                bestStep = step;
            }
        }
        return best;
    }

    /**
     * The permitted candidate the DUT's answer shows it used: its completion (status, cause, PA, PBMT)
     * must match; among several that do (old and new structures agreeing on the completion), the one whose
     * fault-queue write (DC.tc.DTF) and A/D stores match what the DUT wrote ({@link AdUpdates#chooseByStores}:
     * A/D stores are told by the PTE words a candidate may update, so an IOMMU MSI or an MRIF update is
     * none); current contents first.
     */
    private CachingModel.Candidate choose(List<CachingModel.Candidate> permitted, long word, long pa, boolean ats,
                                          Reported recordedHint)
            throws DutException {
        CachingModel.Candidate first = null;
        int matching = 0;
        for (CachingModel.Candidate c : permitted) {
            if (!completionMatches(c.outcome(), word, pa, ats)) continue;
            if (first == null) first = c;
            matching++;
        }
        if (matching <= 1) return first;
        boolean recorded = recordedHint != null ? recordedHint.fault() : faultReported();
        // Without the cause on the bus, faults of old and new structures all match the completion: the cause
        // in the fault record the DUT wrote tells which one it used.
        int recordCause = seed.iface.cause() ? -1 : recordedCause(recordedHint);
        List<CachingModel.Candidate> fitting = new ArrayList<>();
        for (CachingModel.Candidate c : permitted) {
            if (completionMatches(c.outcome(), word, pa, ats)
                    && (!c.outcome().fault() || c.outcome().reported() == recorded)
                    && (recordCause < 0 || !c.outcome().fault() || c.outcome().record().cause() == recordCause)) {
                fitting.add(c);
            }
        }
        CachingModel.Candidate byStores = AdUpdates.chooseByStores(fitting, seed.observed, seed.memory);
        if (byStores != null) return byStores;
        if (recordedHint != null) {
            // In a window the DUT's A/D stores may be other requests': a candidate whose own updates they
            // permit (one from a cached translation makes none) before one they contradict.
            CachingModel.Candidate consistent = AdUpdates.chooseConsistent(fitting, seed.observed, seed.memory);
            if (consistent != null) return consistent;
        }
        return recordCause >= 0 && !fitting.isEmpty() ? fitting.get(0) : first;
    }

    /**
     * Without the cause on the bus, a faulting completion carries the cause of the fault record the DUT wrote
     * for it (when it wrote one): where the spec lets the IOMMU choose the cause (an ATS Completer Abort), that
     * record is where the choice shows.
     */
    private long withRecordedCause(long word, Reported recorded) {
        if (seed.iface.cause() || DutObservations.status(word) == 0) return word;
        int cause = recordedCause(recorded);
        return cause <= 0 ? word : (word & ~(0xfffL << 32)) | ((long) cause << 32);
    }

    /** The cause of the request's fault record (a window's attribution, else this action's first record), or -1. */
    private int recordedCause(Reported recorded) { return recorded != null ? recorded.cause() : regions.recordedCause(); }

    /**
     * Whether the DUT reported a fault record for this action: it wrote one into the fault queue, or, when
     * the model's queue is full, it set fqof (read from the DUT: a read has no side effect). With fqof or
     * fqmf already set nothing tells, and nothing differs either.
     */
    private boolean faultReported() throws DutException {
        if (regions.wroteFaultQueue()) return true;
        RegisterFile regs = seed.model.registers();
        long fqcsr = regs.read(RegisterFile.FQCSR, 4);
        boolean errors = (fqcsr & (3L << 8)) != 0;
        long mask = RegisterFile.queueEntries(regs.fqb()) - 1;
        long fqt = regs.read(RegisterFile.FQT, 4);
        long fqh = regs.read(RegisterFile.FQH, 4);
        boolean full = ((fqt + 1) & mask) == (fqh & mask);
        if (errors || !full || (fqcsr & 1) == 0) return false;
        return (seed.driver.dut.mmioRead(RegisterFile.FQCSR, 4) & (1L << 9)) != 0;
    }

    /** {@link Completions#matches} on the DUT's completion word with the fields its bus cannot carry from {@code o}. */
    private boolean completionMatches(TranslationOutcome o, long observedWord, long pa, boolean ats) {
        return Completions.matches(o, unobservedFromModel(o, observedWord), pa, ats);
    }

    /**
     * The DUT's completion word with the fields its bus cannot carry (the cause of a fault, PBMT) taken from
     * outcome {@code o}: they are compared on everything else, and the fault record in memory as always.
     */
    private long unobservedFromModel(TranslationOutcome o, long word) {
        if (!seed.iface.cause() && o.fault() && DutObservations.cause(word) == 0) {
            word = (word & ~(0xfffL << 32)) | ((long) o.record().cause() << 32);
        }
        if (!seed.iface.pbmt() && !o.fault()) word = (word & ~(3L << 25)) | ((long) (o.pbmt() & 3) << 25);
        return word;
    }
}
