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

    /** Makes the DUT ready to open: for 'stub-axi', builds its library (through 'lockstep build') if it changed. */
    void check(java.io.PrintWriter out) throws BadInputException, DutException {
        if (!isStubAxi()) return;
        Path dir = Home.dir().resolve("rtl-stubs/axi");
        Path files = dir.resolve("files.f");
        if (!Files.isRegularFile(files)) {
            throw new BadInputException("--dut " + STUB_AXI + ": " + files + " is missing from this checkout");
        }
        Path decl = StubAxi.declaration(dir);
        try {
            String top = dev.lockstep.axi.WrapperDeclaration.read(decl).top();
            BuildCommand.build(new dev.lockstep.axi.DutBuilder.Request(files, top, List.of(), Map.of(), List.of(), decl,
                    Home.stubAxiLibrary(), Home.dir()), out);
        } catch (dev.lockstep.axi.BuildException e) {
            throw new DutException(DutException.Kind.LOAD, "--dut " + STUB_AXI + ": " + e.getMessage());
        }
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
        StringBuilder b = new StringBuilder(" --dut ").append(dut);
        if (isolate != null) b.append(isolate ? " --isolate" : " --no-isolate");
        if (!dutConfig.isEmpty()) b.append(" --dut-config '").append(dutConfig).append('\'');
        return b.toString();
    }
}
