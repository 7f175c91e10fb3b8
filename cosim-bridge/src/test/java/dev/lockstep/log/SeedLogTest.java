package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed logs with the real stub DUT: written by run, judged by check, driven again by replay. */
class SeedLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACTIONS = "400";

    private static Path runAll(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--dut", "stub", "--actions", ACTIONS, "--dump", "all",
                "--out", out.toString()));
        args.addAll(List.of(extra));
        Cli c = Cli.run(args.toArray(String[]::new));
        assertTrue(c.exitCode == Main.EXIT_PASS || c.exitCode == Main.EXIT_DIVERGENCE, c.err + c.out);
        return out.resolve("logs");
    }

    @Test
    void theSameSeedGivesTheSameLogBytesWhateverTheScheduling(@TempDir Path a, @TempDir Path b) throws Exception {
        Path one = runAll(a, "--seed", "1", "--count", "3", "--jobs", "1");
        Path two = runAll(b, "--seed", "2", "--count", "2", "--jobs", "2");
        for (String seed : List.of("2", "3")) {
            byte[] first = Files.readAllBytes(one.resolve("seed-" + seed + ".jsonl"));
            assertTrue(first.length > 1000);
            assertArrayEquals(first, Files.readAllBytes(two.resolve("seed-" + seed + ".jsonl")), "seed " + seed);
        }
    }

    @Test
    void dumpFailingKeepsOnlyFailingSeedsAndNoPartialFiles(@TempDir Path out) throws Exception {
        Cli c = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "2", "--actions", ACTIONS,
                "--out", out.toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err);
        try (var files = Files.list(out.resolve("logs"))) {
            assertEquals(0, files.count());
        }
        Cli m = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--mutant", "fq_ttyp_shifted",
                "--out", out.toString(), "--replace");
        assertEquals(Main.EXIT_DIVERGENCE, m.exitCode, m.err);
        try (var files = Files.list(out.resolve("logs"))) {
            assertEquals(List.of("seed-1.jsonl"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aPassingLogChecksWithoutTheRtl(@TempDir Path out) {
        Path log = runAll(out, "--seed", "1", "--count", "1").resolve("seed-1.jsonl");
        Cli c = Cli.run("check", log.toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err + c.out);
        assertTrue(c.out.contains("(seed 1): passed (" + ACTIONS + " actions"), c.out);
        assertTrue(c.out.endsWith("1 passed, 0 failed\n") || c.out.endsWith("1 passed, 0 failed\r\n"), c.out);
    }

    @Test
    void aTamperedCompletionAddressIsADivergence(@TempDir Path out) throws Exception {
        // Seed 2 translates successfully within its first actions (no fault behind the completion).
        Path log = runAll(out, "--seed", "2", "--count", "1").resolve("seed-2.jsonl");
        Path tampered = out.resolve("tampered.jsonl");
        int line = edit(log, tampered, r -> r.get("type").asText().equals("completion") && r.get("status").asInt() == 0
                        && r.get("cause").asInt() == 0,
                r -> r.put("pa", "0x" + Long.toHexString(Long.decode(r.get("pa").asText()) + 0x1000)));
        Cli c = Cli.run("check", tampered.toString());
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.err + c.out);
        assertTrue(c.out.contains("DIVERGENCE at action #"), c.out);
        assertTrue(c.out.contains("PA             [63:0]"), c.out);
        assertTrue(line > 1);
    }

    @Test
    void aTamperedFaultRecordIsReportedFieldByField(@TempDir Path out) throws Exception {
        Path log = runAll(out, "--seed", "1", "--count", "1").resolve("seed-1.jsonl");
        String fqb = null;
        // The fault queue's first record starts at the first mem_write following a faulting completion.
        List<String> lines = Files.readAllLines(log);
        boolean afterFault = false;
        for (String l : lines) {
            ObjectNode r = (ObjectNode) JSON.readTree(l);
            if (r.get("type").asText().equals("completion")) afterFault = r.get("status").asInt() != 0;
            if (afterFault && r.get("type").asText().equals("mem_write")) {
                fqb = r.get("addr").asText();
                break;
            }
        }
        assertTrue(fqb != null, "no fault record in the log");
        String recordStart = fqb;
        Path tampered = out.resolve("tampered.jsonl");
        // DW0 of the record: flip a TTYP bit (bit 34).
        edit(log, tampered, r -> r.get("type").asText().equals("mem_write") && r.get("addr").asText().equals(recordStart),
                r -> r.put("data", "0x" + Long.toHexString(Long.parseUnsignedLong(r.get("data").asText().substring(2), 16)
                        ^ (1L << 34))));
        Cli c = Cli.run("check", tampered.toString());
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.err + c.out);
        assertTrue(c.out.contains("fault record at " + recordStart) && c.out.contains("TTYP"), c.out);
    }

    @Test
    void outboundMessagesAndPrivAreLoggedAndChecked(@TempDir Path out) throws Exception {
        Path log = runAll(out, "--scenario", "ats", "--seed", "1", "--count", "1").resolve("seed-1.jsonl");
        String text = Files.readString(log);
        assertTrue(text.contains("\"type\":\"message\",") && text.contains("page_request_group_response"), text);
        assertTrue(text.contains("\"priv\":true"), "a completion with Priv set");
        assertTrue(text.contains("\"no_write\":true") && text.contains("\"exec_requested\":true"),
                "ATS requests with No Write and Execute Requested");
        assertEquals(Main.EXIT_PASS, Cli.run("check", log.toString()).exitCode);
        Path tampered = out.resolve("tampered.jsonl");
        edit(log, tampered, r -> r.get("type").asText().equals("message"), r -> r.put("rid", r.get("rid").asInt() ^ 1));
        Cli c = Cli.run("check", tampered.toString());
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.err + c.out);
        assertTrue(c.out.contains("outbound message #0") && c.out.contains("RID"), c.out);

        Path misplaced = out.resolve("misplaced.jsonl");
        edit(log, misplaced, r -> r.get("type").asText().equals("action") && r.path("op").asText().equals("translate")
                && r.path("ttyp").asInt() != 8, r -> r.put("no_write", true));
        Cli bad = Cli.run("check", misplaced.toString());
        assertEquals(Main.EXIT_USAGE, bad.exitCode, bad.err + bad.out);
        assertTrue(bad.err.contains("no_write") && bad.err.contains("ttyp 8"), bad.err);
    }

    @Test
    void aTruncatedLogIsBadInputNamingTheLine(@TempDir Path out) throws Exception {
        Path log = runAll(out, "--seed", "1", "--count", "1").resolve("seed-1.jsonl");
        List<String> lines = Files.readAllLines(log);
        Path cut = out.resolve("cut.jsonl");
        Files.write(cut, lines.subList(0, 50));
        Cli c = Cli.run("check", cut.toString());
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains(cut + ":50:") && c.err.contains("truncated"), c.err);

        Path mid = out.resolve("mid.jsonl");
        String text = Files.readString(log);
        Files.writeString(mid, text.substring(0, text.indexOf('\n', 2000) - 10));
        Cli m = Cli.run("check", mid.toString());
        assertEquals(Main.EXIT_USAGE, m.exitCode);
        assertTrue(m.err.contains(mid + ":") && m.err.contains("cut off"), m.err);
    }

    @Test
    void aLogMissingARecordTheCheckerNeedsNamesTheLine(@TempDir Path out) throws Exception {
        Path log = runAll(out, "--seed", "1", "--count", "1").resolve("seed-1.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        int idle = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("\"type\":\"idle\"")) { idle = i; break; }
        lines.remove(idle);
        Path broken = out.resolve("no-idle.jsonl");
        Files.write(broken, lines);
        Cli c = Cli.run("check", broken.toString());
        assertEquals(Main.EXIT_USAGE, c.exitCode, c.out);
        assertTrue(c.err.contains(broken + ":" + (idle + 1) + ":") && c.err.contains("idle"), c.err);
    }

    @Test
    void aFailingLogChecksToTheSameDivergenceAsTheRun(@TempDir Path out) throws Exception {
        Cli run = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--mutant", "fq_ttyp_shifted",
                "--out", out.toString());
        assertEquals(Main.EXIT_DIVERGENCE, run.exitCode, run.err);
        Path log = out.resolve("logs/seed-1.jsonl");
        Cli check = Cli.run("check", log.toString());
        assertEquals(Main.EXIT_DIVERGENCE, check.exitCode, check.err);
        String report = run.out.substring(run.out.indexOf("DIVERGENCE"), run.out.indexOf("  reproduce:"));
        assertTrue(check.out.contains(report), check.out);
    }

    @Test
    void replayDrivesTheLoggedActionsIntoTheDutAgain(@TempDir Path out) throws Exception {
        Path log = runAll(out, "--seed", "2", "--count", "1").resolve("seed-2.jsonl");
        Path again = out.resolve("again");
        Cli c = Cli.run("replay", log.toString(), "--out", again.toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err + c.out);
        assertTrue(c.out.contains("1 passed, 0 failed"), c.out);
        assertArrayEquals(Files.readAllBytes(log), Files.readAllBytes(again.resolve("logs/seed-2.jsonl")));
    }

    @Test
    void aMutantsLogReplayedOnTheFixedDutPasses(@TempDir Path out) {
        Cli run = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--mutant", "fq_ttyp_shifted",
                "--out", out.toString());
        assertEquals(Main.EXIT_DIVERGENCE, run.exitCode);
        Path log = out.resolve("logs/seed-1.jsonl");
        assertEquals(Main.EXIT_DIVERGENCE, Cli.run("replay", log.toString()).exitCode);
        Cli fixed = Cli.run("replay", log.toString(), "--mutant", "none");
        assertEquals(Main.EXIT_PASS, fixed.exitCode, fixed.out + fixed.err);
    }

    @Test
    void explainShowsTheModelsWalkForATranslation(@TempDir Path out) throws Exception {
        Path log = runAll(out, "--seed", "1", "--count", "1").resolve("seed-1.jsonl");
        // The last translation: by then the device directory is on (an early one may meet ddtp Off).
        int translate = -1;
        for (String l : Files.readAllLines(log)) {
            if (l.contains("\"op\":\"translate\"")) translate = JSON.readTree(l).get("index").asInt();
        }
        Cli c = Cli.run("explain", log.toString(), "--action", String.valueOf(translate));
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err);
        assertTrue(c.out.contains("model walk:") && c.out.contains("read  DC") && c.out.contains("permitted outcomes"),
                c.out);
        Cli bad = Cli.run("explain", log.toString(), "--action", "100000");
        assertEquals(Main.EXIT_USAGE, bad.exitCode);
        assertTrue(bad.err.contains("--action 100000"), bad.err);
    }

    /**
     * explain rebuilds each request with every field the log carries: an ATS request's No Write and
     * Execute Requested reach the model, so it shows the outcomes the run permitted (W never granted with
     * No Write; X granted where Execute Requested was).
     */
    @Test
    void explainKeepsNoWriteAndExecuteRequested(@TempDir Path out) throws Exception {
        Path log = runAll(out, "--scenario", "ats", "--seed", "1", "--count", "1").resolve("seed-1.jsonl");
        int noWrite = 0;
        int execGranted = 0;
        for (String l : Files.readAllLines(log)) {
            if (!l.contains("\"op\":\"translate\"")) continue;
            boolean nw = l.contains("\"no_write\":true");
            boolean exec = l.contains("\"exec_requested\":true");
            if (!nw && !exec) continue;
            Cli c = Cli.run("explain", log.toString(), "--action", String.valueOf(JSON.readTree(l).get("index").asInt()));
            assertEquals(Main.EXIT_PASS, c.exitCode, c.err);
            String permitted = c.out.substring(c.out.indexOf("permitted outcomes"));
            permitted = permitted.substring(0, permitted.indexOf('\n'));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("perms=(\\d)").matcher(permitted);
            while (m.find()) {
                int perms = Integer.parseInt(m.group(1));
                if (nw) {
                    noWrite++;
                    assertEquals(0, perms & 2, "W granted despite No Write: " + c.out);
                }
                if (exec && (perms & 4) != 0) execGranted++;
            }
        }
        assertTrue(noWrite > 0, "no No Write request explained");
        assertTrue(execGranted > 0, "no Execute Requested request explained with X granted");
    }

    /** A minimal log as another testbench would write it: the schema's contract, not this tool's habits. */
    @Test
    void aHandWrittenLogFromAnotherTestbenchIsChecked(@TempDir Path dir) throws Exception {
        String caps = JSON.readTree(Path.of(System.getProperty("lockstep.home", "."), "rtl-stubs/config.json").toFile())
                .get("capabilities").asText();
        String header = "{\"type\":\"header\",\"schema_version\":1,\"tool\":\"cocotb-tb 1.0\",\"dut\":{\"spec\":\"questa\","
                + "\"build_id\":\"iommu rev B\"},\"config\":{\"capabilities\":\"" + caps + "\",\"fctl_writable\":0,"
                + "\"fctl_reset\":2,\"reset_mode\":\"Off\",\"ddtp_modes\":[\"Off\",\"Bare\",\"1LVL\",\"2LVL\",\"3LVL\"]},"
                + "\"seed\":0}\n";
        String body = "{\"type\":\"action\",\"index\":0,\"op\":\"register_read\",\"offset\":0,\"size\":8}\n"
                + "{\"type\":\"read\",\"offset\":0,\"size\":8,\"value\":\"" + caps + "\"}\n"
                + "{\"type\":\"action\",\"index\":1,\"op\":\"register_write\",\"offset\":16,\"size\":8,\"value\":\"0x1\"}\n"
                + "{\"type\":\"idle\"}\n"
                + "{\"type\":\"read\",\"offset\":16,\"size\":8,\"value\":\"%s\"}\n"
                + "{\"type\":\"idle\"}\n"
                + "{\"type\":\"end\"}\n";
        Path good = dir.resolve("good.jsonl");
        Files.writeString(good, header + String.format(body, "0x1"));
        Cli c = Cli.run("check", good.toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err + c.out);
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, header + String.format(body, "0x2"));
        Cli b = Cli.run("check", bad.toString());
        assertEquals(Main.EXIT_DIVERGENCE, b.exitCode, b.err + b.out);
        assertTrue(b.out.contains("iommu_mode"), b.out);
    }

    @Test
    void dumpOptionsAreValidated() {
        Cli noOut = Cli.run("run", "--dump", "all", "--count", "1");
        assertEquals(Main.EXIT_USAGE, noOut.exitCode);
        assertTrue(noOut.err.contains("--dump all") && noOut.err.contains("--out"), noOut.err);
        Cli bad = Cli.run("run", "--dump", "some", "--count", "1");
        assertEquals(Main.EXIT_USAGE, bad.exitCode);
        assertTrue(bad.err.contains("--dump must be all, failing or none"), bad.err);
    }

    @Test
    void checkingSeveralLogsReportsEachAndABadOneMakesItExitTwo(@TempDir Path out) throws Exception {
        Path logs = runAll(out, "--seed", "1", "--count", "2");
        Path missing = out.resolve("nope.jsonl");
        Cli c = Cli.run("check", logs.resolve("seed-1.jsonl").toString(), missing.toString(),
                logs.resolve("seed-2.jsonl").toString());
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.out.contains("2 passed, 0 failed"), c.out);
        assertTrue(c.err.contains(missing.toString()), c.err);
    }

    /** Copies {@code from} to {@code to} editing the first record {@code which} selects; returns its line. */
    private static int edit(Path from, Path to, Predicate<ObjectNode> which, java.util.function.Consumer<ObjectNode> how)
            throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(from));
        for (int i = 0; i < lines.size(); i++) {
            ObjectNode r = (ObjectNode) JSON.readTree(lines.get(i));
            if (which.test(r)) {
                how.accept(r);
                lines.set(i, JSON.writeValueAsString(r));
                Files.write(to, lines);
                return i + 1;
            }
        }
        throw new AssertionError("no record to edit in " + from);
    }
}
