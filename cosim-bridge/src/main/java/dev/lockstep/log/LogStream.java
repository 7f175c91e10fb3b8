package dev.lockstep.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.dut.DutException;
import dev.lockstep.log.LogFormat.FieldException;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Problems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * A seed log read as a stream (docs/log-format.md): one record of look-ahead, so a log of any length is
 * checked in bounded memory, and a log still being written (stdin, a named pipe) is judged record by record
 * as it arrives. It keeps only what the checker needs besides the next record: the end-of-seed memory words
 * ({@code mem_word}, wherever they are), the line of the latest actions, the running cycle.
 * Anything wrong, including a log cut off before its {@code end} record, is a {@link BadInputException}
 * naming the file and line.
 */
public final class LogStream implements LogFlow, AutoCloseable {

    /** Duplicate keys in a record are an error, not "the last one wins"; so is anything after the record. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** No record of the format comes near this; a longer line is not a log (and is not held in memory). */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final Path file;
    private final InputStream in;
    private final IntFunction<String> mutants;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream lineBytes = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private int number;
    private boolean eof;

    private LogHeader header;
    private SeedLog.Entry next;
    /** {@link #next} holds the record after the last one consumed (read only when asked: a live log blocks). */
    private boolean ahead;
    private final TreeMap<Long, SeedLog.MemWord> memory = new TreeMap<>();
    private SeedLog.End end;
    private long cycle;
    private int actions;
    /** The last two actions read: the one being applied, and one of look-ahead. */
    private final SeedLog.ActionEntry[] latest = new SeedLog.ActionEntry[2];

    /**
     * Opens {@code file} ({@link LogInput}: {@code -} is standard input, gzip is read transparently) and reads its
     * header; {@code mutants} names the planted bug of an id (null: header ids not checked against a list).
     */
    public static LogStream open(Path file, IntFunction<String> mutants) throws BadInputException {
        LogStream s = new LogStream(file, LogInput.open(file), mutants);
        try {
            while (s.header == null) {
                String text = s.readLine();
                if (text == null) throw s.bad(Math.max(1, s.number), "empty log: expected a header record");
                s.line(text);
            }
        } catch (BadInputException e) {
            s.close();
            throw e;
        }
        return s;
    }

    LogStream(Path file, InputStream in, IntFunction<String> mutants) {
        this.file = file;
        this.in = in;
        this.mutants = mutants;
    }

    public LogHeader header() { return header; }

    @Override
    public Path file() { return file; }

    @Override
    public int schemaVersion() { return header.schemaVersion(); }

    /**
     * The next record of the flow (actions and DUT answers), or null once the {@code end} record was read;
     * it is read now if it was not yet (blocking while a live writer has not written it).
     */
    @Override
    public SeedLog.Entry peek() throws BadInputException {
        if (ahead) return next;
        next = null;
        while (next == null && end == null) {
            String text = readLine();
            if (text == null) {
                throw bad(number, "the log ends without an 'end' record: it is truncated after line " + number);
            }
            line(text);
        }
        ahead = true;
        return next;
    }

    /** Consumes the record {@link #peek} gave. */
    @Override
    public void advance() throws BadInputException {
        if (!ahead) peek();
        ahead = false;
    }

    /** The end record; null until {@link #peek} returned null. */
    @Override
    public SeedLog.End end() { return end; }

    /** The end-of-seed memory image read so far (complete once {@link #peek} returned null). */
    @Override
    public NavigableMap<Long, SeedLog.MemWord> memory() { return memory; }

    /** Actions read so far (including one of look-ahead). */
    public int actionsRead() { return actions; }

    @Override
    public SeedLog.ActionEntry action(int index) {
        if (index >= actions || index < actions - 2) return null;
        return latest[index & 1];
    }

    /** Reads and validates the rest of the log (after a divergence: the log must still be a whole log). */
    public void drain() throws BadInputException {
        while (peek() != null) advance();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // nothing was written
        }
    }

    /**
     * The next line without its end, or null at the end of the input. Reads what the input has (a pipe gives
     * what was written so far) into a buffer of its own: no per-byte calls.
     */
    private String readLine() throws BadInputException {
        if (eof) return null;
        lineBytes.reset();
        try {
            while (true) {
                if (pos == limit) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        eof = true;
                        if (lineBytes.size() == 0) return null;
                        break;
                    }
                    pos = 0;
                    limit = n;
                }
                int start = pos;
                while (pos < limit && buffer[pos] != '\n') pos++;
                if (lineBytes.size() + (pos - start) > MAX_LINE_BYTES) {
                    throw bad(number + 1, "the line is longer than " + MAX_LINE_BYTES + " bytes: not a log record");
                }
                lineBytes.write(buffer, start, pos - start);
                if (pos < limit) {
                    pos++;
                    break;
                }
            }
        } catch (java.io.EOFException e) {
            throw bad(number, "the compressed log is cut off after line " + number + ": truncated log ("
                    + Problems.of(e) + ")");
        } catch (IOException e) {
            throw new BadInputException("cannot read log " + file + ": " + Problems.of(e));
        }
        number++;
        String text;
        try {
            text = utf8.decode(java.nio.ByteBuffer.wrap(lineBytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw bad(number, "not valid UTF-8 (the format is UTF-8 JSON Lines)");
        }
        // A byte order mark some editors put first is not part of the record (RFC 8259 lets parsers ignore it).
        if (number == 1 && text.startsWith("\uFEFF")) text = text.substring(1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private void line(String text) throws BadInputException {
        if (text.isBlank()) return;
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            if (m.startsWith("Duplicate field ")) {
                throw bad(number, "field " + m.substring(16) + ": appears twice in the record");
            }
            throw bad(number, "not a JSON record" + (text.endsWith("}") ? "" : " (the line is cut off: truncated log?)")
                    + ": " + m);
        }
        if (n == null || !n.isObject()) throw bad(number, "expected a JSON object per line");
        try {
            record(n);
        } catch (FieldException e) {
            throw bad(number, e.getMessage());
        }
    }

    private void record(JsonNode n) throws FieldException, BadInputException {
        String type = LogFormat.text(n, "type");
        if (header == null && !type.equals(LogFormat.HEADER)) {
            throw bad(number, "the first record must be the header, found '" + type + "'");
        }
        switch (type) {
            case LogFormat.HEADER:
                if (header != null) throw bad(number, "a second header");
                header = LogHeader.read(n, mutants);
                break;
            case LogFormat.ACTION:
                long index = LogFormat.range(n, "index", 0, Integer.MAX_VALUE);
                if (index != actions) {
                    throw bad(number, "action index " + index + " out of sequence: expected " + actions);
                }
                cycle = EventJson.cycle(n, cycle);
                dev.lockstep.stimulus.Action action = ActionJson.read(n);
                if (action instanceof dev.lockstep.stimulus.Action.Window && header.schemaVersion() < LogFormat.TIMELINE_VERSION) {
                    throw bad(number, "field 'op': 'window' is an action of schema version " + LogFormat.TIMELINE_VERSION
                            + ", and the header says " + header.schemaVersion());
                }
                SeedLog.ActionEntry a = new SeedLog.ActionEntry(number, (int) index, action, cycle);
                next = a;
                latest[actions & 1] = a;
                actions++;
                break;
            case LogFormat.READ:
                cycle = EventJson.cycle(n, cycle);
                int size = ActionJson.size(n);
                next = new SeedLog.ReadEntry(number, ActionJson.offset(n, size), size,
                        LogFormat.unsigned(n, "value", 8 * size), cycle);
                break;
            case LogFormat.COMPLETION:
            case LogFormat.MEM_WRITE:
            case LogFormat.IRQ:
            case LogFormat.MESSAGE:
            case LogFormat.ACCEPT:
            case LogFormat.CQ_HEAD:
            case LogFormat.QUEUE_TAIL:
            case LogFormat.INVAL_COMPLETION:
            case LogFormat.IDLE:
                long[] ev = EventJson.read(type, n, cycle);
                cycle = ev[1];
                next = new SeedLog.EventEntry(number, type, ev);
                break;
            case LogFormat.DUT_ERROR:
                cycle = EventJson.cycle(n, cycle);
                next = new SeedLog.ErrorEntry(number, DutException.Kind.valueOf(LogFormat.choice(n, "kind",
                        null, "hang", "fatal", "crash", "load", "api").toUpperCase(Locale.ROOT)),
                        LogFormat.text(n, "message", ""), cycle);
                break;
            case LogFormat.MEM_WORD:
                long addr = ActionJson.word(n, "addr");
                SeedLog.MemWord old = memory.put(addr, new SeedLog.MemWord(number, LogFormat.integer(n, "value")));
                if (old != null) throw bad(number, "a second mem_word for 0x" + Long.toHexString(addr)
                        + " (first on line " + old.line() + ")");
                break;
            case LogFormat.END:
                end = new SeedLog.End(number, LogFormat.text(n, "status", ""));
                for (String after = readLine(); after != null; after = readLine()) {
                    if (!after.isBlank()) throw bad(number, "record after the 'end' record of line " + end.line());
                }
                break;
            default:
                throw bad(number, "unknown record type '" + type + "'");
        }
    }

    BadInputException bad(int line, String message) {
        return new BadInputException(file + ":" + line + ": " + message);
    }
}
