package dev.lockstep.cli;

import dev.lockstep.coverage.CoverageRegression;
import dev.lockstep.dut.DutException;
import dev.lockstep.dut.DutInterface;
import dev.lockstep.engine.Scenario;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.log.DumpMode;
import dev.lockstep.log.LogCapture;
import dev.lockstep.log.LogContext;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.ConfigDiscovery;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.regression.DutFactory;
import dev.lockstep.regression.Mutants;
import dev.lockstep.regression.Regression;
import dev.lockstep.regression.Shard;
import dev.lockstep.report.HtmlReport;
import dev.lockstep.regression.Problems;
import dev.lockstep.report.JunitXml;
import dev.lockstep.report.OutputDir;
import dev.lockstep.report.Provenance;
import dev.lockstep.report.RunInfo;
import dev.lockstep.report.SummaryJson;
import dev.lockstep.triage.SeedList;
import dev.lockstep.triage.SignatureTable;
import dev.lockstep.triage.Waivers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep run}: a lockstep regression of the golden model against a DUT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a lockstep regression: seeds of stimulus applied to the golden model and the DUT, "
                + "every observable compared. Ends with the line 'N passed, N failed'.")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE|discover",
            description = "The DUT's pinned configuration (JSON). Default for 'stub': rtl-stubs/config.json. "
                    + "'discover' probes the DUT as a driver does (capabilities, fctl, ddtp modes, queue sizes), "
                    + "prints the configuration found and uses it: for bring-up; pin it for regressions.")
    String config;

    @Option(names = {"-q", "--quiet"}, description = "Print only failing seeds and the closing line (no per-seed "
            + "lines, no progress line, no coverage table).")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "One line per seed even on a terminal (no progress line).")
    boolean verbose;

    @Option(names = {"-s", "--seed"}, defaultValue = StandardRegression.FIRST_SEED,
            description = "First seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-n", "--count"}, defaultValue = StandardRegression.SEEDS, description = "Number of seeds (seed, seed+1, ...). "
            + "Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--actions", defaultValue = StandardRegression.ACTIONS, description = "Actions per seed. Default: ${DEFAULT-VALUE}.")
    int actions;

    @Option(names = "--scenario", defaultValue = StandardRegression.SCENARIO, paramLabel = "NAME",
            completionCandidates = ScenarioNames.class,
            description = "Stimulus, one of: ${COMPLETION-CANDIDATES}. 'system': driver-like programming of the whole "
                    + "IOMMU, translations, invalidations, faults; 'traffic': mostly translation requests; "
                    + "'registers': register accesses only; 'all': seeds divisible by 3 run the directed scenarios "
                    + "(the other names) in turn, the others 'system'. The names ending in -race are directed races: "
                    + "requests in flight while software acts; they need --overlap 2 or more (a race named at "
                    + "--overlap 1 is refused; 'all' takes them into its turn only with overlap). "
                    + "Default: ${DEFAULT-VALUE}.")
    String scenario;

    /** The scenario names, from {@link Scenario} itself. */
    static final class ScenarioNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(Scenario.values()).map(s -> s.cliName).iterator();
        }
    }

    @Option(names = "--mutant", defaultValue = "none", paramLabel = "NAME|ID[,...]",
            description = "Planted bug(s) of the built-in DUT to select (see 'lockstep mutants --list'); up to 4 "
                    + "enabled together as a comma-separated list, e.g. 'fq_ttyp_shifted,ddtp_mode_warl'. "
                    + "Default: ${DEFAULT-VALUE}.")
    String mutant;

    // --- Triage (README "Triage").
    @Option(names = "--seeds", paramLabel = "LIST",
            description = "Run exactly these seeds instead of --seed/--count: seeds and ranges, e.g. '1,5,10-20'.")
    String seedList;

    @Option(names = "--rerun-failed", paramLabel = "DIR",
            description = "Run exactly the seeds that failed in the run whose report is DIR/summary.json, with that "
                    + "run's configuration (DUT, --config, --dut-config, --scenario, --mutant, --actions, "
                    + "--max-divergences); other options as given.")
    Path rerunFailed;

    @Option(names = "--fail-fast",
            description = "Stop at the first failing seed (the lowest failing one, whatever --jobs): no seed after it runs.")
    boolean failFast;

    @Option(names = "--waivers", paramLabel = "FILE",
            description = "Known failure signatures (JSON, README 'Triage'): their divergences do not fail a seed; "
                    + "they are counted as waived, the model adopts what the DUT did and the seed goes on. Waivers "
                    + "that matched nothing are reported as stale.")
    Path waiversFile;

    @Option(names = "--overlap", paramLabel = "N|auto",
            description = "Requests outstanding together at most (docs/concurrency.md): traffic goes out in windows "
                    + "of up to N requests, and some structure changes race them. 1 (the default) is serialized: one "
                    + "action at a time, the DUT idle between. auto: " + dev.lockstep.engine.Lockstep.DEFAULT_OVERLAP
                    + " on a DUT of C ABI 6, else 1.")
    String overlapOption;

    /** The overlap depth this run resolved to. */
    private int overlap = 1;

    @Option(names = "--max-divergences", defaultValue = "1", paramLabel = "N",
            description = "Divergences reported per seed before it stops; after each one the model adopts what the "
                    + "DUT did for that action (README 'Triage'), so later ones are new. Default: ${DEFAULT-VALUE}.")
    int maxDivergences;

    @Option(names = {"-j", "--jobs"}, defaultValue = "1", description = "Seeds run concurrently, one DUT instance each. "
            + "Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(names = "--waves", paramLabel = "FILE",
            description = "Write a waveform (GTKWave), VCD or FST by the name's extension (.vcd, .fst), of the first "
                    + "failing seed around its divergence: the seed is run again with the DUT traced from "
                    + "--waves-window cycles before the divergence. When every seed passed, the first seed, whole. "
                    + "Cycle N of the reports is at N ns; the lockstep scope shows the action and the divergence.")
    Path waves;

    @Option(names = "--waves-window", defaultValue = "2000", paramLabel = "CYCLES",
            description = "Cycles of waveform before the divergence. Default: ${DEFAULT-VALUE}.")
    long wavesWindow;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "Directory for summary.json, junit.xml and logs/ (see --dump). A directory holding "
                    + "another run's results is refused unless --replace is given; one run at a time (locked).")
    Path out;

    @Option(names = "--replace",
            description = "Delete the results of an earlier run in --out (summary.json, junit.xml, logs/seed-*.jsonl) "
                    + "before this run starts.")
    boolean replace;

    @Option(names = "--coverage-goal", paramLabel = "PERCENT",
            description = "Keep running further seeds (seed, seed+1, ...) until this percentage of the functional "
                    + "coverage goal bins is hit, or --count seeds have run.")
    Double coverageGoal;

    // --- Splitting across machines and seed logs (docs/log-format.md).
    @Option(names = "--shard", paramLabel = "i/n",
            description = "Run only shard i of n: the seeds whose position (from 0) modulo n is i-1. Each shard "
                    + "writes its own --out; 'lockstep merge' combines them.")
    String shard;

    @Option(names = "--dump", defaultValue = "failing", paramLabel = "all|failing|none",
            description = "Which seeds keep their JSON Lines log in OUT/logs/seed-N.jsonl (needs --out). "
                    + "Default: ${DEFAULT-VALUE}.")
    String dump;

    @Option(names = "--compress",
            description = "Write the seed logs gzip-compressed, OUT/logs/seed-N.jsonl.gz (check, replay, explain, merge "
                    + "and shrink read them as they are).")
    boolean compress;

    /** The seed logging --dump and --out ask for, or null for none. */
    private LogCapture logCapture(IommuConfig iommuConfig, Mutants.Mutant m) throws BadInputException {
        DumpMode mode = dumpMode();
        if (mode == DumpMode.NONE) return null;
        if (out == null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--dump")) {
                throw new BadInputException("--dump " + dump + ": logs go to OUT/logs, give --out DIR");
            }
            return null;
        }
        return new LogCapture(new LogContext(out.resolve("logs"), mode, "lockstep " + Main.VERSION, dutOptions.dut, iommuConfig,
                scenario, m.id(), m.name(), actions, compress));
    }

    private DumpMode dumpMode() throws BadInputException {
        try {
            return DumpMode.parse(dump);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    @Mixin
    DutOptions dutOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OutputDir outDir = null;
        Interruption interruption = null;
        try {
            validate();
            RerunConfig rerun = rerunFailed == null ? null : RerunConfig.read(rerunFailed);
            if (rerun != null) rerun.applyTo(this, spec.commandLine().getParseResult());
            dutOptions.check(stdout);
            if (config == null && dutOptions.defaultConfig() == null) {
                throw new BadInputException("--config: a DUT library other than 'stub' needs its configuration file "
                        + "(or '--config discover' to probe it)");
            }
            DutFactory factory = dutOptions.factory();
            IommuConfig iommuConfig;
            DutInterface iface = DutInterface.FULL;
            try (dev.lockstep.dut.Dut probe = factory.open()) {
                iface = DutInterface.of(probe.buildId());
                iommuConfig = "discover".equals(config) ? ConfigDiscovery.discover(probe) : null;
                overlap = dev.lockstep.engine.Lockstep.overlapDepth(overlapOption == null ? "1" : overlapOption, probe);
            }
            if (iommuConfig != null) {
                stdout.print("discovered configuration (pin it in a file for regressions):\n"
                        + DutConfigFile.toJson(iommuConfig));
            } else {
                iommuConfig = DutConfigFile.read(config != null ? Path.of(config) : dutOptions.defaultConfig());
            }
            Mutants.Mutant m = Mutants.resolve(mutant, Home.mutantList());
            if (dutOptions.isStub() && m.needsAxiWrapper()) {
                throw new BadInputException("--mutant " + m.name() + ": a planted bug of the AXI wrapper "
                        + "(rtl-stubs/axi/), live only through it; the native built-in DUT (--dut stub) has no wrapper");
            }
            Waivers waivers = waiversFile == null ? Waivers.NONE : Waivers.read(waiversFile);
            List<Long> seeds = seeds(rerun);
            List<Long> allSeeds = seeds;
            if (shard != null) seeds = Shard.parse(shard).select(seeds);

            Scenario chosen = scenarioByName(scenario);
            announce(chosen, iommuConfig, iface, overlap, stdout);
            WaveFile waveFile = WaveFile.of(waves);
            DutFactory wavesFactory = waveFile == null ? null : dutOptions.wavesFactory(waveFile, stdout);
            if (waveFile != null) waveFile.probe(wavesFactory);
            if (out != null) outDir = OutputDir.claim(out, "--out", replace);
            LogCapture logs = logCapture(iommuConfig, m);
            if (logs != null) factory = logs.wrap(factory);
            Regression regression = new Regression(factory, iommuConfig, chosen,
                    s -> reproduceCommand(s, m)).maxDivergences(maxDivergences).overlap(overlap).waivers(waivers)
                    .failFast(failFast);
            if (logs != null) regression.addObserver(logs.observers());
            interruption = new Interruption();
            regression.stopWhen(interruption::requested);
            Progress progress = new Progress(stdout, seeds.size(), !verbose && Progress.interactive()).quiet(quiet);
            CoverageRegression.Result covered = CoverageRegression.run(regression, iommuConfig, iface, seeds, m.id(), actions,
                    jobs, coverageGoal, progress);
            progress.finish();
            Regression.Outcome outcome = covered.outcome();
            boolean interrupted = regression.stopped();
            if (!quiet) stdout.print(covered.coverage().table());
            SignatureTable table = SignatureTable.of(outcome.results(), waivers);
            if (!quiet) stdout.print(table.render());
            if (coverageGoal != null) {
                stdout.printf("coverage goal %.1f%% %s after %d seed(s)%n", coverageGoal,
                        covered.goalReached() ? "reached" : "NOT reached", outcome.results().size());
            }
            if (out != null) {
                // A list of seeds (--seeds, --rerun-failed) is reported by its first seed and its length.
                Provenance run = new Provenance(scenario, config != null ? config : "rtl-stubs/config.json",
                        dev.lockstep.log.ConfigJson.write(iommuConfig), dutOptions.dutConfig, allSeeds.get(0),
                        allSeeds.size(), shard == null ? null : Shard.parse(shard).toString(),
                        coverageGoal, interrupted, regression.interruptedSeeds());
                RunInfo info = new RunInfo(Main.VERSION, dutOptions.dut, m.name(), actions, run);
                SummaryJson.write(out.resolve("summary.json"), info, outcome, covered.coverage(), waivers,
                        RerunConfig.of(this).toJson());
                JunitXml.write(out.resolve("junit.xml"), "lockstep." + (dutOptions.isStub() ? "stub" : "dut"), outcome,
                        interrupted);
                HtmlReport.write(out.resolve(HtmlReport.FILE), "lockstep run: " + dutOptions.dut + ", mutant " + m.name(),
                        outcome, covered.coverage(), table);
            }
            if (interrupted) {
                stdout.println("interrupted: " + outcome.results().size() + " seed(s) done"
                        + (out != null ? ", reported in " + out : "") + "; stopped between two actions: seeds "
                        + regression.interruptedSeeds());
            } else if (waveFile != null) {
                dumpWaves(wavesFactory, waveFile, iommuConfig, chosen, m, outcome, stdout);
            }
            stdout.println(outcome.passed() + " passed, " + outcome.failed() + " failed");
            int code = Main.exitCode(outcome);
            if (code == Main.EXIT_PASS && coverageGoal != null && !covered.goalReached()) {
                err.printf("lockstep run: the coverage goal of %.1f%% was not reached in %d seed(s): exit code %d%n",
                        coverageGoal, outcome.results().size(), Main.EXIT_DIVERGENCE);
                code = Main.EXIT_DIVERGENCE;
            }
            return code;
        } catch (BadInputException e) {
            err.println("lockstep run: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (DutException e) {
            err.println("lockstep run: DUT " + e.kind().name().toLowerCase() + ": " + e.getMessage());
            return Main.EXIT_DUT;
        } catch (IOException e) {
            err.println("lockstep run: cannot write reports: " + Problems.of(e));
            return Main.EXIT_USAGE;
        } finally {
            if (interruption != null) interruption.close();
            if (outDir != null) outDir.close();
        }
    }

    /**
     * What this DUT cannot do, one line each: scenarios skipped and why (a scenario asked for by name that
     * cannot run is bad usage), requests its interface cannot carry, fields its bus does not report.
     */
    static void announce(Scenario chosen, IommuConfig config, DutInterface iface, int overlap, PrintWriter out)
            throws BadInputException {
        if (chosen.race != null && overlap < 2) {
            throw new BadInputException("--scenario " + chosen.cliName + ": a directed race "
                    + dev.lockstep.stimulus.RaceStimulus.unsupported(chosen.race, config, overlap)
                    + "; give --overlap N (N >= 2, or auto on a DUT of C ABI 6)");
        }
        String why = chosen.unsupported(config, iface, overlap);
        if (why != null) throw new BadInputException("--scenario " + chosen.cliName + ": cannot run on this DUT: it " + why);
        if (chosen == Scenario.ALL) {
            for (Scenario s : Scenario.rotation(overlap)) {
                String w = s.unsupported(config, iface, overlap);
                if (w != null) out.println("scenario " + s.cliName + " skipped: it " + w);
            }
            String w = Scenario.SYSTEM.unsupported(config, iface);
            if (w != null) out.println("scenario system skipped (its seeds run registers): it " + w);
        }
        if (!iface.cannotSend().isEmpty()) out.println("not sent (this DUT's interface cannot carry them): " + iface.cannotSend());
        if (!iface.notObservable().isEmpty()) {
            out.println("not observable on this DUT's bus, so not compared: " + iface.notObservable());
        }
        if (config.capabilities().ats() && !iface.messages()) {
            out.println("warning: capabilities.ATS without a messages channel: ATS.INVAL's Invalidation Requests are not "
                    + "seen and no Invalidation Completion comes back (an IOMMU that waits for one hangs at IOFENCE.C; "
                    + "declare \"messages\", docs/axi-wrapper.md)");
        }
    }

    static Scenario scenarioByName(String name) throws BadInputException {
        try {
            return Scenario.byName(name);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--scenario: " + e.getMessage());
        }
    }

    /**
     * Runs the first diverging seed again with the DUT traced around the divergence, or, when no seed
     * diverged, the first passing seed traced whole.
     */
    private void dumpWaves(DutFactory factory, WaveFile file, IommuConfig config, Scenario scenario, Mutants.Mutant m,
                           Regression.Outcome outcome, PrintWriter stdout) throws DutException {
        SeedResult failing = outcome.results().stream().filter(r -> r.divergence() != null).findFirst().orElse(null);
        SeedResult traced = failing != null ? failing
                : outcome.results().stream().filter(SeedResult::passed).findFirst().orElse(null);
        if (traced == null) {
            stdout.println("no seed diverged or passed: no waveform written");
            return;
        }
        long from = failing == null ? 0 : Math.max(0, failing.divergence().cycle() - wavesWindow);
        int latestAction = failing == null ? 0 : failing.divergence().actionIndex();
        SeedResult again;
        try (dev.lockstep.dut.Dut dut = factory.open()) {
            again = new dev.lockstep.engine.Lockstep(dut, config, scenario, s -> "")
                    .maxDivergences(maxDivergences).overlap(overlap).waves(file.absolute(), from, latestAction)
                    .run(traced.seed(), m.id(), actions);
        }
        if (again.failure() != null) {
            throw new DutException(again.failure().kind(), "--waves " + waves + ": the traced run of seed "
                    + traced.seed() + " failed: " + again.failure().message());
        }
        file.checkWritten();
        if (failing == null) {
            stdout.printf("waveform of seed %d (passed), whole: %s%n", traced.seed(), waves);
        } else {
            stdout.printf("waveform of seed %d from cycle %d to the divergence at cycle %d (action %d): %s%n",
                    failing.seed(), from, failing.divergence().cycle(), failing.divergence().actionIndex(), waves);
        }
    }

    /** The seeds to run: --rerun-failed's, --seeds', or --seed and --count's. */
    private List<Long> seeds(RerunConfig rerun) throws BadInputException {
        boolean explicitRange = spec.commandLine().getParseResult().hasMatchedOption("--seed")
                || spec.commandLine().getParseResult().hasMatchedOption("--count");
        if ((rerun != null || seedList != null) && explicitRange) {
            throw new BadInputException((rerun != null ? "--rerun-failed" : "--seeds")
                    + " names the seeds: do not give --seed or --count with it");
        }
        if (rerun != null && seedList != null) throw new BadInputException("give --seeds or --rerun-failed, not both");
        if (rerun != null) {
            if (rerun.failedSeeds().isEmpty()) throw new BadInputException("--rerun-failed " + rerunFailed + ": no seed failed in that run");
            return rerun.failedSeeds();
        }
        if (seedList != null) return SeedList.parse(seedList);
        return Shard.range(seed, count);
    }

    private void validate() throws BadInputException {
        if (count < 1) throw new BadInputException("--count must be at least 1, got " + count);
        if (actions < 1) throw new BadInputException("--actions must be at least 1, got " + actions);
        if (jobs < 1) throw new BadInputException("--jobs must be at least 1, got " + jobs);
        if (wavesWindow < 0) throw new BadInputException("--waves-window must be >= 0, got " + wavesWindow);
        if (quiet && verbose) throw new BadInputException("-q/--quiet and -v/--verbose: give one of them");
        if (maxDivergences < 1) throw new BadInputException("--max-divergences must be at least 1, got " + maxDivergences);
        if (coverageGoal != null && !(coverageGoal > 0 && coverageGoal <= 100)) {
            throw new BadInputException("--coverage-goal must be a percentage in (0, 100], got " + coverageGoal);
        }
    }

    private String reproduceCommand(long s, Mutants.Mutant m) {
        StringBuilder b = new StringBuilder(Home.launcher()).append(" run").append(dutOptions.commandLine());
        if (config != null) b.append(" --config ").append(config.equals("discover") ? config : Home.shell(Path.of(config)));
        if (!scenario.equals(StandardRegression.SCENARIO)) b.append(" --scenario ").append(scenario);
        b.append(" --seed ").append(s).append(" --count 1 --actions ").append(actions);
        if (m.id() != 0) b.append(" --mutant ").append(m.name());
        if (overlapOption != null) b.append(" --overlap ").append(overlapOption);
        // Past a waived divergence the seed goes on only with the waivers: a later one needs them to reproduce.
        if (waiversFile != null) b.append(" --waivers ").append(waiversFile);
        return b.toString();
    }
}
