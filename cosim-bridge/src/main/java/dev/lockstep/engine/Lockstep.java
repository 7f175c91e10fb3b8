package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.dut.DutInterface;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.FastSparseMemory;
import dev.lockstep.refmodel.mem.OverlayMemory;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Translator;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import dev.lockstep.stimulus.Stimulus;
import dev.lockstep.triage.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The lockstep engine for one seed: every action goes to the golden model and to the DUT, and
 * everything observable is compared: each translation completion (against the set of outcomes the
 * spec's caching rules still permit), each register read and the read-back after each register write
 * (under the model's masks for UNSPECIFIED and self-timed fields), every IOMMU memory write, every
 * interrupt edge, and at the end the memory images and anything left over. The first divergence ends
 * the seed.
 */
public final class Lockstep {

    /** Cycles a DUT may take to become idle after an action before it is reported as hung. */
    public static final long IDLE_BUDGET = 200_000;
    private static final int RECENT = 10;

    private final Dut dut;
    /** What the DUT's interface carries: requests it cannot be sent are not generated, fields it cannot report not compared. */
    private final DutInterface iface;
    private final IommuConfig config;
    private final StimulusSource stimulusSource;
    private final ReproduceCommand reproduce;
    private final long[] events = new long[1024 * Dut.EVENT_WORDS];
    private final DutObservations observed = new DutObservations();
    private final EffectRecorder effects = new EffectRecorder();
    /** DUT cycle count right after the seed's reset: reported cycles are relative to it. */
    private long cycleBase;
    /** Index of the action being applied (or the seed's action count at its end), for error reports. */
    private int actionIndex;
    private Iommu model;
    private FastSparseMemory memory;
    private final Set<Long> touchedPages = new java.util.HashSet<>();
    /** One page of the DUT's memory image, for the end-of-seed comparison. */
    private final java.nio.ByteBuffer pageBuffer =
            java.nio.ByteBuffer.allocateDirect(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    private final long[] dutPageWords = new long[512];
    private final long[] modelPageWords = new long[512];
    private long staleHits;
    private long translations;

    private RunObserver observer = RunObserver.NONE;
    private int maxDivergences = 1;
    private boolean checking = true;
    /** The model's fqcsr before the current action: a record write that faulted sets fqmf during it. */
    private int fqcsrBefore;
    private int pqcsrBefore;
    private String wavePath;
    private long waveFromCycle;
    private int waveLatestAction;
    private Divergence first;
    private final List<Divergence> later = new ArrayList<>();
    /** Known divergences (by signature) that do not fail the seed: adopted, counted, and the seed goes on. */
    private java.util.function.Predicate<Signature> waived = s -> false;
    private final List<Divergence> waivedDivergences = new ArrayList<>();
    private int waivedCount;
    /** Waived divergences kept per seed (each is still counted past this). */
    private static final int WAIVED_KEPT = 200;
    /** The words the model stored during the current action, each with its value before the action. */
    private long[] journalAddr = new long[16];
    private long[] journalOld = new long[16];
    private int journalSize;

    public Lockstep(Dut dut, IommuConfig config, Scenario scenario, ReproduceCommand reproduce) {
        this(dut, config, (seed, c, model) -> scenario.create(seed, c, model, DutInterface.of(dut.buildId())), reproduce);
    }

    /** An engine whose actions come from {@code source} (e.g. a log being checked or replayed). */
    public Lockstep(Dut dut, IommuConfig config, StimulusSource source, ReproduceCommand reproduce) {
        this.dut = dut;
        this.iface = DutInterface.of(dut.buildId());
        this.config = config;
        this.stimulusSource = source;
        this.reproduce = reproduce;
    }

    /**
     * Divergences to report per seed before it stops (default 1). After the first, the engine goes on
     * applying actions and comparing; later divergences may be consequences of the first.
     */
    public Lockstep maxDivergences(int n) {
        this.maxDivergences = Math.max(1, n);
        return this;
    }

    /**
     * Dumps a VCD waveform to {@code path} from the first action boundary at or after cycle
     * {@code fromCycle} of the seed (and no later than action {@code latestAction}) to the end of the seed:
     * re-running a failing seed this way gives a window of cycles around its divergence.
     */
    public Lockstep waves(String path, long fromCycle, int latestAction) {
        this.wavePath = path;
        this.waveFromCycle = fromCycle;
        this.waveLatestAction = latestAction;
        return this;
    }

    /**
     * Divergences whose signature {@code isWaived} accepts do not fail the seed: each is kept in the
     * result as waived, the model adopts what the DUT did for that action ({@link #adopt}) and the seed
     * goes on.
     */
    public Lockstep waivers(java.util.function.Predicate<Signature> isWaived) {
        this.waived = isWaived == null ? s -> false : isWaived;
        return this;
    }

    /** Before each action (its index) and before the end of the seed (the action count): stop here? */
    private java.util.function.IntPredicate stopBefore = i -> false;

    /**
     * Stops a seed at an action boundary when {@code stop} says so (an interrupted run, or the cut of an
     * interrupted log): {@link #run} then throws {@link Stopped} after telling the observer, without the
     * end-of-seed comparisons.
     */
    public Lockstep stopBefore(java.util.function.IntPredicate stop) {
        this.stopBefore = stop;
        return this;
    }

    /** A seed stopped at an action boundary: it has no verdict; {@code actions} were applied and compared. */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final long seed;
        public final int actions;

        Stopped(long seed, int actions) {
            super("seed " + seed + " stopped after " + actions + " actions");
            this.seed = seed;
            this.actions = actions;
        }
    }

    /** Sets who watches the run (coverage, logs); {@link RunObserver#NONE} by default. */
    public Lockstep observer(RunObserver o) {
        this.observer = o == null ? RunObserver.NONE : o;
        return this;
    }

    /** Builds the command line that reproduces a seed. */
    @FunctionalInterface
    public interface ReproduceCommand {
        String forSeed(long seed);
    }

    /** Runs {@code actions} actions of seed {@code seed} with planted bug {@code mutant} selected in the DUT. */
    public SeedResult run(long seed, int mutant, int actions) {
        return run(seed, mutant, actions, null, true);
    }

    /**
     * Runs a given list of actions, with the model and every comparison ({@code check}) or against the
     * DUT alone (to measure what checking costs: the DUT's side is the same code either way).
     */
    public SeedResult run(long seed, int mutant, List<Action> script, boolean check) {
        return run(seed, mutant, script.size(), script, check);
    }

    private SeedResult run(long seed, int mutant, int actions, List<Action> script, boolean check) {
        long start = System.nanoTime();
        checking = check;
        memory = new FastSparseMemory();
        effects.clear();
        model = Iommu.withTranslationProcess(config, memory, effects);
        memory.journal(this::journalStore);
        touchedPages.clear();
        staleHits = 0;
        translations = 0;
        Stimulus stimulus = expressible(script != null ? script.iterator()::next : stimulusSource.create(seed, config, model));
        RecentActions recent = new RecentActions(RECENT);
        int index = 0;
        actionIndex = 0;
        Action action = null;
        first = null;
        later.clear();
        waivedDivergences.clear();
        waivedCount = 0;
        try {
            dut.reset(mutant);
            cycleBase = dut.cycles();
            observer.seedStarted(seed, mutant);
            boolean tracing = false;
            for (index = 0; index < actions; index++) {
                if (wavePath != null && !tracing && (cycle() >= waveFromCycle || index >= waveLatestAction)) {
                    dut.trace(wavePath);
                    tracing = true;
                }
                if (stopBefore.test(index)) throw stopped(seed, index);
                Action nextAction = stimulus.next();
                if (nextAction == null) break; // a finite scenario ended before the action budget
                action = nextAction;
                actionIndex = index;
                observer.action(index, action);
                Divergence d = apply(seed, index, action, recent);
                if (d != null) {
                    if (diverged(d)) return result(seed, index + 1, start, null);
                    adopt(d);
                }
                recent.add(index, action);
            }
            actionIndex = index;
            if (stopBefore.test(index)) throw stopped(seed, index);
            diverged(finish(seed, index, recent));
            return result(seed, index, start, null);
        } catch (DutException e) {
            String what = action == null ? "reset" : action.describe();
            return result(seed, index, start,
                    new SeedResult.DutFailure(e.kind(), e.getMessage(), index, what, reproduce.forSeed(seed)));
        }
    }

    /** The actions of {@code s} that the DUT's interface can carry (all of them for a native DUT). */
    private Stimulus expressible(Stimulus s) {
        if (iface.equals(DutInterface.FULL)) return s;
        return () -> {
            Action a = s.next();
            while (a != null && !iface.expresses(a)) a = s.next();
            return a;
        };
    }

    /**
     * The action the engine was applying when {@link #run} stopped with an exception (e.g. a state the
     * model cannot represent): its index, or the action count when it was the end-of-seed comparison.
     */
    public int actionIndex() { return actionIndex; }

    private Stopped stopped(long seed, int actions) {
        if (wavePath != null) {
            try {
                dut.trace(null);
            } catch (DutException e) {
                // what was dumped so far stays in the file
            }
        }
        observer.seedInterrupted(seed, actions);
        return new Stopped(seed, actions);
    }

    /**
     * Records {@code d} (if any): as waived when a waiver covers its signature, else as reported; true
     * when the seed has reported as many divergences as allowed.
     */
    private boolean diverged(Divergence d) {
        if (d == null) return false;
        if (waived.test(d.signature())) {
            if (waivedCount++ < WAIVED_KEPT) waivedDivergences.add(d.withoutContext());
            return false;
        }
        if (first == null) first = d;
        else later.add(d);
        return 1 + later.size() >= maxDivergences;
    }

    private SeedResult result(long seed, int done, long start, SeedResult.DutFailure f) {
        if (wavePath != null) {
            try {
                dut.trace(null);
            } catch (DutException e) {
                // the DUT failed; what was dumped so far stays in the file
            }
        }
        SeedResult r = new SeedResult(seed, done, cycle(), (System.nanoTime() - start) / 1e9, first, f, translations,
                staleHits, later, waivedDivergences, waivedCount);
        observer.seedFinished(r);
        return r;
    }

    /** Cycles since the seed's reset. */
    private long cycle() { return dut.cycles() - cycleBase; }

    private Divergence apply(long seed, int index, Action action, RecentActions recent) throws DutException {
        effects.clear();
        observed.clear();
        journalSize = 0;
        committed = null;
        fqcsrBefore = model.registers().fqcsr();
        pqcsrBefore = model.registers().pqcsr();
        if (!checking) {
            drive(action);
            return null;
        }
        if (action instanceof Action.RegisterWrite w) {
            model.mmioWrite(w.offset(), w.size(), w.value());
            drive(action);
            // The written register's read-back first: it is the write's own rule, and what the IOMMU did
            // next (commands run, records written, interrupts) follows from the value the write left.
            Divergence d = compareRegister(seed, index, action, w.offset(), w.size(), recent);
            return d != null ? d : compareEffects(seed, index, action, recent);
        }
        if (action instanceof Action.RegisterRead r) {
            return compareRegister(seed, index, action, r.offset(), r.size(), recent);
        }
        if (action instanceof Action.MemoryWrite m) {
            model.softwareWrite64(m.pa(), m.value());
            drive(action);
            touchedPages.add(m.pa() >>> 12);
            return null;
        }
        if (action instanceof Action.MemoryError e) {
            // Without a poison signal on its bus the DUT is given an access fault instead, and so is the model.
            memory.injectError(e.pa(), iface.memoryErrorKind(e.kind()));
            drive(action);
            return null;
        }
        if (action instanceof Action.Translate t) {
            return translate(seed, index, t, recent);
        }
        if (action instanceof Action.PageRequest p) {
            // The model's page-request queue and its automatic responses, then the DUT's; what both wrote,
            // sent and signalled is compared (records at pqt, fault records with TTYP 9, responses, wires).
            model.pageRequest(p.deviceId(), p.pv(), p.processId(), p.priv(), p.exec(), p.payload(), p.dsv());
            drive(action);
            return compareEffects(seed, index, action, recent);
        }
        throw new IllegalStateException("the engine cannot apply " + action.describe());
    }

    /**
     * The DUT's half of an action: apply it and run the DUT until idle, collecting what it does. The same
     * for checked and unchecked runs, so that the two cost the same on the DUT side.
     */
    private long drive(Action action) throws DutException {
        if (action instanceof Action.RegisterWrite w) {
            dut.mmioWrite(w.offset(), w.size(), w.value());
            drainUntilIdle(action);
        } else if (action instanceof Action.RegisterRead r) {
            return dut.mmioRead(r.offset(), r.size());
        } else if (action instanceof Action.MemoryWrite m) {
            dut.memWrite(m.pa(), littleEndian(m.value()));
        } else if (action instanceof Action.MemoryError e) {
            dut.memError(e.pa(), iface.memoryErrorKind(e.kind()));
        } else if (action instanceof Action.PageRequest p) {
            dut.pageRequest(p.deviceId(), p.pv(), p.processId(), p.flags(), p.payload());
            drainUntilIdle(p);
        } else if (action instanceof Action.Translate t) {
            translations++;
            dut.submit(t.tag(), t.deviceId(), t.pv(), t.processId(), t.iova(), t.ttyp(), t.flags());
            drainUntilIdle(t);
        }
        return 0;
    }

    private static byte[] littleEndian(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    /** Runs the DUT until idle, collecting what it does; a DUT that never gets idle is a hang. */
    private void drainUntilIdle(Action action) throws DutException {
        long budgetEnd = dut.cycles() + IDLE_BUDGET;
        int stalls = 0;
        while (true) {
            long before = dut.cycles();
            long remaining = budgetEnd - before;
            if (remaining <= 0) {
                throw new DutException(DutException.Kind.HANG, "the DUT did not become idle within " + IDLE_BUDGET
                        + " cycles after " + action.describe() + outstanding());
            }
            int n = dut.run(remaining, events);
            if (observed.add(events, n)) return;
            // A DUT library that returns neither events nor simulated cycles would spin here for ever.
            stalls = n == 0 && dut.cycles() == before ? stalls + 1 : 0;
            if (stalls > 1000) {
                throw new DutException(DutException.Kind.HANG, "the DUT neither advanced its clock nor became idle "
                        + "after " + action.describe() + outstanding());
            }
        }
    }

    private String outstanding() {
        if (observed.isEmpty()) return "; nothing came back from it";
        return "; it had produced " + observed.completions + " completion(s), " + observed.writes
                + " memory write(s), " + observed.edges + " interrupt edge(s) and " + observed.messages + " message(s)";
    }

    // ------------------------------------------------------------------ translations

    private Divergence translate(long seed, int index, Action.Translate t, RecentActions recent) throws DutException {
        TranslationRequest req = t.request();
        List<CachingModel.Candidate> permitted = model.candidates(req);
        TranslationRequest writeReq = AtsChoices.writeRequested(req);
        List<CachingModel.Candidate> writeGranted = writeReq == null ? List.of()
                : AtsChoices.grantingWrite(model.candidates(writeReq));
        drive(t);
        if (observed.completions != 1 || DutObservations.tag(observed.completionWord[0]) != t.tag()) {
            String got = observed.completions == 0 ? "no completion"
                    : observed.completions + " completion(s), first with tag "
                    + DutObservations.tag(observed.completionWord[0]);
            String observedClass = observed.completions == 0 ? "no completion" : "other completions";
            dev.lockstep.refmodel.translate.Outcome walk = modelWalk(req);
            return divergence(seed, index, t, "translation completion for tag " + t.tag(),
                    List.of(new Divergence.FieldMismatch("completions", "-", 1, observed.completions)),
                    "every request gets exactly one completion with its tag; the DUT gave " + got, recent,
                    explain(walk), translationSignature(t, walk, List.of("completions"), permitted.get(0).outcome(),
                            outcomeClass(permitted.get(0).outcome(), t.ttyp() == Ttyp.ATS_TRANSLATION), observedClass, 0,
                            false));
        }
        boolean ats = t.ttyp() == Ttyp.ATS_TRANSLATION;
        long word = withRecordedCause(observed.completionWord[0]);
        CachingModel.Candidate chosen = choose(permitted, word, observed.completionPa[0], ats);
        TranslationRequest performed = req;
        if (chosen == null && !writeGranted.isEmpty()) {
            chosen = choose(writeGranted, word, observed.completionPa[0], ats);
            performed = writeReq;
            if (chosen != null) observer.choice(index, "ATS no-write: W returned as the page's permission");
        }
        if (chosen == null) {
            TranslationOutcome want = permitted.get(0).outcome();
            dev.lockstep.refmodel.translate.Outcome walk = modelWalk(req);
            CachingModel.Candidate keyed = nearest(permitted, req, word);
            // Fields the bus cannot carry are taken from the model: compared on everything else.
            long shown = unobservedFromModel(want, word);
            String unobserved = iface.notObservable().isEmpty() ? ""
                    : " (not observable on this DUT's bus, so not compared: " + iface.notObservable() + ")";
            List<Divergence.FieldMismatch> fields = ats
                    ? AtsCompletion.mismatches(want, shown, observed.completionPa[0])
                    : completionFields(want, shown, observed.completionPa[0]);
            return divergence(seed, index, t, "translation completion for tag " + t.tag(), fields,
                    permittedText(permitted) + unobserved, recent, explain(walk),
                    translationSignature(t, keyed == permitted.get(0) ? walk : modelWalk(req, keyed.overrides()),
                            Divergence.fieldClasses(fields), keyed.outcome(), outcomeClass(keyed.outcome(), ats),
                            completionClass(shown, ats), DutObservations.status(shown) != 0 ? DutObservations.cause(shown) : 0,
                            passedThrough(t, keyed.outcome(), shown, observed.completionPa[0])));
        }
        if (chosen.stale()) staleHits++;
        observer.translated(index, req, chosen.outcome(), chosen.stale());
        if (ats) observer.atsCompleted(index, req, chosen.outcome(), observed.completionWord[0]);
        effects.clear();
        AdUpdates ad = AdUpdates.of(chosen, memory);
        model.commit(performed, chosen);
        if (ats && chosen.outcome().fault() && AtsCompletion.isAccessFault(chosen.outcome().record().cause())) {
            observer.choice(index, "ATS access fault reported with cause " + DutObservations.cause(word));
            if (DutObservations.cause(word) != chosen.outcome().record().cause()) {
                AtsChoices.takeCause(effects, memory, DutObservations.cause(word), model.registers().bigEndian());
            }
        }
        committed = chosen.outcome();
        Divergence d = compareEffects(seed, index, t, recent, ad);
        return d == null ? null : d.withWalk(explain(modelWalk(req)));
    }

    /**
     * The signature of a translation whose completion differs: the request type, the fields, and the
     * model's path class: the rule of the translation process that decided and its outcome (over memory
     * as it is now), against the class of what the DUT answered.
     */
    private Signature translationSignature(Action.Translate t, dev.lockstep.refmodel.translate.Outcome walk,
                                           List<String> fields, TranslationOutcome want, String expectedClass,
                                           String observedClass, int observedCause, boolean passedThrough) {
        int wantCause = want.fault() ? want.record().cause() : 0;
        if (walk == null) {
            return Signature.translation(t.ttyp(), fields, "NO_WALK", wantCause, false, passedThrough, expectedClass,
                    observedClass, observedCause, "the model's walk");
        }
        dev.lockstep.refmodel.trace.WalkTrace w = walk.trace();
        boolean guestPageFault = wantCause == 20 || wantCause == 21 || wantCause == 23;
        // iotval2 bit 0: the guest-page fault was on an implicit access (a first-stage PTE), not the final GPA.
        boolean firstStageDone = !want.fault() && w.rule() != dev.lockstep.refmodel.trace.Rule.NONE
                || w.rule().name().startsWith("MSI_") || guestPageFault && (want.record().iotval2() & 1) == 0;
        return Signature.translation(t.ttyp(), fields, w.rule().name(), wantCause, firstStageDone, passedThrough,
                expectedClass, observedClass, observedCause, w.rule().text() + " [" + w.rule().specReference() + "]");
    }

    /**
     * The DUT completed a translation with the request's own address (the page of the IOVA), where the
     * model faulted or translated it elsewhere: it skipped a translation the model applied.
     */
    private static boolean passedThrough(Action.Translate t, TranslationOutcome want, long word, long pa) {
        if (DutObservations.status(word) != 0 || (pa >>> 12) != (t.iova() >>> 12)) return false;
        return want.fault() || (want.pa() >>> 12) != (t.iova() >>> 12);
    }

    /**
     * A model outcome as a seed-independent class: success or the fault's cause; for an ATS translation
     * request a success with its R/W/X, which are what the ATS completion rules decide.
     */
    private static String outcomeClass(TranslationOutcome o, boolean ats) {
        if (o.fault()) return Signature.causeClass(o.record().cause());
        // The size of the page the walk ended on is part of its path: a superpage leaf or a 4 KiB one.
        String page = o.pageShift() > 12 ? " (superpage)" : " (4 KiB page)";
        return ats ? "success " + permissions(o.permissions()) + page : "success" + page;
    }

    /** A DUT completion as a seed-independent class, like {@link #outcomeClass}. */
    private static String completionClass(long word, boolean ats) {
        if (DutObservations.status(word) != 0) return Signature.causeClass(DutObservations.cause(word));
        return ats ? "success " + permissions((int) ((word >>> 20) & 7)) : "success";
    }

    private static String permissions(int rwx) {
        return ((rwx & TranslationOutcome.R) != 0 ? "R" : "-") + ((rwx & TranslationOutcome.W) != 0 ? "W" : "-")
                + ((rwx & TranslationOutcome.X) != 0 ? "X" : "-");
    }

    private static List<String> names(List<Divergence.FieldMismatch> fields) {
        List<String> n = new ArrayList<>();
        for (Divergence.FieldMismatch f : fields) n.add(f.field());
        return n;
    }

    /**
     * The permitted candidate the DUT's answer shows it used: its completion (status, cause, PA, PBMT)
     * must match; among several that do (old and new structures agreeing on the completion), the one whose
     * fault-queue write (DC.tc.DTF) and A/D stores match what the DUT wrote ({@link AdUpdates#chooseByStores}:
     * A/D stores are told by the PTE words a candidate may update, so an IOMMU MSI or an MRIF update is
     * none); current contents first.
     */
    private CachingModel.Candidate choose(List<CachingModel.Candidate> permitted, long word, long pa, boolean ats)
            throws DutException {
        CachingModel.Candidate first = null;
        int matching = 0;
        for (CachingModel.Candidate c : permitted) {
            if (!completionMatches(c.outcome(), word, pa, ats)) continue;
            if (first == null) first = c;
            matching++;
        }
        if (matching <= 1) return first;
        boolean recorded = faultReported();
        // Without the cause on the bus, faults of old and new structures all match the completion: the cause
        // in the fault record the DUT wrote tells which one it used.
        int recordCause = iface.cause() ? -1 : recordedCause();
        List<CachingModel.Candidate> fitting = new ArrayList<>();
        for (CachingModel.Candidate c : permitted) {
            if (completionMatches(c.outcome(), word, pa, ats)
                    && (!c.outcome().fault() || c.outcome().reported() == recorded)
                    && (recordCause < 0 || !c.outcome().fault() || c.outcome().record().cause() == recordCause)) {
                fitting.add(c);
            }
        }
        CachingModel.Candidate byStores = AdUpdates.chooseByStores(fitting, observed, memory);
        if (byStores != null) return byStores;
        return recordCause >= 0 && !fitting.isEmpty() ? fitting.get(0) : first;
    }

    /**
     * Without the cause on the bus, a faulting completion carries the cause of the fault record the DUT wrote
     * for it (when it wrote one): where the spec lets the IOMMU choose the cause (an ATS Completer Abort), that
     * record is where the choice shows.
     */
    private long withRecordedCause(long word) {
        if (iface.cause() || DutObservations.status(word) == 0) return word;
        int cause = recordedCause();
        return cause <= 0 ? word : (word & ~(0xfffL << 32)) | ((long) cause << 32);
    }

    /** The CAUSE of the fault record the DUT wrote during this action (its first word), or -1. */
    private int recordedCause() {
        long base = RegisterFile.queueBaseAddress(model.registers().fqb());
        for (int i = 0; i < observed.writes; i++) {
            long a = observed.writeAddr[i] & ~7L;
            if (inFaultQueue(a) && ((a - base) & 31) == 0 && (observed.writeStrobe[i] & 3) == 3) {
                return (int) (observed.writeData[i] & 0xfff);
            }
        }
        return -1;
    }

    /**
     * Whether the DUT reported a fault record for this action: it wrote one into the fault queue, or, when
     * the model's queue is full, it set fqof (read from the DUT: a read has no side effect). With fqof or
     * fqmf already set nothing tells, and nothing differs either.
     */
    private boolean faultReported() throws DutException {
        if (wroteFaultQueue()) return true;
        RegisterFile regs = model.registers();
        long fqcsr = regs.read(RegisterFile.FQCSR, 4);
        boolean errors = (fqcsr & (3L << 8)) != 0;
        long mask = RegisterFile.queueEntries(regs.fqb()) - 1;
        long fqt = regs.read(RegisterFile.FQT, 4);
        long fqh = regs.read(RegisterFile.FQH, 4);
        boolean full = ((fqt + 1) & mask) == (fqh & mask);
        if (errors || !full || (fqcsr & 1) == 0) return false;
        return (dut.mmioRead(RegisterFile.FQCSR, 4) & (1L << 9)) != 0;
    }

    /** Whether the DUT wrote into the fault queue during this action. */
    private boolean wroteFaultQueue() {
        for (int i = 0; i < observed.writes; i++) {
            if (inFaultQueue(observed.writeAddr[i])) return true;
        }
        return false;
    }

    /** Which IOMMU structure a word lies in, by the model's queue registers (for signatures). */
    private String region(long pa) {
        RegisterFile regs = model.registers();
        if (inFaultQueue(pa)) return MemoryWriteCheck.FAULT_QUEUE;
        if (inQueue(pa, regs.pqb(), 16)) return "the page-request queue";
        if (inQueue(pa, regs.cqb(), 16)) return "the command queue";
        return "other memory";
    }

    private static boolean inQueue(long pa, long qb, int recordBytes) {
        long base = RegisterFile.queueBaseAddress(qb);
        return pa >= base && pa < base + (long) recordBytes * RegisterFile.queueEntries(qb);
    }

    private boolean inFaultQueue(long pa) {
        long fqb = model.registers().fqb();
        long base = RegisterFile.queueBaseAddress(fqb);
        return pa >= base && pa < base + 32L * RegisterFile.queueEntries(fqb);
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
        if (!iface.cause() && o.fault() && DutObservations.cause(word) == 0) {
            word = (word & ~(0xfffL << 32)) | ((long) o.record().cause() << 32);
        }
        if (!iface.pbmt() && !o.fault()) word = (word & ~(3L << 25)) | ((long) (o.pbmt() & 3) << 25);
        return word;
    }

    private List<Divergence.FieldMismatch> completionFields(TranslationOutcome want, long word, long pa) {
        List<Divergence.FieldMismatch> f = new ArrayList<>();
        int status = DutObservations.status(word);
        int wantStatus = want.fault() ? 1 : 0;
        if ((status != 0) != want.fault()) f.add(new Divergence.FieldMismatch("status", "-", wantStatus, status));
        int wantCause = want.fault() ? want.record().cause() : 0;
        if (DutObservations.cause(word) != wantCause) {
            f.add(new Divergence.FieldMismatch("cause", "11:0", wantCause, DutObservations.cause(word)));
        }
        if (!want.fault() && status == 0 && pa != want.pa()) f.add(new Divergence.FieldMismatch("PA", "63:0", want.pa(), pa));
        if (!want.fault() && status == 0 && DutObservations.pbmt(word) != want.pbmt()) {
            f.add(new Divergence.FieldMismatch("PBMT", "1:0", want.pbmt(), DutObservations.pbmt(word)));
        }
        if (f.isEmpty()) f.add(new Divergence.FieldMismatch("completion", "-", 0, word));
        return f;
    }


    private static String permittedText(List<CachingModel.Candidate> permitted) {
        Set<String> items = new TreeSet<>();
        for (CachingModel.Candidate c : permitted) {
            TranslationOutcome o = c.outcome();
            items.add(o.fault() ? "fault cause " + o.record().cause() + " (" + Cause.name(o.record().cause()) + ")"
                    : o.toString());
        }
        return "the spec permits " + (items.size() == 1 ? "only " : "any of (cached structures may be old or new "
                + "until invalidated) ") + String.join(" | ", items);
    }

    /** The model's walk as text, or why there is none. */
    private String explain(dev.lockstep.refmodel.translate.Outcome walk) {
        return walk != null ? walk.toString() : "walk trace unavailable: " + walkFailure;
    }

    private String walkFailure;

    /** The model's walk for {@code req} over the current memory (no effect on the model); null if it failed. */
    private dev.lockstep.refmodel.translate.Outcome modelWalk(TranslationRequest req) {
        try {
            return walk(req);
        } catch (RuntimeException e) {
            walkFailure = e.getMessage();
            return null;
        }
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
        dev.lockstep.triage.TranslationStep bestStep = null;
        for (CachingModel.Candidate c : permitted) {
            dev.lockstep.refmodel.translate.Outcome w = modelWalk(req, c.overrides());
            // A candidate served from a cached translation has no walk of its own over memory to key by.
            if (w == null || w.trace().ruleCause() != (c.outcome().fault() ? c.outcome().record().cause() : 0)) continue;
            dev.lockstep.triage.TranslationStep step = dev.lockstep.triage.TranslationStep.ofRule(w.trace().rule().name());
            int cause = c.outcome().fault() ? c.outcome().record().cause() : 0;
            dev.lockstep.triage.TranslationStep dutStep = dutCause == 0 ? dev.lockstep.triage.TranslationStep.COMPLETED
                    : dev.lockstep.triage.TranslationStep.ofCause(dutCause, step, cause);
            if (step.compareTo(dutStep) <= 0 && (bestStep == null || step.compareTo(bestStep) > 0)) {
                best = c;
                bestStep = step;
            }
        }
        return best;
    }

    /** The model's walk for {@code req} over memory with {@code overrides} (old values of cached words); null if it failed. */
    private dev.lockstep.refmodel.translate.Outcome modelWalk(TranslationRequest req, java.util.Map<Long, Long> overrides) {
        try {
            OverlayMemory m = new OverlayMemory(memory);
            for (java.util.Map.Entry<Long, Long> e : overrides.entrySet()) m.replace(e.getKey(), e.getValue());
            return walk(req, m);
        } catch (RuntimeException e) {
            walkFailure = e.getMessage();
            return null;
        }
    }

    private dev.lockstep.refmodel.translate.Outcome walk(TranslationRequest req) {
        return walk(req, new OverlayMemory(memory));
    }

    private dev.lockstep.refmodel.translate.Outcome walk(TranslationRequest req, OverlayMemory overlay) {
        Translator t = new Translator(config, overlay);
        Request r = new Request(req.deviceId(), req.pv(), req.processId(), req.iova(), req.ttyp(), req.priv(),
                req.noWrite(), req.execRequested(), req.cxl());
        return t.translate(r, model.registers().ddtp(), model.registers().fctl());
    }

    // ------------------------------------------------------------------ effects and registers

    private Divergence compareEffects(long seed, int index, Action action, RecentActions recent) throws DutException {
        return compareEffects(seed, index, action, recent, AdUpdates.NONE);
    }

    /** {@code ad}: the A/D updates the translation of this action permits (their stores are checked by it). */
    private Divergence compareEffects(long seed, int index, Action action, RecentActions recent, AdUpdates ad)
            throws DutException {
        for (int i = 0; i < observed.writes; i++) touchedPages.add(observed.writeAddr[i] >>> 12);
        for (int i = 0; i < effects.writes; i++) touchedPages.add(effects.writePa[i] >>> 12);
        if (observed.completions != 0 && !(action instanceof Action.Translate)) {
            return divergence(seed, index, action, "unexpected translation completion (tag "
                    + DutObservations.tag(observed.completionWord[0]) + ")", List.of(),
                    "no translation request is outstanding", recent, null,
                    new Signature(Signature.key("translation", "unexpected completion", actionKind(action)),
                            "a completion without an outstanding request: no translation request is outstanding"));
        }
        acceptDiscardedRecordWrites();
        List<AdUpdates.Choice> adChoices = new ArrayList<>(0);
        MemoryWriteCheck.Mismatch m = ad.check(effects, observed, model.caching(), adChoices);
        java.util.Map<Long, Long> adopted = new java.util.TreeMap<>();
        if (m == null) {
            m = MemoryWriteCheck.compare(effects, observed, this::region, model.registers().bigEndian(), adopted,
                    () -> whyNoRecord(action));
        }
        if (m != null) {
            Signature signature = recordCauseSignature(action, m.fields());
            // An IOFENCE.C write follows from where the command queue stands: a queue that differs is the cause.
            if (signature == null && m.signature().contains(EffectRecorder.kindName(dev.lockstep.refmodel.effect.EffectSink.WRITE_IOFENCE))) {
                signature = RegisterSignatures.commandQueue(model, dut);
            }
            return divergence(seed, index, action, m.subject(), m.fields(), m.rule(), recent, null,
                    signature != null ? signature
                            : new Signature(Signature.key("memory write", m.signature()), m.signature() + "; " + m.rule()));
        }
        for (AdUpdates.Choice c : adChoices) observer.choice(index, c.text());
        // The DUT's permitted choices in its records (e.g. a page offset of 0 in iotval2) become the model's.
        for (java.util.Map.Entry<Long, Long> e : adopted.entrySet()) {
            memory.store64(e.getKey(), e.getValue());
            observer.choice(index, "fault record: page offset reported as 0");
        }
        MessageCheck.Mismatch msg = iface.messages() ? MessageCheck.compare(effects, observed) : null;
        if (msg != null) {
            return divergence(seed, index, action, msg.subject(), msg.fields(), msg.rule(), recent, null,
                    new Signature(Signature.key("outbound message", msg.signature(), Signature.fields(names(msg.fields()))),
                            msg.signature() + ": " + Signature.fields(names(msg.fields())) + " differ; " + msg.rule()));
        }
        int n = Math.max(effects.edges, observed.edges);
        for (int i = 0; i < n; i++) {
            boolean haveModel = i < effects.edges;
            boolean haveDut = i < observed.edges;
            if (haveModel && haveDut && effects.edgeVector[i] == observed.edgeLine[i]
                    && effects.edgeLevel[i] == observed.edgeLevel[i]) {
                continue;
            }
            String want = haveModel ? "line " + effects.edgeVector[i] + " -> " + (effects.edgeLevel[i] ? 1 : 0) : "none";
            String got = haveDut ? "line " + observed.edgeLine[i] + " -> " + (observed.edgeLevel[i] ? 1 : 0) : "none";
            // The line numbers come from icvec, which the stimulus programs per seed: only the edges' kinds.
            String wantKind = !haveModel ? "none" : effects.edgeLevel[i] ? "assert" : "deassert";
            String gotKind = !haveDut ? "none" : observed.edgeLevel[i] ? "assert" : "deassert";
            if (wantKind.equals(gotKind)) gotKind += " on another line";
            // An edge follows from an ipsr bit, which follows from its queue's state: the first of these
            // that differs is what is wrong, whichever action made the wire show it.
            Signature behind = RegisterSignatures.behindInterrupt(model, dut);
            return divergence(seed, index, action, "interrupt edge #" + i + ": expected " + want + ", observed " + got,
                    List.of(new Divergence.FieldMismatch("irq line", "-", haveModel ? effects.edgeVector[i] : -1,
                            haveDut ? observed.edgeLine[i] : -1)),
                    "with fctl.WSI=1 the ipsr bit of a source drives the wire icvec selects for it (spec: ipsr, icvec)",
                    recent, null, behind != null ? behind : new Signature(Signature.key("interrupt wire", actionKind(action),
                            wantKind + " -> " + gotKind), "interrupt wire: expected " + wantKind + ", the DUT did "
                            + gotKind + "; with fctl.WSI=1 the ipsr bit of a source drives the wire icvec selects for it"
                            + " (spec: ipsr, icvec)"));
        }
        return null;
    }

    /**
     * A fault record whose write faulted is discarded and fqmf set (spec: Fault/Event-Queue, fqmf); the
     * slot at fqt is not a record until fqt moves past it, so the words the DUT stored there before the
     * faulting beat are not compared: they are taken into the model's memory image as they are.
     */
    private void acceptDiscardedRecordWrites() {
        RegisterFile regs = model.registers();
        acceptDiscardedRecordWrites(fqcsrBefore, regs.fqcsr(), regs.fqb(), regs.fqt(), 32);
        // Likewise a page-request record (spec: Page-Request-Queue, pqmf).
        acceptDiscardedRecordWrites(pqcsrBefore, regs.pqcsr(), regs.pqb(), regs.pqt(), 16);
    }

    /** The slot at the tail of a queue whose mf bit this action set: its writes are taken as they are. */
    private void acceptDiscardedRecordWrites(int csrBefore, int csr, long base, int tail, int recordBytes) {
        boolean mfSet = (csrBefore & RegisterFile.QCSR_MF) == 0 && (csr & RegisterFile.QCSR_MF) != 0;
        if (!mfSet) return;
        acceptSlotWrites(RegisterFile.queueBaseAddress(base) + recordBytes * Integer.toUnsignedLong(tail), recordBytes);
    }

    private void acceptSlotWrites(long slot, int bytes) {
        int kept = 0;
        for (int i = 0; i < observed.writes; i++) {
            long a = observed.writeAddr[i] & ~7L;
            if (a >= slot && a < slot + bytes) {
                long mask = MemoryWriteCheck.strobeMask(observed.writeStrobe[i]);
                memory.store64(a, (memory.load64(a) & ~mask) | (observed.writeData[i] & mask));
                continue;
            }
            observed.writeAddr[kept] = observed.writeAddr[i];
            observed.writeData[kept] = observed.writeData[i];
            observed.writeStrobe[kept] = observed.writeStrobe[i];
            observed.writeCycle[kept] = observed.writeCycle[i];
            kept++;
        }
        observed.writes = kept;
    }

    /**
     * A fault record of this action's translation whose CAUSE differs: the DUT's fault cause for the
     * translation, whichever of its completion or its record showed it, so keyed as the translation's
     * (the completion of an ATS request or of a bus without causes may not carry it); else null.
     */
    private Signature recordCauseSignature(Action action, List<Divergence.FieldMismatch> fields) {
        if (!(action instanceof Action.Translate t) || committed == null || !committed.fault()) return null;
        for (Divergence.FieldMismatch f : fields) {
            if (!f.field().equals("CAUSE") || f.expected() != committed.record().cause()) continue;
            int cause = (int) f.observed();
            return translationSignature(t, modelWalk(t.request()), List.of("CAUSE"), committed,
                    outcomeClass(committed, false), Signature.causeClass(cause), cause, false);
        }
        return null;
    }

    /** The outcome of the translation the current action made, once committed in the model; else null. */
    private TranslationOutcome committed;

    /** Why the model wrote no fault record in this action: its rule, in the spec's words. */
    private String whyNoRecord(Action action) {
        if (committed != null && !committed.fault()) {
            boolean noAccess = (committed.permissions() & (TranslationOutcome.R | TranslationOutcome.W)) == 0;
            return action instanceof Action.Translate t && t.ttyp() == Ttyp.ATS_TRANSLATION && noAccess
                    ? "an ATS translation request's page fault is reported in its completion only (R=W=0)"
                    : "the model's translation did not fault";
        }
        if (committed != null && !committed.reported()) return "DC.tc.DTF=1 suppresses the fault's record";
        if (action instanceof Action.PageRequest p) {
            // The message's device-context checks, as the model made them (its walk, without effects).
            try {
                dev.lockstep.refmodel.translate.Outcome o = new Translator(config, new OverlayMemory(memory)).translate(
                        new Request(p.deviceId(), p.pv(), p.processId(), dev.lockstep.refmodel.translate.PcieMessage.PAGE_REQUEST,
                                Ttyp.PCIE_MESSAGE, p.priv(), false, false),
                        model.registers().ddtp(), model.registers().fctl());
                if (o.cause() != 0 && !o.recordFault()) return "DC.tc.DTF=1 suppresses the fault's record";
            } catch (RuntimeException e) {
                // no walk to ask: the queue's state below is what is left
            }
        }
        int after = model.registers().fqcsr();
        if ((fqcsrBefore & RegisterFile.QCSR_ON) == 0) return "the fault queue is off";
        if ((fqcsrBefore & (RegisterFile.QCSR_OF | RegisterFile.QCSR_MF)) != 0) return "fqof or fqmf was set";
        if ((after & RegisterFile.QCSR_OF) != 0) return "the fault queue is full (fqof set)";
        if ((after & RegisterFile.QCSR_MF) != 0) return "the record's store faulted (fqmf set)";
        return committed != null ? "the model wrote its record elsewhere" : "the model reported no fault";
    }

    private Divergence compareRegister(long seed, int index, Action action, int offset, int size, RecentActions recent)
            throws DutException {
        long expected = model.mmioRead(offset, size);
        long observedValue = drive(new Action.RegisterRead(offset, size));
        long mask = model.registerMasks().compareMask(offset, size);
        observer.registerRead(index, offset, size, expected, observedValue);
        if (((expected ^ observedValue) & mask) == 0) return null;
        List<Divergence.FieldMismatch> fields = RegisterSignatures.fields(offset, size, expected, observedValue, mask);
        String how = action instanceof Action.RegisterWrite ? "read back" : "read";
        String subject = String.format("%s (offset 0x%x, %d B) %s", RegisterNames.name(offset), offset, size, how);
        String rule = RegisterRules.describe(offset);
        long written = action instanceof Action.RegisterWrite w ? w.value() : 0;
        Signature signature = RegisterSignatures.of(offset, how, fields, model.registers(), rule, written);
        // A queue CSR's or ipsr's bit the IOMMU set (not the write) follows from the state upstream of it.
        if (!signature.key().contains("RW1C")) {
            Signature upstream = RegisterSignatures.upstream(model, dut, offset);
            if (upstream != null) signature = upstream;
        }
        return divergence(seed, index, action, subject, fields, rule, recent, null, signature);
    }

    // ------------------------------------------------------------------ adoption

    /** Remembers the value a word had before the action's first store to it. */
    private void journalStore(long word, long old) {
        for (int i = 0; i < journalSize; i++) if (journalAddr[i] == word) return;
        if (journalSize == journalAddr.length) {
            journalAddr = java.util.Arrays.copyOf(journalAddr, journalSize * 2);
            journalOld = java.util.Arrays.copyOf(journalOld, journalSize * 2);
        }
        journalAddr[journalSize] = word;
        journalOld[journalSize++] = old;
    }

    /**
     * After a divergence the seed goes on from the DUT's state, so that later divergences are new ones
     * and not consequences of this one. The model adopts what the DUT did for the action:
     * <ul>
     * <li>memory: every word either side wrote during the action takes the DUT's bytes (a word only the
     * model wrote gets back its value from before the action, which the DUT still holds);
     * <li>registers: the ones the IOMMU updates itself or software programs ({@link RegisterFile#ADOPTABLE}:
     * queue pointers and CSRs, ipsr, ddtp, fctl, queue bases) take the DUT's values, except the bits the
     * comparison masks because the spec leaves them open (busy, on, ...), which stay the model's;
     * the interrupt wires follow the adopted ipsr;
     * <li>a translation whose completion differs is not committed in the model (no A/D update, fault
     * record or cached entry of the model's own): the DUT's completion stands, with its writes above.
     * </ul>
     * Outbound messages leave no state. What stays unadopted is the DUT's hidden state (its caches);
     * a wrong entry there shows again as the same bug, with the same signature.
     */
    private void adopt(Divergence d) throws DutException {
        java.util.Map<Long, Long> words = new java.util.TreeMap<>();
        for (int i = 0; i < journalSize; i++) words.put(journalAddr[i], journalOld[i]);
        for (int i = 0; i < observed.writes; i++) {
            long a = observed.writeAddr[i] & ~7L;
            long base = words.containsKey(a) ? words.get(a) : memory.load64(a);
            long mask = MemoryWriteCheck.strobeMask(observed.writeStrobe[i]);
            words.put(a, (base & ~mask) | (observed.writeData[i] & mask));
        }
        memory.journal(null);
        for (java.util.Map.Entry<Long, Long> w : words.entrySet()) {
            memory.store64(w.getKey(), w.getValue());
            touchedPages.add(w.getKey() >>> 12);
        }
        memory.journal(this::journalStore);
        int[] offsets = RegisterFile.ADOPTABLE;
        long[] values = new long[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            int size = RegisterFile.isEightByteRegister(offsets[i]) ? 8 : 4;
            long mask = model.registerMasks().compareMask(offsets[i], size);
            long mine = model.mmioRead(offsets[i], size);
            values[i] = (mine & ~mask) | (dut.mmioRead(offsets[i], size) & mask);
        }
        model.adoptRegisters(offsets, values);
    }

    /** End of the seed: nothing may be left in flight, and both memory images must agree. */
    private Divergence finish(long seed, int index, RecentActions recent) throws DutException {
        effects.clear();
        observed.clear();
        Action end = new Action.RegisterRead(0, 8);
        drainUntilIdle(end);
        if (!checking) return null;
        if (!observed.isEmpty()) {
            return divergence(seed, index, end, "DUT activity after the last action", List.of(),
                    "the model has nothing left to do", recent, null,
                    new Signature(Signature.key("end of seed", "DUT activity after the last action"),
                            "the DUT was still active after the last action: the model has nothing left to do"));
        }
        java.nio.LongBuffer dutPage = pageBuffer.asLongBuffer();
        long[] dutWords = dutPageWords;
        long[] modelWords = modelPageWords;
        for (long pageNumber : new TreeSet<>(touchedPages)) {
            long page = pageNumber << 12;
            dut.memRead(page, pageBuffer);
            dutPage.get(0, dutWords);
            memory.readWords(page, modelWords);
            int w = java.util.Arrays.mismatch(modelWords, dutWords);
            if (w >= 0) {
                return new Divergence(seed, index, cycle(), "end of seed: memory image comparison",
                        String.format("memory word 0x%x at the end of the seed", page + 8L * w),
                        List.of(new Divergence.FieldMismatch("data", "63:0", modelWords[w], dutWords[w])),
                        "every store of software and of the IOMMU must leave the same memory on both sides",
                        recent.describe(), reproduce.forSeed(seed), null, dut.buildId(),
                        new Signature(Signature.key("end of seed", "memory image"),
                                "the memory images differ at the end: every store of software and of the IOMMU must "
                                        + "leave the same memory on both sides"));
            }
        }
        return null;
    }

    private Divergence divergence(long seed, int index, Action action, String subject,
                                  List<Divergence.FieldMismatch> fields, String rule, RecentActions recent,
                                  String walk, Signature signature) {
        return new Divergence(seed, index, cycle(), action.describe(), subject, fields, rule, recent.describe(),
                reproduce.forSeed(seed), walk, dut.buildId(), signature);
    }

    /** The kind of an action, without its operands (for signatures). */
    private static String actionKind(Action a) {
        if (a instanceof Action.RegisterWrite w) return "after " + RegisterNames.name(w.offset()) + " write";
        if (a instanceof Action.RegisterRead r) return "after " + RegisterNames.name(r.offset()) + " read";
        if (a instanceof Action.Translate t) return "after " + Ttyp.name(t.ttyp());
        if (a instanceof Action.PageRequest) return "after a page request";
        return "after " + a.getClass().getSimpleName();
    }
}
