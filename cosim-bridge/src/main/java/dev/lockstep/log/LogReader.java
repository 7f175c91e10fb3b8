package dev.lockstep.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.dut.DutException;
import dev.lockstep.log.LogFormat.FieldException;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Mutants;
import dev.lockstep.regression.Problems;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Reads and validates a seed log (docs/log-format.md). Anything wrong, including a log cut off before
 * its {@code end} record, is a {@link BadInputException} naming the file and line.
 */
public final class LogReader {
    private LogReader() {}

    /** Duplicate keys in a record are an error, not "the last one wins"; so is anything after the record. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** No record of the format comes near this; a longer line is not a log (and is not held in memory). */
    static final int MAX_LINE_BYTES = 1 << 20;

    /** Reads a log without checking its header's planted bugs against a list (the commands pass theirs). */
    public static SeedLog read(Path file) throws BadInputException {
        return read(file, null);
    }

    /** Reads a log; a header's mutant ids and name must be those of {@code mutants} (or 0, none). */
    public static SeedLog read(Path file, List<Mutants.Mutant> mutants) throws BadInputException {
        Parser p = new Parser(file, mutants == null ? null : id -> {
            for (Mutants.Mutant m : mutants) if (m.id() == id) return m.name();
            return null;
        });
        int number = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            int b;
            boolean more = true;
            while (more) {
                b = in.read();
                if (b >= 0 && b != '\n') {
                    if (line.size() >= MAX_LINE_BYTES) {
                        throw p.bad(number + 1, "the line is longer than " + MAX_LINE_BYTES + " bytes: not a log record");
                    }
                    line.write(b);
                    continue;
                }
                more = b >= 0;
                if (!more && line.size() == 0) break;
                number++;
                String text;
                try {
                    text = utf8.decode(java.nio.ByteBuffer.wrap(line.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    throw p.bad(number, "not valid UTF-8 (the format is UTF-8 JSON Lines)");
                }
                if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
                p.line(number, text);
                line.reset();
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read log " + file + ": " + Problems.of(e));
        }
        return p.finish(number);
    }

    private static final class Parser {
        private final Path file;
        private final java.util.function.IntFunction<String> mutants;
        private LogHeader header;
        private final List<SeedLog.ActionEntry> actions = new ArrayList<>();
        private final List<SeedLog.Entry> flow = new ArrayList<>();
        private final TreeMap<Long, SeedLog.MemWord> memory = new TreeMap<>();
        private SeedLog.End end;
        private long cycle;

        Parser(Path file, java.util.function.IntFunction<String> mutants) {
            this.file = file;
            this.mutants = mutants;
        }

        void line(int number, String text) throws BadInputException {
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
                record(number, n);
            } catch (FieldException e) {
                throw bad(number, e.getMessage());
            }
        }

        private void record(int number, JsonNode n) throws FieldException, BadInputException {
            String type = LogFormat.text(n, "type");
            if (header == null && !type.equals(LogFormat.HEADER)) {
                throw bad(number, "the first record must be the header, found '" + type + "'");
            }
            if (end != null) throw bad(number, "record after the 'end' record of line " + end.line());
            switch (type) {
                case LogFormat.HEADER:
                    if (header != null) throw bad(number, "a second header");
                    header = LogHeader.read(n, mutants);
                    break;
                case LogFormat.ACTION:
                    long index = LogFormat.range(n, "index", 0, Integer.MAX_VALUE);
                    if (index != actions.size()) {
                        throw bad(number, "action index " + index + " out of sequence: expected " + actions.size());
                    }
                    SeedLog.ActionEntry a = new SeedLog.ActionEntry(number, (int) index, ActionJson.read(n));
                    actions.add(a);
                    flow.add(a);
                    break;
                case LogFormat.READ:
                    cycle = EventJson.cycle(n, cycle);
                    int size = ActionJson.size(n);
                    flow.add(new SeedLog.ReadEntry(number, ActionJson.offset(n, size), size,
                            LogFormat.unsigned(n, "value", 8 * size), cycle));
                    break;
                case LogFormat.COMPLETION:
                case LogFormat.MEM_WRITE:
                case LogFormat.IRQ:
                case LogFormat.MESSAGE:
                case LogFormat.IDLE:
                    long[] ev = EventJson.read(type, n, cycle);
                    cycle = ev[1];
                    flow.add(new SeedLog.EventEntry(number, type, ev));
                    break;
                case LogFormat.DUT_ERROR:
                    cycle = EventJson.cycle(n, cycle);
                    flow.add(new SeedLog.ErrorEntry(number, DutException.Kind.valueOf(LogFormat.choice(n, "kind",
                            null, "hang", "fatal", "crash", "load", "api").toUpperCase(Locale.ROOT)),
                            LogFormat.text(n, "message", ""), cycle));
                    break;
                case LogFormat.MEM_WORD:
                    long addr = ActionJson.word(n, "addr");
                    SeedLog.MemWord old = memory.put(addr, new SeedLog.MemWord(number, LogFormat.integer(n, "value")));
                    if (old != null) throw bad(number, "a second mem_word for 0x" + Long.toHexString(addr)
                            + " (first on line " + old.line() + ")");
                    break;
                case LogFormat.END:
                    end = new SeedLog.End(number, LogFormat.text(n, "status", ""));
                    break;
                default:
                    throw bad(number, "unknown record type '" + type + "'");
            }
        }

        SeedLog finish(int lines) throws BadInputException {
            if (header == null) throw bad(Math.max(1, lines), "empty log: expected a header record");
            if (end == null) {
                throw bad(lines, "the log ends without an 'end' record: it is truncated after line " + lines);
            }
            return new SeedLog(file, header, List.copyOf(actions), List.copyOf(flow),
                    java.util.Collections.unmodifiableNavigableMap(memory), end);
        }

        BadInputException bad(int line, String message) {
            return new BadInputException(file + ":" + line + ": " + message);
        }
    }
}
