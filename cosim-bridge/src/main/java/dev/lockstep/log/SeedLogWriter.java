package dev.lockstep.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link SeedLog} held in memory (e.g. one that {@code shrink} made) as a log file, records in the
 * order and layout {@link SeedLogRecorder} writes them; gzip-compressed when the name ends in {@code .gz}.
 * Written to a temporary file, then renamed: never half a log.
 */
public final class SeedLogWriter {
    private SeedLogWriter() {}

    public static void write(SeedLog log, Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream out = LogInput.create(partial, LogInput.compressed(file))) {
            line(out, log.header().toJson());
            boolean timeline = log.header().schemaVersion() >= LogFormat.TIMELINE_VERSION;
            for (SeedLog.Entry e : log.flow()) line(out, record(e, timeline));
            for (Map.Entry<Long, SeedLog.MemWord> w : log.memory().entrySet()) {
                ObjectNode n = LogFormat.record(LogFormat.MEM_WORD);
                n.put("addr", LogFormat.hex(w.getKey()));
                n.put("value", LogFormat.hex(w.getValue().value()));
                line(out, n);
            }
            ObjectNode end = LogFormat.record(LogFormat.END);
            if (!log.end().status().isEmpty()) end.put("status", log.end().status());
            end.put("actions", log.actions().size());
            line(out, end);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The record of {@code e}; an action has its cycle in a log of schema version 2 ({@code timeline}). */
    private static ObjectNode record(SeedLog.Entry e, boolean timeline) {
        if (e instanceof SeedLog.ActionEntry a) return ActionJson.write(a.index(), a.action(), timeline ? a.cycle() : -1);
        if (e instanceof SeedLog.ReadEntry r) {
            ObjectNode n = LogFormat.record(LogFormat.READ);
            n.put("offset", r.offset());
            n.put("size", r.size());
            n.put("value", LogFormat.hex(r.value()));
            n.put("cycle", r.cycle());
            return n;
        }
        if (e instanceof SeedLog.EventEntry ev) return EventJson.write(ev.words(), 0, ev.words()[1]);
        SeedLog.ErrorEntry err = (SeedLog.ErrorEntry) e;
        ObjectNode n = LogFormat.record(LogFormat.DUT_ERROR);
        n.put("kind", err.kind().name().toLowerCase(Locale.ROOT));
        n.put("message", err.message());
        n.put("cycle", err.cycle());
        return n;
    }

    private static void line(OutputStream out, ObjectNode n) throws IOException {
        try {
            out.write((LogFormat.JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
