package dev.lockstep.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The seed log's format (docs/log-format.md): JSON Lines, one record per line, each with a {@code type}.
 * Wide values (addresses, data, register values) are written as {@code "0x..."} strings so that no JSON
 * reader loses bits above 2^53; readers accept a plain number too.
 */
public final class LogFormat {
    private LogFormat() {}

    /** Version of the record layout; a reader refuses newer logs rather than misreading them. */
    public static final int SCHEMA_VERSION = 1;

    public static final String HEADER = "header";
    public static final String ACTION = "action";
    public static final String READ = "read";
    public static final String COMPLETION = "completion";
    public static final String MEM_WRITE = "mem_write";
    public static final String IRQ = "irq";
    public static final String MESSAGE = "message";
    public static final String IDLE = "idle";
    public static final String DUT_ERROR = "dut_error";
    public static final String MEM_WORD = "mem_word";
    public static final String END = "end";

    /** One mapper for writing: ObjectNodes keep insertion order, so the bytes are stable. */
    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode record(String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        return n;
    }

    static String hex(long v) { return "0x" + Long.toHexString(v); }

    /** A log line that does not follow the schema; names the field and says what was expected. */
    static final class FieldException extends Exception {
        private static final long serialVersionUID = 1L;

        FieldException(String message) { super(message); }
    }

    static JsonNode required(JsonNode n, String field) throws FieldException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new FieldException("missing field '" + field + "'");
        return v;
    }

    /** An integer field written as a number or as a "0x..." hex string (64-bit, unsigned hex allowed). */
    static long integer(JsonNode n, String field) throws FieldException {
        return parseInteger(required(n, field), field);
    }

    static long integer(JsonNode n, String field, long absent) throws FieldException {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? absent : parseInteger(v, field);
    }

    static long parseInteger(JsonNode v, String field) throws FieldException {
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
        if (v.isTextual()) {
            String s = v.asText().trim();
            try {
                if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseUnsignedLong(s.substring(2), 16);
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new FieldException("field '" + field + "' must be an integer or a \"0x...\" hex string, got " + v);
    }

    static int smallInteger(JsonNode n, String field) throws FieldException {
        long v = integer(n, field);
        if (v < Integer.MIN_VALUE || v > 0xffff_ffffL) throw new FieldException("field '" + field + "' is out of range: " + v);
        return (int) v;
    }

    static boolean bool(JsonNode n, String field) throws FieldException {
        JsonNode v = required(n, field);
        if (v.isBoolean()) return v.asBoolean();
        if (v.isIntegralNumber() && (v.asInt() == 0 || v.asInt() == 1)) return v.asInt() == 1;
        throw new FieldException("field '" + field + "' must be true/false (or 1/0), got " + v);
    }

    static boolean bool(JsonNode n, String field, boolean absent) throws FieldException {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? absent : bool(n, field);
    }

    static String text(JsonNode n, String field) throws FieldException {
        JsonNode v = required(n, field);
        if (!v.isTextual()) throw new FieldException("field '" + field + "' must be a string, got " + v);
        return v.asText();
    }
}
