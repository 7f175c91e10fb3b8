package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LogSchema;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import dev.lockstep.dut.Dut;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SystemVerilog log writer (rtl-stubs/log/lockstep_log_pkg.sv, docs/sv-log-writer.md): a testbench
 * around the built-in DUT, simulated by Verilator, drives its own stimulus and writes the seed log with the
 * package. The log follows the schema; {@code check} passes it for the unmutated DUT and, with a planted bug
 * the stimulus reaches, reports the divergence that the live run ({@code replay}: the logged stimulus into
 * the DUT through the harness) reports. The testbench is built by {@code make sv-log-tb} (part of
 * {@code make test}).
 */
class SvLogWriterTest {

    private static Path testbench() {
        Path tb = TestPaths.home().resolve("build/sv-log-tb/lockstep_log_tb");
        assertTrue(Files.isExecutable(tb), tb + " is missing: run the tests with 'make test', which builds it (make sv-log-tb)");
        return tb;
    }

    private static ProcessBuilder simulation(Path dir, Path log, String mutant) {
        return new ProcessBuilder(testbench().toString(), "+log=" + log, "+mutant=" + mutant,
                "+mutants=" + TestPaths.home().resolve("rtl-stubs/mutants.tsv"))
                .directory(dir.toFile()).redirectErrorStream(true);
    }

    /** Runs the testbench with planted bug {@code mutant} ("none": the unmutated DUT); the log it wrote. */
    private static Path simulate(Path dir, String mutant) throws Exception {
        Path log = dir.resolve("sv-" + mutant + ".jsonl");
        Process p = simulation(dir, log, mutant).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the testbench did not finish");
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of(), LogSchema.problems(log), "the SystemVerilog-written log against docs/log-format.schema.json");
        return log;
    }

    /** The lines of a report naming the first divergence: where (action, cycle), its signature, the action. */
    private static List<String> divergence(String report) {
        List<String> lines = report.lines().map(String::strip)
                .filter(l -> l.startsWith("DIVERGENCE at action #") || l.startsWith("signature:") || l.startsWith("action:"))
                .limit(3).toList();
        assertEquals(3, lines.size(), report);
        return lines;
    }

    /** The records after the header and before the end: the actions and what the DUT did. */
    private static List<String> body(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        return lines.subList(1, lines.size() - 1);
    }

    /**
     * The optional records of schema version 2: the acceptance of a request and the changes of cqh (ABI 6), the moves
     * of a queue's tail and the Invalidation Completions reaching the IOMMU (ABI 7).
     */
    private static final List<String> OPTIONAL = List.of("accept", "cq_head", "queue_tail", "inval_completion");

    private static boolean ofType(String record, String type) {
        return record.startsWith("{\"type\":\"" + type + "\",");
    }

    /** {@code records} without those of type {@code type}. */
    private static List<String> without(List<String> records, String type) {
        return records.stream().filter(r -> !ofType(r, type)).toList();
    }

    @Test
    void thePackageAndTheTestbenchAreLintCleanWithWall() throws Exception {
        Path home = TestPaths.home();
        Process p = new ProcessBuilder("verilator", "--lint-only", "-Wall", "--timing", "--timescale", "1ns/1ps",
                "--top-module", "lockstep_log_tb", "-f", "rtl-stubs/files.f", "rtl-stubs/log/lockstep_log_pkg.sv",
                "rtl-stubs/log/tb/lockstep_log_tb.sv").directory(home.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "verilator --lint-only did not finish");
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "no warnings");
    }

    @Test
    void theUnmutatedDutsLogPassesAndHoldsTheRecordsTheLiveRunWrites(@TempDir Path dir) throws Exception {
        Path log = simulate(dir, "none");
        String header = Files.readAllLines(log).get(0);
        assertTrue(header.contains("\"schema_version\":2,") && header.contains("\"mutant\":{\"id\":0,\"name\":\"none\"}"), header);

        Cli check = Cli.run("check", log.toString());
        assertEquals(Main.EXIT_PASS, check.exitCode, check.out + check.err);
        assertTrue(check.out.contains(log + " (seed 1): passed (154 actions"), check.out);
        assertTrue(check.out.contains("1 passed, 0 failed"), check.out);

        // The live run writes its own log of the same stimulus: record for record the same (keys, order, hex
        // strings, cycles), only the header and the end (which says what the writer concluded) differ.
        Path out = dir.resolve("replay");
        Cli replay = Cli.run("replay", log.toString(), "--dut", "stub", "--out", out.toString());
        assertEquals(Main.EXIT_PASS, replay.exitCode, replay.out + replay.err);
        // The testbench writes accept, cq_head and inval_completion records (it sees the handshakes and cqh, and its
        // devices send the Invalidation Completions), and no queue_tail (the DUT shows no tail); a DUT library that
        // reports none of a kind gives the live run's log none: a kind one of the two logs lacks is left out of both.
        List<String> live = body(out.resolve("logs/seed-1.jsonl"));
        List<String> sv = body(log);
        long requests = 0;
        for (String r : sv) {
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r);
            if (n.path("op").asText().equals("translate")) requests++;
            if (n.path("op").asText().equals("window")) requests += n.path("requests").size();
        }
        assertEquals(requests, sv.stream().filter(r -> r.startsWith("{\"type\":\"accept\",")).count(),
                "an accept per translation request, alone or in a window");
        assertTrue(sv.stream().anyMatch(r -> r.startsWith("{\"type\":\"cq_head\",")), "cqh moves");
        long invalidations = sv.stream().filter(r -> r.startsWith("{\"type\":\"message\",")
                && r.contains("\"message\":\"invalidation_request\"")).count();
        assertTrue(invalidations > 0, "the stimulus sends ATS.INVAL");
        assertEquals(invalidations, sv.stream().filter(r -> ofType(r, "inval_completion")).count(),
                "an Invalidation Completion per Invalidation Request");
        assertTrue(sv.stream().noneMatch(r -> ofType(r, "queue_tail")), "lockstep_iommu shows no queue tail");
        for (String type : OPTIONAL) {
            final List<String> l = live, s = sv;
            if (l.stream().noneMatch(r -> ofType(r, type)) || s.stream().noneMatch(r -> ofType(r, type))) {
                live = without(live, type);
                sv = without(sv, type);
            }
        }
        assertEquals(live, sv);
    }

    /** The window functions write one JSON line that reads back as the window they were given. */
    @Test
    void theWindowFunctionsWriteAWindowAction(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sv.jsonl");
        Path window = dir.resolve("window.jsonl");
        Process p = new ProcessBuilder(testbench().toString(), "+log=" + log, "+window_log=" + window)
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the testbench did not finish");
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of(), LogSchema.problems(window));
        SeedLog read = LogReader.read(window);
        dev.lockstep.stimulus.Action.Window expected = new dev.lockstep.stimulus.Action.Window(List.of(
                new dev.lockstep.stimulus.Action.Translate(1, 1, false, 0, false, 2, 0x4020_1abcL),
                new dev.lockstep.stimulus.Action.Translate(2, 5, true, 5, true, 8, 0x4020_9010L, true, true, false)),
                20, List.of(new dev.lockstep.stimulus.Action.MemoryWrite(0x20_1008L, 0x2000_14d7L, "leaf PTE \"moved\""),
                        new dev.lockstep.stimulus.Action.RegisterWrite(36, 4, 4)));
        assertEquals(expected, read.actions().get(0).action());
        assertEquals(100, read.actions().get(0).cycle());
        assertEquals(List.of("accept", "accept", "completion", "completion", "inval_completion", "queue_tail", "idle",
                "cq_head", "queue_tail", "idle", "read", "idle", "action", "accept", "completion", "accept", "completion",
                "cq_head", "idle", "read", "idle"), read.flow().stream().skip(1).map(e -> e instanceof SeedLog.EventEntry ev ? ev.type()
                        : e instanceof SeedLog.ActionEntry ? "action" : "read").toList());
        // log_window_request_at: a request arriving after the window's store; log_window_group: a later software
        // group (a second PTE and a cqt write) between the store and that arrival
        dev.lockstep.stimulus.Action.Window staggered = new dev.lockstep.stimulus.Action.Window(List.of(
                new dev.lockstep.stimulus.Action.Translate(3, 1, false, 0, false, 2, 0x4020_1ab0L),
                new dev.lockstep.stimulus.Action.Translate(4, 1, false, 0, false, 2, 0x4020_1ab8L)), List.of(0, 30), 10,
                List.of(new dev.lockstep.stimulus.Action.MemoryWrite(0x20_1008L, 0x2000_14d7L, "leaf PTE again")), List.of(),
                List.of(new dev.lockstep.stimulus.Action.Window.Software(20, List.of(
                        new dev.lockstep.stimulus.Action.MemoryWrite(0x20_1010L, 0x2000_18d7L, "leaf PTE next"),
                        new dev.lockstep.stimulus.Action.RegisterWrite(36, 4, 6)))));
        assertEquals(staggered, read.actions().get(1).action());
        assertEquals(130, read.actions().get(1).cycle());
        // the ABI 7 records read back as the events they were written from
        List<long[]> abi7 = read.flow().stream().filter(e -> e instanceof SeedLog.EventEntry ev
                && (ev.type().equals("queue_tail") || ev.type().equals("inval_completion")))
                .map(e -> ((SeedLog.EventEntry) e).words()).toList();
        assertArrayEquals(new long[] {Dut.EV_INVAL_COMPLETION, 110, 5, 0x8000_0001L, 0, 0, 0, 0}, abi7.get(0));
        assertArrayEquals(new long[] {Dut.EV_QUEUE_TAIL, 111, Dut.QUEUE_FAULT, 2, 0, 0, 0, 0}, abi7.get(1));
        assertArrayEquals(new long[] {Dut.EV_QUEUE_TAIL, 121, Dut.QUEUE_PAGE_REQUEST, 0xffff_ffffL, 0, 0, 0, 0}, abi7.get(2));
        List<String> lines = Files.readAllLines(window);
        assertTrue(lines.contains("{\"type\":\"inval_completion\",\"cycle\":110,\"rid\":5,\"itag\":\"0x80000001\",\"count\":0}"), lines.toString());
        assertTrue(lines.contains("{\"type\":\"queue_tail\",\"cycle\":121,\"queue\":\"page_request\",\"value\":\"0xffffffff\"}"),
                lines.toString());
        // the same lines as Lockstep's writer makes of those windows: "later" only in the window with a later group
        com.fasterxml.jackson.databind.ObjectMapper json = com.fasterxml.jackson.databind.json.JsonMapper.builder().build();
        assertEquals(json.writeValueAsString(ActionJson.write(0, expected, 100)), lines.get(1));
        String second = lines.stream().filter(l -> l.startsWith("{\"type\":\"action\",\"index\":1,")).findFirst().orElseThrow();
        assertEquals(json.writeValueAsString(ActionJson.write(1, staggered, 130)), second);
        assertTrue(!lines.get(1).contains("\"later\"") && second.endsWith(",\"later\":[{\"gap\":20,\"during\":["
                + "{\"op\":\"memory_write\",\"pa\":\"0x201010\",\"value\":\"0x200018d7\",\"what\":\"leaf PTE next\"},"
                + "{\"op\":\"register_write\",\"offset\":36,\"size\":4,\"value\":\"0x6\"}]}]}"), second);
        // the end-of-seed image holds both words the windows stored
        assertEquals(List.of(0x20_1008L, 0x20_1010L), List.copyOf(read.memory().keySet()));
    }

    /**
     * The package reports each misuse of log_window_group ($error, which stops the simulation): the testbench's
     * +window_group_error=N writes one window that breaks one rule.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "1|a later software group at gap 10, not after the window's (gap 10)",
        "2|a later software group at gap 20, not after the group before it (gap 20)",
        "3|a later software group before any software action of the window",
        "4|a later software group in a window with Page Requests",
        "5|the window's software group later[0] (gap 20) has no store or register write"})
    void theWindowGroupFunctionReportsWhatTheFormatForbids(String c, @TempDir Path dir) throws Exception {
        String[] parts = c.split("\\|", 2);
        Process p = new ProcessBuilder(testbench().toString(), "+log=" + dir.resolve("bad.jsonl"),
                "+window_group_error=" + parts[0]).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the testbench did not finish");
        assertTrue(p.exitValue() != 0, "the package's $error stops the simulation: " + out);
        assertTrue(out.contains("lockstep_log_pkg: " + parts[1]), out);
        assertTrue(!Files.exists(dir.resolve("bad.jsonl")) || Files.readAllLines(dir.resolve("bad.jsonl")).isEmpty(),
                "nothing was written: the window's line is written at log_window_end, after the checks");
    }

    @ParameterizedTest
    @ValueSource(strings = {"l1_index_off_by_one", "write_checks_r", "d_bit_ignored", "fq_ttyp_shifted", "inval_vma_superpage",
        "dtf_ignored", "ats_write_denied_all", "ats_priv_dropped", "prgr_index_shifted"})
    void aPlantedBugDivergesInCheckAsInTheLiveRun(String mutant, @TempDir Path dir) throws Exception {
        Path log = simulate(dir, mutant);
        assertTrue(Files.readAllLines(log).get(0).contains("\"name\":\"" + mutant + "\""), "the header names the planted bug");

        Cli check = Cli.run("check", log.toString());
        assertEquals(Main.EXIT_DIVERGENCE, check.exitCode, check.out + check.err);
        assertTrue(check.out.contains("0 passed, 1 failed"), check.out);
        Cli replay = Cli.run("replay", log.toString(), "--dut", "stub");
        assertEquals(Main.EXIT_DIVERGENCE, replay.exitCode, replay.out + replay.err);
        assertTrue(replay.out.contains(mutant), "replay runs the header's planted bug: " + replay.out);
        assertEquals(divergence(replay.out), divergence(check.out));
    }

    /** The testbench writes its log into a named pipe (the package flushes after each action's records); check judges it from there. */
    @Test
    void checkReadsTheLogFromANamedPipe(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("live.jsonl");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Process sim = simulation(dir, fifo, "fq_ttyp_shifted").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Cli check = Cli.run("check", fifo.toString());
            assertEquals(Main.EXIT_DIVERGENCE, check.exitCode, check.out + check.err);
            assertTrue(check.out.contains("DIVERGENCE at action #40") && check.out.contains("fault record"), check.out);
            assertTrue(sim.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, sim.exitValue());
        } finally {
            sim.destroyForcibly();
        }
    }
}
