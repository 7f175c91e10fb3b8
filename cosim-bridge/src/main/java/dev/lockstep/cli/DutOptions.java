package dev.lockstep.cli;

import dev.lockstep.dut.DutException;
import dev.lockstep.dut.NativeDut;
import dev.lockstep.dut.RemoteDut;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.DutFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which DUT library a command drives and how it opens it (shared by run and replay). */
final class DutOptions {

    @Option(names = "--dut", defaultValue = "stub", paramLabel = "stub|stub-axi|PATH",
            description = "The DUT: 'stub' (the built-in RTL IOMMU, build/dut/liblockstep_stub.so), 'stub-axi' (the "
                    + "same RTL behind its AXI wrapper rtl-stubs/axi/, built by 'lockstep build' into build/stub-axi/ "
                    + "when it changed) or the path of a DUT library implementing lockstep_dut.h. Default: ${DEFAULT-VALUE}.")
    String dut;

    @Option(names = "--dut-config", defaultValue = "", paramLabel = "KEY=VALUE;...",
            description = "Settings passed to the DUT library when it opens, e.g. 'mem_latency=8' for the built-in "
                    + "harness (memory latency in cycles).")
    String dutConfig;

    @Option(names = "--isolate", negatable = true,
            description = "Run each DUT instance in a child process, so a crashing library fails its seed and the "
                    + "regression goes on. Default: on for a DUT library given by path, off for 'stub'.")
    Boolean isolate;

    @Option(names = "--call-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "With --isolate: a DUT call that does not return within this time is a hang. "
                    + "Default: ${DEFAULT-VALUE}.")
    long callTimeout;

    /** The built-in DUT behind its AXI wrapper (rtl-stubs/axi/, docs/axi-wrapper.md), built on demand. */
    static final String STUB_AXI = "stub-axi";

    boolean isStub() { return dut.equals("stub"); }

    boolean isStubAxi() { return dut.equals(STUB_AXI) && !Files.exists(Path.of(dut)); }

    /** One of the built-in DUTs (their libraries are the project's own: run in this process by default). */
    boolean isBuiltIn() { return isStub() || isStubAxi(); }

    /** The built-in harness's settings (verilator_harness.cpp parse_config, which refuses others too). */
    static final java.util.Map<String, long[]> STUB_SETTINGS = java.util.Map.of("mem_latency", new long[] {1, 1000});

    /** The generic AXI harness's settings (axi_harness.cpp lockstep_open, docs/axi-wrapper.md). */
    static final java.util.Map<String, long[]> AXI_SETTINGS = java.util.Map.of("axi_seed", new long[] {0, 999_999_999},
            "mem_latency_min", new long[] {1, 1000}, "mem_latency_max", new long[] {1, 1000},
            "stall_percent", new long[] {0, 90}, "quiet_cycles", new long[] {2, 100_000},
            "inval_latency", new long[] {1, 1000});

    /**
     * Rejects a --dut this version cannot open for a reason the option itself shows, and makes the DUT ready
     * to open: for 'stub-axi', builds its library (through 'lockstep build') if it changed.
     */
    void check(java.io.PrintWriter out) throws BadInputException, DutException {
        if (callTimeout < 1) throw new BadInputException("--call-timeout must be at least 1 second, got " + callTimeout);
        java.util.Map<String, long[]> settings = isStub() ? STUB_SETTINGS : isStubAxi() ? AXI_SETTINGS : null;
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String item : dutConfig.split(";", -1)) {
            if (item.isEmpty()) continue;
            int eq = item.indexOf('=');
            if (eq <= 0) throw new BadInputException("--dut-config '" + dutConfig + "': '" + item + "' is not key=value");
            String key = item.substring(0, eq);
            String value = item.substring(eq + 1);
            if (!keys.add(key)) throw new BadInputException("--dut-config '" + dutConfig + "': key '" + key + "' given twice");
            if (settings == null) continue; // another library judges its own settings when it opens
            long[] range = settings.get(key);
            if (range == null) {
                throw new BadInputException("--dut-config '" + dutConfig + "': key '" + key + "' is not known to the "
                        + "built-in harness" + dev.lockstep.regression.Suggest.nearest(key, settings.keySet())
                        + " (known: " + String.join(", ", new java.util.TreeSet<>(settings.keySet())) + ")");
            }
            long v;
            try {
                v = value.matches("[0-9]{1,9}") ? Long.parseLong(value) : -1;
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < range[0] || v > range[1]) {
                throw new BadInputException("--dut-config '" + dutConfig + "': " + key + "='" + value
                        + "': expected a whole number in " + range[0] + ".." + range[1]);
            }
        }
        if (isStubAxi()) buildStubAxi(List.of(), Home.stubAxiLibrary(), out);
    }

    /** Builds the AXI-wrapped built-in DUT (with {@code args} for Verilator) into {@code library} if it changed. */
    private static void buildStubAxi(List<String> args, Path library, java.io.PrintWriter out)
            throws BadInputException, DutException {
        Path dir = Home.dir().resolve("rtl-stubs/axi");
        Path files = dir.resolve("files.f");
        if (!Files.isRegularFile(files)) {
            throw new BadInputException("--dut " + STUB_AXI + ": " + files + " is missing from this checkout");
        }
        Path decl = StubAxi.declaration(dir);
        try {
            String top = dev.lockstep.axi.WrapperDeclaration.read(decl).top();
            BuildCommand.build(new dev.lockstep.axi.DutBuilder.Request(files, top, List.of(), Map.of(), args, decl,
                    library, Home.dir()), out);
        } catch (dev.lockstep.axi.BuildException e) {
            throw new DutException(DutException.Kind.LOAD, "--dut " + STUB_AXI + ": " + e.getMessage());
        }
    }

    /**
     * How to open the DUT that writes {@code waves}: as {@link #factory()}, except that a built-in DUT asked
     * for FST is its FST-writing variant (Verilator 5.006 builds a model for one trace format), built when
     * it changed and opened in a child process, since this one may already hold the VCD-writing library.
     */
    DutFactory wavesFactory(WaveFile waves, java.io.PrintWriter out) throws BadInputException, DutException {
        if (waves.format() != WaveFile.Format.FST || !isBuiltIn()) return factory();
        Path library;
        if (isStub()) {
            library = Home.stubFstLibrary();
            FstStub.build(library, out);
        } else {
            library = Home.stubAxiFstLibrary();
            buildStubAxi(List.of(dev.lockstep.axi.DutBuilder.TRACE_FST), library, out);
        }
        return () -> RemoteDut.open(library, dutConfig, callTimeout);
    }

    Path library() { return isStub() ? Home.stubLibrary() : isStubAxi() ? Home.stubAxiLibrary() : Path.of(dut); }

    /** The default configuration of a built-in DUT (null for a library given by path). */
    Path defaultConfig() {
        if (isStub()) return Home.stubConfig();
        if (!isStubAxi()) return null;
        Path own = Home.dir().resolve("rtl-stubs/axi/config.json");
        return Files.isRegularFile(own) ? own : Home.stubConfig();
    }

    /** Opens DUT instances as the options say: in this process, or each in a child process. */
    DutFactory factory() {
        Path library = library();
        boolean outOfProcess = isolate != null ? isolate : !isBuiltIn();
        return outOfProcess ? () -> RemoteDut.open(library, dutConfig, callTimeout)
                : () -> NativeDut.open(library, dutConfig);
    }

    /** The options as a command line would repeat them. */
    String commandLine() {
        StringBuilder b = new StringBuilder(" --dut ").append(isBuiltIn() ? dut : Home.shell(Path.of(dut)));
        if (isolate != null) b.append(isolate ? " --isolate" : " --no-isolate");
        if (!dutConfig.isEmpty()) b.append(" --dut-config '").append(dutConfig).append('\'');
        return b.toString();
    }
}
