package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.LogSchema;
import dev.lockstep.TestPaths;
import dev.lockstep.WrittenLogs;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON Schema of the log format (docs/log-format.schema.json), checked with a real validator: the logs
 * Lockstep writes and the format document's examples are valid (every log written in the tests is validated
 * too: {@link WrittenLogs}); malformed records are rejected.
 */
class LogSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theFormatDocumentLinksTheSchemaOfItsVersion() throws Exception {
        String doc = Files.readString(TestPaths.home().resolve("docs/log-format.md"));
        assertTrue(doc.contains("(log-format.schema.json)"), "docs/log-format.md links the schema");
        String schema = Files.readString(LogSchema.FILE);
        assertTrue(doc.startsWith("# Seed log format (schema version " + LogFormat.SCHEMA_VERSION + ")"));
        assertTrue(JSON.readTree(schema).at("/$defs/record_header/properties/schema_version/oneOf/0/const").asInt()
                == LogFormat.SCHEMA_VERSION, "the schema describes the version the reader writes");
    }

    /** A configuration key the reader knows and the schema does not (or the reverse) fails here first. */
    @Test
    void theSchemaKnowsTheConfigurationKeysTheReaderKnows() throws Exception {
        Set<String> schema = new TreeSet<>();
        JSON.readTree(LogSchema.FILE.toFile()).at("/$defs/config/properties").fieldNames().forEachRemaining(schema::add);
        assertEquals(new TreeSet<>(ConfigJson.KEYS), schema);
    }

    @Test
    void theExamplesOfTheFormatDocumentAreValid() throws Exception {
        String doc = Files.readString(TestPaths.home().resolve("docs/log-format.md"));
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        int records = 0;
        while (m.find()) {
            for (String line : m.group(1).split("\n")) {
                assertEquals(List.of(), LogSchema.problems(line), line);
                records++;
            }
        }
        assertTrue(records >= 15, "records in the examples: " + records);
    }

    /** Logs of every record kind (ATS, page requests, messages, faults, a divergence) are valid, plain and gzip. */
    @Test
    void logsLockstepWritesAreValidPlainAndCompressed(@TempDir Path out) throws Exception {
        Cli c = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "7", "--actions", "600", "--dump", "all",
                "--out", out.resolve("plain").toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err + c.out);
        Cli z = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "2", "--actions", "600", "--dump", "all",
                "--mutant", "fq_ttyp_shifted", "--compress", "--out", out.resolve("gz").toString());
        assertEquals(Main.EXIT_DIVERGENCE, z.exitCode, z.err + z.out);
        Set<String> types = new TreeSet<>();
        int logs = 0;
        for (Path dir : List.of(out.resolve("plain/logs"), out.resolve("gz/logs"))) {
            try (var files = Files.list(dir)) {
                for (Path log : files.sorted().toList()) {
                    assertEquals(List.of(), LogSchema.problems(log), log.toString());
                    logs++;
                    try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(LogInput.open(log)))) {
                        r.lines().forEach(l -> types.add(l.replaceAll("^\\{\"type\":\"([a-z_]+)\".*", "$1")
                                + (l.contains("\"op\":\"") && l.startsWith("{\"type\":\"action\"")
                                        ? ":" + l.replaceAll(".*\"op\":\"([a-z_]+)\".*", "$1") : "")));
                    }
                }
            }
        }
        assertEquals(9, logs);
        assertTrue(types.containsAll(List.of("header", "action:register_read", "action:register_write",
                "action:memory_write", "action:translate", "action:page_request", "read", "completion", "mem_write",
                "irq", "message", "idle", "mem_word", "end")), types.toString());
        WrittenLogs.validateAll();
        assertTrue(WrittenLogs.validated() >= 9, "validated so far: " + WrittenLogs.validated());
    }

    static final String HEADER = "{\"type\":\"header\",\"schema_version\":2,\"config\":{\"capabilities\":\"0x1f817460610\","
            + "\"fctl_writable\":0,\"fctl_reset\":2,\"reset_mode\":\"Off\",\"ddtp_modes\":[\"Off\",\"Bare\"]},\"seed\":3}";
    static final String TRANSLATE = "{\"type\":\"action\",\"index\":4,\"op\":\"translate\",\"tag\":2,\"device_id\":\"0x3c\","
            + "\"pv\":false,\"process_id\":\"0x0\",\"priv\":false,\"ttyp\":3,\"iova\":\"0x4315b21d8718\"}";
    static final String COMPLETION = "{\"type\":\"completion\",\"tag\":2,\"status\":1,\"cause\":23,\"pa\":\"0x0\"}";
    static final String MEM_WRITE = "{\"type\":\"mem_write\",\"addr\":\"0x80000020\",\"data\":\"0x3c\",\"strobe\":\"0xff\",\"op\":\"write\"}";

    static final String WINDOW = "{\"type\":\"action\",\"index\":5,\"cycle\":900,\"op\":\"window\",\"requests\":["
            + TRANSLATE.replaceAll("\\{.*\"op\":\"translate\",", "{") + "," + TRANSLATE.replaceAll("\\{.*\"op\":\"translate\",", "{")
                    .replace("\"tag\":2", "\"tag\":3") + "],\"gap\":3,\"during\":[{\"op\":\"memory_write\",\"pa\":\"0x80000020\","
            + "\"value\":\"0x1\"},{\"op\":\"register_write\",\"offset\":36,\"size\":4,\"value\":\"0x2\"}]}";
    /** The Page Requests of a window (the fields of a page_request action, no op), to put after its requests. */
    static final String PAGE_REQUESTS = ",\"page_requests\":[{\"device_id\":\"0x4\",\"pv\":false,\"process_id\":\"0x0\",\"priv\":false,"
            + "\"exec\":false,\"payload\":\"0x40201007\"},{\"device_id\":\"0x10005\",\"pv\":true,\"process_id\":\"0x5\",\"priv\":true,"
            + "\"exec\":true,\"payload\":\"0x4020900d\",\"dsv\":false}]";
    static final String WINDOW_PR = WINDOW.replace("],\"gap\":3", "]" + PAGE_REQUESTS + ",\"gap\":3");
    /** Two later software groups of a window (each {gap, during}), to put after its during. */
    static final String LATER = ",\"later\":[{\"gap\":5,\"during\":[{\"op\":\"memory_write\",\"pa\":\"0x80000028\","
            + "\"value\":\"0x1\"},{\"op\":\"register_write\",\"offset\":36,\"size\":4,\"value\":\"0x4\"}]},"
            + "{\"gap\":\"0x9\",\"during\":[{\"op\":\"memory_write\",\"pa\":\"0x80000030\",\"value\":\"0x2\",\"what\":\"x\"}]}]";
    static final String WINDOW_LATER = WINDOW.replaceAll("\\}$", LATER + "}");
    /** A window of Page Requests only: no translation request. */
    static final String WINDOW_PR_ONLY = WINDOW_PR.replaceAll("\"requests\":\\[.*\\],\"page_requests\"", "\"requests\":[],\"page_requests\"");

    @Test
    void theVersionOneSchemaIsKeptForVersionOneLogs() {
        String v1 = HEADER.replace("\"schema_version\":2", "\"schema_version\":1");
        for (String ok : List.of(v1, TRANSLATE, COMPLETION, MEM_WRITE)) assertEquals(List.of(), LogSchema.problemsV1(ok), ok);
        assertFalse(LogSchema.problemsV1(HEADER).isEmpty(), "the version 1 schema is version 1's only");
        assertFalse(LogSchema.problemsV1(WINDOW).isEmpty(), "no window in version 1");
    }

    @Test
    void wellFormedRecordsInEveryAcceptedSpellingAreValid() {
        for (String ok : List.of(HEADER, TRANSLATE, COMPLETION, MEM_WRITE, WINDOW, WINDOW_PR, WINDOW_PR_ONLY, WINDOW_LATER,
                WINDOW_LATER.replace("{\"gap\":5,", "{\"gap\":5,\"future_field\":1,"),
                WINDOW_PR.replaceAll("\\}$", ",\"later\":[]}"),
                WINDOW.replace("],\"gap\":3", "],\"page_requests\":[],\"gap\":3"),
                WINDOW.replace("],\"gap\":3", "],\"arrivals\":[0,40],\"gap\":3"),
                WINDOW_PR.replace("\"payload\":\"0x40201007\"", "\"payload\":1073745927,\"dsv\":1"),
                TRANSLATE.replace("\"index\":4", "\"index\":4,\"cycle\":\"0x1f\""),
                WINDOW.replace(",\"during\":[{\"op\":\"memory_write\",\"pa\":\"0x80000020\",\"value\":\"0x1\"},"
                        + "{\"op\":\"register_write\",\"offset\":36,\"size\":4,\"value\":\"0x2\"}]", ""),
                "{\"type\":\"accept\",\"cycle\":3,\"tag\":2}", "{\"type\":\"cq_head\",\"cycle\":3,\"value\":\"0xffffffff\"}",
                "{\"type\":\"queue_tail\",\"cycle\":3,\"queue\":\"fault\",\"value\":\"0xffffffff\"}",
                "{\"type\":\"queue_tail\",\"queue\":\"page_request\",\"value\":7}",
                "{\"type\":\"inval_completion\",\"cycle\":3,\"rid\":60,\"itag\":\"0xffffffff\",\"count\":0}",
                "{\"type\":\"inval_completion\",\"rid\":\"0xffff\",\"itag\":1,\"count\":7,\"future_field\":true}",
                HEADER.replace("\"seed\":3", "\"seed\":-3"), HEADER.replace("\"seed\":3", "\"seed\":\"0xffffffffffffffff\""),
                TRANSLATE.replace("\"tag\":2", "\"tag\":\"0xffff\""), TRANSLATE.replace("\"pv\":false", "\"pv\":0"),
                TRANSLATE.replace("\"ttyp\":3", "\"ttyp\":8,\"no_write\":true,\"cxl\":true"),
                COMPLETION.replace("}", ",\"cxl_io\":true,\"future_field\":\"ignored\"}"),
                "{\"type\":\"irq\",\"line\":3,\"level\":1}", "{\"type\":\"idle\"}", "{\"type\":\"end\"}",
                "{\"type\":\"message\",\"message\":\"invalidation_request\",\"rid\":\"0x3c\"}",
                "{\"type\":\"mem_word\",\"addr\":\"0x80000020\",\"value\":\"0xffffffffffffffff\"}",
                "{\"type\":\"dut_error\",\"kind\":\"fatal\",\"message\":\"assertion\"}")) {
            assertEquals(List.of(), LogSchema.problems(ok), ok);
        }
    }

    @Test
    void malformedRecordsAreRejected() {
        List<String[]> bad = List.of(
                new String[] {"{\"index\":0}", "no type"},
                new String[] {"{\"type\":\"banner\"}", "unknown record type"},
                new String[] {HEADER.replace("\"schema_version\":2", "\"schema_version\":3"), "a newer schema version"},
                new String[] {HEADER.replace("\"schema_version\":2", "\"schema_version\":1"), "version 1: its own schema"},
                new String[] {"{\"type\":\"accept\",\"cycle\":3}", "accept without tag"},
                new String[] {"{\"type\":\"accept\",\"tag\":65536}", "accept tag wider than 16 bits"},
                new String[] {"{\"type\":\"cq_head\",\"value\":\"0x100000000\"}", "cq_head wider than 32 bits"},
                new String[] {"{\"type\":\"queue_tail\",\"queue\":\"fault\",\"value\":\"0x100000000\"}", "queue_tail wider than 32 bits"},
                new String[] {"{\"type\":\"queue_tail\",\"queue\":\"command\",\"value\":1}", "queue_tail of the command queue"},
                new String[] {"{\"type\":\"queue_tail\",\"queue\":2,\"value\":1}", "queue_tail's queue as its ABI code"},
                new String[] {"{\"type\":\"queue_tail\",\"value\":1}", "queue_tail without queue"},
                new String[] {"{\"type\":\"queue_tail\",\"queue\":\"fault\"}", "queue_tail without value"},
                new String[] {"{\"type\":\"inval_completion\",\"itag\":1,\"count\":1}", "inval_completion without rid"},
                new String[] {"{\"type\":\"inval_completion\",\"rid\":1,\"count\":1}", "inval_completion without itag"},
                new String[] {"{\"type\":\"inval_completion\",\"rid\":1,\"itag\":1}", "inval_completion without count"},
                new String[] {"{\"type\":\"inval_completion\",\"rid\":65536,\"itag\":1,\"count\":1}", "rid wider than 16 bits"},
                new String[] {"{\"type\":\"inval_completion\",\"rid\":1,\"itag\":\"0x100000000\",\"count\":1}",
                    "itag wider than 32 bits"},
                new String[] {"{\"type\":\"inval_completion\",\"rid\":1,\"itag\":1,\"count\":8}", "count wider than 3 bits"},
                new String[] {"{\"type\":\"inval_completion\",\"rid\":1,\"itag\":1,\"count\":1,\"cycle\":-1}", "negative cycle"},
                new String[] {TRANSLATE.replace("\"index\":4", "\"index\":4,\"cycle\":-1"), "a negative action cycle"},
                new String[] {WINDOW.replace("\"gap\":3", "\"gap\":-3"), "a negative gap"},
                new String[] {WINDOW.replace("\"tag\":2", "\"tag\":65536"), "a window request's tag wider than 16 bits"},
                new String[] {WINDOW.replace(",\"iova\":\"0x4315b21d8718\"", ""), "a window request without iova"},
                new String[] {WINDOW.replace("\"ttyp\":3", "\"ttyp\":3,\"no_write\":true"), "a window request: no_write without ttyp 8"},
                new String[] {WINDOW.replaceAll("\"requests\":\\[.*\\],\"gap\"", "\"requests\":[],\"gap\""), "a window without requests"},
                new String[] {WINDOW_PR_ONLY.replaceAll("\"page_requests\":\\[.*\\],\"gap\"", "\"page_requests\":[],\"gap\""),
                    "a window without requests of either kind"},
                new String[] {WINDOW_PR_ONLY.replace(",\"payload\":\"0x40201007\"", ""), "a window's page request without payload"},
                new String[] {WINDOW_PR.replace(",\"exec\":false", ""), "a window's page request without exec"},
                new String[] {WINDOW_PR.replace("\"device_id\":\"0x10005\"", "\"device_id\":\"0x1000005\""),
                    "a window's page request: device_id of 25 bits"},
                new String[] {WINDOW_PR.replace("\"process_id\":\"0x5\"", "\"process_id\":\"0x100000\""),
                    "a window's page request: process_id of 21 bits"},
                new String[] {WINDOW_PR.replace("\"dsv\":false", "\"dsv\":\"no\""), "a window's page request: dsv as text"},
                new String[] {WINDOW.replace("],\"gap\":3", "],\"page_requests\":{},\"gap\":3"), "page_requests not an array"},
                new String[] {WINDOW.replace(",\"during\"", ",\"durin\"").replace("\"gap\":3,", ""), "a window without gap"},
                new String[] {WINDOW.replace("\"op\":\"memory_write\"", "\"op\":\"memory_error\""), "a window applies no memory error"},
                new String[] {WINDOW.replace(",\"value\":\"0x1\"", ""), "a window's store without value"},
                new String[] {WINDOW.replace("],\"gap\":3", "],\"arrivals\":[5,40],\"gap\":3"), "a window's first arrival not 0"},
                new String[] {WINDOW.replace("],\"gap\":3", "],\"arrivals\":[0,-4],\"gap\":3"), "a negative arrival"},
                new String[] {WINDOW.replace("],\"gap\":3", "],\"arrivals\":7,\"gap\":3"), "arrivals not an array"},
                new String[] {WINDOW_LATER.replace(LATER, ",\"later\":{}"), "later not an array"},
                new String[] {WINDOW_LATER.replace(LATER, ",\"later\":[7]"), "a later group not an object"},
                new String[] {WINDOW_LATER.replace("{\"gap\":5,", "{"), "a later group without gap"},
                new String[] {WINDOW_LATER.replace("\"gap\":5", "\"gap\":0"), "a later group at gap 0"},
                new String[] {WINDOW_LATER.replace("\"gap\":\"0x9\"", "\"gap\":\"0x0\""), "a later group at gap 0, hex"},
                new String[] {WINDOW_LATER.replace("\"gap\":5", "\"gap\":-5"), "a later group at a negative gap"},
                new String[] {WINDOW_LATER.replace("\"gap\":5", "\"gap\":5.5"), "a later group at a fractional gap"},
                new String[] {WINDOW_LATER.replaceAll(",\"during\":\\[\\{\"op\":\"memory_write\",\"pa\":\"0x80000030\".*\\]\\}\\]\\}$",
                        "}]}"), "a later group without during"},
                new String[] {WINDOW_LATER.replaceAll("\\[\\{\"op\":\"memory_write\",\"pa\":\"0x80000030\".*\\]\\}\\]\\}$",
                        "[]}]}"), "a later group with an empty during"},
                new String[] {WINDOW_LATER.replace("\"pa\":\"0x80000030\",", ""), "a later group's store without pa"},
                new String[] {WINDOW_LATER.replace("\"offset\":36,\"size\":4,\"value\":\"0x4\"", "\"offset\":36,\"size\":2,\"value\":\"0x4\""),
                    "a later group's register write of size 2"},
                new String[] {WINDOW_LATER.replace("\"op\":\"memory_write\",\"pa\":\"0x80000030\"", "\"op\":\"memory_error\",\"pa\":\"0x80000030\""),
                    "a later group applies no memory error"},
                new String[] {WINDOW_LATER.replace("],\"gap\":3", "]" + PAGE_REQUESTS + ",\"gap\":3"), "later groups with page_requests"},
                new String[] {WINDOW_LATER.replaceAll(",\"during\":\\[\\{\"op\":\"memory_write\",\"pa\":\"0x80000020\".*?\\]", ""),
                    "later groups without during"},
                new String[] {WINDOW_LATER.replaceAll("\"during\":\\[\\{\"op\":\"memory_write\",\"pa\":\"0x80000020\".*?\\]", "\"during\":[]"),
                    "later groups with an empty during"},
                new String[] {HEADER.replace(",\"seed\":3", ""), "header without seed"},
                new String[] {HEADER.replace("\"reset_mode\":\"Off\"", "\"reset_mode\":\"Sometimes\""), "unknown mode"},
                new String[] {HEADER.replace("\"fctl_reset\":2", "\"fctl_reset\":8"), "fctl wider than its 3 bits"},
                new String[] {HEADER.replace("\"fctl_reset\":2", "\"fctl_reset\":2,\"fctl_resets\":2"), "unknown config key"},
                new String[] {TRANSLATE.replace("\"tag\":2", "\"tag\":65547"), "tag wider than 16 bits"},
                new String[] {TRANSLATE.replace("\"tag\":2", "\"tag\":\"0x1000b\""), "tag wider than 16 bits, hex"},
                new String[] {TRANSLATE.replace("\"ttyp\":3", "\"ttyp\":4"), "ttyp 4 is no request type"},
                new String[] {TRANSLATE.replace("\"ttyp\":3", "\"ttyp\":2,\"no_write\":true"), "no_write without ttyp 8"},
                new String[] {TRANSLATE.replace("\"device_id\":\"0x3c\"", "\"device_id\":\"0x1000000\""), "device_id of 25 bits"},
                new String[] {TRANSLATE.replace("\"iova\":\"0x4315b21d8718\"", "\"iova\":\"0x10000000000000000\""), "17 hex digits"},
                new String[] {TRANSLATE.replace("\"iova\":\"0x4315b21d8718\"", "\"iova\":-1"), "a negative number"},
                new String[] {TRANSLATE.replace("\"iova\":\"0x4315b21d8718\"", "\"iova\":1.5"), "a fraction"},
                new String[] {TRANSLATE.replace("\"iova\":\"0x4315b21d8718\"", "\"iova\":\"-0x1\""), "a string with a sign"},
                new String[] {TRANSLATE.replace("\"iova\":\"0x4315b21d8718\"", "\"iova\":\" 12\""), "a string with a space"},
                new String[] {TRANSLATE.replace("\"pv\":false", "\"pv\":\"no\""), "a boolean as text"},
                new String[] {TRANSLATE.replace(",\"iova\":\"0x4315b21d8718\"", ""), "translate without iova"},
                new String[] {TRANSLATE.replace("\"op\":\"translate\"", "\"op\":\"teleport\""), "unknown op"},
                new String[] {TRANSLATE.replace("\"index\":4", "\"index\":-4"), "negative index"},
                new String[] {"{\"type\":\"action\",\"index\":0,\"op\":\"register_read\",\"offset\":0,\"size\":2}", "size 2"},
                new String[] {"{\"type\":\"action\",\"index\":0,\"op\":\"register_read\",\"offset\":4096,\"size\":4}", "offset past the page"},
                new String[] {"{\"type\":\"action\",\"index\":0,\"op\":\"memory_error\",\"pa\":\"0x0\",\"error\":\"cosmic_ray\"}", "unknown error"},
                new String[] {COMPLETION.replace("\"status\":1", "\"status\":3"), "status 3"},
                new String[] {COMPLETION.replace("\"cause\":23", "\"cause\":4096"), "cause wider than 12 bits"},
                new String[] {COMPLETION.replace("\"tag\":2,", ""), "completion without tag"},
                new String[] {MEM_WRITE.replace(",\"data\":\"0x3c\"", ""), "mem_write without data"},
                new String[] {MEM_WRITE.replace("\"strobe\":\"0xff\"", "\"strobe\":\"0x100\""), "strobe wider than 8 bits"},
                new String[] {MEM_WRITE.replace("\"op\":\"write\"", "\"op\":\"amo_xor\""), "unknown memory write op"},
                new String[] {"{\"type\":\"irq\",\"line\":3,\"level\":2}", "level 2"},
                new String[] {"{\"type\":\"irq\",\"line\":16,\"level\":1}", "line wider than 4 bits"},
                new String[] {"{\"type\":\"message\",\"message\":\"hello\",\"rid\":1}", "unknown message"},
                new String[] {"{\"type\":\"dut_error\",\"kind\":\"meltdown\"}", "unknown DUT error kind"},
                new String[] {"{\"type\":\"mem_word\",\"addr\":\"0x80000020\"}", "mem_word without value"},
                new String[] {"{\"type\":\"idle\",\"cycle\":-1}", "negative cycle"},
                new String[] {"[1,2]", "not an object"});
        for (String[] b : bad) assertFalse(LogSchema.problems(b[0]).isEmpty(), b[1] + ": " + b[0]);
    }
}
