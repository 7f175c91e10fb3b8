package dev.lockstep.triage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triage with several planted bugs of the built-in DUT enabled together: each bug gets its own failure
 * signature, the same across seeds and --jobs; waiving the bug that hides the others reveals them;
 * the reports are byte-identical for the same seeds.
 */
class TriageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEEDS = "1-8";
    /** Four bugs of different units: a WARL register, a permission check, a PCIe message, the EN_ATS check. */
    private static final List<String> BUGS = List.of("ddtp_mode_warl", "sum_ignored", "prgr_index_shifted",
            "translated_no_en_ats");
    private static final String ALL = String.join(",", BUGS);
    /** Each bug's signatures when it is alone in the DUT (every divergence of those seeds). */
    private static final Map<String, Set<String>> ALONE = new TreeMap<>();

    @TempDir
    static Path dir;

    private static JsonNode run(String name, String... extra) throws Exception {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("run", "--dut", "stub", "--seeds", SEEDS, "--out", out.toString()));
        args.addAll(List.of(extra));
        Cli c = Cli.run(args.toArray(String[]::new));
        assertTrue(c.exitCode == Main.EXIT_PASS || c.exitCode == Main.EXIT_DIVERGENCE, c.err + c.out);
        return JSON.readTree(out.resolve("summary.json").toFile());
    }

    private static Set<String> keys(JsonNode summary, String status) {
        Set<String> keys = new TreeSet<>();
        for (JsonNode s : summary.get("signatures")) if (s.get("status").asText().equals(status)) keys.add(s.get("key").asText());
        return keys;
    }

    @BeforeAll
    static void eachBugAlone() throws Exception {
        TestPaths.stubLibrary();
        for (String bug : BUGS) ALONE.put(bug, keys(run("alone-" + bug, "--mutant", bug, "--max-divergences", "50"), "failing"));
    }

    /** The bug whose alone-signatures contain {@code key}: exactly one, or the test fails. */
    private static String owner(String key) {
        List<String> owners = ALONE.entrySet().stream().filter(e -> e.getValue().contains(key)).map(Map.Entry::getKey).toList();
        assertEquals(1, owners.size(), key + " belongs to " + owners + "; alone: " + ALONE);
        return owners.get(0);
    }

    @Test
    void oneSignaturePerBugStableAcrossSeedsAndJobs() throws Exception {
        for (Map.Entry<String, Set<String>> e : ALONE.entrySet()) {
            assertEquals(1, e.getValue().size(), e.getKey() + " alone gives " + e.getValue());
        }
        JsonNode one = run("all-j1", "--mutant", ALL, "--jobs", "1", "--max-divergences", "50");
        JsonNode two = run("all-j2", "--mutant", ALL, "--jobs", "2", "--max-divergences", "50");
        assertEquals(one, two);
        Set<String> bugs = new TreeSet<>();
        for (String key : keys(one, "failing")) bugs.add(owner(key));
        assertEquals(new TreeSet<>(BUGS), bugs, "every bug shows, under its own signature");
        for (String f : List.of("summary.json", "junit.xml", "report.html")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("all-j1").resolve(f)),
                    Files.readAllBytes(dir.resolve("all-j2").resolve(f)), f);
        }
        String junit = Files.readString(dir.resolve("all-j1/junit.xml"));
        assertTrue(junit.contains("message=\"S-"), "junit failure messages start with the signature");
    }

    @Test
    void waivingTheBugThatHidesTheOthersRevealsThem() throws Exception {
        JsonNode plain = run("plain", "--mutant", ALL, "--jobs", "2");
        String ddtp = ALONE.get("ddtp_mode_warl").iterator().next();
        String sum = ALONE.get("sum_ignored").iterator().next();
        Map<Long, String> firstBefore = firstSignatures(plain);
        assertTrue(firstBefore.values().stream().filter(ddtp::equals).count() >= 3,
                "ddtp_mode_warl comes first in most seeds: " + firstBefore);
        assertFalse(keys(plain, "failing").contains(ALONE.get("prgr_index_shifted").iterator().next()));

        Path oneWaiver = write("w1.json", "{\"waivers\": [{\"signature\": \"" + new Signature(ddtp, "").id()
                + "\", \"reason\": \"WARL decode of bit 3 only\", \"tracking\": \"BUG-1\"},"
                + " {\"pattern\": \"register/fctl/*\", \"reason\": \"fixed long ago\", \"tracking\": \"BUG-0\"}]}");
        JsonNode waived = run("waived", "--mutant", ALL, "--jobs", "2", "--waivers", oneWaiver.toString());
        assertEquals(Set.of(ddtp), keys(waived, "waived"));
        assertFalse(keys(waived, "failing").contains(ddtp));
        Map<Long, String> firstAfter = firstSignatures(waived);
        for (Map.Entry<Long, String> e : firstBefore.entrySet()) {
            if (!e.getValue().equals(ddtp)) {
                assertEquals(e.getValue(), firstAfter.get(e.getKey()), "a seed ddtp did not hide is unchanged");
            } else if (firstAfter.get(e.getKey()) != null) {
                assertTrue(Set.of("sum_ignored", "prgr_index_shifted", "translated_no_en_ats")
                        .contains(owner(firstAfter.get(e.getKey()))), "revealed in seed " + e.getKey());
            }
        }
        assertTrue(firstAfter.values().stream().filter(sum::equals).count() > firstBefore.values().stream()
                .filter(sum::equals).count(), "waiving ddtp_mode_warl reveals sum_ignored in seeds it hid it in");
        JsonNode waivers = waived.get("waivers");
        assertTrue(waivers.get(0).get("matched").asInt() >= 3);
        assertTrue(waivers.get(1).get("stale").asBoolean(), "a waiver that matched nothing is stale");

        Path twoWaivers = write("w2.json", "{\"waivers\": [{\"pattern\": \"register/ddtp/*\", \"reason\": \"r\", "
                + "\"tracking\": \"BUG-1\"}, {\"signature\": \"" + sum + "\", \"reason\": \"r\", \"tracking\": \"BUG-2\"}]}");
        JsonNode both = run("waived2", "--mutant", ALL, "--jobs", "2", "--waivers", twoWaivers.toString());
        assertTrue(keys(both, "failing").contains(ALONE.get("prgr_index_shifted").iterator().next()),
                "waiving two reveals the third: " + keys(both, "failing"));
        JsonNode again = run("waived2-j1", "--mutant", ALL, "--jobs", "1", "--waivers", twoWaivers.toString());
        for (String f : List.of("summary.json", "junit.xml", "report.html")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("waived2").resolve(f)),
                    Files.readAllBytes(dir.resolve("waived2-j1").resolve(f)), f);
        }
        assertEquals(both, again);
    }

    /**
     * After each divergence the model adopts what the DUT did, so a bug that repeats is reported again and
     * again under its own signature, never as the consequences adoption prevents: no end-of-seed memory
     * difference for the fault records the DUT wrote wrongly (DUT's bytes adopted) nor for the D bits it
     * did not set (the model's own write undone), and no register difference for the queue pointers.
     * Checking the logs gives the same verdicts.
     */
    @Test
    void adoptionLeavesOnlyTheBugsOwnDivergences() throws Exception {
        for (String bug : List.of("fq_ttyp_shifted", "d_bit_ignored")) {
            JsonNode s = run("adopt-" + bug, "--mutant", bug, "--max-divergences", "200", "--dump", "all");
            int divergences = 0;
            Set<String> keys = new TreeSet<>();
            for (JsonNode seed : s.get("seeds")) {
                List<JsonNode> all = new ArrayList<>();
                if (seed.has("divergence")) all.add(seed.get("divergence"));
                seed.path("later_divergences").forEach(all::add);
                for (JsonNode d : all) keys.add(d.get("signature").get("key").asText());
                divergences += all.size();
            }
            assertTrue(divergences >= 5, bug + ": " + divergences + " divergences");
            for (String key : keys) {
                assertTrue(key.startsWith(bug.equals("fq_ttyp_shifted") ? "memory write/fault record"
                        : "memory write/missing A|D update") || key.contains("PTE_D_CLEAR"), bug + ": " + keys);
            }
            Path logs = dir.resolve("adopt-" + bug).resolve("logs");
            List<String> args = new ArrayList<>(List.of("check"));
            try (var files = Files.list(logs)) {
                files.sorted().forEach(f -> args.add(f.toString()));
            }
            Cli check = Cli.run(args.toArray(String[]::new));
            assertEquals(Main.EXIT_DIVERGENCE, check.exitCode, check.err);
            assertTrue(check.out.endsWith(s.get("passed").asInt() + " passed, " + s.get("failed").asInt() + " failed\n"),
                    check.out);
        }
    }

    /**
     * Bugs whose first divergences used to split by seed or to share a signature with another (the command
     * queue's head past the end versus retired too early; an extra fault record the DTF rule or the full
     * queue should have kept out) enabled
     * together: each bug has one signature of its own, in every seed and with any --jobs; waiving the one
     * that comes first most often shows the others in the seeds it hid them in; the same seeds give the
     * same bytes.
     */
    @Test
    void bugsOfEveryKindOneSignatureEach() throws Exception {
        List<String> bugs = List.of("iofence_early", "cqh_no_wrap", "dtf_ignored", "fq_full_no_wrap");
        Map<String, String> alone = new TreeMap<>();
        for (String bug : bugs) {
            Set<String> k = keys(run("kinds-" + bug, "--mutant", bug), "failing");
            assertEquals(1, k.size(), bug + " alone gives " + k);
            alone.put(k.iterator().next(), bug);
        }
        assertEquals(bugs.size(), alone.size(), "no two bugs share a signature: " + alone);
        String all = String.join(",", bugs);
        JsonNode one = run("kinds-j1", "--mutant", all, "--jobs", "1");
        JsonNode two = run("kinds-j2", "--mutant", all, "--jobs", "2");
        assertEquals(one, two);
        for (String f : List.of("summary.json", "junit.xml", "report.html")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("kinds-j1").resolve(f)),
                    Files.readAllBytes(dir.resolve("kinds-j2").resolve(f)), f);
        }
        Map<Long, String> first = firstSignatures(one);
        for (String key : first.values()) assertTrue(alone.containsKey(key), key + " is none of " + alone);
        Map<String, Long> counts = new TreeMap<>();
        for (String key : first.values()) counts.merge(key, 1L, Long::sum);
        String top = counts.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();

        Path w = write("kinds-w.json", "{\"waivers\": [{\"signature\": \"" + new Signature(top, "").id()
                + "\", \"reason\": \"known\", \"tracking\": \"BUG-7\"}]}");
        JsonNode waived = run("kinds-waived", "--mutant", all, "--jobs", "2", "--waivers", w.toString());
        Map<Long, String> after = firstSignatures(waived);
        int revealed = 0;
        for (Map.Entry<Long, String> e : first.entrySet()) {
            String now = after.get(e.getKey());
            if (!e.getValue().equals(top)) {
                assertEquals(e.getValue(), now, "seed " + e.getKey() + " did not show the waived bug first");
            } else if (now != null) {
                assertTrue(alone.containsKey(now) && !now.equals(top), "seed " + e.getKey() + " now shows " + now);
                revealed++;
            }
        }
        assertTrue(revealed > 0, "waiving " + alone.get(top) + " reveals another bug: " + after);
        run("kinds-waived-again", "--mutant", all, "--jobs", "1", "--waivers", w.toString());
        for (String f : List.of("summary.json", "junit.xml", "report.html")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("kinds-waived").resolve(f)),
                    Files.readAllBytes(dir.resolve("kinds-waived-again").resolve(f)), f);
        }
    }

    /** The reported (first) divergence's signature key of each failing seed. */
    private static Map<Long, String> firstSignatures(JsonNode summary) {
        Map<Long, String> m = new LinkedHashMap<>();
        for (JsonNode s : summary.get("seeds")) {
            if (s.has("divergence")) m.put(s.get("seed").asLong(), s.get("divergence").get("signature").get("key").asText());
        }
        return m;
    }

    private static Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
