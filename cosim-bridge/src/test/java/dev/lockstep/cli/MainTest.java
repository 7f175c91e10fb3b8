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
    void theAxiWrappedStubIsNamedAsMissingRatherThanTakenForAPath() {
        Cli c = Cli.run("run", "--dut", "stub-axi");
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains("--dut stub-axi") && c.err.contains("AXI4 wrapper is not part of this version"), c.err);
    }

    @Test
    void anUnknownMutantIsBadUsageNamingTheOption() {
        Cli c = Cli.run("run", "--mutant", "no_such_bug");
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains("--mutant") && c.err.contains("no_such_bug"), c.err);
    }
}
