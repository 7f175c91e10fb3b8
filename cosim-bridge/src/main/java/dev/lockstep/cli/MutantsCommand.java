package dev.lockstep.cli;

import dev.lockstep.dut.DutException;
import dev.lockstep.engine.Scenario;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.regression.Mutants;
import dev.lockstep.regression.Regression;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep mutants}: runs every planted bug of the built-in DUT through the standard regression
 * and prints the kill table. A mutant is killed by the first seed whose run fails.
 */
@Command(name = "mutants", mixinStandardHelpOptions = true,
        description = "Run every planted bug of the built-in DUT through the standard regression and print "
                + "which were killed (by which seed and action) and which survived. Exits 0 only when every "
                + "mutant is killed. The AXI wrapper's own planted bugs (axi_*) are listed and skipped: the "
                + "native DUT has no wrapper.")
public final class MutantsCommand implements Callable<Integer> {

    @Option(names = "--list", description = "Only list the planted bugs.")
    boolean list;

    @Option(names = {"-s", "--seed"}, defaultValue = StandardRegression.FIRST_SEED, description = "First seed. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-n", "--count"}, defaultValue = StandardRegression.SEEDS,
            description = "Seeds tried per mutant before it counts as survived. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--actions", defaultValue = StandardRegression.ACTIONS,
            description = "Actions per seed. Default: ${DEFAULT-VALUE}.")
    int actions;

    @Option(names = {"-j", "--jobs"}, defaultValue = "1", description = "Seeds run concurrently. Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(names = "--overlap", paramLabel = "N|auto", description = "Requests outstanding together for the "
            + "concurrency bugs (ovl_*), as run's --overlap; auto by default. They also run serialized, to show they "
            + "need overlap; every other bug runs serialized.")
    String overlapOption;

    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Run only these mutants.")
    List<String> only;

    @picocli.CommandLine.Mixin
    DutOptions dutOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<Mutants.Mutant> mutants = selected();
            if (list) {
                for (Mutants.Mutant m : mutants) out.printf("%3d  %-28s %s%n", m.id(), m.name(), m.description());
                return Main.EXIT_PASS;
            }
            if (count < 1 || actions < 1 || jobs < 1) {
                throw new BadInputException("--count, --actions and --jobs must be at least 1");
            }
            dutOptions.check(out);
            if (dutOptions.defaultConfig() == null) {
                throw new BadInputException("--dut: the planted bugs are the built-in DUT's: 'stub' or 'stub-axi'");
            }
            IommuConfig config = DutConfigFile.read(dutOptions.defaultConfig());
            dev.lockstep.regression.DutFactory factory = dutOptions.factory();
            List<Long> seeds = dev.lockstep.regression.Shard.range(seed, count);
            int overlap;
            try (dev.lockstep.dut.Dut probe = factory.open()) {
                overlap = dev.lockstep.engine.Lockstep.overlapDepth(overlapOption, probe);
            }
            out.printf("%-3s %-28s %-9s %-6s %-7s %-8s %s%n", "id", "mutant", "verdict", "seed", "action", "time",
                    "description");
            int killed = 0;
            int skipped = 0;
            for (Mutants.Mutant m : mutants) {
                if (m.needsAxiWrapper() && !dutOptions.isStubAxi()) {
                    // the native built-in DUT has no AXI wrapper: its planted bugs are not live here
                    skipped++;
                    out.printf("%-3d %-28s %-9s %-6s %-7s %-8s %s%n", m.id(), m.name(), "skipped", "-", "-", "-",
                            "(AXI wrapper only) " + m.description());
                    continue;
                }
                if (m.needsOverlap() && overlap == 1) {
                    // a concurrency bug needs requests in flight together, which a serialized run never has
                    skipped++;
                    out.printf("%-3d %-28s %-9s %-6s %-7s %-8s %s%n", m.id(), m.name(), "skipped", "-", "-", "-",
                            "(needs --overlap above 1) " + m.description());
                    continue;
                }
                long start = System.nanoTime();
                SeedResult kill = firstFailure(factory, config, seeds, m, m.needsOverlap() ? overlap : 1);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (kill != null) killed++;
                out.printf("%-3d %-28s %-9s %-6s %-7s %-8s %s%n", m.id(), m.name(),
                        kill == null ? "SURVIVED" : "killed",
                        kill == null ? "-" : String.valueOf(kill.seed()),
                        kill == null ? "-" : "#" + killingAction(kill),
                        String.format("%.2fs", seconds), m.description());
                if (m.needsOverlap()) {
                    SeedResult serial = firstFailure(factory, config, seeds, m, 1);
                    out.printf("    %-28s %-9s %s%n", "  serialized (--overlap 1):", serial == null ? "survives" : "killed",
                            serial == null ? "(the bug needs overlap)" : "seed " + serial.seed());
                }
                out.flush();
            }
            int survived = mutants.size() - killed - skipped;
            out.printf("%d killed, %d survived%s%n", killed, survived,
                    skipped == 0 ? "" : ", " + skipped + " skipped (AXI wrapper bugs on the native DUT, which has no "
                            + "wrapper; concurrency bugs on a serialized run)");
            out.println(killed + " passed, " + survived + " failed");
            return survived == 0 ? Main.EXIT_PASS : Main.EXIT_DIVERGENCE;
        } catch (BadInputException e) {
            err.println("lockstep mutants: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (DutException e) {
            err.println("lockstep mutants: DUT " + e.kind().name().toLowerCase() + ": " + e.getMessage());
            return Main.EXIT_DUT;
        }
    }

    /** The first failing seed of {@code m} at depth {@code overlap} (stops there), or null. */
    private SeedResult firstFailure(dev.lockstep.regression.DutFactory factory, IommuConfig config, List<Long> seeds,
                                    Mutants.Mutant m, int overlap) throws DutException {
        Regression regression = new Regression(factory, config, Scenario.byName(StandardRegression.SCENARIO),
                s -> Home.launcher() + " run" + dutOptions.commandLine() + " --seed " + s + " --count 1 --actions "
                        + actions + " --mutant " + m.name() + (overlap == 1 ? "" : " --overlap " + overlap)).overlap(overlap);
        Regression.Outcome outcome = regression.runUntilFailure(seeds, m.id(), actions, jobs);
        return outcome.results().stream().filter(r -> !r.passed()).findFirst().orElse(null);
    }

    private static int killingAction(SeedResult r) {
        return r.divergence() != null ? r.divergence().actionIndex() : r.failure().actionIndex();
    }

    private List<Mutants.Mutant> selected() throws BadInputException {
        List<Mutants.Mutant> all = Mutants.read(Home.mutantList());
        if (only == null || only.isEmpty()) return all;
        List<Mutants.Mutant> chosen = new ArrayList<>();
        for (String name : only) {
            Mutants.Mutant found = all.stream().filter(m -> m.name().equals(name) || String.valueOf(m.id()).equals(name))
                    .findFirst().orElse(null);
            chosen.add(found != null ? found : Mutants.resolve(name, Home.mutantList()));
        }
        return chosen;
    }
}
