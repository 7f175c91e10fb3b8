package dev.lockstep.dut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The AXI wrapper of the built-in DUT (rtl-stubs/axi/) and the template for users: -Wall clean, the
 * wrapper's SystemVerilog self-test passes (AXI register accesses, translations, faults, bursts,
 * atomics, a memory model reordering across IDs), and each planted bug of the wrapper fails it.
 * Runs rtl-stubs/Makefile's targets, which rebuild the self-test only when the RTL changed.
 */
class AxiWrapperRtlTest {

    private record Run(int exit, String output) {}

    private static Run make(String target) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("make", "-s", "-C", TestPaths.home().resolve("rtl-stubs").toString(), target)
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "make " + target + " did not finish");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void wrapperAndTemplateAreLintCleanWithWall() throws Exception {
        Run r = make("axi-lint");
        assertEquals(0, r.exit(), r.output());
        assertFalse(r.output().contains("%Warning") || r.output().contains("%Error"), r.output());
    }

    @Test
    void selfTestPassesForEachMemoryModelSeed() throws Exception {
        Run r = make("axi-selftest");
        assertEquals(0, r.exit(), r.output());
        assertEquals(3, r.output().lines().filter(l -> l.startsWith("PASS: AXI wrapper self-test")).count(), r.output());
        assertFalse(r.output().contains("FAIL"), r.output());
    }

    @Test
    void everyPlantedBugOfTheWrapperFailsTheSelfTest() throws Exception {
        Run r = make("axi-selftest-mutants");
        assertEquals(0, r.exit(), r.output());
        List<String> killed = r.output().lines().filter(l -> l.endsWith(": killed")).toList();
        assertEquals(5, killed.size(), r.output());
        assertFalse(r.output().contains("SURVIVED"), r.output());
    }
}
