package dev.lockstep.cli;

import dev.lockstep.dut.NativeDut;
import dev.lockstep.dut.RemoteDut;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.DutFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which DUT library a command drives and how it opens it (shared by run and replay). */
final class DutOptions {

    @Option(names = "--dut", defaultValue = "stub", paramLabel = "stub|PATH",
            description = "The DUT: 'stub' (the built-in RTL IOMMU, build/dut/liblockstep_stub.so) or the path "
                    + "of a DUT library implementing lockstep_dut.h. Default: ${DEFAULT-VALUE}.")
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

    /** The built-in DUT behind an AXI4 wrapper (design.md); not part of this version. */
    static final String STUB_AXI = "stub-axi";

    boolean isStub() { return dut.equals("stub"); }

    /** The built-in harness's settings (verilator_harness.cpp parse_config, which refuses others too). */
    static final java.util.Map<String, long[]> STUB_SETTINGS = java.util.Map.of("mem_latency", new long[] {1, 1000});

    /** Rejects a --dut this version cannot open for a reason the option itself shows. */
    void check() throws BadInputException {
        if (callTimeout < 1) throw new BadInputException("--call-timeout must be at least 1 second, got " + callTimeout);
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String item : dutConfig.split(";", -1)) {
            if (item.isEmpty()) continue;
            int eq = item.indexOf('=');
            if (eq <= 0) throw new BadInputException("--dut-config '" + dutConfig + "': '" + item + "' is not key=value");
            String key = item.substring(0, eq);
            String value = item.substring(eq + 1);
            if (!keys.add(key)) throw new BadInputException("--dut-config '" + dutConfig + "': key '" + key + "' given twice");
            if (!isStub()) continue; // another library judges its own settings when it opens
            long[] range = STUB_SETTINGS.get(key);
            if (range == null) {
                throw new BadInputException("--dut-config '" + dutConfig + "': key '" + key + "' is not known to the "
                        + "built-in harness" + dev.lockstep.regression.Suggest.nearest(key, STUB_SETTINGS.keySet())
                        + " (known: " + String.join(", ", new java.util.TreeSet<>(STUB_SETTINGS.keySet())) + ")");
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
        if (dut.equals(STUB_AXI) && !Files.exists(Path.of(dut))) {
            throw new BadInputException("--dut " + STUB_AXI + ": the built-in DUT's AXI4 wrapper is not part of this "
                    + "version; use --dut stub (the same RTL through its native ports) or the path of a DUT library");
        }
    }

    Path library() { return isStub() ? Home.stubLibrary() : Path.of(dut); }

    /** Opens DUT instances as the options say: in this process, or each in a child process. */
    DutFactory factory() {
        Path library = library();
        boolean outOfProcess = isolate != null ? isolate : !isStub();
        return outOfProcess ? () -> RemoteDut.open(library, dutConfig, callTimeout)
                : () -> NativeDut.open(library, dutConfig);
    }

    /** The options as a command line would repeat them. */
    String commandLine() {
        StringBuilder b = new StringBuilder(" --dut ").append(isStub() ? dut : Home.shell(Path.of(dut)));
        if (isolate != null) b.append(isolate ? " --isolate" : " --no-isolate");
        if (!dutConfig.isEmpty()) b.append(" --dut-config '").append(dutConfig).append('\'');
        return b.toString();
    }
}
