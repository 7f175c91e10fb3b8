package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --compress} writes seed-N.jsonl.gz, and every command reading logs takes it as it is. */
class CompressedLogTest {

    private static final String[] RUN = {"run", "--dut", "stub", "--seed", "1", "--count", "2", "--actions", "500",
        "--mutant", "fq_ttyp_shifted", "--dump", "all"};

    private static String[] with(String... more) {
        String[] a = java.util.Arrays.copyOf(RUN, RUN.length + more.length);
        System.arraycopy(more, 0, a, RUN.length, more.length);
        return a;
    }

    @Test
    void aCompressedLogIsTheSameLogAndEveryCommandReadsIt(@TempDir Path dir) throws Exception {
        Cli plain = Cli.run(with("--out", dir.resolve("plain").toString()));
        Cli gz = Cli.run(with("--out", dir.resolve("gz").toString(), "--compress"));
        assertEquals(Main.EXIT_DIVERGENCE, gz.exitCode, gz.err + gz.out);
        assertEquals(plain.out, gz.out);
        Path log = dir.resolve("gz/logs/seed-1.jsonl.gz");
        Path text = dir.resolve("plain/logs/seed-1.jsonl");
        byte[] unzipped;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(log))) {
            unzipped = in.readAllBytes();
        }
        assertArrayEquals(Files.readAllBytes(text), unzipped, "the same records, compressed");
        assertTrue(Files.size(log) * 4 < Files.size(text), Files.size(log) + " vs " + Files.size(text));

        Cli check = Cli.run("check", log.toString());
        Cli checkText = Cli.run("check", text.toString());
        assertEquals(Main.EXIT_DIVERGENCE, check.exitCode, check.err);
        assertEquals(checkText.out.replace(text.toString(), "LOG"), check.out.replace(log.toString(), "LOG"));

        Cli explain = Cli.run("explain", log.toString(), "--action", "3");
        assertEquals(Main.EXIT_PASS, explain.exitCode, explain.err);
        assertEquals(Cli.run("explain", text.toString(), "--action", "3").out.replace(text.toString(), "LOG"),
                explain.out.replace(log.toString(), "LOG"));

        Cli replay = Cli.run("replay", log.toString(), "--out", dir.resolve("replayed").toString(), "--compress");
        assertEquals(Main.EXIT_DIVERGENCE, replay.exitCode, replay.err);
        assertTrue(Files.isRegularFile(dir.resolve("replayed/logs/seed-1.jsonl.gz")));

        Cli merge = Cli.run("merge", dir.resolve("gz").toString(), "--out", dir.resolve("merged").toString());
        assertEquals(Main.EXIT_DIVERGENCE, merge.exitCode, merge.err + merge.out);
        assertArrayEquals(Files.readAllBytes(log), Files.readAllBytes(dir.resolve("merged/logs/seed-1.jsonl.gz")));
    }

    @Test
    void aCompressedLogCutOffIsTruncatedNamingTheLine(@TempDir Path dir) throws Exception {
        Cli gz = Cli.run(with("--out", dir.toString(), "--compress"));
        assertEquals(Main.EXIT_DIVERGENCE, gz.exitCode, gz.err);
        byte[] whole = Files.readAllBytes(dir.resolve("logs/seed-2.jsonl.gz"));
        Path cut = dir.resolve("cut.jsonl.gz");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        Cli c = Cli.run("check", cut.toString());
        assertEquals(Main.EXIT_USAGE, c.exitCode, c.out);
        assertTrue(c.err.contains(cut + ":") && c.err.contains("truncated"), c.err);
    }
}
