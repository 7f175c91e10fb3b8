package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsTheCommandsAndExitCodes() {
        Cli c = Cli.run("--help");
        assertEquals(0, c.exitCode);
        assertTrue(c.out.contains("run") && c.out.contains("mutants"), c.out);
        assertTrue(c.out.contains("Exit codes"), c.out);
    }

    @Test
    void badUsageExitsWithTwoAndSaysWhy() {
        Cli notANumber = Cli.run("run", "--count", "zero");
        assertEquals(Main.EXIT_USAGE, notANumber.exitCode);
        assertTrue(notANumber.err.contains("--count"), notANumber.err);
        Cli zero = Cli.run("run", "--count", "0");
        assertEquals(Main.EXIT_USAGE, zero.exitCode);
        assertTrue(zero.err.contains("--count must be at least 1"), zero.err);
        assertEquals(Main.EXIT_USAGE, Cli.run("no-such-command").exitCode);
    }

    @Test
    void aForeignDutWithoutConfigurationIsBadUsage() {
        Cli c = Cli.run("run", "--dut", "/nonexistent/libdut.so");
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains("--config"), c.err);
    }

    @Test
    void theAxiWrappedStubIsBuiltThroughLockstepBuildAndRuns() {
        java.nio.file.Path files = dev.lockstep.TestPaths.home().resolve("rtl-stubs/axi/files.f");
        // --isolate: this test JVM has loaded the native built-in DUT already (one DUT library per process).
        Cli c = Cli.run("run", "--dut", "stub-axi", "--isolate", "--count", "3", "--jobs", "2");
        if (!java.nio.file.Files.exists(files)) {
            // Named as a missing part of the checkout, never taken for a library path.
            assertEquals(Main.EXIT_USAGE, c.exitCode);
            assertTrue(c.err.contains("--dut stub-axi") && c.err.contains("rtl-stubs/axi/files.f is missing"), c.err);
            return;
        }
        assertEquals(Main.EXIT_PASS, c.exitCode, c.out + c.err);
        assertTrue(c.out.contains("3 passed, 0 failed"), c.out);
        Cli again = Cli.run("run", "--dut", "stub-axi", "--isolate", "--count", "1");
        assertTrue(again.out.contains("up to date (nothing changed)"), again.out);
        // The wrapper's own planted bugs are live through it, and found.
        Cli m = Cli.run("mutants", "--dut", "stub-axi", "--isolate", "--jobs", "2", "--only",
                "axi_fault_rid_stale,axi_lite_addr2_dropped");
        assertEquals(Main.EXIT_PASS, m.exitCode, m.out + m.err);
        assertTrue(m.out.contains("2 killed, 0 survived"), m.out);
    }

    @Test
    void anUnknownMutantIsBadUsageNamingTheOption() {
        Cli c = Cli.run("run", "--mutant", "no_such_bug");
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains("--mutant") && c.err.contains("no_such_bug"), c.err);
    }
}
