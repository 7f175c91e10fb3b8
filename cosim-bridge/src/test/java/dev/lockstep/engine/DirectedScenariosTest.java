package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import dev.lockstep.dut.NativeDut;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.DutConfigFile;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The directed scenarios against the built-in RTL IOMMU, and how --scenario all spreads them over seeds. */
class DirectedScenariosTest {

    @Test
    void everyDirectedScenarioPassesAgainstTheStubDutAndEndsBeforeTheBudget() throws Exception {
        IommuConfig config = DutConfigFile.read(TestPaths.stubConfig());
        try (NativeDut dut = NativeDut.open(TestPaths.stubLibrary(), "")) {
            for (Scenario s : Scenario.directedScenarios()) {
                for (long seed = 1; seed <= 2; seed++) {
                    SeedResult r = new Lockstep(dut, config, s, x -> "seed " + x).run(seed, 0, 2000);
                    assertTrue(r.passed(), () -> s.cliName + ": " + r);
                    assertTrue(r.actions() > 20 && r.actions() < 2000, s.cliName + " ran " + r.actions() + " actions");
                }
            }
        }
    }

    @Test
    void theStandardFortySeedsRunEveryDirectedScenarioAndMostlySystem() {
        Set<Scenario> seen = new HashSet<>();
        int system = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Scenario s = Scenario.ALL.forSeed(seed);
            if (s == Scenario.SYSTEM) system++;
            else seen.add(s);
            assertEquals(s, Scenario.ALL.forSeed(seed), "deterministic");
        }
        assertEquals(Set.copyOf(Scenario.directedScenarios()), seen);
        assertTrue(system >= 26, "system seeds: " + system);
        assertEquals(Scenario.PROBE, Scenario.ALL.forSeed(3));
        assertEquals(Scenario.SYSTEM, Scenario.ALL.forSeed(1));
        assertNotEquals(Scenario.ALL, Scenario.byName("all").forSeed(0));
        assertEquals(Scenario.MAP_UNMAP, Scenario.byName("map-unmap"));
    }
}
