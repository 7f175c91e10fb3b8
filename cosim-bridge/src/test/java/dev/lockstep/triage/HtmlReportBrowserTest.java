package dev.lockstep.triage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real headless browser (Debian's chromium): the page loads from a file:// URL with
 * no network, its script runs without errors and the counts it computed and wrote into the DOM are the
 * run's. The browser is required (installed by .ci/run); without it the test fails.
 */
class HtmlReportBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** The DOM after the page's scripts ran. */
    static String dumpDom(Path page, Path profile) throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Debian's chromium package "
                + "(apt-get install chromium; .ci/run does)");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
                page.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), "chromium exit code");
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String attr(String dom, String name) {
        Matcher m = Pattern.compile("<p id=\"totals\"[^>]*\\b" + name + "=\"([^\"]*)\"").matcher(dom);
        assertTrue(m.find(), name + " not in the DOM's #totals");
        return m.group(1);
    }

    @Test
    void theRunReportShowsTheRunsCountsInABrowser(@TempDir Path dir) throws Exception {
        TestPaths.stubLibrary();
        Path waivers = dir.resolve("w.json");
        Files.writeString(waivers, "{\"waivers\": [{\"pattern\": \"register/ddtp/*\", \"reason\": \"known\", "
                + "\"tracking\": \"BUG-1\"}]}");
        Path out = dir.resolve("run");
        Cli c = Cli.run("run", "--dut", "stub", "--seeds", "1-4,9", "--jobs", "2", "--mutant",
                "ddtp_mode_warl,sum_ignored", "--waivers", waivers.toString(), "--out", out.toString());
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.err);
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        Path page = out.resolve("report.html");
        String html = Files.readString(page);
        assertTrue(!html.contains("http://") && !html.contains("https://") && !html.contains(" src="),
                "the page loads nothing from elsewhere");

        String dom = dumpDom(page, Files.createDirectories(dir.resolve("profile")));
        assertTrue(dom.contains("<body data-rendered=\"ok\">"), "the page's script ran to its end");
        assertTrue(dom.contains("<div id=\"errors\"></div>"), "no script error");
        assertEquals(summary.get("passed").asText(), attr(dom, "data-passed"));
        assertEquals(summary.get("failed").asText(), attr(dom, "data-failed"));
        assertEquals("5", attr(dom, "data-seeds"));
        long failing = 0;
        long waived = 0;
        for (JsonNode s : summary.get("signatures")) {
            if (s.get("status").asText().equals("failing")) failing++;
            else waived++;
        }
        assertEquals(String.valueOf(failing), attr(dom, "data-signatures"));
        assertEquals(String.valueOf(waived), attr(dom, "data-waived-signatures"));
        assertEquals(1, waived);
        JsonNode cov = summary.get("coverage");
        assertEquals(cov.get("goal_bins").asText(), attr(dom, "data-goal-bins"));
        assertEquals(cov.get("goal_bins_hit").asText(), attr(dom, "data-goal-bins-hit"));
        int missedCells = dom.split("class=\"bin missed\"", -1).length - 1;
        assertEquals(cov.get("goal_bins").asInt() - cov.get("goal_bins_hit").asInt(), missedCells);
        for (JsonNode s : summary.get("seeds")) {
            if (s.has("divergence")) {
                assertTrue(dom.contains("data-seed=\"" + s.get("seed").asText() + "\""), "seed " + s.get("seed"));
                assertTrue(dom.contains(s.get("divergence").get("reproduce").asText()),
                        "the reproduce command of seed " + s.get("seed"));
            }
        }

        // check and merge write the same page from logs and from shards.
        List<String> checkArgs = new ArrayList<>(List.of("check", "--waivers", waivers.toString(), "--out",
                dir.resolve("check").toString()));
        try (var logs = Files.list(out.resolve("logs"))) {
            logs.sorted().forEach(l -> checkArgs.add(l.toString()));
        }
        Cli check = Cli.run(checkArgs.toArray(String[]::new));
        assertEquals(Main.EXIT_DIVERGENCE, check.exitCode, check.err + check.out);
        assertTrue(check.out.contains("failure signatures:"), check.out);
        String checkDom = dumpDom(dir.resolve("check/report.html"), Files.createDirectories(dir.resolve("profile2")));
        assertTrue(checkDom.contains("<body data-rendered=\"ok\">"));
        assertEquals(summary.get("failed").asText(), attr(checkDom, "data-failed"));

        Path a = dir.resolve("shard1");
        Path b = dir.resolve("shard2");
        for (Path shard : List.of(a, b)) {
            Cli s = Cli.run("run", "--dut", "stub", "--seeds", "1-4,9", "--shard", (shard == a ? "1" : "2") + "/2",
                    "--mutant", "ddtp_mode_warl,sum_ignored", "--waivers", waivers.toString(), "--out", shard.toString());
            assertEquals(Main.EXIT_DIVERGENCE, s.exitCode, s.err);
        }
        Path merged = dir.resolve("merged");
        Cli m = Cli.run("merge", a.toString(), b.toString(), "--out", merged.toString());
        assertEquals(Main.EXIT_DIVERGENCE, m.exitCode, m.err);
        assertTrue(m.out.contains("failure signatures:"), m.out);
        assertArrayEquals(Files.readAllBytes(out.resolve("summary.json")), Files.readAllBytes(merged.resolve("summary.json")));
        assertArrayEquals(Files.readAllBytes(page), Files.readAllBytes(merged.resolve("report.html")));
    }
}
