package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
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
import dev.lockstep.refmodel.translate.Translator;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import dev.lockstep.stimulus.Stimulus;
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

    public Lockstep(Dut dut, IommuConfig config, Scenario scenario, ReproduceCommand reproduce) {
        this(dut, config, scenario::create, reproduce);
    }

    /** An engine whose actions come from {@code source} (e.g. a log being checked or replayed). */
    public Lockstep(Dut dut, IommuConfig config, StimulusSource source, ReproduceCommand reproduce) {
        this.dut = dut;
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
        touchedPages.clear();
        staleHits = 0;
        translations = 0;
        Stimulus stimulus = script != null ? script.iterator()::next : stimulusSource.create(seed, config, model);
        RecentActions recent = new RecentActions(RECENT);
        int index = 0;
        actionIndex = 0;
        Action action = null;
        first = null;
        later.clear();
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
                if (diverged(apply(seed, index, action, recent))) return result(seed, index + 1, start, null);
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

    /** Records {@code d} (if any); true when the seed has reported as many divergences as allowed. */
    private boolean diverged(Divergence d) {
        if (d == null) return false;
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
                staleHits, later);
        observer.seedFinished(r);
        return r;
    }

    /** Cycles since the seed's reset. */
    private long cycle() { return dut.cycles() - cycleBase; }

    private Divergence apply(long seed, int index, Action action, RecentActions recent) throws DutException {
        effects.clear();
        observed.clear();
        fqcsrBefore = model.registers().fqcsr();
        pqcsrBefore = model.registers().pqcsr();
        if (!checking) {
            drive(action);
            return null;
        }
        if (action instanceof Action.RegisterWrite w) {
            model.mmioWrite(w.offset(), w.size(), w.value());
            drive(action);
            Divergence d = compareEffects(seed, index, action, recent);
            if (d != null) return d;
            return compareRegister(seed, index, action, w.offset(), w.size(), recent);
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
            memory.injectError(e.pa(), e.kind());
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
            dut.memError(e.pa(), e.kind());
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
            return divergence(seed, index, t, "translation completion for tag " + t.tag(),
                    List.of(new Divergence.FieldMismatch("completions", "-", 1, observed.completions)),
                    "every request gets exactly one completion with its tag; the DUT gave " + got, recent,
                    explain(t));
        }
        boolean ats = t.ttyp() == Ttyp.ATS_TRANSLATION;
        long word = observed.completionWord[0];
        CachingModel.Candidate chosen = choose(permitted, word, observed.completionPa[0], ats);
        TranslationRequest performed = req;
        if (chosen == null && !writeGranted.isEmpty()) {
            chosen = choose(writeGranted, word, observed.completionPa[0], ats);
            performed = writeReq;
            if (chosen != null) observer.choice(index, "ATS no-write: W returned as the page's permission");
        }
        if (chosen == null) {
            TranslationOutcome want = permitted.get(0).outcome();
            return divergence(seed, index, t, "translation completion for tag " + t.tag(),
                    ats ? AtsCompletion.mismatches(want, observed.completionWord[0], observed.completionPa[0])
                            : completionFields(want, observed.completionWord[0], observed.completionPa[0]),
                    permittedText(permitted), recent, explain(t));
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
        Divergence d = compareEffects(seed, index, t, recent, ad);
        return d == null ? null : d.withWalk(explain(t));
    }

    /**
     * The permitted candidate the DUT's answer shows it used: its completion (status, cause, PA, PBMT)
     * must match; among several that do (old and new structures agreeing on the completion), the one whose
     * fault-queue write (DC.tc.DTF) and A/D stores match what the DUT wrote; current contents first. The
     * DUT's A/D stores are its writes to the PTE words some candidate may update: the IOMMU's other
     * writes (fault records, IOMMU MSIs, MRIF updates) are not told from their address by kind.
     */
    private CachingModel.Candidate choose(List<CachingModel.Candidate> permitted, long word, long pa, boolean ats)
            throws DutException {
        CachingModel.Candidate first = null;
        int matching = 0;
        for (CachingModel.Candidate c : permitted) {
            if (!Completions.matches(c.outcome(), word, pa, ats)) continue;
            if (first == null) first = c;
            matching++;
        }
        if (matching <= 1) return first;
        boolean recorded = faultReported();
        List<CachingModel.Candidate> fitting = new ArrayList<>();
        for (CachingModel.Candidate c : permitted) {
            if (Completions.matches(c.outcome(), word, pa, ats)
                    && (!c.outcome().fault() || c.outcome().reported() == recorded)) {
                fitting.add(c);
            }
        }
        CachingModel.Candidate byStores = AdUpdates.chooseByStores(fitting, observed, memory);
        return byStores != null ? byStores : first;
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

    private boolean inFaultQueue(long pa) {
        long fqb = model.registers().fqb();
        long base = RegisterFile.queueBaseAddress(fqb);
        return pa >= base && pa < base + 32L * RegisterFile.queueEntries(fqb);
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

    /** The model's walk for {@code t} over the current memory, as text (no effect on the model). */
    private String explain(Action.Translate t) {
        try {
            Translator tr = new Translator(config, new OverlayMemory(memory));
            return tr.translate(t.walkRequest(), model.registers().ddtp(), model.registers().fctl()).toString();
        } catch (RuntimeException e) {
            return "walk trace unavailable: " + e.getMessage();
        }
    }

    // ------------------------------------------------------------------ effects and registers

    private Divergence compareEffects(long seed, int index, Action action, RecentActions recent) {
        return compareEffects(seed, index, action, recent, AdUpdates.NONE);
    }

    /** {@code ad}: the A/D updates the translation of this action permits (their stores are checked by it). */
    private Divergence compareEffects(long seed, int index, Action action, RecentActions recent, AdUpdates ad) {
        for (int i = 0; i < observed.writes; i++) touchedPages.add(observed.writeAddr[i] >>> 12);
        for (int i = 0; i < effects.writes; i++) touchedPages.add(effects.writePa[i] >>> 12);
        if (observed.completions != 0 && !(action instanceof Action.Translate)) {
            return divergence(seed, index, action, "unexpected translation completion (tag "
                    + DutObservations.tag(observed.completionWord[0]) + ")", List.of(),
                    "no translation request is outstanding", recent, null);
        }
        acceptDiscardedRecordWrites();
        List<AdUpdates.Choice> adChoices = new ArrayList<>(0);
        MemoryWriteCheck.Mismatch m = ad.check(effects, observed, model.caching(), adChoices);
        if (m != null) return divergence(seed, index, action, m.subject(), m.fields(), m.rule(), recent, null);
        for (AdUpdates.Choice c : adChoices) observer.choice(index, c.text());
        java.util.Map<Long, Long> adopted = new java.util.TreeMap<>();
        m = MemoryWriteCheck.compare(effects, observed, model.registers().bigEndian(), adopted);
        if (m != null) return divergence(seed, index, action, m.subject(), m.fields(), m.rule(), recent, null);
        // The DUT's permitted choices in its records (e.g. a page offset of 0 in iotval2) become the model's.
        for (java.util.Map.Entry<Long, Long> e : adopted.entrySet()) {
            memory.store64(e.getKey(), e.getValue());
            observer.choice(index, "fault record: page offset reported as 0");
        }
        MessageCheck.Mismatch msg = MessageCheck.compare(effects, observed);
        if (msg != null) return divergence(seed, index, action, msg.subject(), msg.fields(), msg.rule(), recent, null);
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
            return divergence(seed, index, action, "interrupt edge #" + i + ": expected " + want + ", observed " + got,
                    List.of(new Divergence.FieldMismatch("irq line", "-", haveModel ? effects.edgeVector[i] : -1,
                            haveDut ? observed.edgeLine[i] : -1)),
                    "with fctl.WSI=1 the ipsr bit of a source drives the wire icvec selects for it (spec: ipsr, icvec)",
                    recent, null);
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

    private Divergence compareRegister(long seed, int index, Action action, int offset, int size, RecentActions recent)
            throws DutException {
        long expected = model.mmioRead(offset, size);
        long observedValue = drive(new Action.RegisterRead(offset, size));
        long mask = model.registerMasks().compareMask(offset, size);
        observer.registerRead(index, offset, size, expected, observedValue);
        if (((expected ^ observedValue) & mask) == 0) return null;
        List<Divergence.FieldMismatch> fields = new ArrayList<>();
        // Fields of an 8-byte register read as its upper half sit 32 bits higher than the value read.
        boolean upperHalf = (offset & 4) != 0 && RegisterFile.isEightByteRegister(offset & ~7);
        int shift = upperHalf ? 32 : 0;
        for (RegisterNames.Field f : RegisterNames.fields(upperHalf ? offset & ~7 : offset)) {
            long m = f.mask() >>> shift;
            if (m == 0 || ((expected ^ observedValue) & m & mask) == 0) continue;
            fields.add(new Divergence.FieldMismatch(f.name(),
                    f.msb() == f.lsb() ? String.valueOf(f.msb()) : f.msb() + ":" + f.lsb(),
                    f.extract(expected << shift), f.extract(observedValue << shift)));
        }
        if (fields.isEmpty()) {
            fields.add(new Divergence.FieldMismatch("value", (size * 8 - 1) + ":0", expected, observedValue));
        }
        String subject = String.format("%s (offset 0x%x, %d B) %s", RegisterNames.name(offset), offset, size,
                action instanceof Action.RegisterWrite ? "read back" : "read");
        return divergence(seed, index, action, subject, fields, RegisterRules.describe(offset), recent, null);
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
                    "the model has nothing left to do", recent, null);
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
                        recent.describe(), reproduce.forSeed(seed), null, dut.buildId());
            }
        }
        return null;
    }

    private Divergence divergence(long seed, int index, Action action, String subject,
                                  List<Divergence.FieldMismatch> fields, String rule, RecentActions recent,
                                  String walk) {
        return new Divergence(seed, index, cycle(), action.describe(), subject, fields, rule, recent.describe(),
                reproduce.forSeed(seed), walk, dut.buildId());
    }
}
