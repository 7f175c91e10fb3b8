package dev.lockstep.regression;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.engine.Lockstep;
import dev.lockstep.engine.RunObserver;
import dev.lockstep.engine.Scenario;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.refmodel.regs.IommuConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a list of seeds against the model and the DUT, {@code jobs} seeds at a time, one DUT instance
 * per worker thread (a Verilated model lives on the thread that created it). Results come back in
 * seed order whatever the scheduling, so reports are the same for any --jobs.
 */
public final class Regression {

    private final DutFactory factory;
    private final IommuConfig config;
    private final Scenario scenario;
    private final Lockstep.ReproduceCommand reproduce;
    private final List<Supplier<RunObserver>> observers = new ArrayList<>();

    public Regression(DutFactory factory, IommuConfig config, Scenario scenario, Lockstep.ReproduceCommand reproduce) {
        this.factory = factory;
        this.config = config;
        this.scenario = scenario;
        this.reproduce = reproduce;
    }

    private int maxDivergences = 1;
    private dev.lockstep.triage.Waivers waivers = dev.lockstep.triage.Waivers.NONE;
    private boolean failFast;

    /** Known signatures whose divergences do not fail a seed (see {@link Lockstep#waivers}). */
    public Regression waivers(dev.lockstep.triage.Waivers w) {
        this.waivers = w;
        return this;
    }

    public dev.lockstep.triage.Waivers waivers() { return waivers; }

    /** With {@code true}, {@link #run} stops at the first failing seed, as {@link #runUntilFailure} does. */
    public Regression failFast(boolean on) {
        this.failFast = on;
        return this;
    }

    public boolean failFast() { return failFast; }

    private java.util.function.BooleanSupplier stop = () -> false;
    private final List<Long> interrupted = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * Asked before every seed and every action: once true (SIGINT, SIGTERM), no seed starts and the
     * seeds in flight stop at an action boundary; {@link #run} returns the seeds done.
     */
    public Regression stopWhen(java.util.function.BooleanSupplier s) {
        this.stop = s;
        return this;
    }

    /** Whether a stop was asked for. */
    public boolean stopped() { return stop.getAsBoolean(); }

    /**
     * After a stop is asked for, how long seeds in flight get to reach an action boundary. A worker still
     * inside a DUT call then (a native call that never returns, without --isolate) is left behind: its seed
     * counts as interrupted and the seeds done are returned, so the reports are written within the
     * signal's grace period instead of never.
     */
    public static final long STOP_WAIT_MILLIS = 20_000;
    private long stopWaitMillis = STOP_WAIT_MILLIS;

    /** Sets {@link #STOP_WAIT_MILLIS} (tests). */
    Regression stopWait(long millis) {
        this.stopWaitMillis = millis;
        return this;
    }

    /** The seeds that were in flight when the run stopped (sorted): they have no verdict. */
    public List<Long> interruptedSeeds() {
        synchronized (interrupted) {
            return interrupted.stream().sorted().toList();
        }
    }

    /** Requests outstanding together at most (see {@link Lockstep#overlap}); 1 by default. */
    public Regression overlap(int depth) {
        this.overlap = depth;
        return this;
    }

    private int overlap = 1;

    /** Divergences each seed reports before it stops (see {@link Lockstep#maxDivergences}). */
    public Regression maxDivergences(int n) {
        this.maxDivergences = n;
        return this;
    }

    /**
     * Adds an observer (coverage, logs): {@code perWorker} gives each worker thread its own, so observers
     * are never shared between threads.
     */
    public Regression addObserver(Supplier<RunObserver> perWorker) {
        observers.add(perWorker);
        return this;
    }

    private Lockstep engine(Dut dut, RunObserver observer) {
        return new Lockstep(dut, config, scenario, reproduce).observer(observer).maxDivergences(maxDivergences)
                .overlap(overlap).stopBefore(i -> stop.getAsBoolean()).waivers(waivers);
    }

    /** One worker's observers, each told everything in order. */
    private RunObserver workerObserver() {
        List<RunObserver> mine = new ArrayList<>();
        for (Supplier<RunObserver> s : observers) mine.add(s.get());
        return RunObserver.all(mine);
    }

    /** The outcome of a regression: one result per seed, in the order given, and the DUT's identity. */
    public record Outcome(List<SeedResult> results, String dutBuildId) {
        public long passed() { return results.stream().filter(SeedResult::passed).count(); }
        public long failed() { return results.size() - passed(); }
    }

    /**
     * Runs the seeds; {@code onResult} sees each result in seed order as soon as it and all before it are
     * done (for terminal output).
     */
    public Outcome run(List<Long> seeds, int mutant, int actions, int jobs, Consumer<SeedResult> onResult)
            throws DutException {
        return execute(seeds, mutant, actions, jobs, failFast, onResult);
    }

    /**
     * Runs seeds in order until one fails, and returns the results up to and including the first failing
     * seed (the lowest failing one, whatever the scheduling), or all results when none fails.
     */
    public Outcome runUntilFailure(List<Long> seeds, int mutant, int actions, int jobs) throws DutException {
        return execute(seeds, mutant, actions, jobs, true, r -> { });
    }

    private Outcome execute(List<Long> seeds, int mutant, int actions, int jobs, boolean stopAtFailure,
                            Consumer<SeedResult> onResult) throws DutException {
        // By position in the seed list, as they finish: only the seeds run cost memory, not the list's size.
        java.util.Map<Integer, SeedResult> results = new java.util.HashMap<>();
        AtomicInteger next = new AtomicInteger();
        // Index of the lowest failing seed so far: no worker starts a seed after it.
        AtomicInteger stopAt = new AtomicInteger(seeds.size());
        String[] buildId = new String[1];
        DutException[] openFailure = new DutException[1];
        Object lock = new Object();
        java.util.concurrent.atomic.AtomicReference<Error> fatal = new java.util.concurrent.atomic.AtomicReference<>();
        int[] printed = {0};
        // The seed each worker is running (null between seeds): a worker left behind in a DUT call is cut there.
        Long[] running = new Long[Math.max(1, Math.min(jobs, seeds.size()))];
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < running.length; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                Dut dut = null;
                try {
                    dut = factory.open();
                    synchronized (lock) {
                        buildId[0] = dut.buildId();
                    }
                    RunObserver observer = workerObserver();
                    Lockstep engine = engine(dut, observer);
                    for (int i = next.getAndIncrement(); i < stopAt.get() && !stop.getAsBoolean(); i = next.getAndIncrement()) {
                        SeedResult r;
                        synchronized (lock) {
                            running[worker] = seeds.get(i);
                        }
                        try {
                            r = engine.run(seeds.get(i), mutant, actions);
                        } catch (Lockstep.Stopped e) {
                            interrupted.add(e.seed);
                            break;
                        } finally {
                            synchronized (lock) {
                                running[worker] = null;
                            }
                        }
                        if (stopAtFailure && !r.passed()) stopAt.accumulateAndGet(i + 1, Math::min);
                        synchronized (lock) {
                            results.put(i, r);
                            while (results.containsKey(printed[0])) onResult.accept(results.get(printed[0]++));
                        }
                        if (r.failure() != null && r.failure().kind() != DutException.Kind.API) {
                            // A crashed, hung or fatally stopped DUT is replaced; the next seeds go on.
                            dut.close();
                            dut = null;
                            dut = factory.open();
                            engine = engine(dut, observer);
                        }
                    }
                } catch (DutException e) {
                    synchronized (lock) {
                        if (openFailure[0] == null) openFailure[0] = e;
                    }
                } catch (RuntimeException e) {
                    synchronized (lock) {
                        if (openFailure[0] == null) {
                            openFailure[0] = new DutException(DutException.Kind.API,
                                    "internal error in " + Thread.currentThread().getName() + ": " + e.getMessage());
                        }
                    }
                } catch (Error e) {
                    fatal.compareAndSet(null, e); // e.g. out of memory: rethrown on the caller's thread, never a verdict
                } finally {
                    if (dut != null) dut.close();
                }
            }, "lockstep-worker-" + w);
            workers.add(t);
            t.setDaemon(true); // a worker left behind in a DUT call must not hold the JVM
            t.start();
        }
        boolean leftBehind = awaitWorkers(workers);
        List<SeedResult> done = new ArrayList<>();
        synchronized (lock) {
            if (leftBehind) {
                for (Long seed : running) if (seed != null) interrupted.add(seed);
            } else {
                if (fatal.get() != null) throw fatal.get();
                if (openFailure[0] != null) throw openFailure[0];
            }
            results.keySet().stream().sorted().filter(i -> i < stopAt.get()).forEach(i -> done.add(results.get(i)));
        }
        return new Outcome(List.copyOf(done), buildId[0]);
    }

    /**
     * Waits for the workers to end; once a stop is asked for, for at most {@link #stopWaitMillis} more.
     * Returns whether some worker was left behind (still inside a DUT call).
     */
    private boolean awaitWorkers(List<Thread> workers) throws DutException {
        long stopSeen = 0;
        try {
            for (Thread t : workers) {
                while (t.isAlive()) {
                    t.join(100);
                    if (!t.isAlive() || !stop.getAsBoolean()) continue;
                    long now = System.nanoTime();
                    if (stopSeen == 0) stopSeen = now;
                    if (now - stopSeen > stopWaitMillis * 1_000_000) return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DutException(DutException.Kind.API, "interrupted while waiting for the regression");
        }
    }
}
