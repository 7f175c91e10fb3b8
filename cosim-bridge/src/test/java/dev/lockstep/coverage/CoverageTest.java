package dev.lockstep.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.dut.NativeDut;
import dev.lockstep.engine.Scenario;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.regression.Regression;
import dev.lockstep.report.SummaryJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Functional coverage against the built-in RTL IOMMU (build/dut, built by `make test`). */
class CoverageTest {

    static Path home() { return Path.of(System.getProperty("lockstep.home", ".")).toAbsolutePath(); }

    private static CoverageRegression.Result run(int first, int count, int actions, Double goal) throws Exception {
        return run(Scenario.SYSTEM, first, count, actions, goal);
    }

    private static CoverageRegression.Result run(Scenario scenario, int first, int count, int actions, Double goal)
            throws Exception {
        Path lib = home().resolve("build/dut/liblockstep_stub.so");
        assertTrue(Files.isRegularFile(lib), lib + " is missing: run the tests with 'make test'");
        IommuConfig config = DutConfigFile.read(home().resolve("rtl-stubs/config.json"));
        Regression r = new Regression(() -> NativeDut.open(lib, ""), config, scenario, s -> "seed " + s);
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < count; i++) seeds.add((long) first + i);
        return CoverageRegression.run(r, config, seeds, 0, actions, 2, goal, x -> { });
    }

    /**
     * The standard regression reaches every fault cause the default DUT can produce (Sv39/Sv48,
     * Sv39x4/Sv48x4, MSI flat, AMO_HWAD, PD8/17/20, no ATS, no MRIF), as `make run` does: seeds until the
     * coverage goal is met, at most 200. The rarest, 270 (MSI PT data corruption), needs a corrupted MSI
     * PTE word followed by a write to its interrupt file's page.
     */
    @Test
    void theStandardRegressionReachesEveryFaultCauseOfTheDefaultDut() throws Exception {
        CoverageRegression.Result r = run(Scenario.ALL, 1, 200, 2000, 100.0);
        Coverage c = r.coverage();
        TreeSet<Integer> hit = new TreeSet<>();
        for (String b : c.bins(Coverage.CAUSES)) if (c.count(Coverage.CAUSES, b) > 0) hit.add(Integer.parseInt(b));
        List<Integer> want = List.of(1, 5, 7, 12, 13, 15, 20, 21, 23, 256, 257, 258, 259, 260, 261, 262, 263, 265,
                266, 267, 268, 269, 270, 274);
        assertTrue(hit.containsAll(want), "causes hit: " + hit + ", missing: "
                + want.stream().filter(x -> !hit.contains(x)).toList());
        assertTrue(c.missing(Coverage.CAUSES).isEmpty(), "goal causes missing: " + c.missing(Coverage.CAUSES));
        assertTrue(c.missing(Coverage.COMMANDS).isEmpty(), "commands missing: " + c.missing(Coverage.COMMANDS));
        assertTrue(c.missing(Coverage.STALE).isEmpty());
        assertTrue(r.outcome().failed() == 0, "the unmutated DUT diverged");
    }

    /**
     * The standard regression (--scenario all: random and directed seeds) reaches the bins only the
     * directed scenarios aim at: pass-through DCs, ddtp Bare, and a fault-queue memory fault.
     */
    @Test
    void theStandardRegressionReachesTheDirectedBins() throws Exception {
        Coverage c = run(Scenario.ALL, 1, 40, 2000, null).coverage();
        for (String bin : List.of("Bare ok", "ddtp Bare ok")) {
            assertTrue(c.count(Coverage.MODES, bin) > 0, bin + " not hit");
        }
        assertTrue(c.count(Coverage.EVENTS, "fqcsr.fqmf") > 0, "fqcsr.fqmf not hit");
        assertTrue(c.missing(Coverage.EVENTS).isEmpty(), "events missing: " + c.missing(Coverage.EVENTS));
        assertTrue(c.missing(Coverage.MODES).isEmpty(), "modes missing: " + c.missing(Coverage.MODES));
    }

    @Test
    void aCoverageGoalStopsEarlyAndTheJsonIsDeterministic() throws Exception {
        CoverageRegression.Result a = run(1, 10, 300, 30.0);
        assertTrue(a.goalReached());
        assertTrue(a.outcome().results().size() < 10, "ran " + a.outcome().results().size() + " seeds");
        CoverageRegression.Result b = run(1, 10, 300, 30.0);
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.writeValueAsString(SummaryJson.coverage(json, a.coverage())),
                json.writeValueAsString(SummaryJson.coverage(json, b.coverage())));
        CoverageRegression.Result never = run(1, 2, 100, 100.0);
        assertTrue(!never.goalReached() && never.outcome().results().size() == 2);
    }
}
