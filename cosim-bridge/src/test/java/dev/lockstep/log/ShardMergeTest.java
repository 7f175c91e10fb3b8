package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Shard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards of a run, merged, give the unsharded run's reports byte for byte. */
class ShardMergeTest {

    @Test
    void shardsSplitTheSeedListByPosition() throws Exception {
        List<Long> seeds = List.of(10L, 11L, 12L, 13L, 14L);
        assertEquals(List.of(10L, 12L, 14L), Shard.parse("1/2").select(seeds));
        assertEquals(List.of(11L, 13L), Shard.parse("2/2").select(seeds));
        assertEquals(seeds, Shard.parse("1/1").select(seeds));
        for (String bad : List.of("0/2", "3/2", "1/0", "a/b", "1", "1/2/3")) {
            assertThrows(BadInputException.class, () -> Shard.parse(bad), bad);
        }
        Cli c = Cli.run("run", "--shard", "3/2");
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains("--shard"), c.err);
    }

    @Test
    void mergingTheShardsEqualsTheUnshardedRun(@TempDir Path dir) throws Exception {
        // A planted bug that some seeds reach and some do not, so both kinds of test case are merged.
        String[] common = {"run", "--dut", "stub", "--seed", "1", "--count", "5", "--actions", "600", "--mutant",
                "write_checks_r"};
        Path whole = dir.resolve("whole");
        int code = Cli.run(concat(common, "--out", whole.toString())).exitCode;
        Path s1 = dir.resolve("shard-1");
        Path s2 = dir.resolve("shard-2");
        Cli c1 = Cli.run(concat(common, "--shard", "1/2", "--out", s1.toString()));
        Cli c2 = Cli.run(concat(common, "--shard", "2/2", "--out", s2.toString(), "--jobs", "2"));
        assertTrue(c1.out.contains("seed 3") && !c1.out.contains("seed 2:"), c1.out);
        assertTrue(c2.out.contains("seed 4") && !c2.out.contains("seed 3:"), c2.out);
        Path merged = dir.resolve("merged");
        Cli m = Cli.run("merge", s2.toString(), s1.toString(), "--out", merged.toString());
        assertEquals(code, m.exitCode, m.err);
        String summary = Files.readString(merged.resolve("summary.json"));
        assertTrue(summary.contains("\"passed\"") && summary.contains("\"diverged\""), summary);
        assertEquals("", m.err);
        for (String report : List.of("summary.json", "junit.xml")) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(report)), Files.readAllBytes(merged.resolve(report)),
                    report);
        }
        try (var logs = Files.list(whole.resolve("logs"))) {
            for (Path log : logs.toList()) {
                assertArrayEquals(Files.readAllBytes(log), Files.readAllBytes(merged.resolve("logs").resolve(log.getFileName())));
            }
        }
    }

    @Test
    void mergeRefusesMissingAndOverlappingShards(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "2", "--actions", "100", "--out", a.toString());
        Cli overlap = Cli.run("merge", a.toString(), a.toString(), "--out", dir.resolve("m").toString());
        assertEquals(Main.EXIT_USAGE, overlap.exitCode);
        assertTrue(overlap.err.contains("seed 1 is also in"), overlap.err);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli missing = Cli.run("merge", a.toString(), empty.toString(), "--out", dir.resolve("m").toString());
        assertEquals(Main.EXIT_USAGE, missing.exitCode);
        assertTrue(missing.err.contains(empty.resolve("summary.json") + ": missing"), missing.err);
        Files.writeString(empty.resolve("summary.json"), "{\"schema_version\": 1, \"tool\": ");
        Files.writeString(empty.resolve("junit.xml"), "<testsuites/>");
        Cli broken = Cli.run("merge", a.toString(), empty.toString(), "--out", dir.resolve("m").toString());
        assertEquals(Main.EXIT_USAGE, broken.exitCode);
        assertTrue(broken.err.contains(empty.resolve("summary.json").toString()), broken.err);
    }

    @Test
    void summaryRecordsWhatWasRunAndMergeRefusesShardsOfDifferentRunsOrAMissingShard(@TempDir Path dir)
            throws Exception {
        String[] common = {"run", "--dut", "stub", "--seed", "4", "--count", "3", "--actions", "100",
            "--dut-config", "mem_latency=2"};
        Path s1 = dir.resolve("s1");
        Path s2 = dir.resolve("s2");
        Path s3 = dir.resolve("s3");
        Path other = dir.resolve("other");
        assertEquals(Main.EXIT_PASS, Cli.run(concat(common, "--shard", "1/3", "--out", s1.toString())).exitCode);
        assertEquals(Main.EXIT_PASS, Cli.run(concat(common, "--shard", "2/3", "--out", s2.toString())).exitCode);
        assertEquals(Main.EXIT_PASS, Cli.run(concat(common, "--shard", "3/3", "--out", s3.toString(),
                "--scenario", "registers")).exitCode);
        var run = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s1.resolve("summary.json").toFile()).get("run");
        assertEquals("all", run.get("scenario").asText());
        assertEquals("rtl-stubs/config.json", run.get("config_file").asText());
        assertTrue(run.get("config").get("capabilities").asText().startsWith("0x"), run.toString());
        assertEquals("mem_latency=2", run.get("dut_config").asText());
        assertEquals(4, run.get("seeds").get("first").asLong());
        assertEquals(3, run.get("seeds").get("count").asLong());
        assertEquals("1/3", run.get("seeds").get("shard").asText());
        assertTrue(run.get("coverage_goal").isNull());
        assertEquals(false, run.get("interrupted").asBoolean());

        Cli different = Cli.run("merge", s1.toString(), s2.toString(), s3.toString(), "--out", other.toString());
        assertEquals(Main.EXIT_USAGE, different.exitCode);
        assertTrue(different.err.contains("shards of different runs"), different.err);
        Cli missing = Cli.run("merge", s1.toString(), s2.toString(), "--out", other.toString());
        assertEquals(Main.EXIT_USAGE, missing.exitCode);
        assertTrue(missing.err.contains("missing shard 3/3"), missing.err);
        Cli twice = Cli.run("merge", s1.toString(), s1.toString(), "--out", other.toString());
        assertEquals(Main.EXIT_USAGE, twice.exitCode);
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
