package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.dut.DutInterface;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.mem.FastSparseMemory;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.Stimulus;
import dev.lockstep.triage.Signature;
import java.util.List;

/**
 * The lockstep engine for one seed: every action goes to the golden model and to the DUT, and
 * everything observable is compared. This class is the driver loop: it applies each action to both
 * sides ({@link DutDriver} for the DUT's half), hands what they did to the check of its kind, and
 * records what differs ({@link SeedDivergences}: reported or waived; after one the model adopts the
 * DUT's state, {@link Adoption}). Each rule lives in one check:
 * <ul>
 * <li>translation completions, against the set of outcomes the spec's caching rules still permit:
 * {@link CompletionCheck} ({@link Completions}, {@link AtsCompletion}, {@link AtsChoices});
 * <li>register reads and the read-back after each register write, under the model's masks for
 * UNSPECIFIED and self-timed fields: {@link RegisterCheck} ({@link RegisterRules});
 * <li>the IOMMU's memory writes, outbound messages and interrupt edges of each action: {@link EffectCheck}
 * ({@link MemoryWriteCheck}, {@link AdUpdates}, {@link DiscardedRecordWrites}, {@link MessageCheck},
 * {@link InterruptCheck});
 * <li>at the end of the seed, anything left in flight and the memory images: {@link EndOfSeed}.
 * </ul>
 * The first divergence ends the seed unless more are asked for ({@link #maxDivergences}).
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
    private final DutDriver driver;
    private final EffectRecorder effects = new EffectRecorder();
    private final EndOfSeed endOfSeed = new EndOfSeed();
    /** DUT cycle count right after the seed's reset: reported cycles are relative to it. */
    private long cycleBase;
    /** Index of the action being applied (or the seed's action count at its end), for error reports. */
    private int actionIndex;

    private RunObserver observer = RunObserver.NONE;
    private int maxDivergences = 1;
    private boolean checking = true;
    private String wavePath;
    private long waveFromCycle;
    private int waveLatestAction;
    /** A waveform is being written: its lockstep scope is told each action and divergence. */
    private boolean tracing;
    /** Known divergences (by signature) that do not fail the seed: adopted, counted, and the seed goes on. */
    private java.util.function.Predicate<Signature> waived = s -> false;

    /** The current seed's state and checks (set at the start of each seed). */
    private SeedContext seedContext;
    private Adoption adoption;
    private EffectCheck effectCheck;
    private CompletionCheck completionCheck;
    private IdenticalFaults identicalFaults;
    private RegisterCheck registerCheck;
    private WindowCheck windowCheck;
    private SeedDivergences divergences;

    public Lockstep(Dut dut, IommuConfig config, Scenario scenario, ReproduceCommand reproduce) {
        this(dut, config, (StimulusSource) null, reproduce);
        this.scenario = scenario;
    }

    /** The scenario this engine generates actions from (at its {@link #overlap}), or null when {@link #stimulusSource} gives them. */
    private Scenario scenario;
    /** Requests outstanding together at most ({@link #overlap}). */
    private int overlap = 1;

    /** The depth {@code --overlap auto} takes on a DUT that can overlap (ABI 6): twice the built-in DUT's walkers. */
    public static final int DEFAULT_OVERLAP = 4;

    /**
     * The overlap depth option's value ({@code auto} or a number of requests >= 1) on {@code dut}: auto is
     * {@link #DEFAULT_OVERLAP} where the DUT can overlap, else 1.
     */
    public static int overlapDepth(String option, Dut dut) throws dev.lockstep.regression.BadInputException {
        if (option == null || option.equals("auto")) return dut.overlaps() ? DEFAULT_OVERLAP : 1;
        int depth;
        try {
            depth = Integer.parseInt(option);
        } catch (NumberFormatException e) {
            throw new dev.lockstep.regression.BadInputException("--overlap: expected 'auto' or a number of requests "
                    + "from 1 to 64, got '" + option + "'");
        }
        if (depth < 1 || depth > 64) {
            throw new dev.lockstep.regression.BadInputException("--overlap: expected a number of requests from 1 to 64, got "
                    + depth);
        }
        if (depth > 1 && !dut.overlaps()) {
            throw new dev.lockstep.regression.BadInputException("--overlap " + depth + ": this DUT runs serialized only "
                    + "(overlap needs C ABI 6: it reports when it accepts each request and each change of cqh); use --overlap 1");
        }
        return depth;
    }

    /**
     * Up to {@code depth} requests outstanding together (docs/concurrency.md): the scenario's traffic goes
     * out in windows and some structure changes race it. 1 (the default) is serialized. A depth above 1
     * needs a DUT that reports when it accepts each request and each change of cqh (ABI 6).
     */
    public Lockstep overlap(int depth) {
        if (depth > 1 && !dut.overlaps()) {
            throw new IllegalArgumentException("overlap " + depth + " needs a DUT that reports accepting requests "
                    + "and cqh changes (C ABI 6); this one runs serialized only (overlap 1)");
        }
        this.overlap = Math.max(1, depth);
        return this;
    }

    /** Requests outstanding together at most. */
    public int overlap() { return overlap; }

    /** An engine whose actions come from {@code source} (e.g. a log being checked or replayed). */
    public Lockstep(Dut dut, IommuConfig config, StimulusSource source, ReproduceCommand reproduce) {
        this.dut = dut;
        this.iface = DutInterface.of(dut.buildId());
        this.config = config;
        this.stimulusSource = source;
        this.reproduce = reproduce;
        this.driver = new DutDriver(dut, iface);
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
     * Dumps a waveform (VCD, or FST for a name ending in .fst) to {@code path} from the first action boundary
     * at or after cycle {@code fromCycle} of the seed (and no later than action {@code latestAction}) to the end of the seed:
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
     * result as waived, the model adopts what the DUT did for that action ({@link Adoption}) and the seed
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
        FastSparseMemory memory = new FastSparseMemory();
        effects.clear();
        Iommu model = Iommu.withTranslationProcess(config, memory, effects);
        seedContext = new SeedContext(config, model, memory, effects, driver, observer);
        adoption = new Adoption(seedContext);
        QueueRegions regions = new QueueRegions(seedContext);
        effectCheck = new EffectCheck(seedContext, regions);
        identicalFaults = new IdenticalFaults(seedContext, regions);
        completionCheck = new CompletionCheck(seedContext, regions, effectCheck, identicalFaults);
        registerCheck = new RegisterCheck(seedContext);
        windowCheck = new WindowCheck(seedContext, regions, effectCheck, completionCheck, registerCheck, identicalFaults);
        driver.translations = 0;
        Stimulus stimulus = expressible(script != null ? script.iterator()::next
                : scenario != null ? scenario.create(seed, config, model, iface, overlap)
                : stimulusSource.create(seed, config, model));
        RecentActions recent = new RecentActions(RECENT);
        int index = 0;
        actionIndex = 0;
        Action action = null;
        divergences = new SeedDivergences(maxDivergences, waived);
        try {
            dut.reset(mutant);
            cycleBase = dut.cycles();
            observer.seedStarted(seed, mutant);
            tracing = false;
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
                markWaves(index);
                observer.action(index, action);
                Finding f = apply(index, action);
                if (f != null) {
                    boolean enough = divergences.record(divergence(seed, index, action, recent, f));
                    markWaves(index);
                    if (enough) return result(seed, index + 1, start, null);
                    adoption.adopt();
                }
                recent.add(index, action);
            }
            actionIndex = index;
            markWaves(index);
            if (stopBefore.test(index)) throw stopped(seed, index);
            Finding f = endOfSeed.finish(seedContext, checking);
            if (f != null) divergences.record(divergence(seed, index, EndOfSeed.END, recent, f));
            markWaves(index);
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
     * While a waveform is written: the action being applied and the divergences so far, shown in its
     * lockstep scope from the current cycle on (so a divergence's marker rises at its reported cycle).
     */
    private void markWaves(int action) throws DutException {
        if (tracing) dut.traceMarker(action, divergences.first == null ? 0 : 1 + divergences.later.size());
    }

    private SeedResult result(long seed, int done, long start, SeedResult.DutFailure f) {
        if (wavePath != null) {
            try {
                dut.trace(null);
            } catch (DutException e) {
                // the DUT failed; what was dumped so far stays in the file
            }
        }
        SeedResult r = new SeedResult(seed, done, cycle(), (System.nanoTime() - start) / 1e9, divergences.first, f,
                driver.translations, completionCheck.staleHits, divergences.later, divergences.waivedDivergences,
                divergences.waivedCount);
        observer.seedFinished(r);
        return r;
    }

    /** Cycles since the seed's reset. */
    private long cycle() { return dut.cycles() - cycleBase; }

    /**
     * Applies one action to the model and to the DUT (only to the DUT when not checking) and compares what
     * each did; null when nothing differs.
     */
    private Finding apply(int index, Action action) throws DutException {
        SeedContext s = seedContext;
        effects.clear();
        s.observed.clear();
        adoption.actionStarted();
        effectCheck.actionStarted();
        if (!checking) {
            driver.drive(action);
            return null;
        }
        if (action instanceof Action.RegisterWrite w) {
            long before = s.model.mmioRead(w.offset(), w.size());
            s.model.mmioWrite(w.offset(), w.size(), w.value());
            driver.drive(action);
            // The written register's read-back first: it is the write's own rule, and what the IOMMU did
            // next (commands run, records written, interrupts) follows from the value the write left.
            Finding f = registerCheck.compare(index, action, w.offset(), w.size(), before);
            return f != null ? f : effectCheck.compare(index, action);
        }
        if (action instanceof Action.RegisterRead r) {
            return registerCheck.compare(index, action, r.offset(), r.size());
        }
        if (action instanceof Action.MemoryWrite m) {
            s.model.softwareWrite64(m.pa(), m.value());
            driver.drive(action);
            s.touchedPages.add(m.pa() >>> 12);
            return null;
        }
        if (action instanceof Action.MemoryError e) {
            // Without a poison signal on its bus the DUT is given an access fault instead, and so is the model.
            s.memory.injectError(e.pa(), iface.memoryErrorKind(e.kind()));
            driver.drive(action);
            return null;
        }
        if (action instanceof Action.Translate t) {
            return completionCheck.translate(index, t);
        }
        if (action instanceof Action.Window w) {
            return windowCheck.check(index, w);
        }
        if (action instanceof Action.PageRequest p) {
            // The DUT's page-request queue and its automatic responses, then the model's (which follows a DUT
            // that reports an identical fault once); what both wrote, sent and signalled is compared (records
            // at pqt, fault records with TTYP 9, responses, wires).
            // The model locates the device context with the version the DUT's answer shows, among those the
            // DDT cache may hold (README, "Inbound Page Requests").
            driver.drive(action);
            java.util.Map<Long, Long> context = WindowPageRequests.context(s.model, p, s.observed);
            identicalFaults.modelAfterDut(index, () -> s.model.pageRequest(p.deviceId(), p.pv(), p.processId(), p.priv(),
                    p.exec(), p.payload(), p.dsv(), context));
            return effectCheck.compare(index, action);
        }
        throw new IllegalStateException("the engine cannot apply " + action.describe());
    }

    /** A finding of action {@code index} reported with the seed's context. */
    private Divergence divergence(long seed, int index, Action action, RecentActions recent, Finding f) {
        return new Divergence(seed, index, cycle(), f.during() != null ? f.during() : action.describe(), f.subject(),
                f.fields(), f.rule(), recent.describe(), reproduce.forSeed(seed), f.walk(), dut.buildId(),
                f.signature());
    }
}
