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
 * PBMT and poison, and with a configuration discovered from the DUT. And the built-in RTL behind its own AXI
 * wrapper (--dut stub-axi) with several requests in flight.
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

    /**
     * The AXI harness is at C ABI 7: stub-axi (whose wrapper translates up to 8 requests at once and exposes cqh,
     * fqt and pqt) runs at overlap 4, auto takes 4, and its logs hold each request's acceptance and the moves of
     * cqh and the queue tails; a concurrency bug (two walkers' completions ready together, the data from the
     * other walker) is found through the wrapper at overlap 4 and not serialized.
     */
    @Test
    void theAxiWrappedStubKeepsSeveralRequestsInFlight() throws Exception {
        Path out = Files.createTempDirectory("axi-overlap");
        // --isolate: this test JVM may have loaded the native built-in DUT already (one DUT library per process).
        Cli c = Cli.run("run", "--dut", "stub-axi", "--isolate", "--overlap", "4", "--seeds", "1,2,4", "--jobs", "2",
                "--dump", "all", "-o", out.toString());
        assertEquals(0, c.exitCode, c.out + c.err);
        assertTrue(c.out.contains("3 passed, 0 failed"), c.out);
        StringBuilder logs = new StringBuilder();
        try (var files = Files.list(out.resolve("logs"))) {
            for (Path f : files.sorted().toList()) logs.append(Files.readString(f));
        }
        for (String type : List.of("accept", "cq_head", "queue_tail", "inval_completion")) {
            assertTrue(logs.indexOf("{\"type\":\"" + type + "\"") >= 0, "a " + type + " record in the logs");
        }
        java.util.regex.Matcher window = java.util.regex.Pattern.compile("\"op\":\"window\",\"requests\":\\[([^\\]]*)\\]")
                .matcher(logs);
        int widest = 0;
        while (window.find()) widest = Math.max(widest, window.group(1).split("\\},\\{").length);
        assertEquals(4, widest, "windows of up to 4 requests");
        try (RemoteDut dut = RemoteDut.open(TestPaths.home().resolve("build/stub-axi/liblockstep_stub_axi.so"), "", 120)) {
            assertTrue(dut.overlaps(), "ABI 6 or later");
            assertEquals(4, dev.lockstep.engine.Lockstep.overlapDepth("auto", dut));
        }
        String[] bug = {"run", "--dut", "stub-axi", "--isolate", "--mutant", "ovl_cpl_pa_swap", "--seed", "6", "--count",
                "1", "--actions", "400"};
        Cli overlapped = Cli.run(concat(bug, "--overlap", "4"));
        assertEquals(1, overlapped.exitCode, overlapped.out + overlapped.err);
        assertTrue(overlapped.out.contains("compared: translation completion for tag"), overlapped.out);
        Cli serialized = Cli.run(bug);
        assertEquals(0, serialized.exitCode, "the bug needs overlap: " + serialized.out + serialized.err);
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
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
