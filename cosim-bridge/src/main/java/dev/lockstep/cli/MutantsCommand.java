package dev.lockstep.cli;

import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Mutants;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep mutants}: the planted bugs of the built-in DUT. */
@Command(name = "mutants", mixinStandardHelpOptions = true,
        description = "List the planted bugs of the built-in DUT.")
public final class MutantsCommand implements Callable<Integer> {

    @Option(names = "--list", description = "Print the planted bugs and exit.")
    boolean list;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            for (Mutants.Mutant m : Mutants.read(Home.mutantList())) {
                spec.commandLine().getOut().printf("%3d  %-28s %s%n", m.id(), m.name(), m.description());
            }
            return Main.EXIT_PASS;
        } catch (BadInputException e) {
            spec.commandLine().getErr().println("lockstep mutants: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }
}
