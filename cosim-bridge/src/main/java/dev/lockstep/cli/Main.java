package dev.lockstep.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/lockstep}: the command line of Lockstep. */
@Command(name = "lockstep", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Co-simulation checker: a golden model of the RISC-V IOMMU specification in lockstep "
                + "with an RTL IOMMU.%n",
        subcommands = {RunCommand.class, BuildCommand.class, MutantsCommand.class, CheckCommand.class, ReplayCommand.class,
                ExplainCommand.class, MergeCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 all passed; 1 a divergence; 2 bad usage or bad input; "
                + "3 the DUT crashed, hung or could not be built or loaded."})
public final class Main implements Runnable {

    public static final String VERSION = "0.1.0";

    /** Exit codes (design.md). */
    public static final int EXIT_PASS = 0;
    public static final int EXIT_DIVERGENCE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_DUT = 3;

    /** The exit code of a regression: 3 if any seed's DUT failed, else 1 if any seed diverged, else 0. */
    public static int exitCode(dev.lockstep.regression.Regression.Outcome outcome) {
        if (outcome.results().stream().anyMatch(r -> r.failure() != null)) return EXIT_DUT;
        return outcome.failed() > 0 ? EXIT_DIVERGENCE : EXIT_PASS;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line on the process's standard streams and returns the exit code. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line writing to {@code out} and {@code err} (tests capture them). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> EXIT_USAGE);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("lockstep: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'bin/lockstep " + ex.getCommandLine().getCommandName()
                    + " --help'.");
            return EXIT_USAGE;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() { return new String[] {"lockstep " + VERSION}; }
    }
}
