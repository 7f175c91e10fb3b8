package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} reads a log as a stream: a log of millions of records in a heap of 256 MB, and a log still
 * being written (a pipe, standard input) judged as it arrives, the divergence reported while the writer runs.
 */
class StreamingCheckTest {

    /** Records of the long log; {@code -Dlockstep.streamRecords=...} for another length (README: 4 million). */
    static final long RECORDS = Long.getLong("lockstep.streamRecords", 3_000_000L);

    private static List<String> java(String heap, String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-cp", System.getProperty("java.class.path"), "-Dlockstep.home=" + TestPaths.home(), main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static List<String> check(String... args) {
        return java("-Xmx256m", "dev.lockstep.cli.Main", args);
    }

    @Test
    void aLogOfMillionsOfRecordsIsCheckedFromAPipeInA256MegabyteHeap() throws Exception {
        Process p = new ProcessBuilder(check("check", "-")).redirectErrorStream(true).start();
        int actions;
        try (OutputStream in = p.getOutputStream()) {
            actions = SyntheticLog.write(in, RECORDS, -1, 0);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(Main.EXIT_PASS, p.exitValue(), out);
        assertTrue(actions > RECORDS / 2, "records " + RECORDS + ", actions " + actions);
        assertTrue(out.contains("- (seed 5): passed (" + actions + " actions"), out);
    }

    /** A writer that diverges at action 300, then writes a record every 200 ms: it is still running. */
    private static ProcessBuilder slowWriter(String target) {
        return new ProcessBuilder(java("-Xmx64m", SyntheticLog.class.getName(), target, "100000", "300", "200"));
    }

    @Test
    void aNamedPipeIsCheckedAsItIsWrittenAndExitOnDivergenceStopsAtOnce(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("live.jsonl");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Process writer = slowWriter(fifo.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Cli c = Cli.run("check", fifo.toString(), "--exit-on-divergence");
            assertTrue(writer.isAlive(), "the writer must still be writing when check reports");
            assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.out + c.err);
            assertTrue(c.out.contains("DIVERGENCE at action #300") && c.out.contains("version"), c.out);
            assertTrue(c.out.contains("0 passed, 1 failed"), c.out);
            // the reader is gone: the writer's next record fails and it stops
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS), "the writer did not notice the closed pipe");
        } finally {
            writer.destroyForcibly();
        }
    }

    @Test
    void standardInputReportsTheDivergenceWhileTheWriterRuns() throws Exception {
        List<Process> pipe = ProcessBuilder.startPipeline(List.of(
                slowWriter("-").redirectError(ProcessBuilder.Redirect.DISCARD),
                new ProcessBuilder(check("check", "-")).redirectErrorStream(true)));
        Process writer = pipe.get(0);
        Process check = pipe.get(1);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(check.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            for (String l = r.readLine(); l != null && !l.contains("reproduce:"); l = r.readLine()) lines.add(l);
            assertTrue(String.join("\n", lines).contains("DIVERGENCE at action #300"), String.join("\n", lines));
            assertTrue(writer.isAlive() && check.isAlive(), "reported while the log is still being written");
            // without --exit-on-divergence check reads on; a writer killed mid-log leaves a truncated log
            writer.destroyForcibly();
            String rest = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(check.waitFor(60, TimeUnit.SECONDS));
            assertEquals(Main.EXIT_USAGE, check.exitValue(), rest);
            assertTrue(rest.contains("-:") && rest.contains("truncated"), rest);
        } finally {
            writer.destroyForcibly();
            check.destroyForcibly();
        }
    }
}
