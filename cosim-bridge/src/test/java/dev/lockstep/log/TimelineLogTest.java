package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.LogSchema;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import dev.lockstep.dut.Dut;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.stimulus.Action;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema version 2 (docs/log-format.md, docs/concurrency.md section 14): the cycle of every action, the window
 * action and the accept and cq_head records (and the optional queue_tail and inval_completion records added within
 * it), written and read back; a {@link LogDut} answering a window's calls as the engine makes them, its gap honoured;
 * version 1 logs still read as before.
 */
class TimelineLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String HEADER_V2 = SyntheticLog.HEADER.replace("\"schema_version\":1", "\"schema_version\":2");

    static final Action.Translate T1 = new Action.Translate(1, 0x3c, false, 0, false, 2, 0x4020_1abcL);
    static final Action.Translate T2 = new Action.Translate(7, 0x3c, true, 5, true, 8, 0x4020_2000L, true, true, true);
    static final Action.MemoryWrite PTE = new Action.MemoryWrite(0x8000_1008L, 0x2000_00cfL, "leaf PTE");
    static final Action.RegisterWrite CQT = new Action.RegisterWrite(36, 4, 2);
    static final Action.Window WINDOW = new Action.Window(List.of(T1, T2), 10, List.of(PTE, CQT));

    static final String WINDOW_RECORD = "{\"type\":\"action\",\"index\":0,\"cycle\":100,\"op\":\"window\",\"requests\":["
            + "{\"tag\":1,\"device_id\":\"0x3c\",\"pv\":false,\"process_id\":\"0x0\",\"priv\":false,\"ttyp\":2,\"iova\":\"0x40201abc\"},"
            + "{\"tag\":7,\"device_id\":\"0x3c\",\"pv\":true,\"process_id\":\"0x5\",\"priv\":true,\"ttyp\":8,\"iova\":\"0x40202000\","
            + "\"no_write\":true,\"exec_requested\":true,\"cxl\":true}],\"gap\":10,\"during\":["
            + "{\"op\":\"memory_write\",\"pa\":\"0x80001008\",\"value\":\"0x200000cf\",\"what\":\"leaf PTE\"},"
            + "{\"op\":\"register_write\",\"offset\":36,\"size\":4,\"value\":\"0x2\"}]}";

    /** A window whose requests are still in flight when its gap ends: during takes effect at cycle 110. */
    static List<String> overlapping() {
        return List.of(HEADER_V2, WINDOW_RECORD,
                "{\"type\":\"accept\",\"cycle\":101,\"tag\":1}",
                "{\"type\":\"accept\",\"cycle\":103,\"tag\":7}",
                "{\"type\":\"mem_write\",\"cycle\":105,\"addr\":\"0x80000020\",\"data\":\"0x3c\",\"strobe\":\"0xff\",\"op\":\"write\"}",
                "{\"type\":\"completion\",\"cycle\":110,\"tag\":1,\"status\":1,\"cause\":13}",
                "{\"type\":\"completion\",\"cycle\":115,\"tag\":7,\"status\":0,\"pa\":\"0x80002000\",\"r\":true}",
                "{\"type\":\"cq_head\",\"cycle\":118,\"value\":\"0x2\"}",
                "{\"type\":\"idle\",\"cycle\":120}",
                "{\"type\":\"read\",\"offset\":36,\"size\":4,\"value\":\"0x2\",\"cycle\":122}",
                "{\"type\":\"action\",\"index\":1,\"cycle\":122,\"op\":\"register_read\",\"offset\":32,\"size\":4}",
                "{\"type\":\"read\",\"offset\":32,\"size\":4,\"value\":\"0x2\",\"cycle\":124}",
                "{\"type\":\"idle\",\"cycle\":124}",
                "{\"type\":\"mem_word\",\"addr\":\"0x80000020\",\"value\":\"0x3c\"}",
                "{\"type\":\"mem_word\",\"addr\":\"0x80001008\",\"value\":\"0x200000cf\"}",
                "{\"type\":\"end\"}");
    }

    /**
     * {@link #overlapping} with the ABI 7 records: fqt moving past the fault record written at cycle 105, the
     * device's Invalidation Completion reaching the IOMMU, the page-request queue's tail.
     */
    static List<String> withQueueTailsAndInvalCompletions() {
        List<String> lines = new ArrayList<>(overlapping());
        lines.add(5, "{\"type\":\"queue_tail\",\"cycle\":106,\"queue\":\"fault\",\"value\":\"0x1\"}");
        lines.add(8, "{\"type\":\"inval_completion\",\"cycle\":116,\"rid\":60,\"itag\":\"0x1\",\"count\":1}");
        lines.add(10, "{\"type\":\"queue_tail\",\"cycle\":119,\"queue\":\"page_request\",\"value\":\"0x7\"}");
        return lines;
    }

    private static Path file(Path dir, String name, List<String> lines) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, lines);
        return p;
    }

    private static final long[] BUFFER = new long[64 * Dut.EVENT_WORDS];

    /** The kinds of the {@code n} events in {@link #BUFFER}. */
    private static List<Long> kinds(int n) {
        List<Long> k = new ArrayList<>();
        for (int i = 0; i < n; i++) k.add(BUFFER[i * Dut.EVENT_WORDS]);
        return k;
    }

    private static final Long ACCEPT = (long) Dut.EV_ACCEPT, CQ_HEAD = (long) Dut.EV_CQ_HEAD, IDLE = (long) Dut.EV_IDLE,
            COMPLETION = (long) Dut.EV_COMPLETION, MEM_WRITE = (long) Dut.EV_MEM_WRITE,
            QUEUE_TAIL = (long) Dut.EV_QUEUE_TAIL, INVAL_COMPLETION = (long) Dut.EV_INVAL_COMPLETION;

    private static byte[] le(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    private static void submit(Dut dut, Action.Translate t) throws Exception {
        dut.submit(t.tag(), t.deviceId(), t.pv(), t.processId(), t.iova(), t.ttyp(), t.flags());
    }

    @Test
    void aWindowAndItsRecordsGoThroughTheWriterAndTheReaderUnchanged(@TempDir Path dir) throws Exception {
        JsonNode written = ActionJson.write(0, WINDOW, 100);
        assertEquals(WINDOW_RECORD, JSON.writeValueAsString(written));
        assertEquals(WINDOW, ActionJson.read(written));
        assertEquals(List.of(), LogSchema.problems(WINDOW_RECORD));

        long[] accept = {Dut.EV_ACCEPT, 101, 0xbeef, 0, 0, 0, 0, 0};
        long[] cqh = {Dut.EV_CQ_HEAD, 118, 0xffff_fffeL, 0, 0, 0, 0, 0};
        for (long[] ev : List.of(accept, cqh)) {
            assertTrue(EventJson.logged(ev[0]));
            JsonNode n = EventJson.write(ev, 0, ev[1]);
            assertArrayEquals(ev, EventJson.read(n.get("type").asText(), n, 0));
            assertEquals(List.of(), LogSchema.problems(JSON.writeValueAsString(n)));
        }
        assertEquals("{\"type\":\"cq_head\",\"cycle\":118,\"value\":\"0xfffffffe\"}",
                JSON.writeValueAsString(EventJson.write(cqh, 0, 118)));

        // A whole log through LogReader and SeedLogWriter: the same bytes again.
        Path in = file(dir, "window.jsonl", overlapping());
        SeedLog log = LogReader.read(in);
        assertEquals(WINDOW, log.actions().get(0).action());
        assertEquals(100, log.actions().get(0).cycle());
        assertEquals(122, log.actions().get(1).cycle());
        Path out = dir.resolve("again.jsonl");
        SeedLogWriter.write(log, out);
        List<String> expected = new ArrayList<>(overlapping());
        expected.set(expected.size() - 1, "{\"type\":\"end\",\"actions\":2}");
        // the writer writes every field of a completion
        List<String> again = Files.readAllLines(out);
        assertEquals(expected.size(), again.size());
        for (int i = 1; i < expected.size(); i++) { // the header is written with every configuration key
            if (expected.get(i).startsWith("{\"type\":\"completion\"")) continue;
            assertEquals(expected.get(i), again.get(i));
        }
        assertEquals(List.of(), LogSchema.problems(out));
    }

    /** The ABI 7 events as records (named fields, the ITAG vector as a hex string) and back, every bit kept. */
    @Test
    void queueTailAndInvalCompletionEventsGoThroughTheWriterAndTheReaderUnchanged() throws Exception {
        long[] fq = {Dut.EV_QUEUE_TAIL, 419, Dut.QUEUE_FAULT, 2, 0, 0, 0, 0};
        long[] pq = {Dut.EV_QUEUE_TAIL, 420, Dut.QUEUE_PAGE_REQUEST, 0xffff_ffffL, 0, 0, 0, 0};
        long[] cpl = {Dut.EV_INVAL_COMPLETION, 2009, 0xffff, 0x8000_0001L, 0, 0, 0, 0};
        long[] one = {Dut.EV_INVAL_COMPLETION, 7, 60, 0x1, 1, 0, 0, 0};
        long[] seven = {Dut.EV_INVAL_COMPLETION, 8, 0, 0xffff_ffffL, 7, 0, 0, 0};
        for (long[] ev : List.of(fq, pq, cpl, one, seven)) {
            assertTrue(EventJson.logged(ev[0]));
            JsonNode n = EventJson.write(ev, 0, ev[1]);
            assertArrayEquals(ev, EventJson.read(n.get("type").asText(), n, 0));
            assertEquals(List.of(), LogSchema.problems(JSON.writeValueAsString(n)));
        }
        assertEquals("{\"type\":\"queue_tail\",\"cycle\":419,\"queue\":\"fault\",\"value\":\"0x2\"}",
                JSON.writeValueAsString(EventJson.write(fq, 0, 419)));
        assertEquals("{\"type\":\"queue_tail\",\"cycle\":420,\"queue\":\"page_request\",\"value\":\"0xffffffff\"}",
                JSON.writeValueAsString(EventJson.write(pq, 0, 420)));
        // count 0 is a Completion Count of 8 (PCIe): written as the 3-bit field it is
        assertEquals("{\"type\":\"inval_completion\",\"cycle\":2009,\"rid\":65535,\"itag\":\"0x80000001\",\"count\":0}",
                JSON.writeValueAsString(EventJson.write(cpl, 0, 2009)));
        assertEquals(LogFormat.QUEUE_TAIL, EventJson.write(fq, 0, 1).get("type").asText());
        assertEquals(LogFormat.INVAL_COMPLETION, EventJson.write(one, 0, 1).get("type").asText());
        // read from the other spellings a testbench may write: numbers for hex strings, no cycle (the previous one's)
        long[] read = EventJson.read(LogFormat.INVAL_COMPLETION,
                JSON.readTree("{\"type\":\"inval_completion\",\"rid\":\"0x3c\",\"itag\":4,\"count\":\"0x2\"}"), 77);
        assertArrayEquals(new long[] {Dut.EV_INVAL_COMPLETION, 77, 60, 4, 2, 0, 0, 0}, read);
    }

    /** A log with the ABI 7 records: read and written again byte for byte, and handed out by the LogDut in order. */
    @Test
    void queueTailAndInvalCompletionRecordsAreReadWrittenAndHandedOutInOrder(@TempDir Path dir) throws Exception {
        Path in = file(dir, "abi7.jsonl", withQueueTailsAndInvalCompletions());
        assertEquals(List.of(), LogSchema.problems(in));
        SeedLog log = LogReader.read(in);
        Path out = dir.resolve("again.jsonl");
        SeedLogWriter.write(log, out);
        List<String> expected = withQueueTailsAndInvalCompletions();
        List<String> again = Files.readAllLines(out);
        assertEquals(expected.size(), again.size());
        for (int i = 1; i < expected.size() - 1; i++) {
            if (expected.get(i).startsWith("{\"type\":\"completion\"")) continue; // written with every field
            assertEquals(expected.get(i), again.get(i));
        }

        LogDut dut = new LogDut(LogReader.read(in));
        dut.reset(0);
        submit(dut, T1);
        submit(dut, T2);
        assertEquals(List.of(ACCEPT, ACCEPT, MEM_WRITE, QUEUE_TAIL, COMPLETION), kinds(dut.run(10, BUFFER)));
        assertArrayEquals(new long[] {Dut.EV_QUEUE_TAIL, 106, Dut.QUEUE_FAULT, 1, 0, 0, 0, 0},
                java.util.Arrays.copyOfRange(BUFFER, 3 * Dut.EVENT_WORDS, 4 * Dut.EVENT_WORDS));
        dut.memWrite(PTE.pa(), le(PTE.value()));
        dut.mmioWrite(CQT.offset(), CQT.size(), CQT.value());
        assertEquals(List.of(COMPLETION, INVAL_COMPLETION, CQ_HEAD, QUEUE_TAIL, IDLE), kinds(dut.run(100_000, BUFFER)));
        assertArrayEquals(new long[] {Dut.EV_INVAL_COMPLETION, 116, 60, 1, 1, 0, 0, 0},
                java.util.Arrays.copyOfRange(BUFFER, Dut.EVENT_WORDS, 2 * Dut.EVENT_WORDS));
        assertArrayEquals(new long[] {Dut.EV_QUEUE_TAIL, 119, Dut.QUEUE_PAGE_REQUEST, 7, 0, 0, 0, 0},
                java.util.Arrays.copyOfRange(BUFFER, 3 * Dut.EVENT_WORDS, 4 * Dut.EVENT_WORDS));
        assertEquals(2, dut.mmioRead(CQT.offset(), CQT.size()));
        assertEquals(2, dut.mmioRead(32, 4));
        assertEquals(List.of(IDLE), kinds(dut.run(100_000, BUFFER)));
        dut.memRead(0x8000_0020L, 8);
        dut.requireFullyUsed();
    }

    /** Malformed queue_tail and inval_completion fields: bad input naming the line and the field; the schema rejects each too. */
    @Test
    void malformedQueueTailAndInvalCompletionFieldsAreRejectedNamingTheField(@TempDir Path dir) throws Exception {
        String tail = "{\"type\":\"queue_tail\",\"cycle\":106,\"queue\":\"fault\",\"value\":\"0x1\"}";
        String cpl = "{\"type\":\"inval_completion\",\"cycle\":116,\"rid\":60,\"itag\":\"0x1\",\"count\":1}";
        String[][] cases = {
            {tail.replace("\"fault\"", "\"event\""), "field 'queue': expected one of fault, page_request, got \"event\""},
            {tail.replace("\"fault\"", "\"page-request\""), "field 'queue': expected one of fault, page_request"},
            {tail.replace("\"fault\"", "1"), "field 'queue': expected a string, got 1"},
            {tail.replace("\"queue\":\"fault\",", ""), "field 'queue': missing"},
            {tail.replace("\"0x1\"", "\"0x100000000\""), "field 'value': expected an unsigned 32-bit value (0..0xffffffff)"},
            {tail.replace("\"0x1\"", "-1"), "field 'value': expected an unsigned 32-bit value"},
            {tail.replace(",\"value\":\"0x1\"", ""), "field 'value': missing"},
            {tail.replace("\"cycle\":106", "\"cycle\":-106"), "field 'cycle': expected 0..9223372036854775807"},
            {cpl.replace("\"rid\":60", "\"rid\":65536"), "field 'rid': expected an unsigned 16-bit value (0..0xffff)"},
            {cpl.replace("\"rid\":60,", ""), "field 'rid': missing"},
            {cpl.replace("\"0x1\"", "\"0x1ffffffff\""), "field 'itag': expected an unsigned 32-bit value (0..0xffffffff)"},
            {cpl.replace("\"0x1\"", "\"ITAG 0\""), "field 'itag': expected an integer or a \"0x...\" hex string"},
            {cpl.replace("\"itag\":\"0x1\",", ""), "field 'itag': missing"},
            {cpl.replace("\"count\":1", "\"count\":8"), "field 'count': expected an unsigned 3-bit value (0..7)"},
            {cpl.replace(",\"count\":1", ""), "field 'count': missing"},
            {cpl.replace("\"cycle\":116", "\"cycle\":1.5"), "field 'cycle': expected an integer"},
        };
        for (String ok : List.of(tail, cpl)) assertEquals(List.of(), LogSchema.problems(ok), ok);
        int n = 0;
        for (String[] c : cases) {
            Path log = file(dir, "bad-" + n++ + ".jsonl", List.of(HEADER_V2, c[0], "{\"type\":\"end\"}"));
            BadInputException e = assertThrows(BadInputException.class, () -> LogReader.read(log), c[0]);
            assertTrue(e.getMessage().startsWith(log + ":2: " + c[1]), e.getMessage());
            assertTrue(!LogSchema.problems(c[0]).isEmpty(), "the schema rejects it too: " + c[0]);
        }
        // check names them the same way
        Path bad = file(dir, "check.jsonl", List.of(HEADER_V2, cases[0][0], "{\"type\":\"end\"}"));
        Cli check = Cli.run("check", bad.toString());
        assertEquals(Main.EXIT_USAGE, check.exitCode, check.out + check.err);
        assertTrue(check.err.contains(bad + ":2: field 'queue': expected one of fault, page_request"), check.err);
    }

    /** The engine's calls for a window (docs/log-format.md): submits, runs of the gap, during, run to idle, read-backs. */
    @Test
    void aLogDutAnswersAWindowWithItsGapHonoured(@TempDir Path dir) throws Exception {
        LogDut dut = new LogDut(LogReader.read(file(dir, "window.jsonl", overlapping())));
        dut.reset(0);
        submit(dut, T1);
        assertEquals(100, dut.cycles(), "the window's cycle");
        submit(dut, T2);
        // the gap's runs: 4 cycles, then the rest of the gap in a buffer of one event at a time
        assertEquals(List.of(ACCEPT, ACCEPT), kinds(dut.run(4, BUFFER)));
        assertEquals(104, dut.cycles(), "the next event lies later: the clock moved on by the budget");
        long[] one = new long[Dut.EVENT_WORDS];
        List<Long> seen = new ArrayList<>();
        while (dut.cycles() < 110) {
            int n = dut.run(110 - dut.cycles(), one);
            if (n == 1) seen.add(one[0]);
        }
        assertEquals(List.of(MEM_WRITE, COMPLETION), seen, "events up to the gap's end, cycle 110 included");
        assertEquals(110, dut.cycles());
        dut.memWrite(PTE.pa(), le(PTE.value()));
        dut.mmioWrite(CQT.offset(), CQT.size(), CQT.value());
        assertEquals(List.of(COMPLETION, CQ_HEAD, IDLE), kinds(dut.run(100_000, BUFFER)));
        assertEquals(120, dut.cycles());
        assertEquals(2, dut.mmioRead(CQT.offset(), CQT.size()), "the read-back of the register write");
        assertEquals(2, dut.mmioRead(32, 4));
        assertEquals(List.of(IDLE), kinds(dut.run(100_000, BUFFER)));
        byte[] image = dut.memRead(0x8000_0020L, 8);
        assertEquals(0x3c, image[0]);
        dut.requireFullyUsed();
    }

    /** The DUT was idle before the gap ended: an idle record there, then the events after during, another idle. */
    @Test
    void aWindowThatGetsIdleBeforeItsGapEndsHasTwoIdleRecords(@TempDir Path dir) throws Exception {
        List<String> lines = List.of(HEADER_V2,
                WINDOW_RECORD.replace("\"gap\":10", "\"gap\":50"),
                "{\"type\":\"accept\",\"cycle\":100,\"tag\":1}",
                "{\"type\":\"accept\",\"cycle\":101,\"tag\":7}",
                "{\"type\":\"completion\",\"cycle\":108,\"tag\":1,\"status\":1,\"cause\":13}",
                "{\"type\":\"completion\",\"cycle\":109,\"tag\":7,\"status\":1,\"cause\":260}",
                "{\"type\":\"idle\",\"cycle\":113}",
                "{\"type\":\"cq_head\",\"cycle\":118,\"value\":\"0x2\"}",
                "{\"type\":\"idle\",\"cycle\":125}",
                "{\"type\":\"read\",\"offset\":36,\"size\":4,\"value\":\"0x2\",\"cycle\":127}",
                "{\"type\":\"idle\",\"cycle\":127}",
                "{\"type\":\"mem_word\",\"addr\":\"0x80001008\",\"value\":\"0x200000cf\"}",
                "{\"type\":\"end\"}");
        Path log = file(dir, "early.jsonl", lines);
        assertEquals(List.of(), LogSchema.problems(log));
        LogDut dut = new LogDut(LogReader.read(log));
        dut.reset(0);
        submit(dut, T1);
        submit(dut, T2);
        assertEquals(List.of(ACCEPT, ACCEPT, COMPLETION, COMPLETION, IDLE), kinds(dut.run(50, BUFFER)));
        assertEquals(113, dut.cycles(), "idle before the gap's end: during is applied at once");
        dut.memWrite(PTE.pa(), le(PTE.value()));
        dut.mmioWrite(CQT.offset(), CQT.size(), CQT.value());
        assertEquals(List.of(CQ_HEAD, IDLE), kinds(dut.run(100_000, BUFFER)));
        assertEquals(2, dut.mmioRead(CQT.offset(), CQT.size()));
        assertEquals(List.of(IDLE), kinds(dut.run(100_000, BUFFER)));
        dut.memRead(0x8000_1008L, 8);
        dut.requireFullyUsed();
    }

    @Test
    void callsThatAreNotTheWindowsNextStepNameItsLine(@TempDir Path dir) throws Exception {
        Path log = file(dir, "window.jsonl", overlapping());
        LogDut swapped = new LogDut(LogReader.read(log));
        swapped.reset(0);
        LogMismatchException e = assertThrows(LogMismatchException.class, () -> submit(swapped, T2));
        assertTrue(e.getMessage().startsWith(log + ":2: the checker applies 'translate tag 7"), e.getMessage());

        LogDut second = new LogDut(LogReader.read(log));
        second.reset(0);
        submit(second, T1);
        e = assertThrows(LogMismatchException.class, () -> submit(second, T1));
        assertTrue(e.getMessage().startsWith(log + ":2: the checker submits 'translate tag 1")
                && e.getMessage().contains("window action #0 of this line has its request 1 ('translate tag 7"), e.getMessage());

        LogDut store = new LogDut(LogReader.read(log));
        store.reset(0);
        submit(store, T1);
        submit(store, T2);
        store.run(10, BUFFER);
        e = assertThrows(LogMismatchException.class, () -> store.mmioWrite(CQT.offset(), CQT.size(), CQT.value()));
        assertTrue(e.getMessage().startsWith(log + ":2: ") && e.getMessage().contains("its software action 0 ('store [0x80001008]"),
                e.getMessage());
        store.memWrite(PTE.pa(), le(PTE.value()));
        e = assertThrows(LogMismatchException.class, () -> store.memWrite(PTE.pa(), le(PTE.value())));
        assertTrue(e.getMessage().contains("its software action 1 ('write cqt"), e.getMessage());
    }

    /** {@link #WINDOW} with tag 7 arriving 30 cycles in, 20 after the software actions took effect. */
    static final Action.Window STAGGERED = new Action.Window(List.of(T1, T2), List.of(0, 30), 10, List.of(PTE, CQT), List.of());
    static final String STAGGERED_RECORD = WINDOW_RECORD.replace("],\"gap\":10", "],\"arrivals\":[0,30],\"gap\":10");

    /** A staggered window: tag 1 done before the software actions, tag 7 submitted at 130 after the fence completed. */
    static List<String> staggered() {
        return List.of(HEADER_V2, STAGGERED_RECORD,
                "{\"type\":\"accept\",\"cycle\":100,\"tag\":1}",
                "{\"type\":\"completion\",\"cycle\":108,\"tag\":1,\"status\":1,\"cause\":13}",
                "{\"type\":\"cq_head\",\"cycle\":118,\"value\":\"0x2\"}",
                "{\"type\":\"accept\",\"cycle\":131,\"tag\":7}",
                "{\"type\":\"completion\",\"cycle\":140,\"tag\":7,\"status\":0,\"pa\":\"0x80002000\",\"r\":true}",
                "{\"type\":\"idle\",\"cycle\":145}",
                "{\"type\":\"read\",\"offset\":36,\"size\":4,\"value\":\"0x2\",\"cycle\":147}",
                "{\"type\":\"mem_word\",\"addr\":\"0x80001008\",\"value\":\"0x200000cf\"}",
                "{\"type\":\"end\"}");
    }

    /**
     * A window's arrivals: written only when some request arrives after the start, read back; its schedule puts
     * a request arriving after the gap after the software actions; a {@link LogDut} takes each step in that order
     * and names the step due when a call is not it.
     */
    @Test
    void aStaggeredWindowIsWrittenReadAndAnsweredStepByStep(@TempDir Path dir) throws Exception {
        JsonNode written = ActionJson.write(0, STAGGERED, 100);
        assertEquals(STAGGERED_RECORD, JSON.writeValueAsString(written));
        assertEquals(STAGGERED, ActionJson.read(written));
        assertEquals(List.of(), LogSchema.problems(STAGGERED_RECORD));
        assertEquals(WINDOW_RECORD, JSON.writeValueAsString(ActionJson.write(0,
                new Action.Window(List.of(T1, T2), List.of(0, 0), 10, List.of(PTE, CQT), List.of()), 100)),
                "arrivals all 0: the field is left out");
        assertEquals(List.of(new Action.Window.Step(Action.Window.Step.REQUEST, 0, 0),
                new Action.Window.Step(Action.Window.Step.SOFTWARE, 0, 10),
                new Action.Window.Step(Action.Window.Step.REQUEST, 1, 30)), STAGGERED.schedule());
        assertTrue(!STAGGERED.submittedAfter(0) && STAGGERED.submittedAfter(1));
        Action.Window atGap = new Action.Window(List.of(T1, T2), List.of(0, 10), 10, List.of(PTE), List.of());
        assertEquals(Action.Window.Step.REQUEST, atGap.schedule().get(1).kind(), "arriving at the gap: before the software actions");
        assertTrue(!atGap.submittedAfter(1));

        Path log = file(dir, "staggered.jsonl", staggered());
        assertEquals(List.of(), LogSchema.problems(log));
        LogDut dut = new LogDut(LogReader.read(log));
        dut.reset(0);
        submit(dut, T1);
        assertEquals(List.of(ACCEPT, COMPLETION), kinds(dut.run(10, BUFFER)));
        assertEquals(110, dut.cycles());
        LogDut early = new LogDut(LogReader.read(log));
        early.reset(0);
        submit(early, T1);
        LogMismatchException e = assertThrows(LogMismatchException.class, () -> submit(early, T2));
        assertTrue(e.getMessage().startsWith(log + ":2: the checker submits 'translate tag 7")
                && e.getMessage().contains("its software action 0 ('store [0x80001008]"), e.getMessage());
        dut.memWrite(PTE.pa(), le(PTE.value()));
        dut.mmioWrite(CQT.offset(), CQT.size(), CQT.value());
        assertEquals(List.of(CQ_HEAD), kinds(dut.run(20, BUFFER)));
        assertEquals(130, dut.cycles(), "the run up to the second arrival");
        submit(dut, T2);
        assertEquals(List.of(ACCEPT, COMPLETION, IDLE), kinds(dut.run(100_000, BUFFER)));
        assertEquals(2, dut.mmioRead(CQT.offset(), CQT.size()));
        dut.memRead(0x8000_1008L, 8);
        dut.requireFullyUsed();
    }

    static final Action.MemoryWrite PTE_B = new Action.MemoryWrite(0x8000_1010L, 0x2000_10cfL, "leaf PTE b");
    static final Action.RegisterWrite CQT_4 = new Action.RegisterWrite(36, 4, 4);
    static final Action.MemoryWrite PTE_C = new Action.MemoryWrite(0x8000_1018L, 0x2000_20cfL, "leaf PTE c");

    /**
     * {@link #WINDOW} with tag 7 arriving 25 cycles in and two later software groups: a second PTE and a cqt write
     * 20 cycles in, a third PTE 40 cycles in.
     */
    static final Action.Window GROUPED = new Action.Window(List.of(T1, T2), List.of(0, 25), 10, List.of(PTE, CQT),
            List.of(), List.of(new Action.Window.Software(20, List.of(PTE_B, CQT_4)),
                    new Action.Window.Software(40, List.of(PTE_C))));
    static final String LATER_0_DURING = "[{\"op\":\"memory_write\",\"pa\":\"0x80001010\",\"value\":\"0x200010cf\","
            + "\"what\":\"leaf PTE b\"},{\"op\":\"register_write\",\"offset\":36,\"size\":4,\"value\":\"0x4\"}]";
    static final String LATER = ",\"later\":[{\"gap\":20,\"during\":" + LATER_0_DURING + "},{\"gap\":40,\"during\":["
            + "{\"op\":\"memory_write\",\"pa\":\"0x80001018\",\"value\":\"0x200020cf\",\"what\":\"leaf PTE c\"}]}]";
    static final String GROUPED_RECORD = WINDOW_RECORD.replace("],\"gap\":10", "],\"arrivals\":[0,25],\"gap\":10")
            .replaceAll("\\}$", LATER + "}");

    /**
     * {@link #GROUPED} as a DUT may answer it: cqh reaches the first group's tail (2) at 116, before the second group
     * is due (120); tag 7, submitted at 125, completes before the third group (140), tag 1 after it.
     */
    static List<String> grouped() {
        return List.of(HEADER_V2, GROUPED_RECORD,
                "{\"type\":\"accept\",\"cycle\":100,\"tag\":1}",
                "{\"type\":\"cq_head\",\"cycle\":116,\"value\":\"0x2\"}",
                "{\"type\":\"accept\",\"cycle\":126,\"tag\":7}",
                "{\"type\":\"completion\",\"cycle\":131,\"tag\":7,\"status\":0,\"pa\":\"0x80002000\",\"r\":true}",
                "{\"type\":\"cq_head\",\"cycle\":134,\"value\":\"0x4\"}",
                "{\"type\":\"completion\",\"cycle\":143,\"tag\":1,\"status\":1,\"cause\":13}",
                "{\"type\":\"idle\",\"cycle\":145}",
                "{\"type\":\"read\",\"offset\":36,\"size\":4,\"value\":\"0x2\",\"cycle\":147}",
                "{\"type\":\"read\",\"offset\":36,\"size\":4,\"value\":\"0x4\",\"cycle\":149}",
                "{\"type\":\"idle\",\"cycle\":149}",
                "{\"type\":\"mem_word\",\"addr\":\"0x80001008\",\"value\":\"0x200000cf\"}",
                "{\"type\":\"mem_word\",\"addr\":\"0x80001010\",\"value\":\"0x200010cf\"}",
                "{\"type\":\"mem_word\",\"addr\":\"0x80001018\",\"value\":\"0x200020cf\"}",
                "{\"type\":\"end\"}");
    }

    /**
     * A window's later software groups: written only when there are some, read back as they were, scheduled with the
     * requests in cycle order; a whole log with them goes through the reader and the writer byte for byte.
     */
    @Test
    void aWindowWithLaterSoftwareGroupsGoesThroughTheWriterAndTheReaderUnchanged(@TempDir Path dir) throws Exception {
        JsonNode written = ActionJson.write(0, GROUPED, 100);
        assertEquals(GROUPED_RECORD, JSON.writeValueAsString(written));
        assertEquals(GROUPED, ActionJson.read(written));
        assertEquals(List.of(), LogSchema.problems(GROUPED_RECORD));
        assertEquals(STAGGERED_RECORD.replace("[0,30]", "[0,25]"), JSON.writeValueAsString(ActionJson.write(0,
                new Action.Window(List.of(T1, T2), List.of(0, 25), 10, List.of(PTE, CQT), List.of(), List.of()), 100)),
                "no later groups: the field is left out");
        assertEquals(new Action.Window(List.of(T1, T2), List.of(0, 25), 10, List.of(PTE, CQT), List.of()),
                ActionJson.read(JSON.readTree(GROUPED_RECORD.replace(LATER, ",\"later\":[]"))), "later [] is none");
        assertEquals(List.of(new Action.Window.Step(Action.Window.Step.REQUEST, 0, 0),
                new Action.Window.Step(Action.Window.Step.SOFTWARE, 0, 10),
                new Action.Window.Step(Action.Window.Step.SOFTWARE, 1, 20),
                new Action.Window.Step(Action.Window.Step.REQUEST, 1, 25),
                new Action.Window.Step(Action.Window.Step.SOFTWARE, 2, 40)), GROUPED.schedule());
        assertEquals(List.of(PTE, CQT, PTE_B, CQT_4, PTE_C), GROUPED.software());

        Path in = file(dir, "grouped.jsonl", grouped());
        assertEquals(List.of(), LogSchema.problems(in));
        SeedLog log = LogReader.read(in);
        assertEquals(GROUPED, log.actions().get(0).action());
        assertEquals(100, log.actions().get(0).cycle());
        Path out = dir.resolve("again.jsonl");
        SeedLogWriter.write(log, out);
        List<String> expected = grouped();
        List<String> again = Files.readAllLines(out);
        assertEquals(expected.size(), again.size());
        for (int i = 1; i < expected.size() - 1; i++) { // the header and the end are written with every field
            if (expected.get(i).startsWith("{\"type\":\"completion\"")) continue; // so is a completion
            assertEquals(expected.get(i), again.get(i));
        }
        assertEquals(List.of(), LogSchema.problems(out));
    }

    /**
     * The engine's calls for a window with later groups: each group's stores and register writes at its step,
     * requests between them as they arrive; a call that is not the window's next step names the group due.
     */
    @Test
    void aLogDutAnswersAWindowWithLaterGroupsStepByStep(@TempDir Path dir) throws Exception {
        Path log = file(dir, "grouped.jsonl", grouped());
        LogDut dut = new LogDut(LogReader.read(log));
        dut.reset(0);
        submit(dut, T1);
        assertEquals(List.of(ACCEPT), kinds(dut.run(10, BUFFER)));
        assertEquals(110, dut.cycles());
        dut.memWrite(PTE.pa(), le(PTE.value()));
        dut.mmioWrite(CQT.offset(), CQT.size(), CQT.value());
        assertEquals(List.of(CQ_HEAD), kinds(dut.run(10, BUFFER)), "cqh at the first group's tail before the second is due");
        assertEquals(120, dut.cycles());
        dut.memWrite(PTE_B.pa(), le(PTE_B.value()));
        dut.mmioWrite(CQT_4.offset(), CQT_4.size(), CQT_4.value());
        assertEquals(List.of(), kinds(dut.run(5, BUFFER)));
        assertEquals(125, dut.cycles(), "the run up to tag 7's arrival");
        submit(dut, T2);
        assertEquals(List.of(ACCEPT, COMPLETION, CQ_HEAD), kinds(dut.run(15, BUFFER)));
        assertEquals(140, dut.cycles());
        dut.memWrite(PTE_C.pa(), le(PTE_C.value()));
        assertEquals(List.of(COMPLETION, IDLE), kinds(dut.run(100_000, BUFFER)));
        assertEquals(2, dut.mmioRead(CQT.offset(), CQT.size()), "the read-backs: during's first");
        assertEquals(4, dut.mmioRead(CQT_4.offset(), CQT_4.size()), "then later[0]'s");
        assertEquals(List.of(IDLE), kinds(dut.run(100_000, BUFFER)));
        byte[] image = dut.memRead(0x8000_1008L, 24);
        assertEquals((byte) 0xcf, image[0]);
        assertEquals(0x10, image[9]);
        assertEquals(0x20, image[17]);
        dut.requireFullyUsed();

        // tag 7 before the second group, which is due first
        LogDut early = new LogDut(LogReader.read(log));
        early.reset(0);
        submit(early, T1);
        early.run(10, BUFFER);
        early.memWrite(PTE.pa(), le(PTE.value()));
        early.mmioWrite(CQT.offset(), CQT.size(), CQT.value());
        early.run(10, BUFFER);
        LogMismatchException e = assertThrows(LogMismatchException.class, () -> submit(early, T2));
        assertTrue(e.getMessage().startsWith(log + ":2: the checker submits 'translate tag 7") && e.getMessage().contains(
                "window action #0 of this line has its software action 0 of later[0] ('store [0x80001010]"), e.getMessage());
        // the second group's store twice: its cqt write is next
        early.memWrite(PTE_B.pa(), le(PTE_B.value()));
        e = assertThrows(LogMismatchException.class, () -> early.memWrite(PTE_B.pa(), le(PTE_B.value())));
        assertTrue(e.getMessage().contains("its software action 1 of later[0] ('write cqt"), e.getMessage());
        // the third group's store before tag 7, then a wrong store in its place
        early.mmioWrite(CQT_4.offset(), CQT_4.size(), CQT_4.value());
        e = assertThrows(LogMismatchException.class, () -> early.memWrite(PTE_C.pa(), le(PTE_C.value())));
        assertTrue(e.getMessage().startsWith(log + ":2: the checker applies 'store [0x80001018]")
                && e.getMessage().contains("its request 1 ('translate tag 7"), e.getMessage());
        submit(early, T2);
        e = assertThrows(LogMismatchException.class, () -> early.memWrite(PTE_B.pa(), le(PTE_B.value())));
        assertTrue(e.getMessage().contains("its software action 0 of later[1] ('store [0x80001018]"), e.getMessage());
    }

    /** Malformed later groups: bad input naming the line and the nested field; the schema rejects those it can tell. */
    @Test
    void malformedLaterGroupsAreRejectedNamingTheField(@TempDir Path dir) throws Exception {
        String during = "\"during\":[{\"op\":\"memory_write\",\"pa\":\"0x80001008\",\"value\":\"0x200000cf\","
                + "\"what\":\"leaf PTE\"},{\"op\":\"register_write\",\"offset\":36,\"size\":4,\"value\":\"0x2\"}]";
        assertTrue(GROUPED_RECORD.contains(during) && GROUPED_RECORD.contains(LATER));
        // {record, the reader's message, whether the schema can tell (the order of gaps and the words stored are not
        // within a JSON Schema's reach)}
        String[][] cases = {
            {GROUPED_RECORD.replace("\"gap\":20", "\"gap\":10"), "field 'later[0].gap': expected 11..2147483647, got 10", "n"},
            {GROUPED_RECORD.replace("\"gap\":20", "\"gap\":0"), "field 'later[0].gap': expected 11..2147483647, got 0", "y"},
            {GROUPED_RECORD.replace("\"gap\":40", "\"gap\":20"), "field 'later[1].gap': expected 21..2147483647, got 20", "n"},
            {GROUPED_RECORD.replace("{\"gap\":20,", "{"), "field 'later[0].gap': missing", "y"},
            {GROUPED_RECORD.replace(LATER_0_DURING, "[]"),
                "field 'later[0].during': expected at least one memory_write or register_write, got []", "y"},
            {GROUPED_RECORD.replace(",\"during\":" + LATER_0_DURING, ""),
                "field 'later[0].during': expected at least one memory_write or register_write", "y"},
            {GROUPED_RECORD.replace("\"pa\":\"0x80001018\",", ""), "field 'later[1].during[0].pa': missing", "y"},
            {GROUPED_RECORD.replace("{\"op\":\"register_write\",\"offset\":36,\"size\":4,\"value\":\"0x4\"}",
                "{\"op\":\"register_read\",\"offset\":36,\"size\":4}"),
                "field 'later[0].during[1].op': expected one of memory_write, register_write", "y"},
            {GROUPED_RECORD.replace("],\"arrivals\"", "]" + LogSchemaTest.PAGE_REQUESTS + ",\"arrivals\""),
                "field 'later': a window with page_requests has one software group", "y"},
            {GROUPED_RECORD.replace(during, "\"during\":[]"),
                "field 'later': a window with later software groups has software actions in 'during' too", "y"},
            {GROUPED_RECORD.replace(LATER, ",\"later\":7"), "field 'later': expected an array of software groups", "y"},
            {GROUPED_RECORD.replace(LATER, ",\"later\":[7]"), "field 'later[0]': expected an object with a gap and a during", "y"},
        };
        int n = 0;
        for (String[] c : cases) {
            assertTrue(!c[0].equals(GROUPED_RECORD), "the case changes the record: " + c[1]);
            Path log = file(dir, "bad-" + n++ + ".jsonl", List.of(HEADER_V2, c[0], "{\"type\":\"end\"}"));
            BadInputException e = assertThrows(BadInputException.class, () -> LogReader.read(log), c[0]);
            assertTrue(e.getMessage().startsWith(log + ":2: " + c[1]), e.getMessage());
            assertEquals(c[2].equals("y"), !LogSchema.problems(c[0]).isEmpty(), "the schema's verdict on " + c[0]);
        }
    }

    /** A version 1 log is read as before: no cycles on actions, and a run hands out everything up to idle. */
    @Test
    void aSchemaOneLogIsReadAsBefore(@TempDir Path dir) throws Exception {
        List<String> lines = List.of(SyntheticLog.HEADER,
                "{\"type\":\"action\",\"index\":0,\"op\":\"translate\",\"tag\":2,\"device_id\":\"0x3c\",\"pv\":false,"
                        + "\"process_id\":\"0x0\",\"priv\":false,\"ttyp\":3,\"iova\":\"0x4315b21d8718\"}",
                "{\"type\":\"completion\",\"cycle\":402,\"tag\":2,\"status\":1,\"cause\":256}",
                "{\"type\":\"idle\",\"cycle\":426}",
                "{\"type\":\"idle\",\"cycle\":426}",
                "{\"type\":\"end\"}");
        Path log = file(dir, "v1.jsonl", lines);
        for (String l : lines) assertEquals(List.of(), LogSchema.problemsV1(l), l);
        assertEquals(List.of(), LogSchema.problems(log), "validated against the version 1 schema");
        SeedLog read = LogReader.read(log);
        assertEquals(1, read.header().schemaVersion());
        LogDut dut = new LogDut(read);
        dut.reset(0);
        dut.submit(2, 0x3c, false, 0, 0x4315b21d8718L, 3, 0);
        assertEquals(List.of(COMPLETION, IDLE), kinds(dut.run(1, BUFFER)), "version 1: the budget is not the log's");
        assertEquals(426, dut.cycles());

        // the version 2 records are not version 1's
        Path window = file(dir, "v1-window.jsonl", List.of(SyntheticLog.HEADER,
                WINDOW_RECORD.replace("\"cycle\":100,", ""), "{\"type\":\"end\"}"));
        BadInputException e = assertThrows(BadInputException.class, () -> LogReader.read(window));
        assertTrue(e.getMessage().startsWith(window + ":2: field 'op': 'window' is an action of schema version 2"),
                e.getMessage());
        assertTrue(!LogSchema.problemsV1(WINDOW_RECORD).isEmpty());
        assertTrue(!LogSchema.problemsV1("{\"type\":\"accept\",\"tag\":1}").isEmpty());
        assertTrue(!LogSchema.problemsV1("{\"type\":\"queue_tail\",\"queue\":\"fault\",\"value\":1}").isEmpty());
        assertTrue(!LogSchema.problemsV1("{\"type\":\"inval_completion\",\"rid\":1,\"itag\":1,\"count\":1}").isEmpty());
        Path v3 = file(dir, "v3.jsonl", List.of(SyntheticLog.HEADER.replace("\"schema_version\":1", "\"schema_version\":3"),
                "{\"type\":\"end\"}"));
        e = assertThrows(BadInputException.class, () -> LogReader.read(v3));
        assertTrue(e.getMessage().contains("field 'schema_version': 3 is not supported: this lockstep reads schema "
                + "version 1 to 2"), e.getMessage());
    }

    /** Malformed window fields: bad input naming the line and the nested field; the schema rejects each too. */
    @Test
    void malformedWindowFieldsAreRejectedNamingTheField(@TempDir Path dir) throws Exception {
        String r0 = "{\"tag\":1,\"device_id\":\"0x3c\",\"pv\":false,\"process_id\":\"0x0\",\"priv\":false,\"ttyp\":2,\"iova\":\"0x40201abc\"}";
        // {record, the reader's message, whether the schema can tell (distinct tags are beyond a JSON Schema)}
        String[][] cases = {
            {WINDOW_RECORD.replace("\"tag\":7", "\"tag\":65536"), "field 'requests[1].tag': expected an unsigned 16-bit value", "y"},
            {WINDOW_RECORD.replace("\"tag\":7", "\"tag\":1"), "field 'requests[1].tag': tag 1 is requests[0]'s too", "n"},
            {WINDOW_RECORD.replace("\"ttyp\":2", "\"ttyp\":4"), "field 'requests[0].ttyp': expected a request type", "y"},
            {WINDOW_RECORD.replace("\"ttyp\":8", "\"ttyp\":2"), "field 'requests[1].no_write': only an ATS translation request", "y"},
            {WINDOW_RECORD.replace(",\"iova\":\"0x40201abc\"", ""), "field 'requests[0].iova': missing", "y"},
            {WINDOW_RECORD.replaceAll("\"requests\":\\[.*\\],\"gap\"", "\"requests\":[],\"gap\""),
                "field 'requests': expected an array of at least one translation request", "y"},
            {WINDOW_RECORD.replace("\"requests\":[" + r0, "\"requests\":[7"), "field 'requests[0]': expected an object", "y"},
            {WINDOW_RECORD.replace("\"gap\":10", "\"gap\":-1"), "field 'gap': expected 0..2147483647", "y"},
            {WINDOW_RECORD.replace("\"gap\":10,", ""), "field 'gap': missing", "y"},
            {WINDOW_RECORD.replace("\"pa\":\"0x80001008\",", ""), "field 'during[0].pa': missing", "y"},
            {WINDOW_RECORD.replace("\"offset\":36", "\"offset\":38"), "field 'during[1].offset': expected a multiple of the size", "n"},
            {WINDOW_RECORD.replace("\"op\":\"register_write\"", "\"op\":\"register_read\""),
                "field 'during[1].op': expected one of memory_write, register_write", "y"},
            {WINDOW_RECORD.replaceAll("\"during\":\\[.*\\]\\}$", "\"during\":{\"op\":\"memory_write\"}}"), "field 'during': expected an array", "y"},
            {WINDOW_RECORD.replace("\"cycle\":100", "\"cycle\":-100"), "field 'cycle': expected 0..9223372036854775807", "y"},
            {STAGGERED_RECORD.replace("[0,30]", "[0]"), "field 'arrivals': expected an array of 2 cycle counts, one per request", "n"},
            {STAGGERED_RECORD.replace("[0,30]", "[4,30]"), "field 'arrivals[0]': expected 0 (the first request opens the window)", "y"},
            {STAGGERED_RECORD.replace("[0,30]", "[0,-3]"), "field 'arrivals[1]': expected a number of cycles >= 0", "y"},
            {STAGGERED_RECORD.replace("[0,30]", "[0,\"x\"]"), "field 'arrivals[1]': expected a number of cycles >= 0", "y"},
        };
        int n = 0;
        for (String[] c : cases) {
            Path log = file(dir, "bad-" + n++ + ".jsonl", List.of(HEADER_V2, c[0], "{\"type\":\"end\"}"));
            BadInputException e = assertThrows(BadInputException.class, () -> LogReader.read(log), c[0]);
            assertTrue(e.getMessage().startsWith(log + ":2: " + c[1]), e.getMessage());
            if (c[2].equals("y")) assertTrue(!LogSchema.problems(c[0]).isEmpty(), "the schema rejects it too: " + c[0]);
        }
    }

    /** Lockstep's own logs are of version 2: every action has its cycle, never before the record ahead of it. */
    @Test
    void theLogsLockstepWritesAreTimelines(@TempDir Path out) throws Exception {
        Cli c = Cli.run("run", "--dut", "stub", "--seed", "3", "--count", "1", "--actions", "400", "--dump", "all",
                "--out", out.toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err + c.out);
        List<String> lines = Files.readAllLines(out.resolve("logs/seed-3.jsonl"));
        assertTrue(lines.get(0).contains("\"schema_version\":2,"), lines.get(0));
        long last = 0;
        int actions = 0;
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            if (n.get("type").asText().equals("action")) {
                assertTrue(n.has("cycle"), l);
                assertTrue(n.get("cycle").asLong() >= last, "an action is applied after the records before it: " + l);
                actions++;
            }
            if (n.has("cycle")) last = n.get("cycle").asLong();
        }
        JsonNode end = JSON.readTree(lines.get(lines.size() - 1));
        assertEquals(end.get("actions").asInt(), actions);
        assertTrue(actions > 50, "actions: " + actions);
        Cli check = Cli.run("check", out.resolve("logs/seed-3.jsonl").toString());
        assertEquals(Main.EXIT_PASS, check.exitCode, check.out + check.err);
    }
}
