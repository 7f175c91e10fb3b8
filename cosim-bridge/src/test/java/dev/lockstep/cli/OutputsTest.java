package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.report.OutputDir;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.SurefireReportParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs are never lost, mixed or overwritten; a signal leaves valid reports of the seeds done. */
class OutputsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Cli run(String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--dut", "stub", "--actions", "200"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private static void assertRefused(Cli c, String expected) {
        assertEquals(Main.EXIT_USAGE, c.exitCode, c.err + c.out);
        assertTrue(c.err.contains(expected), c.err);
        assertFalse(c.out.contains("passed"), "a seed ran: " + c.out);
    }

    @Test
    void everyOutputPathIsCheckedBeforeTheFirstSeed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertRefused(run("--out", file.toString()), "--out " + file + ": not a directory");
        assertRefused(run("--out", ""), "--out '': an empty path");
        assertRefused(run("--out", file.resolve("sub").toString()), "cannot create the directory: not a directory");
        assertRefused(run("--waves", file.resolve("w.vcd").toString()), "--waves " + file.resolve("w.vcd") + ": cannot write it");
        assertRefused(run("--waves", dir.toString()), "is a directory, not a file");
        assertRefused(run("--waves", ""), "--waves '': an empty path");
        assertRefused(Cli.run("merge", dir.toString(), "--out", file.toString()), "not a directory");
        assertRefused(Cli.run("check", file.toString(), "--out", file.toString()), "--out " + file.resolve("report.html"));
    }

    @Test
    void anOutHoldingAnotherRunsResultsIsRefusedUnlessReplacedAndThenNoStaleLogSurvives(@TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("out");
        assertEquals(Main.EXIT_PASS, run("--seed", "1", "--count", "2", "--dump", "all", "--out", out.toString()).exitCode);
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertRefused(run("--seed", "5", "--count", "1", "--out", out.toString()), "holds the results of another run");
        assertTrue(Files.exists(out.resolve("logs/seed-1.jsonl")), "the earlier results are kept");
        Cli again = run("--seed", "5", "--count", "1", "--dump", "all", "--out", out.toString(), "--replace");
        assertEquals(Main.EXIT_PASS, again.exitCode, again.err);
        try (Stream<Path> logs = Files.list(out.resolve("logs"))) {
            assertEquals(List.of("seed-5.jsonl"), logs.map(p -> p.getFileName().toString()).toList());
        }
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(1, summary.get("seeds").size());
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "files that are not results stay");
    }

    @Test
    void twoRunsNeverWriteIntoOneDirectoryAtOnce(@TempDir Path dir) throws Exception {
        try (OutputDir held = OutputDir.claim(dir, "--out", false)) {
            assertRefused(run("--count", "1", "--out", dir.toString()), "another lockstep run is writing into it");
            assertRefused(Cli.run("merge", dir.resolve("x").toString(), "--out", dir.toString()), "another lockstep run");
        }
        assertEquals(Main.EXIT_PASS, run("--count", "1", "--out", dir.toString()).exitCode);
    }

    @Test
    void mergeOutIsNeverOneOfItsInputsAndReplayNeverWritesOverItsLog(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(Main.EXIT_PASS, run("--count", "2", "--shard", "1/2", "--dump", "all", "--out", a.toString()).exitCode);
        assertEquals(Main.EXIT_PASS, run("--count", "2", "--shard", "2/2", "--dump", "all", "--out", b.toString()).exitCode);
        assertRefused(Cli.run("merge", a.toString(), b.toString(), "--out", b.toString()), "is one of the shards' directories");
        assertRefused(Cli.run("merge", a.toString(), b.toString(), "--out", dir.resolve("a/../b").toString()),
                "is one of the shards' directories");
        Path log = a.resolve("logs/seed-1.jsonl");
        byte[] before = Files.readAllBytes(log);
        assertRefused(Cli.run("replay", log.toString(), "--out", a.toString(), "--replace"), "over the log it replays");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(log)));
        Cli replay = Cli.run("replay", log.toString(), "--out", dir.resolve("r").toString());
        assertEquals(Main.EXIT_PASS, replay.exitCode, replay.err);
    }

    /**
     * A check of many logs in a child process (the scoreboard of a CI job), stopped by SIGTERM: it exits with
     * the signal's status after writing summary.json and junit.xml for the logs checked, marked interrupted.
     */
    @Test
    void aSignalDuringCheckLeavesReportsOfTheLogsChecked(@TempDir Path dir) throws Exception {
        Cli made = Cli.run("run", "--dut", "stub", "--count", "40", "--jobs", "2", "--dump", "all", "--out",
                dir.resolve("made").toString());
        assertEquals(Main.EXIT_PASS, made.exitCode, made.err);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dlockstep.home=" + TestPaths.home(),
                "dev.lockstep.cli.Main", "check", "--out", dir.resolve("checked").toString()));
        try (Stream<Path> files = Files.list(dir.resolve("made/logs"))) {
            files.sorted().forEach(f -> cmd.add(f.toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) lines.add(l);
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines.stream().filter(l -> l.contains("): passed")).count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the check ended before the signal: " + lines);
        new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the check did not stop");
        reader.join();
        assertEquals(143, p.exitValue(), String.join("\n", lines));
        JsonNode summary = JSON.readTree(dir.resolve("checked/summary.json").toFile());
        assertTrue(summary.get("check").get("interrupted").asBoolean(), summary.toString());
        int done = summary.get("seeds").size();
        assertTrue(done >= 2 && done < 40, "logs checked: " + done);
        assertEquals(40, done + summary.get("check").get("not_checked").size(), summary.toString());
        ReportTestSuite suite = new SurefireReportParser(List.of(dir.resolve("checked").toFile()), new NullConsoleLogger())
                .parseXMLReportFiles().get(0);
        assertEquals(done, suite.getNumberOfTests());
        assertTrue(Files.readString(dir.resolve("checked/junit.xml")).contains("<property name=\"interrupted\" value=\"true\""));
    }

    /**
     * A check reading a named pipe whose writer stalled mid-log cannot stop between two actions: SIGTERM
     * still leaves its reports (written by the signal's hook), naming the log as not checked.
     */
    @Test
    void aSignalDuringACheckStuckOnAStalledPipeStillLeavesReports(@TempDir Path dir) throws Exception {
        Cli made = Cli.run("run", "--dut", "stub", "--count", "1", "--dump", "all", "--out", dir.resolve("made").toString());
        assertEquals(Main.EXIT_PASS, made.exitCode, made.err);
        List<String> log = Files.readAllLines(dir.resolve("made/logs/seed-1.jsonl"));
        Path fifo = dir.resolve("live.jsonl");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "-Dlockstep.home=" + TestPaths.home(), "dev.lockstep.cli.Main",
                "check", "--out", dir.resolve("checked").toString(), fifo.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("check.out").toFile()).start();
        try (java.io.Writer w = Files.newBufferedWriter(fifo, StandardCharsets.UTF_8)) { // opens once the check reads
            for (String line : log.subList(0, log.size() / 2)) w.write(line + "\n");
            w.flush();
            Thread.sleep(1500); // the writer stalls here, the pipe open
            new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
            assertTrue(p.waitFor(45, TimeUnit.SECONDS), "the check did not stop");
        }
        assertEquals(143, p.exitValue(), Files.readString(dir.resolve("check.out")));
        JsonNode summary = JSON.readTree(dir.resolve("checked/summary.json").toFile());
        assertTrue(summary.get("check").get("interrupted").asBoolean(), summary.toString());
        assertEquals(fifo.toString(), summary.get("check").get("not_checked").get(0).asText(), summary.toString());
        assertEquals(0, summary.get("seeds").size());
        assertTrue(Files.readString(dir.resolve("checked/junit.xml")).contains("<property name=\"interrupted\" value=\"true\""));
    }

    /**
     * A real run in a child process, stopped by SIGTERM (what a CI timeout sends) and by SIGINT (Ctrl-C):
     * summary.json and junit.xml are valid and cover the seeds done, marked interrupted; every log left
     * is whole up to a record boundary, and check reads each (the cut ones up to the cut).
     */
    @Test
    void aSignalLeavesValidReportsOfTheSeedsDoneAndLogsCheckCanRead(@TempDir Path dir) throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            Path out = dir.resolve(signal);
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                    "-Dlockstep.home=" + TestPaths.home(), "dev.lockstep.cli.Main", "run", "--dut", "stub", "--seed", "1",
                    "--count", "500", "--jobs", "2", "--dump", "all", "--out", out.toString())
                    .redirectErrorStream(true).start();
            List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>(); // read while the reader thread appends
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) lines.add(l);
                } catch (java.io.IOException e) {
                    // the process ended
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines.stream().filter(l -> l.matches("seed \\d+: .*")).count() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(p.isAlive(), "the run ended before the signal: " + lines);
            // meanwhile a second run into the same directory is refused
            Cli second = run("--count", "1", "--out", out.toString());
            assertRefused(second, "another lockstep run is writing into it");
            new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run did not stop");
            reader.join();
            assertEquals(signal.equals("TERM") ? 143 : 130, p.exitValue(), String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("interrupted: ")), String.join("\n", lines));

            JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
            JsonNode run = summary.get("run");
            assertTrue(run.get("interrupted").asBoolean(), summary.toString());
            int done = summary.get("seeds").size();
            assertTrue(done >= 3 && done < 500, "seeds done: " + done);
            assertEquals(done, summary.get("passed").asInt() + summary.get("failed").asInt());
            ReportTestSuite suite = new SurefireReportParser(List.of(out.toFile()), new NullConsoleLogger())
                    .parseXMLReportFiles().get(0);
            assertEquals(done, suite.getNumberOfTests());
            assertTrue(Files.readString(out.resolve("junit.xml")).contains("<property name=\"interrupted\" value=\"true\""));

            Set<String> expected = new TreeSet<>();
            summary.get("seeds").forEach(s -> expected.add("seed-" + s.get("seed").asLong() + ".jsonl"));
            run.get("interrupted_seeds").forEach(s -> expected.add("seed-" + s.asLong() + ".jsonl"));
            Set<String> logs;
            try (Stream<Path> files = Files.list(out.resolve("logs"))) {
                logs = files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            }
            assertEquals(expected, logs, "a log per seed done or cut, no partial file");
            List<String> check = new ArrayList<>(List.of("check"));
            logs.forEach(l -> check.add(out.resolve("logs").resolve(l).toString()));
            Cli c = Cli.run(check.toArray(String[]::new));
            assertEquals(Main.EXIT_PASS, c.exitCode, c.err + c.out);
            int cut = run.get("interrupted_seeds").size();
            assertTrue(c.out.contains(done + " passed, 0 failed" + (cut > 0 ? ", " + cut + " interrupted" : "")), c.out);
            if (cut > 0) {
                long s = run.get("interrupted_seeds").get(0).asLong();
                Cli x = Cli.run("explain", out.resolve("logs/seed-" + s + ".jsonl").toString(), "--action", "3");
                assertEquals(Main.EXIT_PASS, x.exitCode, x.err);
            }
        }
    }
}
