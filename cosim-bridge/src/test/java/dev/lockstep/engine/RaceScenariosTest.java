package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directed races (stimulus/RaceStimulus) on the built-in DUT at overlap 4: each passes on the clean RTL
 * over several seeds with its software actions landing while requests are in flight (read from the seed
 * logs), and catches the planted bugs it is meant for; serialized, a race is refused, and {@code all}
 * takes the races into its turn only with overlap.
 */
class RaceScenariosTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void unmapRaceLandsInsideTheWalksAndCatchesStaleIotlbEntries(@TempDir Path dir) throws Exception {
        List<Window> windows = clean("unmap-race", dir);
        assertTrue(windows.stream().filter(w -> w.during > 0).count() >= 3 * 32, "32 unmaps per seed");
        // software groups (docs/concurrency.md, section 19): two pages unmapped in one window, and one page
        // unmapped and mapped again (the same PTE stored by both groups)
        int twoGroups = 0;
        int sameWord = 0;
        for (Path log : logs(dir)) {
            for (JsonNode r : records(log)) {
                if (!r.path("op").asText().equals("window") || !r.has("later")) continue;
                twoGroups++;
                java.util.Set<String> first = new java.util.HashSet<>();
                for (JsonNode a : r.get("during")) if (a.has("pa")) first.add(a.get("pa").asText());
                for (JsonNode a : r.get("later").get(0).get("during")) if (a.has("pa") && first.contains(a.get("pa").asText())) {
                    sameWord++;
                    break;
                }
            }
        }
        assertTrue(twoGroups >= 3 * 16 && sameWord >= 3 * 8, twoGroups + " windows of two groups, " + sameWord
                + " storing one PTE in both");
        assertTrue(inFlight(windows) >= 48, "unmaps applied while requests were in flight: " + inFlight(windows));
        assertTrue(faults(windows, 13) + faults(windows, 15) > 0, "the unmapped page faults after the fence");
        // DMA goes on: requests submitted after the unmap, accepted both before and after the fence completed
        assertTrue(windows.stream().mapToInt(w -> w.lateBeforeFence).sum() > 0, "a request after the unmap, before the fence");
        assertTrue(windows.stream().mapToInt(w -> w.lateAfterFence).sum() > 0, "a request after the unmap and the fence");
        killed("unmap-race", "ovl_inval_busy_walker");
        killed("unmap-race", "inval_vma_superpage");
        // the two-stage rounds: an IOTINVAL inside the final G-stage walk must cancel the walk's IOTLB fill
        killed("unmap-race", "ovl_iotlb_stale_fill");
        // the map again: a retry arriving after the map store joined to the walk that read the PTE with V=0
        killed("unmap-race", "ovl_miss_merge");
        // DMA through the fence: an invalidation held past the IOFENCE.C while a walker serves a request the fence
        // did not wait for, hit by a request accepted after the fence (docs/concurrency.md, section 19)
        killed("unmap-race", "ovl_inval_held");
    }

    @Test
    void detachRaceFaultsTheDetachedDeviceAndCatchesAStaleDeviceContext(@TempDir Path dir) throws Exception {
        List<Window> windows = clean("detach-race", dir);
        assertTrue(inFlight(windows) >= 96, "detaches and attaches while requests were in flight: " + inFlight(windows));
        assertTrue(faults(windows, 258) > 0, "requests of the detached device fault with 258");
        killed("detach-race", "ddtc_inval_last");
        killed("detach-race", "ovl_ddtc_stale_fill");
    }

    @Test
    void faultQueueRaceOverflowsInsideOneWindowAndCatchesLostAndMixedRecords(@TempDir Path dir) throws Exception {
        List<Window> windows = clean("fq-overflow-race", dir);
        long drains = windows.stream().filter(w -> w.during > 0).count();
        assertTrue(drains >= 3 * 16, "16 racing drains per seed: " + drains);
        long recordedAfter = windows.stream().filter(w -> w.during > 0 && w.writesAfter > 0).count();
        assertTrue(recordedAfter >= 12, "windows with records written after software drained the queue and cleared "
                + "fqof: " + recordedAfter);
        killed("fq-overflow-race", "ovl_rec_dropped");
        killed("fq-overflow-race", "ovl_rec_mixed");
        killed("fq-overflow-race", "fq_full_no_wrap");
    }

    @Test
    void pageRequestQueueRaceMeetsTheQueueOffAndFullAndCatchesAStopMarkerResponse(@TempDir Path dir) throws Exception {
        List<Window> windows = clean("prq-race", dir);
        assertTrue(inFlight(windows) >= 24, "pqcsr written while ATS requests were in flight: " + inFlight(windows));
        // Page Requests in flight while software turns the queue off, or resizes it and turns it on: in many
        // windows the DUT handled some before the pqcsr write took effect and some after it.
        long split = windows.stream().filter(w -> w.pages > 0 && w.handledBefore > 0 && w.handledAfter > 0).count();
        assertTrue(split >= 16, "windows whose Page Requests the DUT handled on both sides of the pqcsr write: " + split);
        Set<Long> codes = new HashSet<>();
        for (Path log : logs(dir)) {
            for (JsonNode n : records(log)) {
                if (n.path("message").asText().equals("page_request_group_response")) {
                    codes.add((Long.decode(n.get("payload").asText()) >>> 44) & 0xf);
                }
            }
        }
        assertTrue(codes.contains(0xfL) && codes.contains(0L), "Response Failure (queue off) and Success (full): " + codes);
        killed("prq-race", "prq_stop_marker_response");
        // Page Requests in flight while pqen is cleared, or set: a record torn by the disable, a request taken
        // just after the enable checked against the old tail (seeds 21 and 24 of the race reach that cycle).
        killed("prq-race", "ovl_prq_torn_record");
        killed("prq-race", "ovl_prq_enable_tail", "21-24");
        for (String bug : new String[] {"ovl_prq_torn_record", "ovl_prq_enable_tail"}) {
            Cli serial = Cli.run("run", "--dut", "stub", "--mutant", bug, "--seeds", "1-4", "--jobs", "2", "-q");
            assertEquals(Main.EXIT_PASS, serial.exitCode, bug + " serialized: " + serial.out + serial.err);
        }
    }

    @Test
    void racesNeedOverlapAndJoinTheAllTurnOnlyWithIt() {
        Cli c = Cli.run("run", "--dut", "stub", "--scenario", "detach-race", "--seeds", "1");
        assertEquals(Main.EXIT_USAGE, c.exitCode, c.out + c.err);
        assertTrue(c.err.contains("--overlap"), c.err);
        assertEquals(Scenario.directedScenarios(), Scenario.rotation(1));
        // Serialized, the turn is the directed scenarios alone, as it was before the races.
        for (long seed = 1; seed <= 200; seed++) assertEquals(null, Scenario.ALL.forSeed(seed).race, "seed " + seed);
        // With overlap the races take every other place from the second on: all four within the first 24 seeds.
        assertEquals(Scenario.PROBE, Scenario.ALL.forSeed(3, 4));
        assertEquals(Scenario.UNMAP_RACE, Scenario.ALL.forSeed(6, 4));
        assertEquals(Scenario.QUEUE_SETUP, Scenario.ALL.forSeed(9, 4));
        assertEquals(Scenario.PRQ_RACE, Scenario.ALL.forSeed(24, 4));
        assertEquals(Scenario.directedScenarios().size() + 4, Scenario.rotation(4).size());
        assertFalse(Scenario.directedScenarios().contains(Scenario.UNMAP_RACE));
    }

    // ------------------------------------------------------------------ helpers

    /** Seeds 1-3 of {@code scenario} at overlap 4 pass on the clean DUT; their windows, from the logs. */
    private static List<Window> clean(String scenario, Path dir) throws Exception {
        TestPaths.stubLibrary();
        Cli c = Cli.run("run", "--dut", "stub", "--overlap", "4", "--scenario", scenario, "--seeds", "1-3", "--jobs", "2",
                "--dump", "all", "--out", dir.toString(), "-q");
        assertEquals(Main.EXIT_PASS, c.exitCode, scenario + ": " + c.out + c.err);
        List<Window> windows = new ArrayList<>();
        for (Path log : logs(dir)) windows.addAll(windows(records(log)));
        return windows;
    }

    /** The bug is caught by the race at overlap 4 within seeds 1-6 (or {@code seeds}). */
    private static void killed(String scenario, String bug) {
        killed(scenario, bug, "1-6");
    }

    private static void killed(String scenario, String bug, String seeds) {
        Cli c = Cli.run("run", "--dut", "stub", "--overlap", "4", "--scenario", scenario, "--mutant", bug, "--seeds", seeds,
                "--jobs", "2", "--fail-fast", "-q");
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, scenario + " with " + bug + ": " + c.out + c.err);
    }

    /**
     * A window of a log: its software actions ({@code during}, 0 for none), when they took effect at the
     * latest (the window's cycle plus its gap), the completions after that and their causes, the DUT's
     * memory writes after that, its Page Requests, the DUT's writes and messages before and after it, and of
     * its requests submitted after the software actions those the DUT accepted before and after cqh last moved.
     */
    private record Window(int during, long applied, int completedAfter, List<Integer> causes, int writesAfter, int pages,
                          int handledBefore, int handledAfter, int lateBeforeFence, int lateAfterFence) {}

    private static List<Window> windows(List<JsonNode> records) {
        List<Window> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode a = records.get(i);
            if (!a.path("type").asText().equals("action") || !a.path("op").asText().equals("window")) continue;
            int during = a.path("during").size();
            long applied = a.get("cycle").asLong() + a.get("gap").asLong();
            int after = 0;
            int writes = 0;
            int before = 0;
            int handledAfter = 0;
            List<Integer> causes = new ArrayList<>();
            Set<Integer> late = new HashSet<>();
            for (int r = 0; r < a.path("arrivals").size(); r++) {
                if (during > 0 && a.get("arrivals").get(r).asLong() > a.get("gap").asLong()) {
                    late.add(a.get("requests").get(r).get("tag").asInt());
                }
            }
            long lastCqHead = -1;
            List<Long> lateAccepts = new ArrayList<>();
            for (int j = i + 1; j < records.size() && !records.get(j).path("type").asText().equals("action"); j++) {
                JsonNode e = records.get(j);
                String type = e.path("type").asText();
                if (type.equals("completion")) {
                    causes.add(e.get("cause").asInt());
                    if (e.get("cycle").asLong() > applied) after++;
                }
                if (type.equals("mem_write") && e.get("cycle").asLong() > applied) writes++;
                if (type.equals("cq_head")) lastCqHead = e.get("cycle").asLong();
                if (type.equals("accept") && late.contains(e.get("tag").asInt())) lateAccepts.add(e.get("cycle").asLong());
                // what the DUT did with Page Requests: their records (in no other memory here) and responses
                if (type.equals("mem_write") || type.equals("message")) {
                    if (e.get("cycle").asLong() < applied) before++;
                    else handledAfter++;
                }
            }
            long fence = lastCqHead;
            int afterFence = (int) lateAccepts.stream().filter(c -> fence >= 0 && c > fence).count();
            out.add(new Window(during, applied, after, causes, writes, a.path("page_requests").size(), before, handledAfter,
                    lateAccepts.size() - afterFence, afterFence));
        }
        return out;
    }

    /** Windows whose software actions took effect while one of their requests was still in flight. */
    private static long inFlight(List<Window> windows) {
        return windows.stream().filter(w -> w.during > 0 && w.completedAfter > 0).count();
    }

    private static long faults(List<Window> windows, int cause) {
        return windows.stream().flatMap(w -> w.causes.stream()).filter(c -> c == cause).count();
    }

    private static List<Path> logs(Path dir) throws IOException {
        try (var s = Files.list(dir.resolve("logs"))) {
            return s.sorted().toList();
        }
    }

    private static List<JsonNode> records(Path log) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) out.add(JSON.readTree(line));
        return out;
    }
}
