package dev.lockstep.cli;

import dev.lockstep.cli.DepthBench.Measure;
import dev.lockstep.dut.DutException;
import dev.lockstep.dut.NativeDut;
import dev.lockstep.engine.Lockstep;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.DutConfigFile;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep bench}: what checking costs on top of the RTL simulation, and what overlap buys. At each
 * overlap depth (serialized, and the DUT's overlap depth) the same recorded stimulus runs against the same
 * DUT twice per round, once with the golden model and every comparison, once against the DUT alone; the
 * ratio of wall times is the checker's overhead at that depth, and the depths are compared by translations
 * per second and per simulated cycle.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the checker's overhead and the throughput under overlap: at each overlap depth a stimulus "
                + "recorded once, replayed against the DUT (the built-in one by default) with the model and comparisons on "
                + "and off, seed by seed; "
                + "prints per depth the ratio of wall times, translations/s, translations per simulated cycle, "
                + "cycles/s and the time spent inside the DUT, then overlap against serialized.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--seeds", defaultValue = "25", description = "Seeds of stimulus. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--actions", defaultValue = "10000",
            description = "Actions per seed (a window of overlapping requests is one action). Default: ${DEFAULT-VALUE}.")
    int actions;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Measured rounds; in each, every seed runs checked and unchecked back to back (the order "
                    + "alternating), and each seed keeps its best time per mode. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--overlap", paramLabel = "N|auto",
            description = "The overlap depth measured next to serialized (1), as run's --overlap: N requests "
                    + "outstanding together at most; 1 measures serialized only. auto (the default): "
                    + Lockstep.DEFAULT_OVERLAP + " on a DUT of C ABI 6, else serialized only.")
    String overlapOption;

    @picocli.CommandLine.Mixin
    DutOptions dutOptions;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The DUT's pinned configuration (JSON), as for run. Default for 'stub' and 'stub-axi': theirs; "
                    + "a DUT library given by path needs its own.")
    String configFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (seeds < 1 || actions < 1 || rounds < 1) throw new BadInputException("--seeds, --actions, --rounds >= 1");
            if (Boolean.TRUE.equals(dutOptions.isolate)) {
                throw new BadInputException("--isolate: bench runs the DUT library in its own process, so that the "
                        + "time measured is the simulation's and the checker's, not a child process's calls");
            }
            dutOptions.check(out);
            if (configFile == null && dutOptions.defaultConfig() == null) {
                throw new BadInputException("--config: a DUT library other than 'stub' needs its configuration file");
            }
            IommuConfig config = DutConfigFile.read(configFile != null ? java.nio.file.Path.of(configFile)
                    : dutOptions.defaultConfig());
            try (TimedDut dut = new TimedDut(NativeDut.open(dutOptions.library(), dutOptions.dutConfig))) {
                int overlap = Lockstep.overlapDepth(overlapOption, dut);
                List<DepthBench> depths = new ArrayList<>();
                depths.add(new DepthBench(dut, config, 1, seeds));
                if (overlap > 1) depths.add(new DepthBench(dut, config, overlap, seeds));
                for (DepthBench d : depths) d.record(actions);
                // The depths take turns seed by seed, so that a slow spell of this machine hits them alike.
                for (int round = 0; round < rounds; round++) {
                    for (int s = 0; s < seeds; s++) {
                        for (DepthBench d : depths) d.run(s, round);
                    }
                }
                out.printf("stimulus: %d seeds x %d actions of the traffic scenario per depth, recorded once and "
                        + "replayed checked and unchecked%n", seeds, actions);
                if (!dutOptions.isStub()) out.printf("DUT: %s%n", dut.buildId());
                for (DepthBench d : depths) print(out, d);
                if (depths.size() > 1) {
                    DepthBench serial = depths.get(0);
                    DepthBench ovl = depths.get(1);
                    out.printf("overlap %d vs serialized: translations/s x%.3f (DUT alone), x%.3f (DUT + model check); "
                            + "translations/cycle x%.3f%n", ovl.depth(),
                            ovl.unchecked().translationsPerSecond() / serial.unchecked().translationsPerSecond(),
                            ovl.checked().translationsPerSecond() / serial.checked().translationsPerSecond(),
                            ovl.checked().translationsPerCycle() / serial.checked().translationsPerCycle());
                }
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

    /** One depth's figures: its header line, then the two modes, the time inside the DUT and the overhead. */
    private void print(PrintWriter out, DepthBench d) {
        Measure checked = d.checked();
        Measure unchecked = d.unchecked();
        out.printf("%s (--overlap %d): %,d translations, %,d DUT cycles, %.4f translations/cycle%n",
                d.depth() == 1 ? "serialized" : "overlap", d.depth(), checked.translations(), checked.cycles(),
                checked.translationsPerCycle());
        long actionsRun = (long) seeds * actions;
        out.printf("  DUT alone:         %8.3f s  %,12.0f translations/s  %,14.0f cycles/s  %,8d B allocated/action%n",
                unchecked.seconds(), unchecked.translationsPerSecond(), unchecked.cyclesPerSecond(),
                unchecked.allocated() / actionsRun);
        out.printf("  DUT + model check: %8.3f s  %,12.0f translations/s  %,14.0f cycles/s  %,8d B allocated/action%n",
                checked.seconds(), checked.translationsPerSecond(), checked.cyclesPerSecond(),
                checked.allocated() / actionsRun);
        out.printf("  time inside the DUT: %.3f s alone, %.3f s with checking (the RTL simulation runs slower "
                + "next to the model when they share caches)%n", unchecked.dutSeconds(), checked.dutSeconds());
        out.printf("  checking overhead: wall-time ratio %.3f, CPU-time ratio %.3f (target <= 1.10 for "
                + ">= 100,000 translations)%n", checked.seconds() / unchecked.seconds(),
                checked.cpuSeconds() / unchecked.cpuSeconds());
    }
}
