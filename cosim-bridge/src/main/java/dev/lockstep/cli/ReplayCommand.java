package dev.lockstep.cli;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.engine.Lockstep;
import dev.lockstep.engine.RunObserver;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.log.DumpMode;
import dev.lockstep.log.LogCapture;
import dev.lockstep.log.LogCheck;
import dev.lockstep.log.LogContext;
import dev.lockstep.log.LogReader;
import dev.lockstep.log.LoggedStimulus;
import dev.lockstep.log.SeedLog;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.regression.DutFactory;
import dev.lockstep.regression.Mutants;
import dev.lockstep.report.OutputDir;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep replay LOG}: drives a log's actions into a DUT again, in lockstep with the model. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay the actions of a seed log into a DUT (e.g. a fixed RTL) in lockstep with the golden "
                + "model, as 'run' does with generated stimulus. Ends with the line 'N passed, N failed'.")
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "LOG", description = "A seed log.")
    Path log;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The DUT's pinned configuration (JSON). Default: the configuration in the log's header.")
    Path config;

    @Option(names = "--mutant", paramLabel = "NAME|ID",
            description = "Planted bug of the built-in DUT. Default: the log header's mutant.")
    String mutant;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Write the replay's own log to DIR/logs/seed-N.jsonl "
            + "(never over the log replayed; a directory holding another run's results needs --replace).")
    Path out;

    @Option(names = "--replace", description = "Delete the results of an earlier run in --out first.")
    boolean replace;

    @Option(names = "--compress", description = "Write the replay's log gzip-compressed (DIR/logs/seed-N.jsonl.gz).")
    boolean compress;

    @Option(names = "--waves", paramLabel = "FILE",
            description = "Waveform of the whole replay, from its first action (a passing log can be traced too): VCD "
                    + "or FST by the name's extension (.vcd, .fst). Cycle N of the reports is at N ns; the lockstep "
                    + "scope shows the action and the divergence.")
    Path waves;

    @Option(names = "--max-divergences", defaultValue = "1", paramLabel = "N",
            description = "Divergences reported before the replay stops (later ones may be consequences). Default: ${DEFAULT-VALUE}.")
    int maxDivergences;

    @Mixin
    DutOptions dutOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OutputDir outDir = null;
        try {
            dutOptions.check(stdout);
            if (maxDivergences < 1) throw new BadInputException("--max-divergences " + maxDivergences + ": at least 1");
            WaveFile waveFile = WaveFile.of(waves);
            SeedLog seedLog = LogReader.read(log, Mutants.read(Home.mutantList()));
            IommuConfig iommuConfig = config != null ? DutConfigFile.read(config) : seedLog.header().config();
            Mutants.Mutant m = mutant != null ? Mutants.resolve(mutant, Home.mutantList())
                    : new Mutants.Mutant(seedLog.header().mutantId(), seedLog.header().mutantName(), "from the log");
            DutFactory factory = waveFile == null ? dutOptions.factory() : dutOptions.wavesFactory(waveFile, stdout);
            if (waveFile != null) waveFile.probe(factory);
            RunObserver observer = RunObserver.NONE;
            if (out != null) {
                Path target = out.resolve("logs").resolve("seed-" + seedLog.header().seed() + ".jsonl"
                        + (compress ? ".gz" : ""));
                if (OutputDir.same(target, log) || OutputDir.same(out.resolve("logs"), log.toAbsolutePath().getParent())) {
                    throw new BadInputException("--out " + out + ": the replay's log would go to " + target
                            + ", beside or over the log it replays (" + log + "); give another directory");
                }
                outDir = OutputDir.claim(out, "--out", replace);
                LogCapture capture = new LogCapture(new LogContext(out.resolve("logs"), DumpMode.ALL,
                        "lockstep " + Main.VERSION, dutOptions.dut, iommuConfig, seedLog.header().scenario(), m.id(), m.name(),
                        seedLog.actions().size(), compress));
                factory = capture.wrap(factory);
                observer = capture.observers().get();
            }
            SeedResult r;
            try (Dut d = factory.open()) {
                Lockstep engine = new Lockstep(d, iommuConfig, LoggedStimulus.of(seedLog), s -> reproduce(m))
                        .observer(observer).maxDivergences(maxDivergences);
                if (waveFile != null) engine.waves(waveFile.absolute(), 0, 0);
                try {
                    r = engine.run(seedLog.header().seed(), m.id(), seedLog.actions().size());
                } catch (RuntimeException e) {
                    throw LogCheck.unrepresentable(seedLog, engine.actionIndex(), e);
                }
            }
            SeedResults.print(stdout, log + " (seed " + r.seed() + ")", r);
            if (waveFile != null) {
                waveFile.checkWritten();
                stdout.println("waveform of the replay from its first action: " + waves);
            }
            stdout.println((r.passed() ? "1 passed, 0 failed" : "0 passed, 1 failed"));
            return SeedResults.exitCode(r);
        } catch (BadInputException e) {
            err.println("lockstep replay: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (DutException e) {
            err.println("lockstep replay: DUT " + e.kind().name().toLowerCase() + ": " + e.getMessage());
            return Main.EXIT_DUT;
        } catch (java.io.UncheckedIOException e) {
            err.println("lockstep replay: " + e.getMessage());
            return Main.EXIT_USAGE;
        } finally {
            if (outDir != null) outDir.close();
        }
    }

    private String reproduce(Mutants.Mutant m) {
        StringBuilder b = new StringBuilder(Home.launcher()).append(" replay ").append(Home.shell(log))
                .append(dutOptions.commandLine());
        if (config != null) b.append(" --config ").append(Home.shell(config));
        if (mutant != null) b.append(" --mutant ").append(m.name());
        return b.toString();
    }
}
