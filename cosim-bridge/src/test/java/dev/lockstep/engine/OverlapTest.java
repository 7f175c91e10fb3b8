package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overlapping traffic on the built-in DUT (docs/concurrency.md): windows of requests in flight together,
 * raced by page-table changes, pass on the clean RTL; each concurrency planted bug is caught with overlap
 * and cannot be caught serialized; overlap needs a DUT of C ABI 6.
 */
class OverlapTest {

    @Test
    void overlappingTrafficPassesOnTheCleanDutAndIsLoggedAsWindows(@TempDir Path dir) throws Exception {
        TestPaths.stubLibrary();
        Cli c = Cli.run("run", "--dut", "stub", "--overlap", "4", "--seeds", "1-12", "--jobs", "2", "--dump", "all",
                "--out", dir.toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.out + c.err);
        String log = Files.readString(dir.resolve("logs/seed-1.jsonl"));
        assertTrue(log.contains("\"op\":\"window\""), "the log holds windows");
        assertTrue(log.contains("\"type\":\"accept\"") && log.contains("\"type\":\"cq_head\""), "and ABI 6 events");
        // Requests arrive during windows (docs/concurrency.md, section 18): after the software actions, and after
        // the fence those made available completed; ATS commands race translations.
        // Windows with a second software group (section 19) have requests arriving after it.
        int staggered = 0, afterActions = 0, afterFence = 0, atsRaces = 0, twoGroups = 0, afterSecond = 0;
        try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
            for (Path p : logs.sorted().toList()) {
                com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
                java.util.List<com.fasterxml.jackson.databind.JsonNode> records = new java.util.ArrayList<>();
                for (String line : Files.readAllLines(p)) records.add(json.readTree(line));
                for (int i = 0; i < records.size(); i++) {
                    com.fasterxml.jackson.databind.JsonNode a = records.get(i);
                    if (!a.path("op").asText().equals("window")) continue;
                    if (a.path("during").toString().contains("ATS.INVAL")) atsRaces++;
                    if (a.has("later")) {
                        twoGroups++;
                        int second = a.get("later").get(0).get("gap").asInt();
                        for (com.fasterxml.jackson.databind.JsonNode at : a.path("arrivals")) if (at.asInt() > second) afterSecond++;
                    }
                    if (!a.has("arrivals")) continue;
                    staggered++;
                    java.util.Set<Integer> late = new java.util.HashSet<>();
                    for (int r = 0; r < a.get("arrivals").size(); r++) {
                        if (a.path("during").size() > 0 && a.get("arrivals").get(r).asInt() > a.get("gap").asInt()) {
                            late.add(a.get("requests").get(r).get("tag").asInt());
                        }
                    }
                    afterActions += late.size();
                    long fence = -1;
                    for (int j = i + 1; j < records.size() && !records.get(j).path("type").asText().equals("action"); j++) {
                        com.fasterxml.jackson.databind.JsonNode e = records.get(j);
                        if (e.path("type").asText().equals("cq_head")) fence = e.get("cycle").asLong();
                        if (e.path("type").asText().equals("accept") && late.contains(e.get("tag").asInt()) && fence >= 0
                                && e.get("cycle").asLong() > fence) afterFence++;
                    }
                }
            }
        }
        assertTrue(staggered >= 100 && afterActions >= 20 && afterFence >= 5 && atsRaces >= 5 && twoGroups >= 20
                        && afterSecond >= 10,
                staggered + " staggered windows, " + afterActions + " requests after the software actions, " + afterFence
                        + " accepted after cqh last moved, " + atsRaces + " windows racing an ATS.INVAL, " + twoGroups
                        + " with two software groups, " + afterSecond + " requests after the second");
        // The logs are checked offline as they were live.
        try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
            String[] args = Stream.concat(Stream.of("check"), logs.sorted().map(Path::toString)).toArray(String[]::new);
            Cli check = Cli.run(args);
            assertEquals(Main.EXIT_PASS, check.exitCode, check.out + check.err);
        }
    }

    @Test
    void serializedRunsHaveNoWindows(@TempDir Path dir) throws Exception {
        TestPaths.stubLibrary();
        Cli c = Cli.run("run", "--dut", "stub", "--seeds", "1", "--dump", "all", "--out", dir.toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err);
        assertFalse(Files.readString(dir.resolve("logs/seed-1.jsonl")).contains("\"op\":\"window\""));
    }

    @Test
    void concurrencyBugsAreCaughtWithOverlapAndNotSerialized() throws Exception {
        TestPaths.stubLibrary();
        for (String bug : new String[] {"ovl_cpl_tag_swap", "ovl_cpl_pa_swap", "ovl_cpl_dropped", "ovl_rec_dropped",
                "ovl_rec_mixed", "ovl_inval_busy_walker", "ovl_iotlb_stale_fill", "ovl_ddtc_stale_fill"}) {
            Cli with = Cli.run("run", "--dut", "stub", "--overlap", "4", "--mutant", bug, "--seeds", "1-16", "--jobs", "2",
                    "--fail-fast", "-q");
            assertEquals(Main.EXIT_DIVERGENCE, with.exitCode, bug + " with overlap: " + with.out + with.err);
            Cli serial = Cli.run("run", "--dut", "stub", "--mutant", bug, "--seeds", "1-4", "--jobs", "2", "-q");
            assertEquals(Main.EXIT_PASS, serial.exitCode, bug + " serialized: " + serial.out + serial.err);
        }
    }

    /**
     * Seeds that once diverged falsely at depth 4, each for a reason since fixed: a window's fault record was
     * given to a U-mode request where an S-mode request of the same process and address wrote it (the record's
     * PRIV tells them apart; 600478), and page-request records whose tail move the DUT made at the clock edge
     * of the pqcsr write that cleared pie (600039, 600396); and, in the stimulus of staggered windows, a window whose
     * fault records the DUT wrote in another order than the model, one of them matching two model records (its
     * iotval reported with page offset 0), so that a first-fit matching found no permutation (850046, all scenarios);
     * and a window of prq-race with two Page Requests of one group both marked last, the first queued, the second
     * answered Success by the full queue, whose response was given to the first (950132).
     */
    @Test
    void seedsThatOnceDivergedFalselyPass() {
        TestPaths.stubLibrary();
        Cli c = Cli.run("run", "--dut", "stub", "--overlap", "4", "--seeds", "600478,600039,600396", "--jobs", "2", "-q");
        assertEquals(Main.EXIT_PASS, c.exitCode, c.out + c.err);
        Cli all = Cli.run("run", "--dut", "stub", "--overlap", "4", "--scenario", "all", "--seeds", "850046", "-q");
        assertEquals(Main.EXIT_PASS, all.exitCode, all.out + all.err);
        Cli prq = Cli.run("run", "--dut", "stub", "--overlap", "4", "--scenario", "prq-race", "--seeds", "950132", "-q");
        assertEquals(Main.EXIT_PASS, prq.exitCode, prq.out + prq.err);
        // Two seeds whose walks met a non-leaf PTE with D, A or U set, which the built-in RTL took as a pointer
        // (now a page fault, as the Privileged spec's reserved bits make it).
        Cli nonLeaf = Cli.run("run", "--dut", "stub", "--overlap", "4", "--seeds", "1200314,1200467", "--jobs", "2", "-q");
        assertEquals(Main.EXIT_PASS, nonLeaf.exitCode, nonLeaf.out + nonLeaf.err);
    }

    @Test
    void overlapNeedsAnAbi6DutAndANumber() throws Exception {
        dev.lockstep.FakeDut serialOnly = new dev.lockstep.FakeDut(dev.lockstep.TestConfigs.typical());
        dev.lockstep.regression.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.lockstep.regression.BadInputException.class, () -> Lockstep.overlapDepth("4", serialOnly));
        assertTrue(e.getMessage().contains("ABI 6"), e.getMessage());
        assertEquals(1, Lockstep.overlapDepth("auto", serialOnly));
        Cli c = Cli.run("run", "--dut", "stub", "--overlap", "x", "--seeds", "1");
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains("--overlap"), c.err);
        Cli zero = Cli.run("run", "--dut", "stub", "--overlap", "0", "--seeds", "1");
        assertEquals(Main.EXIT_USAGE, zero.exitCode);
    }
}
