package dev.lockstep.cli;

import dev.lockstep.dut.DutException;
import dev.lockstep.engine.Lockstep;
import dev.lockstep.engine.RunObserver;
import dev.lockstep.engine.Scenario;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.stimulus.Action;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lockstep bench} at one overlap depth: the {@code traffic} stimulus of every seed recorded once at
 * that depth, then replayed identically with the model and every comparison (checked) and against the DUT
 * alone (unchecked), seed by seed and round after round. Each seed keeps its best time per mode over the
 * rounds; the totals are the sums of those.
 */
final class DepthBench {

    /** One measured run (or a sum of them): wall time, CPU time of the driving thread, time inside the DUT, work done. */
    record Measure(double seconds, double cpuSeconds, double dutSeconds, long translations, long cycles,
                   long allocated) {
        static Measure best(Measure a, Measure b) { return a == null || b.seconds < a.seconds ? b : a; }

        static Measure sum(Measure[] ms) {
            double s = 0, cpu = 0, inDut = 0;
            long tr = 0, cy = 0, alloc = 0;
            for (Measure m : ms) {
                s += m.seconds;
                cpu += m.cpuSeconds;
                inDut += m.dutSeconds;
                tr += m.translations;
                cy += m.cycles;
                alloc += m.allocated;
            }
            return new Measure(s, cpu, inDut, tr, cy, alloc);
        }

        double translationsPerSecond() { return translations / seconds; }

        double cyclesPerSecond() { return cycles / seconds; }

        /** Translations per simulated cycle: what overlap buys in the RTL, whatever the host's speed. */
        double translationsPerCycle() { return (double) translations / cycles; }
    }

    private final TimedDut dut;
    private final IommuConfig config;
    private final int depth;
    private final Lockstep engine;
    private final List<List<Action>> scripts = new ArrayList<>();
    private final Measure[] bestChecked;
    private final Measure[] bestUnchecked;

    DepthBench(TimedDut dut, IommuConfig config, int depth, int seeds) {
        this.dut = dut;
        this.config = config;
        this.depth = depth;
        this.engine = new Lockstep(dut, config, Scenario.TRAFFIC, x -> "").overlap(depth);
        this.bestChecked = new Measure[seeds];
        this.bestUnchecked = new Measure[seeds];
    }

    int depth() { return depth; }

    /** Records each seed's stimulus at this depth (which also warms up both sides); every seed must pass. */
    void record(int actions) throws DutException {
        for (int s = 0; s < bestChecked.length; s++) {
            List<Action> script = new ArrayList<>();
            RunObserver recorder = new RunObserver() {
                @Override
                public void action(int index, Action action) { script.add(action); }
            };
            SeedResult r = new Lockstep(dut, config, Scenario.TRAFFIC, x -> "").overlap(depth).observer(recorder)
                    .run(s + 1, 0, actions);
            if (!r.passed()) {
                throw new DutException(DutException.Kind.API, "bench seed " + (s + 1) + " does not pass; run 'bin/lockstep "
                        + "run --seed " + (s + 1) + " --count 1" + (depth == 1 ? "" : " --overlap " + depth) + "' first");
            }
            scripts.add(script);
        }
    }

    /**
     * Seed {@code s} (from 0) in round {@code round}: checked and unchecked back to back, the order
     * alternating with the seed and the round, so that a slow spell of this machine hits both modes alike.
     */
    void run(int s, int round) throws DutException {
        boolean checkedFirst = ((s + round) & 1) == 0;
        for (boolean check : checkedFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
            Measure m = measure(s + 1, scripts.get(s), check);
            Measure[] best = check ? bestChecked : bestUnchecked;
            best[s] = Measure.best(best[s], m);
        }
    }

    Measure checked() { return Measure.sum(bestChecked); }

    Measure unchecked() { return Measure.sum(bestUnchecked); }

    private Measure measure(int seed, List<Action> script, boolean check) throws DutException {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) threads;
        long bytesStart = alloc.getCurrentThreadAllocatedBytes();
        long cpuStart = threads.getCurrentThreadCpuTime();
        dut.restart();
        long start = System.nanoTime();
        SeedResult r = engine.run(seed, 0, script, check);
        long wall = System.nanoTime() - start;
        if (!r.passed()) {
            throw new DutException(DutException.Kind.API, "bench seed " + seed + " failed when replayed at overlap "
                    + depth);
        }
        return new Measure(wall / 1e9, (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9, dut.nanos() / 1e9,
                r.translations(), r.cycles(), alloc.getCurrentThreadAllocatedBytes() - bytesStart);
    }
}
