package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import dev.lockstep.dut.Dut;
import dev.lockstep.dut.NativeDut;
import dev.lockstep.regression.DutConfigFile;
import org.junit.jupiter.api.Test;

/**
 * The {@code traffic} scenario, which {@code lockstep bench} measures, stays mostly translation
 * requests: the overhead it reports is per translation only while that holds.
 */
class TrafficScenarioTest {

    @Test
    void mostTrafficActionsAreTranslationRequests() throws Exception {
        try (Dut dut = NativeDut.open(TestPaths.stubLibrary(), "")) {
            SeedResult r = new Lockstep(dut, DutConfigFile.read(TestPaths.stubConfig()), Scenario.TRAFFIC, s -> "")
                    .run(1, 0, 3000);
            assertTrue(r.passed(), () -> "traffic seed 1 failed: " + r);
            assertTrue(r.translations() * 10 >= r.actions() * 4,
                    () -> r.translations() + " translations in " + r.actions() + " actions");
        }
    }
}
