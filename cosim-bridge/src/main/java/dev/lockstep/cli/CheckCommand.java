package dev.lockstep.cli;

import dev.lockstep.engine.SeedResult;
import dev.lockstep.log.LogCheck;
import dev.lockstep.log.LogReader;
import dev.lockstep.log.SeedLog;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Mutants;
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
                + "Ends with the line 'N passed, N failed'.")
public final class CheckCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "LOG", description = "Seed logs, e.g. out/logs/seed-7.jsonl.")
    List<Path> logs;

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
        for (Path file : logs) {
            try {
                SeedLog log = LogReader.read(file, Mutants.read(Home.mutantList()));
                SeedResult r = LogCheck.check(log, seed -> "bin/lockstep check " + file);
                SeedResults.print(out, file + " (seed " + r.seed() + ")", r);
                if (r.passed()) passed++;
                else failed++;
                dutFailed |= r.failure() != null;
            } catch (LogCheck.Cut e) {
                out.println(file + ": " + e.getMessage());
                cut++;
            } catch (BadInputException e) {
                err.println("lockstep check: " + e.getMessage());
                err.flush();
                badInput = true;
            }
        }
        out.println(passed + " passed, " + failed + " failed" + (cut > 0 ? ", " + cut + " interrupted" : ""));
        if (badInput) return Main.EXIT_USAGE;
        if (dutFailed) return Main.EXIT_DUT;
        return failed > 0 ? Main.EXIT_DIVERGENCE : Main.EXIT_PASS;
    }
}
