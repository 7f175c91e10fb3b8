package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check --out DIR} writes summary.json, junit.xml and report.html as {@code run} does. */
class CheckReportsTest {

    @Test
    void checkWritesTheRunsReports(@TempDir Path dir) throws Exception {
        Cli pass = Cli.run("run", "--dut", "stub", "--seed", "2", "--count", "1", "--actions", "300", "--dump", "all",
                "--out", dir.resolve("pass").toString());
        assertEquals(Main.EXIT_PASS, pass.exitCode, pass.err);
        Cli fail = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--mutant", "fq_ttyp_shifted",
                "--out", dir.resolve("fail").toString());
        assertEquals(Main.EXIT_DIVERGENCE, fail.exitCode, fail.err);
        Path reports = dir.resolve("reports");
        Cli c = Cli.run("check", dir.resolve("pass/logs/seed-2.jsonl").toString(),
                dir.resolve("fail/logs/seed-1.jsonl").toString(), "--out", reports.toString());
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.err);
        JsonNode summary = new ObjectMapper().readTree(reports.resolve("summary.json").toFile());
        assertEquals(1, summary.get("passed").asInt());
        assertEquals(1, summary.get("failed").asInt());
        assertEquals("passed", summary.at("/seeds/0/status").asText());
        assertEquals(2, summary.at("/seeds/0/seed").asInt());
        assertTrue(summary.at("/seeds/1/divergence").isObject(), summary.toString());
        String junit = Files.readString(reports.resolve("junit.xml"));
        assertTrue(junit.contains("tests=\"2\"") && junit.contains("failures=\"1\"") && junit.contains("lockstep.check"), junit);
        assertTrue(Files.isRegularFile(reports.resolve("report.html")));
    }
}
