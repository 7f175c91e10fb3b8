package dev.lockstep.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.dut.DutException;
import dev.lockstep.log.LogFormat.FieldException;
import dev.lockstep.regression.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
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

    private static final ObjectMapper JSON = new ObjectMapper();

    public static SeedLog read(Path file) throws BadInputException {
        List<String> lines;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines = in.lines().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BadInputException("cannot read log " + file + ": " + e.getMessage());
        }
        Parser p = new Parser(file);
        for (int i = 0; i < lines.size(); i++) p.line(i + 1, lines.get(i));
        return p.finish(lines.size());
    }

    private static final class Parser {
        private final Path file;
        private LogHeader header;
        private final List<SeedLog.ActionEntry> actions = new ArrayList<>();
        private final List<SeedLog.Entry> flow = new ArrayList<>();
        private final TreeMap<Long, SeedLog.MemWord> memory = new TreeMap<>();
        private SeedLog.End end;
        private long cycle;

        Parser(Path file) { this.file = file; }

        void line(int number, String text) throws BadInputException {
            if (text.isBlank()) return;
            JsonNode n;
            try {
                n = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw bad(number, "not a JSON record" + (text.endsWith("}") ? "" : " (the line is cut off: truncated log?)")
                        + ": " + e.getOriginalMessage());
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
                    header = LogHeader.read(n);
                    break;
                case LogFormat.ACTION:
                    long index = LogFormat.integer(n, "index");
                    if (index != actions.size()) {
                        throw bad(number, "action index " + index + " out of sequence: expected " + actions.size());
                    }
                    SeedLog.ActionEntry a = new SeedLog.ActionEntry(number, (int) index, ActionJson.read(n));
                    actions.add(a);
                    flow.add(a);
                    break;
                case LogFormat.READ:
                    cycle = LogFormat.integer(n, "cycle", cycle);
                    flow.add(new SeedLog.ReadEntry(number, LogFormat.smallInteger(n, "offset"),
                            LogFormat.smallInteger(n, "size"), LogFormat.integer(n, "value"), cycle));
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
                    cycle = LogFormat.integer(n, "cycle", cycle);
                    flow.add(new SeedLog.ErrorEntry(number, kind(LogFormat.text(n, "kind")),
                            n.path("message").asText(""), cycle));
                    break;
                case LogFormat.MEM_WORD:
                    long addr = LogFormat.integer(n, "addr");
                    if ((addr & 7) != 0) throw bad(number, "mem_word addr 0x" + Long.toHexString(addr) + " is not 8-byte aligned");
                    SeedLog.MemWord old = memory.put(addr, new SeedLog.MemWord(number, LogFormat.integer(n, "value")));
                    if (old != null) throw bad(number, "a second mem_word for 0x" + Long.toHexString(addr)
                            + " (first on line " + old.line() + ")");
                    break;
                case LogFormat.END:
                    end = new SeedLog.End(number, n.path("status").asText(""));
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

        private DutException.Kind kind(String name) throws FieldException {
            try {
                return DutException.Kind.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new FieldException("dut_error kind must be hang, fatal, crash, load or api, got '" + name + "'");
            }
        }

        private BadInputException bad(int line, String message) {
            return new BadInputException(file + ":" + line + ": " + message);
        }
    }
}
