package dev.lockstep.cli;

import dev.lockstep.axi.BuildException;
import dev.lockstep.axi.DutBuilder;
import dev.lockstep.regression.BadInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep build}: a DUT library from a user's AXI wrapper (docs/axi-wrapper.md) and the generic AXI harness. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build a DUT library from an AXI-wrapped IOMMU (docs/axi-wrapper.md): Verilator on the file list "
                + "under a shim top generated from the wrapper's declaration file, linked with the generic AXI harness. "
                + "Cached: a build with nothing changed does nothing. Exit codes: 0 built or up to date; 2 bad usage, "
                + "a bad declaration or a wrapper port that does not match it; 3 Verilator, compiler or linker failure.")
public final class BuildCommand implements Callable<Integer> {

    @Option(names = "--rtl", required = true, paramLabel = "FILELIST",
            description = "Verilator file list (-f) of the wrapper and the IOMMU; paths in it are relative to the "
                    + "current directory.")
    Path rtl;

    @Option(names = "--top", required = true, paramLabel = "MODULE", description = "The wrapper module.")
    String top;

    @Option(names = "-I", paramLabel = "DIR", description = "Include directory (repeatable).")
    List<Path> includes = new ArrayList<>();

    @Option(names = "-G", paramLabel = "NAME=VALUE", description = "Parameter of the wrapper (repeatable).")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--verilator-args", paramLabel = "ARGS", defaultValue = "",
            description = "Further Verilator options, one string (e.g. '-DSYNTHESIS -Wno-WIDTH').")
    String verilatorArgs;

    @Option(names = "--decl", paramLabel = "FILE",
            description = "The declaration file. Default: MODULE.lockstep.json beside the file list or a listed source.")
    Path decl;

    @Option(names = "--out", required = true, paramLabel = "LIB", description = "The DUT library to write (.so); "
            + "LIB.d/ keeps the build and its logs.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            build(request(), stdout);
            return Main.EXIT_PASS;
        } catch (BadInputException e) {
            err.println("lockstep build: " + e.getMessage());
            return Main.EXIT_USAGE;
        } catch (BuildException e) {
            err.println("lockstep build: " + e.getMessage());
            return Main.EXIT_DUT;
        }
    }

    private DutBuilder.Request request() {
        List<String> args = verilatorArgs.isBlank() ? List.of() : List.of(verilatorArgs.trim().split("\\s+"));
        Path cwd = Path.of("").toAbsolutePath();
        return new DutBuilder.Request(rtl, top, includes, parameters, args, decl, out, cwd);
    }

    /** Builds (or finds up to date) the library of {@code r}, saying which on {@code log}. */
    static DutBuilder.Result build(DutBuilder.Request r, PrintWriter log) throws BadInputException, BuildException {
        DutBuilder.Result result = new DutBuilder(Home.dir().resolve("cosim-bridge/src/main/cpp"), log).build(r);
        log.println(result.upToDate() ? "up to date (nothing changed): " + result.library() : "built " + result.library());
        log.flush();
        return result;
    }
}
