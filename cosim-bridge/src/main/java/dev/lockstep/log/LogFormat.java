package dev.lockstep.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;

/**
 * The seed log's format (docs/log-format.md): JSON Lines, one record per line, each with a {@code type}.
 * Wide values (addresses, data, register values) are written as {@code "0x..."} strings so that no JSON
 * reader loses bits above 2^53; readers accept a plain number too.
 */
public final class LogFormat {
    private LogFormat() {}

    /**
     * Version of the record layout; a reader refuses newer logs rather than misreading them. Version 2 (overlapping
     * traffic, docs/concurrency.md section 14): a {@code cycle} on every action, the {@code window} action, the
     * {@code accept} and {@code cq_head} records; version 1 logs are read as before. Added within version 2 (optional
     * record types, ABI 7): {@code queue_tail} and {@code inval_completion}.
     */
    public static final int SCHEMA_VERSION = 2;
    /** The first version whose actions carry the cycle they were applied at, and windows. */
    public static final int TIMELINE_VERSION = 2;

    public static final String HEADER = "header";
    public static final String ACTION = "action";
    public static final String READ = "read";
    public static final String COMPLETION = "completion";
    public static final String MEM_WRITE = "mem_write";
    public static final String IRQ = "irq";
    public static final String MESSAGE = "message";
    /** The IOMMU took a request from its request interface (schema version 2; ABI 6 EV_ACCEPT). */
    public static final String ACCEPT = "accept";
    /** cqh changed (schema version 2; ABI 6 EV_CQ_HEAD). */
    public static final String CQ_HEAD = "cq_head";
    /** The IOMMU moved the fault or page-request queue's tail (schema version 2; ABI 7 EV_QUEUE_TAIL). */
    public static final String QUEUE_TAIL = "queue_tail";
    /** The {@code queue} of a {@link #QUEUE_TAIL} record: the fault queue ({@code Dut.QUEUE_FAULT}). */
    public static final String QUEUE_FAULT = "fault";
    /** The {@code queue} of a {@link #QUEUE_TAIL} record: the page-request queue ({@code Dut.QUEUE_PAGE_REQUEST}). */
    public static final String QUEUE_PAGE_REQUEST = "page_request";
    /** An Invalidation Completion message reached the IOMMU (schema version 2; ABI 7 EV_INVAL_COMPLETION). */
    public static final String INVAL_COMPLETION = "inval_completion";
    public static final String IDLE = "idle";
    public static final String DUT_ERROR = "dut_error";
    public static final String MEM_WORD = "mem_word";
    public static final String END = "end";
    /** The {@code end} status of a seed an interrupted run stopped between two actions (no verdict). */
    public static final String INTERRUPTED = "interrupted";

    /** One mapper for writing: ObjectNodes keep insertion order, so the bytes are stable. */
    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode record(String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        return n;
    }

    static String hex(long v) { return "0x" + Long.toHexString(v); }

    /**
     * A log line that does not follow the schema; names the field and says what was expected. Every
     * field of every record is read through the checks below (type, width, range), so no value is
     * truncated or wrapped on its way to the engine.
     */
    static final class FieldException extends Exception {
        private static final long serialVersionUID = 1L;

        FieldException(String message) { super(message); }

        /** The same problem inside object {@code parent} (e.g. {@code config.capabilities}). */
        FieldException in(String parent) {
            String m = getMessage();
            return new FieldException(m.startsWith("field '") ? "field '" + parent + "." + m.substring(7)
                    : parent + ": " + m);
        }
    }

    static FieldException expected(String field, String what, JsonNode got) {
        return new FieldException("field '" + field + "': expected " + what + ", got " + got);
    }

    static JsonNode required(JsonNode n, String field) throws FieldException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new FieldException("field '" + field + "': missing");
        return v;
    }

    /** A 64-bit field (addresses, data, register values): 0..2^64-1, a number or a "0x..." hex string. */
    static long integer(JsonNode n, String field) throws FieldException {
        return unsigned(n, field, 64);
    }

    static long integer(JsonNode n, String field, long absent) throws FieldException {
        return unsigned(n, field, 64, absent);
    }

    /** An unsigned field {@code bits} wide (1..64): 0..2^bits-1, as a number or a "0x..." hex string. */
    static long unsigned(JsonNode n, String field, int bits) throws FieldException {
        return unsignedValue(required(n, field), field, bits);
    }

    static long unsigned(JsonNode n, String field, int bits, long absent) throws FieldException {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? absent : unsignedValue(v, field, bits);
    }

    /** A field in {@code min..max} (non-negative bounds), e.g. an index, a count, a cycle. */
    static long range(JsonNode n, String field, long min, long max) throws FieldException {
        return rangeValue(required(n, field), field, min, max);
    }

    static long range(JsonNode n, String field, long min, long max, long absent) throws FieldException {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? absent : rangeValue(v, field, min, max);
    }

    /** A signed 64-bit field (the seed): a number, a decimal string or a "0x..." hex string of 64 bits. */
    static long signed(JsonNode n, String field) throws FieldException {
        JsonNode v = required(n, field);
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
        BigInteger b = v.isTextual() ? parse(v.asText()) : null;
        if (b != null && b.signum() >= 0 && b.bitLength() <= 64 && v.asText().startsWith("0x")) return b.longValue();
        if (b != null && b.bitLength() < 64) return b.longValue();
        throw expected(field, "a 64-bit integer", v);
    }

    private static long rangeValue(JsonNode v, String field, long min, long max) throws FieldException {
        BigInteger b = integerValue(v, field);
        if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0) {
            throw expected(field, min + ".." + max, v);
        }
        return b.longValue();
    }

    private static long unsignedValue(JsonNode v, String field, int bits) throws FieldException {
        BigInteger b = integerValue(v, field);
        if (b.signum() < 0 || b.bitLength() > bits) {
            throw expected(field, "an unsigned " + bits + "-bit value (0.." + maxHex(bits) + ")", v);
        }
        return b.longValue();
    }

    private static String maxHex(int bits) {
        return bits < 10 ? String.valueOf((1 << bits) - 1) : "0x" + BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).toString(16);
    }

    private static BigInteger integerValue(JsonNode v, String field) throws FieldException {
        if (v.isIntegralNumber()) return v.bigIntegerValue();
        BigInteger b = v.isTextual() ? parse(v.asText()) : null;
        if (b == null) throw expected(field, "an integer or a \"0x...\" hex string", v);
        return b;
    }

    /** A decimal or "0x..." hex string (no sign, no spaces, at most 64 bits of digits), or null. */
    private static BigInteger parse(String s) {
        boolean hex = s.startsWith("0x") || s.startsWith("0X");
        String digits = hex ? s.substring(2) : s;
        if (digits.isEmpty() || digits.length() > (hex ? 16 : 20)) return null;
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), hex ? 16 : 10) < 0) return null;
        }
        return new BigInteger(digits, hex ? 16 : 10);
    }

    static boolean bool(JsonNode n, String field) throws FieldException {
        JsonNode v = required(n, field);
        if (v.isBoolean()) return v.asBoolean();
        if (v.isIntegralNumber() && v.canConvertToInt() && (v.asInt() == 0 || v.asInt() == 1)) return v.asInt() == 1;
        throw expected(field, "true or false (or 1/0)", v);
    }

    static boolean bool(JsonNode n, String field, boolean absent) throws FieldException {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? absent : bool(n, field);
    }

    static String text(JsonNode n, String field) throws FieldException {
        JsonNode v = required(n, field);
        if (!v.isTextual()) throw expected(field, "a string", v);
        return v.asText();
    }

    static String text(JsonNode n, String field, String absent) throws FieldException {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? absent : text(n, field);
    }

    /** A string field that names one of {@code choices}. */
    static String choice(JsonNode n, String field, String absent, String... choices) throws FieldException {
        String v = absent == null ? text(n, field) : text(n, field, absent);
        for (String c : choices) if (c.equals(v)) return v;
        throw expected(field, "one of " + String.join(", ", choices), n.get(field));
    }

    /** An optional object field (e.g. the header's {@code dut}); an empty object when absent. */
    static JsonNode object(JsonNode n, String field) throws FieldException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return JSON.createObjectNode();
        if (!v.isObject()) throw expected(field, "an object", v);
        return v;
    }
}
