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

    /** Windows of overlapping traffic: each request against the engine's points, and the state rebuilt past them. */
    @Test
    void windowsAreExplainedRequestByRequest(@TempDir Path dir) throws Exception {
        Cli run = Cli.run("run", "--dut", "stub", "--overlap", "4", "--seed", "4", "--count", "1", "--dump", "all",
                "--out", dir.resolve("clean").toString());
        assertEquals(Main.EXIT_PASS, run.exitCode, run.out + run.err);
        Path log = dir.resolve("clean/logs/seed-4.jsonl");
        List<String> lines = Files.readAllLines(log);
        int racing = -1;
        int checked = 0;
        for (String l : lines) {
            if (!l.startsWith("{\"type\":\"action\"")) continue;
            int index = Integer.parseInt(l.replaceAll(".*\"index\":(\\d+),.*", "$1"));
            if (racing < 0 && l.contains("\"op\":\"window\"") && l.contains("\"during\":[{")) racing = index;
            // translations after windows: the rebuilt state still permits what the passing DUT answered
            if (racing >= 0 && index > racing && index % 10 == 0 && checked < 6 && l.contains("\"op\":\"translate\"")) {
                String t = explain(log, index);
                assertTrue(t.contains("verdict: PERMITTED: the logged completion is"), t);
                checked++;
            }
        }
        assertTrue(racing >= 0 && checked >= 3, "a racing window and translations after it: " + racing + ", " + checked);
        String w = explain(log, racing);
        assertTrue(w.contains("point 0: before the software actions") && w.contains("point 1: after the stores"), w);
        assertTrue(w.contains("verdict: PERMITTED at point") && !w.contains("NOT PERMITTED"), w);
        // A completion with another walker's PA: the request it answers is permitted at no point.
        // (the first of seeds 1-12 it shows in, so that a change of the stimulus does not lose it)
        Cli bad = Cli.run("run", "--dut", "stub", "--overlap", "4", "--seeds", "1-12", "--fail-fast", "--mutant", "ovl_cpl_pa_swap",
                "--dump", "all", "--out", dir.resolve("swap").toString());
        assertEquals(Main.EXIT_DIVERGENCE, bad.exitCode, bad.out + bad.err);
        int at = Integer.parseInt(bad.out.replaceAll("(?s).*DIVERGENCE at action #(\\d+),.*", "$1"));
        String seed = bad.out.replaceAll("(?s).*DIVERGENCE at action #\\d+, cycle \\d+ \\(seed (\\d+)\\).*", "$1");
        String e = explain(dir.resolve("swap/logs/seed-" + seed + ".jsonl"), at);
        assertTrue(e.contains("verdict: NOT PERMITTED: the logged completion is none of the permitted outcomes at the points"), e);
    }

    /**
     * Windows with software groups and fences (docs/concurrency.md, section 19): every request of a clean log's
     * two-group window is permitted at some point its cycles leave open; a request accepted after its window's
     * fence completed, answered from the entry the fence retired (planted bug ovl_inval_held), is permitted at none,
     * and explain names the one point it may take.
     */
    @Test
    void softwareGroupsAndFencesBoundThePointsARequestMayTake(@TempDir Path dir) throws Exception {
        Cli run = Cli.run("run", "--dut", "stub", "--overlap", "4", "--seed", "1", "--count", "1", "--dump", "all",
                "--out", dir.resolve("clean").toString());
        assertEquals(Main.EXIT_PASS, run.exitCode, run.out + run.err);
        Path log = dir.resolve("clean/logs/seed-1.jsonl");
        int groups = -1;
        for (String l : Files.readAllLines(log)) {
            if (l.startsWith("{\"type\":\"action\"") && l.contains("\"later\":[{")) {
                groups = Integer.parseInt(l.replaceAll(".*\"index\":(\\d+),.*", "$1"));
                break;
            }
        }
        assertTrue(groups >= 0, "a window with two software groups in " + log);
        String w = explain(log, groups);
        assertTrue(w.contains("verdict: PERMITTED at point") && !w.contains("NOT PERMITTED"), w);
        Cli bad = Cli.run("run", "--dut", "stub", "--overlap", "4", "--scenario", "unmap-race", "--seed", "1", "--count", "1",
                "--mutant", "ovl_inval_held", "--dump", "all", "--out", dir.resolve("held").toString());
        assertEquals(Main.EXIT_DIVERGENCE, bad.exitCode, bad.out + bad.err);
        int at = Integer.parseInt(bad.out.replaceAll("(?s).*DIVERGENCE at action #(\\d+),.*", "$1"));
        String e = explain(dir.resolve("held/logs/seed-1.jsonl"), at);
        assertTrue(e.matches("(?s).*verdict: NOT PERMITTED: the logged completion is none of the permitted outcomes at the "
                + "points it may take \\(point \\d+, from its submission, acceptance and completion cycles\\).*"), e);
    }
}
