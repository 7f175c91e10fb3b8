package dev.lockstep.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import dev.lockstep.regression.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-running: --seeds, --rerun-failed, --fail-fast; and the waiver file's errors. */
class RerunTest {

    private static List<Long> seeds(Path out, boolean failedOnly) throws Exception {
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        List<Long> seeds = new ArrayList<>();
        for (JsonNode r : s.get("seeds")) {
            if (!failedOnly || !r.get("status").asText().equals("passed")) seeds.add(r.get("seed").asLong());
        }
        return seeds;
    }

    @Test
    void seedListsAreSeedsAndRanges() throws Exception {
        assertEquals(List.of(1L, 5L, 10L, 11L, 12L), SeedList.parse("1,5,10-12"));
        assertEquals(List.of(3L, 1L), SeedList.parse("3,1,3"));
        assertThrows(BadInputException.class, () -> SeedList.parse("5-1"));
        assertThrows(BadInputException.class, () -> SeedList.parse("1,,2"));
        assertThrows(BadInputException.class, () -> SeedList.parse("0-99999999"));
        Cli c = Cli.run("run", "--dut", "stub", "--seeds", "x");
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains("--seeds"), c.err);
        assertEquals(Main.EXIT_USAGE, Cli.run("run", "--dut", "stub", "--seeds", "1", "--count", "2").exitCode);
    }

    @Test
    void rerunFailedRunsExactlyTheFailedSeedsWithTheRunsConfiguration(@TempDir Path dir) throws Exception {
        TestPaths.stubLibrary();
        Path first = dir.resolve("first");
        Cli a = Cli.run("run", "--dut", "stub", "--seeds", "1,3-6", "--actions", "800", "--jobs", "2", "--mutant",
                "sum_ignored", "--out", first.toString());
        assertEquals(Main.EXIT_DIVERGENCE, a.exitCode, a.err);
        List<Long> failed = seeds(first, true);
        assertTrue(!failed.isEmpty() && failed.size() < 5, "some seeds fail, not all: " + failed);

        Path again = dir.resolve("again");
        Cli b = Cli.run("run", "--rerun-failed", first.toString(), "--jobs", "2", "--out", again.toString());
        assertEquals(Main.EXIT_DIVERGENCE, b.exitCode, b.err);
        assertEquals(failed, seeds(again, false));
        assertEquals(failed, seeds(again, true), "the same configuration fails them again");
        JsonNode s = new ObjectMapper().readTree(again.resolve("summary.json").toFile());
        assertEquals("sum_ignored", s.get("mutant").asText());
        assertEquals(800, s.get("actions_per_seed").asInt());

        Cli other = Cli.run("run", "--rerun-failed", first.toString(), "--mutant", "ddtp_mode_warl");
        assertEquals(Main.EXIT_USAGE, other.exitCode);
        assertTrue(other.err.contains("--mutant"), other.err);
        assertEquals(Main.EXIT_USAGE, Cli.run("run", "--rerun-failed", first.toString(), "--seed", "3").exitCode);

        Path clean = dir.resolve("clean");
        assertEquals(Main.EXIT_PASS, Cli.run("run", "--dut", "stub", "--seeds", "3", "--out", clean.toString()).exitCode);
        Cli none = Cli.run("run", "--rerun-failed", clean.toString());
        assertEquals(Main.EXIT_USAGE, none.exitCode);
        assertTrue(none.err.contains("no seed failed"), none.err);
    }

    @Test
    void failFastStopsAtTheLowestFailingSeedWhateverTheJobs(@TempDir Path dir) throws Exception {
        TestPaths.stubLibrary();
        Path all = dir.resolve("all");
        Cli.run("run", "--dut", "stub", "--seeds", "3-8", "--actions", "800", "--mutant", "sum_ignored", "--out", all.toString());
        long firstFailing = seeds(all, true).get(0);
        for (String jobs : List.of("1", "2")) {
            Path out = dir.resolve("ff" + jobs);
            Cli c = Cli.run("run", "--dut", "stub", "--seeds", "3-8", "--actions", "800", "--mutant", "sum_ignored",
                    "--fail-fast", "--jobs", jobs, "--out", out.toString());
            assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.err);
            List<Long> ran = seeds(out, false);
            assertEquals(firstFailing, ran.get(ran.size() - 1), "ends at the first failing seed: " + ran);
            assertEquals(List.of(firstFailing), seeds(out, true));
        }
    }

    @Test
    void aBadWaiverFileIsBadUsageNamingTheWaiver(@TempDir Path dir) throws Exception {
        String[][] cases = {
                {"{\"waivers\": [{\"reason\": \"r\", \"tracking\": \"t\"}]}", "waivers[0]: give exactly one of"},
                {"{\"waivers\": [{\"pattern\": \"x*\", \"tracking\": \"t\"}]}", "waivers[0]: missing 'reason'"},
                {"{\"waivers\": [{\"pattern\": \"x*\", \"reason\": \"r\", \"tracking\": \"t\", \"until\": 1}]}", "unknown key 'until'"},
                {"[1]", "'waivers' array"},
                {"{", "w.json:1: not valid JSON"}};
        for (String[] c : cases) {
            Path f = dir.resolve("w.json");
            Files.writeString(f, c[0]);
            Cli r = Cli.run("run", "--dut", "stub", "--count", "1", "--waivers", f.toString());
            assertEquals(Main.EXIT_USAGE, r.exitCode, c[0]);
            assertTrue(r.err.contains("--waivers") && r.err.contains(c[1]), r.err);
        }
        Waivers w = Waivers.read(write(dir, "{\"waivers\": [{\"pattern\": \"register/?dtp/*\", \"reason\": \"r\", \"tracking\": \"t\"}]}"));
        assertTrue(w.test(new Signature("register/ddtp/read back/iommu_mode", "")));
        assertTrue(!w.test(new Signature("register/fctl/read back/WSI", "")));
        Signature s = new Signature("memory write/fault record/TTYP", "");
        Waivers byId = Waivers.read(write(dir, "{\"waivers\": [{\"signature\": \"" + s.id() + "\", \"reason\": \"r\", \"tracking\": \"t\"}]}"));
        assertTrue(byId.test(s));
        assertTrue(s.id().matches("S-[0-9a-f]{8}"));
    }

    private static Path write(Path dir, String text) throws Exception {
        Path f = dir.resolve("w2.json");
        Files.writeString(f, text);
        return f;
    }
}
