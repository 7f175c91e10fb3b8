package dev.lockstep.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/lockstep}: the command line of Lockstep. */
@Command(name = "lockstep", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Co-simulation checker: a golden model of the RISC-V IOMMU specification in lockstep "
                + "with an RTL IOMMU.%n",
        subcommands = {RunCommand.class, BuildCommand.class, MutantsCommand.class, CheckCommand.class, ReplayCommand.class,
                ExplainCommand.class, ShrinkCommand.class, MergeCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 all passed; 1 a divergence or a coverage goal not reached; 2 bad usage or "
                + "bad input; 3 the DUT crashed, hung or could not be built or loaded; 130/143 interrupted "
                + "(SIGINT/SIGTERM).",
                "Environment: LOCKSTEP_JAVA_OPTS, options for the JVM, e.g. LOCKSTEP_JAVA_OPTS=-Xmx8g for more "
                + "memory."})
public final class Main implements java.util.concurrent.Callable<Integer> {

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

    static final String OUT_OF_MEMORY = "lockstep: out of memory: the Java heap is too small for this run; give the "
            + "JVM more memory, e.g. LOCKSTEP_JAVA_OPTS=-Xmx8g bin/lockstep ... (or fewer --jobs)";

    public static void main(String[] args) {
        int code;
        try {
            code = execute(args);
        } catch (Error e) {
            if (!outOfMemory(e)) throw e;
            // exit code 2, never 1 (a divergence): even when the heap ran out before a command started
            code = EXIT_USAGE;
            try {
                System.err.println(OUT_OF_MEMORY);
            } catch (Throwable t) {
                // nothing more can be said
            }
        }
        System.exit(code);
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
            // One style for every error: "lockstep COMMAND: what was wrong".
            CommandLine at = ex.getCommandLine();
            at.getErr().println((at.getParent() == null ? "lockstep" : "lockstep " + at.getCommandName()) + ": "
                    + plainWords(ex.getMessage()));
            ex.getCommandLine().getErr().println("Try 'bin/lockstep " + ex.getCommandLine().getCommandName()
                    + " --help'.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            // A bug of this tool, not of the input: one line naming where, never a Java stack trace.
            StackTraceElement at = ex.getStackTrace().length > 0 ? ex.getStackTrace()[0] : null;
            c.getErr().println("lockstep " + c.getCommandName() + ": internal error: "
                    + (ex.getMessage() != null ? ex.getMessage() : "no message") + (at != null ? " (at " + at + ")" : ""));
            return EXIT_USAGE;
        });
        try {
            return cl.execute(args);
        } catch (Error e) {
            if (!outOfMemory(e)) throw e;
            err.println(OUT_OF_MEMORY);
            return EXIT_USAGE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Whether {@code e} is the heap running out (possibly wrapped, e.g. in an InternalError). */
    static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof OutOfMemoryError) return true;
        return false;
    }

    /** Without a command: the usage, and exit code 2 (bad usage). */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("lockstep: a command is needed");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** picocli's messages name Java types ("is not an int"); users know numbers. */
    static String plainWords(String message) {
        return message.replace("is not an int", "is not a whole number in -2147483648..2147483647")
                .replace("is not a long", "is not a whole number in -2^63..2^63-1")
                .replace("is not a double", "is not a number").replace("java.nio.file.Path", "path");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() { return new String[] {"lockstep " + VERSION}; }
    }
}
