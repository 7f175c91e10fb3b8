package dev.lockstep.cli;

import dev.lockstep.engine.SeedResult;
import dev.lockstep.log.LogCheck;
import dev.lockstep.log.LogReader;
import dev.lockstep.log.LogStream;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Mutants;
import dev.lockstep.regression.Problems;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep check LOG...}: judges seed logs against the golden model, without the RTL. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check seed logs (JSON Lines, docs/log-format.md) against the golden model without the RTL: "
                + "the logged actions drive the model, the logged DUT answers are compared as in 'run'. "
                + "A log is read as a stream, in bounded memory: '-' (standard input) or a named pipe is checked as "
                + "it is written, the first divergence reported as soon as the record showing it arrives. "
                + "Gzip-compressed logs (.jsonl.gz) are read as they are. Ends with the line 'N passed, N failed'.")
public final class CheckCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "LOG",
            description = "Seed logs, e.g. out/logs/seed-7.jsonl or seed-7.jsonl.gz; '-' is standard input.")
    List<Path> logs;

    @picocli.CommandLine.Option(names = "--exit-on-divergence",
            description = "Exit (code 1) as soon as a divergence is reported, without reading the rest of the log: "
                    + "a testbench writing the log to a pipe can stop. Without it, the rest of the log is read and "
                    + "must still be a whole log.")
    boolean exitOnDivergence;

    @picocli.CommandLine.Option(names = "--waivers", paramLabel = "FILE",
            description = "Known failure signatures (JSON, README 'Triage'), as for 'run'. Logs of a run with waivers "
                    + "are checked with the same file.")
    Path waiversFile;

    @picocli.CommandLine.Option(names = "--out", paramLabel = "DIR",
            description = "Write DIR/summary.json and DIR/junit.xml as 'run' does (one seed per log checked; the DUT, "
                    + "planted bug and planned actions from the first log's header) and DIR/report.html: totals, "
                    + "signature table and each failing log's divergence report.")
    Path outDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int passed = 0;
        int failed = 0;
        int cut = 0;
        boolean badInput = false;
        boolean dutFailed = false;
        dev.lockstep.triage.Waivers waivers;
        try {
            waivers = waiversFile == null ? dev.lockstep.triage.Waivers.NONE : dev.lockstep.triage.Waivers.read(waiversFile);
            if (outDir != null) {
                for (String f : List.of(dev.lockstep.report.HtmlReport.FILE, "summary.json", "junit.xml")) {
                    dev.lockstep.report.OutputDir.checkFile(outDir.resolve(f), "--out");
                }
            }
        } catch (BadInputException e) {
            err.println("lockstep check: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        java.util.function.IntFunction<String> mutants;
        try {
            mutants = LogReader.names(Mutants.read(Home.mutantList()));
        } catch (BadInputException e) {
            err.println("lockstep check: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        CheckReports reports = new CheckReports(outDir, logs.size(), waivers);
        // SIGINT, SIGTERM (a CI timeout): no further log is started, the log being checked stops between two
        // actions, and the reports of the logs done are written, marked interrupted, as 'run' does; if the
        // check is stuck reading (a pipe whose writer stalled), the signal's hook writes them.
        Interruption interruption = new Interruption();
        interruption.whenStuck(() -> {
            try {
                reports.write(true, false);
            } catch (IOException e) {
                err.println("lockstep check: cannot write the reports in " + outDir + ": " + Problems.of(e));
                err.flush();
            }
        });
        try {
            for (Path file : logs) {
                if (interruption.requested()) {
                    reports.notChecked(file);
                    continue;
                }
                try (LogStream log = LogStream.open(file, mutants)) {
                    reports.checking(file, log.header());
                    SeedResult r = LogCheck.check(log, seed -> Home.launcher() + " check " + Home.shell(file), waivers,
                            interruption::requested);
                    SeedResults.print(out, file + " (seed " + r.seed() + ")", r);
                    if (!r.passed() && exitOnDivergence) {
                        out.println(passed + " passed, " + (failed + 1) + " failed (stopped at the first divergence)");
                        out.flush();
                        return r.failure() != null ? Main.EXIT_DUT : Main.EXIT_DIVERGENCE;
                    }
                    reports.checked(r);
                    if (r.passed()) passed++;
                    else failed++;
                    dutFailed |= r.failure() != null;
                    log.drain();
                } catch (LogCheck.Cut e) {
                    out.println(file + ": " + e.getMessage());
                    cut++;
                    if (e.bySignal) reports.notChecked(file);
                    else reports.ended();
                } catch (BadInputException e) {
                    err.println("lockstep check: " + e.getMessage());
                    err.flush();
                    badInput = true;
                    reports.ended();
                }
            }
            out.print(reports.table().render());
            try {
                reports.write(interruption.requested(), true);
            } catch (IOException e) {
                err.println("lockstep check: cannot write the reports in " + outDir + ": " + Problems.of(e));
                return Main.EXIT_USAGE;
            }
            if (interruption.requested()) {
                out.println("interrupted: " + reports.results().size() + " log(s) checked"
                        + (outDir != null ? ", reported in " + outDir : "") + "; not checked (or cut by the signal): "
                        + reports.notCheckedCount());
            }
            out.println(passed + " passed, " + failed + " failed" + (cut > 0 ? ", " + cut + " interrupted" : ""));
            if (badInput) return Main.EXIT_USAGE;
            if (dutFailed) return Main.EXIT_DUT;
            return failed > 0 ? Main.EXIT_DIVERGENCE : Main.EXIT_PASS;
        } finally {
            out.flush();
            interruption.close();
        }
    }
}
