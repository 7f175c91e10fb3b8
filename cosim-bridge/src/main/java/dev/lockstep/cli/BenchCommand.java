package dev.lockstep.cli;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.dut.NativeDut;
import dev.lockstep.engine.Lockstep;
import dev.lockstep.engine.RunObserver;
import dev.lockstep.engine.Scenario;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.stimulus.Action;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep bench}: what checking costs on top of the RTL simulation. The same recorded stimulus
 * runs against the same DUT twice per round, once with the golden model and every comparison, once
 * against the DUT alone; the ratio of wall times is the checker's overhead.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the checker's overhead: the same recorded stimulus against the built-in DUT with the "
                + "model and comparisons on and off, seed by seed; prints the ratio of wall times, translations/s, "
                + "cycles/s and the time spent inside the DUT.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--seeds", defaultValue = "25", description = "Seeds of stimulus. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--actions", defaultValue = "10000", description = "Actions per seed. Default: ${DEFAULT-VALUE}.")
    int actions;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Measured rounds; in each, every seed runs checked and unchecked back to back (the order "
                    + "alternating), and each seed keeps its best time per mode. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (seeds < 1 || actions < 1 || rounds < 1) throw new BadInputException("--seeds, --actions, --rounds >= 1");
            IommuConfig config = DutConfigFile.read(Home.stubConfig());
            try (TimedDut dut = new TimedDut(NativeDut.open(Home.stubLibrary(), ""))) {
                // Record the stimulus once (this also warms up both sides).
                List<List<Action>> scripts = new ArrayList<>();
                for (int s = 0; s < seeds; s++) {
                    List<Action> script = new ArrayList<>();
                    RunObserver recorder = new RunObserver() {
                        @Override
                        public void action(int index, Action action) { script.add(action); }
                    };
                    SeedResult r = new Lockstep(dut, config, Scenario.TRAFFIC, x -> "").observer(recorder)
                            .run(s + 1, 0, actions);
                    if (!r.passed()) throw new DutException(DutException.Kind.API, "bench seed " + (s + 1)
                            + " does not pass; run 'bin/lockstep run --seed " + (s + 1) + " --count 1' first");
                    scripts.add(script);
                }
                // Each seed runs checked and unchecked back to back (the order alternating), so that a slow
                // spell of this machine hits both modes alike; each seed keeps its best time per mode over
                // the rounds, and the totals are the sums of those.
                Lockstep engine = new Lockstep(dut, config, Scenario.TRAFFIC, x -> "");
                Measure[] bestChecked = new Measure[seeds];
                Measure[] bestUnchecked = new Measure[seeds];
                for (int round = 0; round < rounds; round++) {
                    for (int s = 0; s < seeds; s++) {
                        boolean checkedFirst = ((s + round) & 1) == 0;
                        for (boolean check : checkedFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                            Measure m = measure(engine, dut, s + 1, scripts.get(s), check);
                            Measure[] best = check ? bestChecked : bestUnchecked;
                            best[s] = Measure.best(best[s], m);
                        }
                    }
                }
                Measure checked = Measure.sum(bestChecked);
                Measure unchecked = Measure.sum(bestUnchecked);
                out.printf("stimulus: %d seeds x %d actions, %d translations, %d DUT cycles%n", seeds, actions,
                        checked.translations, checked.cycles);
                long actionsRun = (long) seeds * actions;
                out.printf("DUT alone:         %8.3f s  %,12.0f translations/s  %,14.0f cycles/s  %,8d B allocated/action%n",
                        unchecked.seconds, unchecked.translations / unchecked.seconds, unchecked.cycles / unchecked.seconds,
                        unchecked.allocated / actionsRun);
                out.printf("DUT + model check: %8.3f s  %,12.0f translations/s  %,14.0f cycles/s  %,8d B allocated/action%n",
                        checked.seconds, checked.translations / checked.seconds, checked.cycles / checked.seconds,
                        checked.allocated / actionsRun);
                double ratio = checked.seconds / unchecked.seconds;
                out.printf("time inside the DUT: %.3f s alone, %.3f s with checking (the RTL simulation runs slower "
                        + "next to the model when they share caches)%n", unchecked.dutSeconds, checked.dutSeconds);
                out.printf("checking overhead: wall-time ratio %.3f, CPU-time ratio %.3f (target <= 1.10 for "
                        + ">= 100,000 translations)%n", ratio, checked.cpuSeconds / unchecked.cpuSeconds);
                return Main.EXIT_PASS;
            }
        } catch (BadInputException e) {
            spec.commandLine().getErr().println("lockstep bench: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (DutException e) {
            spec.commandLine().getErr().println("lockstep bench: DUT " + e.kind().name().toLowerCase() + ": "
                    + e.getMessage());
            return Main.EXIT_DUT;
        }
    }

    /** One measured seed: wall time, CPU time of the driving thread, time inside the DUT, work done. */
    private record Measure(double seconds, double cpuSeconds, double dutSeconds, long translations, long cycles,
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
    }

    private static Measure measure(Lockstep engine, TimedDut dut, int seed, List<Action> script, boolean check)
            throws DutException {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) threads;
        long bytesStart = alloc.getCurrentThreadAllocatedBytes();
        long cpuStart = threads.getCurrentThreadCpuTime();
        dut.restart();
        long start = System.nanoTime();
        SeedResult r = engine.run(seed, 0, script, check);
        long wall = System.nanoTime() - start;
        if (!r.passed()) throw new DutException(DutException.Kind.API, "bench seed " + seed + " failed when replayed");
        return new Measure(wall / 1e9, (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9, dut.nanos() / 1e9,
                r.translations(), r.cycles(), alloc.getCurrentThreadAllocatedBytes() - bytesStart);
    }
}
