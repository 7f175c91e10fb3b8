package dev.lockstep.dut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DUT that crashes, hangs inside a native call, lacks a symbol or calls $fatal is a reported failure:
 * never a dead JVM, never a silent pass. The faulty libraries are compiled here from src/test/c; the
 * $fatal one is a Verilated design built by `make test` (build/fatal-dut).
 */
class DutFailureTest {

    @TempDir
    static Path work;
    static Path faulty;
    static Path noRun;
    static Path abi4;
    static Path config;

    private static Path home() { return TestPaths.home(); }

    @BeforeAll
    static void compileFaultyLibraries() throws Exception {
        faulty = compile("libfaulty.so");
        noRun = compile("libnorun.so", "-DOMIT_RUN");
        abi4 = compile("libabi4.so", "-DABI4");
        config = work.resolve("config.json");
        Files.copy(home().resolve("rtl-stubs/config.json"), config);
    }

    private static Path compile(String name, String... defines) throws IOException, InterruptedException {
        Path out = work.resolve(name);
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("gcc", "-shared", "-fPIC", "-O1",
                "-I", home().resolve("cosim-bridge/src/main/cpp").toString(), "-o", out.toString(),
                home().resolve("cosim-bridge/src/test/c/faulty_dut.c").toString()));
        cmd.addAll(java.util.List.of(defines));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "gcc failed: " + log);
        return out;
    }

    @Test
    void anAbi4LibraryStillRunsButWritesNoFst(@TempDir Path out) {
        // It loads and is driven (a register file, not an IOMMU: the seeds diverge rather than fail to load).
        Cli c = Cli.run("run", "--dut", abi4.toString(), "--config", config.toString(), "--count", "1", "--actions", "20");
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.out + c.err);
        assertTrue(c.out.contains("DIVERGENCE at action"), c.out);
        Path fst = out.resolve("w.fst");
        Cli w = Cli.run("run", "--dut", abi4.toString(), "--config", config.toString(), "--count", "1", "--actions", "20",
                "--waves", fst.toString());
        assertEquals(Main.EXIT_DUT, w.exitCode, w.out + w.err);
        assertTrue(w.err.contains("--waves " + fst + " (FST): the DUT library " + abi4 + " implements ABI 4, whose "
                + "waveforms are VCD only"), w.err);
    }

    @Test
    void aSegfaultingLibraryFailsEachSeedAndTheRegressionGoesOn(@TempDir Path out) throws Exception {
        Cli c = Cli.run("run", "--dut", faulty.toString(), "--config", config.toString(), "--dut-config",
                "crash_on_write=1", "--count", "3", "--actions", "20", "--out", out.toString());
        assertEquals(Main.EXIT_DUT, c.exitCode, c.out + c.err);
        assertTrue(c.out.contains("0 passed, 3 failed"), c.out);
        JsonNode seeds = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("seeds");
        assertEquals(3, seeds.size(), "every seed is reported, the crash did not end the regression");
        for (JsonNode s : seeds) {
            assertEquals("dut_crash", s.get("status").asText());
            assertTrue(s.get("dut_failure").get("message").asText().contains("SIGSEGV"), s.toString());
            assertTrue(s.get("dut_failure").get("reproduce").asText().contains("--seed " + s.get("seed").asText()));
        }
        String junit = Files.readString(out.resolve("junit.xml"));
        assertTrue(junit.contains("type=\"dut_crash\""), junit);
    }

    @Test
    void aNativeCallThatNeverReturnsIsAHang() throws Exception {
        try (RemoteDut dut = RemoteDut.open(faulty, "hang_on_write=1", 2)) {
            dut.reset(0);
            DutException e = assertThrows(DutException.class, () -> dut.mmioWrite(16, 8, 1));
            assertEquals(DutException.Kind.HANG, e.kind());
            assertTrue(e.getMessage().contains("did not return within 2 s"), e.getMessage());
        }
    }

    @Test
    void anAbortIsACrashNamingTheSignal() throws Exception {
        try (RemoteDut dut = RemoteDut.open(faulty, "abort_on_reset=1", 30)) {
            DutException e = assertThrows(DutException.class, () -> dut.reset(0));
            assertEquals(DutException.Kind.CRASH, e.kind());
            assertTrue(e.getMessage().contains("SIGABRT"), e.getMessage());
        }
    }

    @Test
    void aMissingSymbolIsALoadErrorNamingTheSymbolAndPath() {
        DutException e = assertThrows(DutException.class, () -> RemoteDut.open(noRun, "", 30));
        assertEquals(DutException.Kind.LOAD, e.kind());
        assertTrue(e.getMessage().contains("lockstep_run"), e.getMessage());
        assertTrue(e.getMessage().contains(noRun.toString()), e.getMessage());
        Cli c = Cli.run("run", "--dut", noRun.toString(), "--config", config.toString());
        assertEquals(Main.EXIT_DUT, c.exitCode);
        assertTrue(c.err.contains("lockstep_run"), c.err);
    }

    @Test
    void anRtlFatalComesBackAsAnErrorAndTheProcessLives() throws Exception {
        Path lib = home().resolve("build/fatal-dut/liblockstep_stub.so");
        assertTrue(Files.isRegularFile(lib), lib + " is missing: run the tests with 'make test'");
        try (RemoteDut dut = RemoteDut.open(lib, "", 30)) {
            dut.reset(0);
            assertEquals(0x1f817460610L, dut.mmioRead(0, 8));
            DutException e = assertThrows(DutException.class, () -> dut.mmioWrite(0xff8, 8, 1));
            assertEquals(DutException.Kind.FATAL, e.kind());
            assertTrue(e.getMessage().contains("invariant violated"), e.getMessage());
            // The process survived: it still answers, refusing further simulation with the reason.
            DutException again = assertThrows(DutException.class, () -> dut.mmioRead(0, 8));
            assertEquals(DutException.Kind.API, again.kind());
            assertTrue(again.getMessage().contains("earlier fatal error"), again.getMessage());
        }
    }
}
