package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import dev.lockstep.axi.DutBuilder;
import dev.lockstep.dut.NativeDut;
import dev.lockstep.dut.RemoteDut;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.ConfigDiscovery;
import dev.lockstep.regression.DutConfigFile;
import java.nio.file.Files;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generic AXI harness end to end: the built-in RTL behind a minimal AXI wrapper (cosim-bridge/src/test/rtl/axi),
 * built with 'lockstep build' (cached in build/test-axi/), checked by 'lockstep run'. Once with every optional
 * signal declared; once without ATS (capabilities and ports), translated requests, the cause and idle ports,
 * PBMT and poison, and with a configuration discovered from the DUT.
 */
class AxiPathTest {

    static final Path RTL = TestPaths.home().resolve("cosim-bridge/src/test/rtl/axi");

    /** Builds the test wrapper (paths in its file list are relative to the checkout, as for rtl-stubs/files.f). */
    static Path build(String name, Path decl, Map<String, String> parameters) throws Exception {
        Path lib = TestPaths.home().resolve("build/test-axi/" + name + "/lib" + name + ".so");
        StringWriter log = new StringWriter();
        BuildCommand.build(new DutBuilder.Request(RTL.resolve("files.f"), "axi_min_wrapper", List.of(), parameters,
                List.of(), decl, lib, TestPaths.home()), new PrintWriter(log));
        assertTrue(Files.isRegularFile(lib), log.toString());
        return lib;
    }

    @Test
    void theBuiltInRtlBehindAnAxiWrapperPassesTheRegression() throws Exception {
        Path lib = build("full", null, Map.of());
        Cli c = Cli.run("run", "--dut", lib.toString(), "--config", TestPaths.stubConfig().toString(), "--count", "6",
                "--jobs", "2");
        assertEquals(0, c.exitCode, c.out + c.err);
        assertTrue(c.out.contains("6 passed, 0 failed"), c.out);
        assertFalse(c.out.contains("skipped"), c.out);
        assertFalse(c.out.contains("not observable"), "every optional signal is declared: " + c.out);
        // A planted bug of the RTL is found through the AXI path too.
        Path vcd = Files.createTempDirectory("axi-waves").resolve("w.vcd");
        Cli m = Cli.run("run", "--dut", lib.toString(), "--config", TestPaths.stubConfig().toString(), "--count", "3",
                "--mutant", "fq_ttyp_shifted", "--waves", vcd.toString());
        assertEquals(1, m.exitCode, m.out + m.err);
        // Its waveform has the lockstep scope, the marker rising at the reported cycle (cycle N at N ns).
        java.util.regex.Matcher d = java.util.regex.Pattern.compile("DIVERGENCE at action #(\\d+), cycle (\\d+)").matcher(m.out);
        assertTrue(d.find(), m.out);
        long cycle = Long.parseLong(d.group(2));
        Vcd wave = Vcd.read(vcd);
        assertEquals(1, wave.valueAt("lockstep.divergence", cycle * 10));
        assertEquals(0, wave.valueAt("lockstep.divergence", cycle * 10 - 5));
        assertEquals(Long.parseLong(d.group(1)), wave.valueAt("lockstep.action_index", cycle * 10));
    }

    @Test
    void aWrapperWithoutAtsOrOptionalSignalsRunsEveryApplicableScenario() throws Exception {
        Map<String, String> noAts = new LinkedHashMap<>();
        noAts.put("CAP_ATS", "0");
        noAts.put("CAP_T2GPA", "0");
        noAts.put("AMO_HWAD", "0");
        Path lib = build("lean", RTL.resolve("lean.lockstep.json"), noAts);
        Cli c = Cli.run("run", "--dut", lib.toString(), "--config", "discover", "--count", "6", "--jobs", "2");
        assertEquals(0, c.exitCode, c.out + c.err);
        assertTrue(c.out.contains("scenario ats skipped: it needs capabilities.ATS"), c.out);
        assertTrue(c.out.contains("not sent (this DUT's interface cannot carry them): translated requests, "
                + "ATS translation requests, Page Requests"), c.out);
        assertTrue(c.out.contains("not observable on this DUT's bus, so not compared: the cause of a faulting completion"),
                c.out);
        assertTrue(c.out.contains("6 passed, 0 failed"), c.out);
        assertFalse(c.out.contains("ATS Success"), "no ATS goal bins: " + c.out);
        Cli ats = Cli.run("run", "--dut", lib.toString(), "--config", "discover", "--scenario", "ats", "--count", "1");
        assertEquals(2, ats.exitCode, ats.out + ats.err);
        assertTrue(ats.err.contains("--scenario ats: cannot run on this DUT: it needs capabilities.ATS"), ats.err);
    }

    @Test
    void discoveryOfTheBuiltInDutGivesItsPinnedConfiguration() throws Exception {
        IommuConfig pinned = DutConfigFile.read(TestPaths.stubConfig());
        try (NativeDut dut = NativeDut.open(TestPaths.stubLibrary(), "")) {
            assertEquals(pinned, ConfigDiscovery.discover(dut));
        }
        // A second DUT library runs in a child process (one library per process).
        try (RemoteDut dut = RemoteDut.open(build("full", null, Map.of()), "", 120)) {
            assertEquals(pinned, ConfigDiscovery.discover(dut), "the same through a 32-bit AXI4-Lite programming port");
        }
    }
}
