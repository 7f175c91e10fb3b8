package dev.lockstep.cli;

import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.report.OutputDir;
import dev.lockstep.report.ShardMerge;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep merge DIR... --out DIR}: one report from the shards of a run. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge the --out directories of a run's shards (run --shard i/n) into one summary.json, "
                + "junit.xml and logs/ directory, sorted by seed: the reports the unsharded run writes. "
                + "Exit code as for the merged run.")
public final class MergeCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "The shards' output directories.")
    List<Path> dirs;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "Directory for the merged reports: none of the shards' directories; refused when it holds "
                    + "another run's results unless --replace is given.")
    Path out;

    @Option(names = "--replace", description = "Delete the results of an earlier run or merge in --out first.")
    boolean replace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Path dir : dirs) {
            if (OutputDir.same(dir, out)) {
                err.println("lockstep merge: --out " + out + " is one of the shards' directories (" + dir
                        + "): the merged reports would overwrite that shard's; give another directory");
                return Main.EXIT_USAGE;
            }
        }
        try (OutputDir target = OutputDir.claim(out, "--out", replace)) {
            ShardMerge.Merged m = ShardMerge.merge(dirs, out);
            if (!m.droppedKeys().isEmpty()) {
                err.println("lockstep merge: warning: not carried over from the shards' summaries: "
                        + String.join(", ", m.droppedKeys()));
            }
            stdout.print(dev.lockstep.triage.SignatureTable.of(m.outcome().results(), m.waivers()).render());
            stdout.println(m.outcome().passed() + " passed, " + m.outcome().failed() + " failed");
            if (m.outcome().results().stream().anyMatch(r -> r.failure() != null)) return Main.EXIT_DUT;
            return m.outcome().results().stream().allMatch(SeedResult::passed) ? Main.EXIT_PASS : Main.EXIT_DIVERGENCE;
        } catch (BadInputException e) {
            err.println("lockstep merge: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (IOException e) {
            err.println("lockstep merge: cannot write the merged reports in " + out + ": "
                    + dev.lockstep.regression.Problems.of(e));
            return Main.EXIT_USAGE;
        }
    }
}
