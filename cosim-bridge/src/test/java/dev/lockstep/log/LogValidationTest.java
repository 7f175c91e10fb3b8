package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Mutants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs are untrusted input: every field of every record is checked against its type, width and range,
 * and anything wrong is exit code 2 naming the file, the line and the field, never a stack trace, a
 * silent truncation or a wrong verdict.
 */
class LogValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    /** A real log of the built-in DUT: translations, faults, memory writes, interrupts. */
    static Path good;
    /** A shorter one, to fuzz (each case is read and checked). */
    static Path small;
    static List<Mutants.Mutant> mutants;

    @BeforeAll
    static void aRealLog() throws Exception {
        Cli c = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--actions", "1000", "--dump", "all",
                "--out", dir.resolve("run").toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err);
        good = dir.resolve("run/logs/seed-1.jsonl");
        Cli s = Cli.run("run", "--dut", "stub", "--seed", "2", "--count", "1", "--actions", "150", "--dump", "all",
                "--out", dir.resolve("short").toString());
        assertEquals(Main.EXIT_PASS, s.exitCode, s.err);
        small = dir.resolve("short/logs/seed-2.jsonl");
        mutants = Mutants.read(dev.lockstep.TestPaths.home().resolve("rtl-stubs/mutants.tsv"));
    }

    /** One hostile edit: the first record {@code which} selects gets {@code field} = {@code value}. */
    private record Edit(String what, Predicate<JsonNode> which, String field, String value, String expected) {}

    private static Predicate<JsonNode> type(String t) { return r -> r.get("type").asText().equals(t); }

    private static Predicate<JsonNode> op(String o) { return r -> type("action").test(r) && r.get("op").asText().equals(o); }

    private static final Predicate<JsonNode> FAULT = r -> type("completion").test(r) && r.get("status").asInt() != 0;

    @Test
    void everyFieldIsCheckedAgainstItsTypeWidthAndRange() throws Exception {
        List<Edit> edits = List.of(
                // 65547 must not be taken as tag 11 (16 bits)
                new Edit("tag past 16 bits", type("completion"), "tag", "65547", "field 'tag': expected an unsigned 16-bit"),
                new Edit("action tag", op("translate"), "tag", "65547", "field 'tag': expected an unsigned 16-bit"),
                new Edit("negative tag", op("translate"), "tag", "-1", "field 'tag'"),
                new Edit("cause past 12 bits", FAULT, "cause", "4096", "field 'cause': expected an unsigned 12-bit"),
                new Edit("pbmt past 2 bits", type("completion"), "pbmt", "4", "field 'pbmt'"),
                new Edit("status", type("completion"), "status", "3", "field 'status': expected 0..2"),
                new Edit("reserved ttyp", op("translate"), "ttyp", "4", "field 'ttyp': expected a request type"),
                new Edit("ttyp out of range", op("translate"), "ttyp", "99", "field 'ttyp': expected a request type"),
                new Edit("message ttyp", op("translate"), "ttyp", "9", "field 'ttyp': expected a request type"),
                new Edit("device id past 24 bits", op("translate"), "device_id", "\"0x1000000\"", "field 'device_id'"),
                new Edit("process id past 20 bits", op("translate"), "process_id", "\"0x100000\"", "field 'process_id'"),
                new Edit("negative iova", op("translate"), "iova", "-4096", "field 'iova': expected an unsigned 64-bit"),
                new Edit("iova of 65 bits", op("translate"), "iova", "\"0x10000000000000000\"", "field 'iova'"),
                new Edit("iova as a float", op("translate"), "iova", "4096.5", "field 'iova'"),
                new Edit("pv as a string", op("translate"), "pv", "\"yes\"", "field 'pv': expected true or false"),
                new Edit("strobe past 8 bits", type("mem_write"), "strobe", "\"0x100\"", "field 'strobe'"),
                new Edit("unaligned write", type("mem_write"), "addr", "\"0x80000004\"", "field 'addr': expected an 8-byte aligned"),
                new Edit("write op", type("mem_write"), "op", "\"amo_and\"", "field 'op': expected one of write, amo_or"),
                new Edit("register offset", op("register_read"), "offset", "4096", "field 'offset'"),
                new Edit("unaligned register", op("register_read"), "offset", "2", "field 'offset': expected a multiple of the size"),
                new Edit("access size", op("register_read"), "size", "2", "field 'size': expected 4 or 8"),
                new Edit("read value wider than its size", r -> type("read").test(r) && r.get("size").asInt() == 4,
                        "value", "\"0x100000000\"", "field 'value': expected an unsigned 32-bit"),
                new Edit("interrupt wire", type("irq"), "line", "16", "field 'line': expected an unsigned 4-bit"),
                new Edit("interrupt level", type("irq"), "level", "2", "field 'level'"),
                new Edit("message requester id", type("message"), "rid", "65536", "field 'rid'"),
                new Edit("message kind", type("message"), "message", "\"invalidation_completion\"", "field 'message'"),
                new Edit("page request device", op("page_request"), "device_id", "-3", "field 'device_id'"),
                new Edit("memory error kind", op("memory_error"), "error", "\"parity\"", "field 'error'"),
                new Edit("register write value", r -> op("register_write").test(r) && r.get("size").asInt() == 4,
                        "value", "\"0x1ffffffff\"", "field 'value': expected an unsigned 32-bit"),
                new Edit("negative cycle", type("idle"), "cycle", "-1", "field 'cycle'"),
                new Edit("action index", op("register_read"), "index", "\"x\"", "field 'index'"),
                new Edit("mutant id against its name", type("header"), "mutant", "{\"id\":3,\"name\":\"none\"}",
                        "field 'mutant.name': expected '" + mutants.get(2).name() + "'"),
                new Edit("unknown mutant id", type("header"), "mutant", "{\"id\":200}", "field 'mutant.id'"),
                new Edit("config type", type("header"), "config", "{\"capabilities\":true}", "field 'config.capabilities'"),
                new Edit("seed type", type("header"), "seed", "\"one\"", "field 'seed'"),
                new Edit("record type", type("idle"), "type", "7", "field 'type': expected a string"));
        for (Edit e : edits) {
            Path bad = dir.resolve("bad.jsonl");
            int line = edit(good, bad, e.which(), r -> r.set(e.field(), parse(e.value())));
            assertBadInput(bad, line, e.expected(), e.what());
        }
    }

    @Test
    void aBadConfigInTheHeaderNamesTheKeyAndSuggestsTheNearestOne() throws Exception {
        Path bad = dir.resolve("config.jsonl");
        edit(good, bad, type("header"), r -> {
            ObjectNode c = (ObjectNode) r.get("config");
            c.set("capabilites", c.remove("capabilities"));
        });
        assertBadInput(bad, 1, "field 'config.capabilites': unknown key (did you mean 'capabilities'?)", "misspelt key");
        edit(good, bad, type("header"), r -> ((ObjectNode) r.get("config")).put("ddtp_modes", "Off"));
        assertBadInput(bad, 1, "field 'config.ddtp_modes': expected an array of mode names", "modes as a string");
        edit(good, bad, type("header"), r -> ((ObjectNode) r.get("config")).put("fctl_writable", 8));
        assertBadInput(bad, 1, "field 'config.fctl_writable'", "fctl bit 3");
    }

    @Test
    void duplicateKeysAndTrailingTextAreRejected() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(good));
        Path bad = dir.resolve("dup.jsonl");
        int i = find(lines, type("completion"));
        String original = lines.get(i);
        lines.set(i, original.replace("\"tag\":", "\"tag\":11,\"tag\":"));
        Files.write(bad, lines);
        assertBadInput(bad, i + 1, "field 'tag': appears twice", "duplicate key");
        lines.set(i, original + " {\"type\":\"idle\"}");
        Files.write(bad, lines);
        assertBadInput(bad, i + 1, "not a JSON record", "two records on a line");
    }

    @Test
    void aByteOrderMarkAndWindowsLineEndsAreReadAsTheSameLog() throws Exception {
        String text = Files.readString(small);
        Path windows = dir.resolve("windows.jsonl");
        Files.writeString(windows, "\uFEFF" + text.replace("\n", "\r\n"));
        Cli c = Cli.run("check", windows.toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err);
        assertTrue(c.out.endsWith("1 passed, 0 failed\n"), c.out);
        Path late = dir.resolve("late-bom.jsonl");
        Files.writeString(late, text.replaceFirst("\n", "\n\uFEFF"));
        assertEquals(Main.EXIT_USAGE, Cli.run("check", late.toString()).exitCode, "a mark inside the log is not skipped");
    }

    @Test
    void invalidUtf8NamesItsLine() throws Exception {
        byte[] log = Files.readAllBytes(good);
        int third = indexOfLine(log, 3);
        byte[] bad = new byte[log.length + 2];
        System.arraycopy(log, 0, bad, 0, third + 10);
        bad[third + 10] = (byte) 0xc3; // a lone lead byte, then a quote: not UTF-8
        bad[third + 11] = (byte) 0x28;
        System.arraycopy(log, third + 10, bad, third + 12, log.length - third - 10);
        Path file = dir.resolve("utf8.jsonl");
        Files.write(file, bad);
        assertBadInput(file, 3, "not valid UTF-8", "invalid UTF-8");
    }

    /**
     * More versions of the cached structures than the caching model enumerates (no invalidation between
     * many stores to the same entries) is a state the model cannot represent: bad input naming the action.
     */
    @Test
    void aStateTheModelCannotRepresentIsBadInputWithTheActionAndLine() throws Exception {
        StringBuilder b = new StringBuilder();
        String header = Files.readAllLines(good).get(0);
        b.append(header).append('\n');
        int[] index = {0};
        java.util.function.BiConsumer<Long, Long> store = (pa, v) -> b.append(String.format(
                "{\"type\":\"action\",\"index\":%d,\"op\":\"memory_write\",\"pa\":\"0x%x\",\"value\":\"0x%x\"}%n",
                index[0]++, pa, v));
        long ddt = 0x8000_0000L;
        long root = 0x8000_1000L;
        long mid = 0x8000_2000L;
        long leaf = 0x8000_3000L;
        store.accept(ddt, 1L);                                 // DC.tc.V
        store.accept(ddt + 24, 8L << 60 | root >>> 12);         // DC.fsc: Sv39
        // Each PTE stored in many versions no invalidation retires: 8 x 8 x 128 combinations (> 4096).
        for (long v = 0; v < 8; v++) store.accept(root, (mid >>> 12) << 10 | 1 | (v & 1) << 5 | (v >>> 1) << 8);
        for (long v = 0; v < 8; v++) store.accept(mid, (leaf >>> 12) << 10 | 1 | (v & 1) << 5 | (v >>> 1) << 8);
        for (long v = 0; v < 128; v++) store.accept(leaf, 0x9_0000L << 10 | 0x7 | (v & 0x1f) << 3 | (v >>> 5) << 8);
        long ddtp = (ddt >>> 12) << 10 | 2;
        b.append(String.format("{\"type\":\"action\",\"index\":%d,\"op\":\"register_write\",\"offset\":16,"
                + "\"size\":8,\"value\":\"0x%x\"}%n{\"type\":\"idle\"}%n{\"type\":\"read\",\"offset\":16,\"size\":8,"
                + "\"value\":\"0x%x\"}%n", index[0]++, ddtp, ddtp));
        int translate = index[0];
        b.append(String.format("{\"type\":\"action\",\"index\":%d,\"op\":\"translate\",\"tag\":1,\"device_id\":0,"
                + "\"pv\":false,\"process_id\":0,\"priv\":false,\"ttyp\":2,\"iova\":\"0x0\"}%n", index[0]++));
        int line = b.toString().split("\n").length;
        b.append("{\"type\":\"completion\",\"tag\":1,\"status\":0,\"pa\":\"0x90000000\"}\n{\"type\":\"idle\"}\n"
                + "{\"type\":\"idle\"}\n{\"type\":\"end\"}\n");
        Path file = dir.resolve("versions.jsonl");
        Files.writeString(file, b.toString());
        Cli c = assertBadInput(file, line, "action #" + translate + " (translate tag 1", "too many versions");
        assertTrue(c.err.contains("the model cannot represent"), c.err);
        Cli x = Cli.run("explain", file.toString(), "--action", String.valueOf(translate));
        assertEquals(Main.EXIT_USAGE, x.exitCode, x.err + x.out);
        assertTrue(x.err.contains(file + ":" + line + ": action #" + translate), x.err);
    }

    @Test
    void replayRejectsAMalformedLogBeforeOpeningTheDut() throws Exception {
        Path bad = dir.resolve("replay.jsonl");
        int line = edit(good, bad, op("translate"), r -> r.put("ttyp", 12));
        Cli c = Cli.run("replay", bad.toString(), "--dut", dir.resolve("no-such-dut.so").toString());
        assertEquals(Main.EXIT_USAGE, c.exitCode, c.err + c.out);
        assertTrue(c.err.contains(bad + ":" + line + ": field 'ttyp'"), c.err);
    }

    /**
     * Seeded, time-bounded fuzzing of the reader and checker: random edits of a real log (values of
     * every JSON type and size put in every field, bytes flipped, lines dropped, doubled or cut) must each
     * end in a verdict or bad input naming the file and line, and nothing else.
     */
    @Test
    void fuzzedLogsEndInAVerdictOrBadInputNamingTheLine() throws Exception {
        List<String> lines = Files.readAllLines(small);
        Random random = new Random(16);
        String[] values = {"-1", "0", "1", "65547", "4096", "\"0x\"", "\"0xffffffffffffffff\"", "\"0x1ffffffffffffffff\"",
            "18446744073709551616", "-9223372036854775808", "1e3", "0.5", "true", "null", "\"\"", "\"Off\"", "[]",
            "{}", "[1,2]", "\"\\u0000\"", "\"caf\u00e9\"", "99999999999999999999999999999"};
        long deadline = System.nanoTime() + 5_000_000_000L; // a few thousand cases on an idle core
        int cases = 0;
        int bad = 0;
        Path file = dir.resolve("fuzz.jsonl");
        while (cases < 3000 && System.nanoTime() < deadline) {
            List<String> copy = new ArrayList<>(lines);
            int i = random.nextInt(copy.size());
            switch (random.nextInt(5)) {
                case 0, 1 -> { // a field gets a value of another type or size
                    ObjectNode r = (ObjectNode) JSON.readTree(copy.get(i));
                    List<String> names = new ArrayList<>();
                    r.fieldNames().forEachRemaining(names::add);
                    ObjectNode target = r;
                    String name = names.get(random.nextInt(names.size()));
                    if (r.get(name).isObject() && random.nextBoolean() && r.get(name).size() > 0) {
                        target = (ObjectNode) r.get(name);
                        List<String> inner = new ArrayList<>();
                        target.fieldNames().forEachRemaining(inner::add);
                        name = inner.get(random.nextInt(inner.size()));
                    }
                    target.set(name, JSON.readTree(values[random.nextInt(values.length)]));
                    copy.set(i, JSON.writeValueAsString(r));
                }
                case 2 -> copy.remove(i);
                case 3 -> copy.add(i, copy.get(random.nextInt(copy.size())));
                default -> copy.set(i, copy.get(i).substring(0, random.nextInt(copy.get(i).length() + 1)));
            }
            byte[] bytes = (String.join("\n", copy) + "\n").getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(8) == 0) bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            Files.write(file, bytes);
            try {
                SeedResult r = LogCheck.check(LogReader.read(file, mutants), s -> "check");
                assertTrue(r.passed() || r.divergence() != null || r.failure() != null);
            } catch (BadInputException e) {
                bad++;
                assertTrue(e.getMessage().matches("(?s)\\Q" + file + "\\E:\\d+: .+"), e.getMessage());
                assertFalse(e.getMessage().contains("Exception") || e.getMessage().contains("java."), e.getMessage());
            }
            cases++;
        }
        assertTrue(cases >= 50, "only " + cases + " fuzz cases ran");
        assertTrue(bad > cases / 4, bad + " of " + cases + " edits were bad input");
    }

    private static Cli assertBadInput(Path file, int line, String expected, String what) {
        Cli c = Cli.run("check", file.toString());
        assertEquals(Main.EXIT_USAGE, c.exitCode, what + ": " + c.err + c.out);
        assertTrue(c.err.contains(file + ":" + line + ": " + expected), what + ": " + c.err);
        assertFalse(c.err.contains("Exception") || c.err.contains("\tat "), what + ": " + c.err);
        return c;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

    private static int find(List<String> lines, Predicate<JsonNode> which) throws Exception {
        for (int i = 0; i < lines.size(); i++) if (which.test(JSON.readTree(lines.get(i)))) return i;
        throw new AssertionError("no such record");
    }

    private static int indexOfLine(byte[] bytes, int line) {
        int at = 0;
        for (int l = 1; l < line; l++) while (bytes[at++] != '\n') { }
        return at;
    }

    /** Copies {@code from} to {@code to} editing the first record {@code which} selects; returns its line. */
    static int edit(Path from, Path to, Predicate<JsonNode> which, java.util.function.Consumer<ObjectNode> how)
            throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(from));
        int i = find(lines, which);
        ObjectNode r = (ObjectNode) JSON.readTree(lines.get(i));
        how.accept(r);
        lines.set(i, JSON.writeValueAsString(r));
        Files.write(to, lines);
        return i + 1;
    }
}
