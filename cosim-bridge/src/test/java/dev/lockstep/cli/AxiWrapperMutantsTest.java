package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import dev.lockstep.regression.Mutants;
import org.junit.jupiter.api.Test;

/**
 * The AXI wrapper's own planted bugs (axi_* in rtl-stubs/mutants.tsv) are listed, but the native DUT
 * has no wrapper: its kill table skips them and a native run refuses them.
 */
class AxiWrapperMutantsTest {

    @Test
    void wrapperBugsAreListedAfterTheDutsOwn() throws Exception {
        Cli c = Cli.run("mutants", "--list");
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err);
        assertTrue(c.out.contains("axi_record_burst_short"), c.out);
        var all = Mutants.read(TestPaths.home().resolve("rtl-stubs/mutants.tsv"));
        long wrapper = all.stream().filter(Mutants.Mutant::needsAxiWrapper).count();
        assertEquals(5, wrapper);
        assertTrue(Mutants.resolve("sum_ignored,axi_fence_full_strobe", TestPaths.home().resolve("rtl-stubs/mutants.tsv"))
                .needsAxiWrapper(), "a selection holding a wrapper bug needs the wrapper");
        assertTrue(!Mutants.resolve("sum_ignored", TestPaths.home().resolve("rtl-stubs/mutants.tsv")).needsAxiWrapper());
    }

    @Test
    void aNativeRunRefusesAWrapperBug() {
        Cli c = Cli.run("run", "--dut", "stub", "--count", "1", "--actions", "10", "--mutant", "axi_fault_rid_stale");
        assertEquals(Main.EXIT_USAGE, c.exitCode, c.out + c.err);
        assertTrue(c.err.contains("--mutant axi_fault_rid_stale") && c.err.contains("AXI wrapper"), c.err);
    }

    @Test
    void theNativeKillTableSkipsWrapperBugs() {
        TestPaths.stubLibrary();
        Cli c = Cli.run("mutants", "--only", "axi_fault_rid_stale,axi_lite_addr2_dropped");
        assertEquals(Main.EXIT_PASS, c.exitCode, c.out + c.err);
        assertTrue(c.out.contains("skipped") && c.out.contains("0 killed, 0 survived, 2 skipped"), c.out);
    }
}
