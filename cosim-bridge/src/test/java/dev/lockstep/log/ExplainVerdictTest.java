package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code explain} gives a verdict: is the logged DUT answer among what the spec permits; page requests too. */
class ExplainVerdictTest {

    private static Path log(Path dir, String mutant) {
        Cli c = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--mutant", mutant, "--dump", "all",
                "--out", dir.toString());
        assertTrue(c.exitCode == Main.EXIT_PASS || c.exitCode == Main.EXIT_DIVERGENCE, c.err);
        return dir.resolve("logs/seed-1.jsonl");
    }

    private static int firstAction(Path log, String op) throws Exception {
        List<String> lines = Files.readAllLines(log);
        for (String l : lines) {
            if (l.startsWith("{\"type\":\"action\"") && l.contains("\"op\":\"" + op + "\"")) {
                return Integer.parseInt(l.replaceAll(".*\"index\":(\\d+),.*", "$1"));
            }
        }
        throw new AssertionError("no " + op + " in " + log);
    }

    private static String explain(Path log, int action) {
        Cli c = Cli.run("explain", log.toString(), "--action", String.valueOf(action));
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err);
        return c.out;
    }

    @Test
    void aPassingLogsAnswersArePermitted(@TempDir Path dir) throws Exception {
        Path log = log(dir, "none");
        assertTrue(explain(log, firstAction(log, "translate")).contains("verdict: PERMITTED: the logged completion is"));
        assertTrue(explain(log, firstAction(log, "register_read")).contains("verdict: PERMITTED: equal"));
        String pr = explain(log, firstAction(log, "page_request"));
        assertTrue(pr.contains("model: what the IOMMU does with the Page Request") && pr.contains("verdict: PERMITTED"), pr);
    }

    @Test
    void aDivergingAnswerIsNotPermitted(@TempDir Path dir) throws Exception {
        Path pa = log(dir.resolve("pa"), "superpage_pa_merge");
        String t = explain(pa, 697);
        assertTrue(t.contains("verdict: NOT PERMITTED: the logged completion is none of the permitted outcomes"), t);
        Path ddtp = log(dir.resolve("ddtp"), "ddtp_mode_warl");
        String r = explain(ddtp, 11);
        assertTrue(r.contains("verdict: NOT PERMITTED: differs from the model's value in iommu_mode"), r);
    }
}
