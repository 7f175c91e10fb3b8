package dev.lockstep.cli;

import dev.lockstep.log.LogReader;
import dev.lockstep.log.LoggedWalk;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Mutants;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep explain LOG --action N}: the golden model's view of one logged action. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explain action N of a seed log from the golden model alone: actions 0..N-1 rebuild the "
                + "model's state, then a translation shows the model's walk and the permitted outcomes, a register "
                + "access the expected value field by field, a Page Request what the IOMMU does with it, a window "
                + "(--overlap) each request's permitted outcomes at each point the checker may place it at; then a "
                + "verdict: is the logged DUT answer among what the spec permits. No DUT needed.")
public final class ExplainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "LOG", description = "A seed log.")
    Path log;

    @Option(names = "--action", required = true, paramLabel = "N", description = "Index of the action to explain.")
    int action;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            spec.commandLine().getOut().print(LoggedWalk.explain(LogReader.read(log, Mutants.read(Home.mutantList())), action));
            return Main.EXIT_PASS;
        } catch (BadInputException e) {
            spec.commandLine().getErr().println("lockstep explain: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }
}
