package dev.lockstep.cli;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.engine.Lockstep;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.log.LogCheck;
import dev.lockstep.log.LogReader;
import dev.lockstep.log.LoggedStimulus;
import dev.lockstep.log.SeedLog;
import dev.lockstep.log.SeedLogWriter;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.regression.Mutants;
import dev.lockstep.report.OutputDir;
import dev.lockstep.triage.Shrink;
import dev.lockstep.log.DumpMode;
import dev.lockstep.log.LogCapture;
import dev.lockstep.log.LogContext;
import dev.lockstep.log.LogInput;
import dev.lockstep.refmodel.regs.IommuConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep shrink LOG --out SMALL}: the fewest actions of a diverging log that still diverge alike. */
@Command(name = "shrink", mixinStandardHelpOptions = true,
        description = "Shrink a diverging seed log by delta debugging over its actions (an action goes with the DUT's "
                + "logged answers to it, so a memory_write goes with the memory it set up): the smallest subsequence "
                + "found that, checked offline against the golden model, still diverges with the same failure "
                + "signature. Deterministic. With --dut, the small log's actions are replayed into that DUT (with the "
                + "log's planted bug); when it diverges alike there it is shrunk further with the DUT as the oracle, "
                + "otherwise the whole log is; the log written is then the DUT's own answers to the actions kept. "
                + "Exit code 1: the small log diverges; 2: the log does not diverge, or bad usage.")
public final class ShrinkCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "LOG", description = "A diverging seed log (.jsonl or .jsonl.gz).")
    Path log;

    @Option(names = "--out", required = true, paramLabel = "SMALL",
            description = "Where the small log goes (gzip-compressed when the name ends in .gz); never the LOG itself.")
    Path out;

    @Option(names = "--max-checks", defaultValue = "20000", paramLabel = "N",
            description = "Stop refining after N checks offline (and N runs on the DUT); the result still diverges alike. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxChecks;

    @Option(names = "--config", paramLabel = "FILE",
            description = "With --dut: the DUT's pinned configuration. Default: the configuration in the log's header.")
    Path config;

    @Mixin
    DutOptions dutOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Interruption interruption = null;
        try {
            if (OutputDir.same(out, log)) throw new BadInputException("--out " + out + ": that is the log to shrink");
            OutputDir.checkFile(out, "--out");
            boolean confirm = spec.commandLine().getParseResult().hasMatchedOption("--dut");
            if (confirm) dutOptions.check(stdout);
            SeedLog seedLog = LogReader.read(log, Mutants.read(Home.mutantList()));
            // SIGINT, SIGTERM: the shrinking stops and what it has (a reproducer, not yet minimal) is written.
            interruption = new Interruption();
            Shrink.Result r = Shrink.run(seedLog, maxChecks, interruption::requested);
            stdout.printf("%s: %d actions -> %d actions offline (%d checks), signature %s%n", log, r.originalActions(),
                    r.log().actions().size(), r.checks(), r.signature());
            if (interruption.requested()) {
                SeedLogWriter.write(r.log(), out);
                stdout.println("  stopped by a signal: wrote " + out + ", the smallest log found so far (it diverges "
                        + "alike, but a shorter one may exist; not confirmed on a DUT)");
                return Main.EXIT_DIVERGENCE;
            }
            if (!confirm) {
                SeedLogWriter.write(r.log(), out);
                stdout.println("  wrote " + out + ": " + Home.launcher() + " check " + Home.shell(out) + " diverges alike");
                return Main.EXIT_DIVERGENCE;
            }
            return confirm(seedLog, r, stdout, err);
        } catch (BadInputException e) {
            err.println("lockstep shrink: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (IOException e) {
            err.println("lockstep shrink: cannot write " + out + ": " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (DutException e) {
            err.println("lockstep shrink: DUT " + e.kind().name().toLowerCase() + ": " + e.getMessage());
            return Main.EXIT_DUT;
        } finally {
            stdout.flush();
            if (interruption != null) interruption.close();
        }
    }

    /**
     * Replays the small log's actions into the DUT in lockstep; when it diverges with the same signature there,
     * shrinks it further with the DUT as the oracle (the DUT answers each candidate afresh), otherwise shrinks the
     * whole log so. The log written is the last replay's own: the DUT's answers to the actions kept.
     */
    private int confirm(SeedLog whole, Shrink.Result offline, PrintWriter stdout, PrintWriter err)
            throws BadInputException, IOException {
        IommuConfig iommuConfig = config != null ? DutConfigFile.read(config) : whole.header().config();
        try {
            SeedResult replayed = record(offline.log(), iommuConfig);
            SeedLog from;
            if (sameSignature(replayed, offline)) {
                stdout.println("  confirmed: replayed into " + dutOptions.dut + ", the DUT diverges with the same signature"
                        + " at action #" + replayed.divergence().actionIndex() + "; shrinking further on the DUT");
                from = offline.log();
            } else {
                stdout.println("  not confirmed on " + dutOptions.dut + " (" + describe(replayed) + "): the offline result "
                        + "leans on answers the DUT gave to actions it left out; shrinking on the DUT from the whole log");
                from = whole;
            }
            Shrink.Result onDut;
            try (Dut d = dutOptions.factory().open()) {
                onDut = Shrink.onDut(from, offline.signature(), d, iommuConfig, maxChecks);
            }
            replayed = record(onDut.log(), iommuConfig);
            if (!sameSignature(replayed, offline)) {
                err.println("lockstep shrink: the DUT does not diverge alike on the actions it shrank to ("
                        + describe(replayed) + "): is it deterministic?");
                return Main.EXIT_DUT;
            }
            stdout.printf("  on the DUT: %d actions -> %d actions (%d runs), confirmed by replay%n",
                    onDut.originalActions(), onDut.log().actions().size(), onDut.checks());
        } catch (DutException e) {
            err.println("lockstep shrink: DUT " + e.kind().name().toLowerCase() + ": " + e.getMessage());
            return Main.EXIT_DUT;
        }
        stdout.println("  wrote " + out + " (the DUT's answers): " + Home.launcher() + " check " + Home.shell(out)
                + " diverges alike");
        return Main.EXIT_DIVERGENCE;
    }

    private static boolean sameSignature(SeedResult r, Shrink.Result shrunk) {
        return r.divergence() != null && r.divergence().signature().key().equals(shrunk.signature().key());
    }

    private static String describe(SeedResult r) {
        return r.divergence() != null ? "it diverges with " + r.divergence().signature()
                : r.passed() ? "it passes" : "the DUT failed: " + r.failure().message();
    }

    /** Runs {@code small}'s actions on the DUT in lockstep, its log recorded to --out. */
    private SeedResult record(SeedLog small, IommuConfig iommuConfig) throws DutException, BadInputException, IOException {
        Path dir = Files.createTempDirectory(out.toAbsolutePath().getParent(), ".shrink-");
        try {
            LogCapture capture = new LogCapture(new LogContext(dir, DumpMode.ALL, "lockstep " + Main.VERSION,
                    dutOptions.dut, iommuConfig, small.header().scenario(), small.header().mutantId(),
                    small.header().mutantName(), small.actions().size(), LogInput.compressed(out)));
            SeedResult r;
            try (Dut d = capture.wrap(dutOptions.factory()).open()) {
                Lockstep engine = new Lockstep(d, iommuConfig, LoggedStimulus.of(small),
                        s -> Home.launcher() + " replay " + Home.shell(out) + dutOptions.commandLine())
                        .observer(capture.observers().get());
                try {
                    r = engine.run(small.header().seed(), small.header().mutantId(), small.actions().size());
                } catch (RuntimeException e) {
                    throw LogCheck.unrepresentable(small, engine.actionIndex(), e);
                }
            }
            Path written = dir.resolve("seed-" + small.header().seed() + ".jsonl" + (LogInput.compressed(out) ? ".gz" : ""));
            Files.move(written, out, StandardCopyOption.REPLACE_EXISTING);
            return r;
        } finally {
            try (var left = Files.list(dir)) {
                for (Path p : left.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }
}
