package dev.lockstep.log;

import dev.lockstep.dut.DutException;
import dev.lockstep.stimulus.Action;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableMap;

/**
 * A seed log as read from a file: the header, the actions, the DUT's answers in the order the engine
 * asks for them (the "flow", actions included), the end-of-seed memory words and the end record. Every
 * entry keeps its line number, so a mismatch can name it.
 */
public record SeedLog(Path file, LogHeader header, List<ActionEntry> actions, List<Entry> flow,
                      NavigableMap<Long, MemWord> memory, End end) {

    /** One line of the flow. */
    public sealed interface Entry permits ActionEntry, ReadEntry, EventEntry, ErrorEntry {
        int line();
    }

    /**
     * An action; {@code cycle} is the seed-relative cycle it was applied at (schema version 2; in a version 1
     * log, as in a version 2 record without one, the previous record's cycle).
     */
    public record ActionEntry(int line, int index, Action action, long cycle) implements Entry {}

    /** A register read's answer; {@code cycle} is the seed-relative cycle after it. */
    public record ReadEntry(int line, int offset, int size, long value, long cycle) implements Entry {}

    /** A DUT event record (completion, memory write, interrupt edge, message, accept, cq_head, queue_tail, inval_completion, idle) in {@code Dut.run} layout. */
    public record EventEntry(int line, String type, long[] words) implements Entry {}

    /** The DUT failed here (hang, RTL fatal error, crash). */
    public record ErrorEntry(int line, DutException.Kind kind, String message, long cycle) implements Entry {}

    /** A word of the DUT's memory image at the end of the seed. */
    public record MemWord(int line, long value) {}

    /** The last record: what the writer concluded (informational; the check decides for itself). */
    public record End(int line, String status) {}

    /** Where a line is, for messages: {@code FILE:LINE}. */
    public String at(int line) { return file + ":" + line; }

    /** The flow of this log from its first record, for a {@link LogDut}. */
    public LogFlow flowCursor() {
        return new LogFlow() {
            private int cursor;

            @Override
            public Path file() { return file; }

            @Override
            public int schemaVersion() { return header.schemaVersion(); }

            @Override
            public Entry peek() { return cursor < flow.size() ? flow.get(cursor) : null; }

            @Override
            public void advance() { cursor++; }

            @Override
            public NavigableMap<Long, MemWord> memory() { return memory; }

            @Override
            public End end() { return end; }

            @Override
            public ActionEntry action(int index) { return index < actions.size() ? actions.get(index) : null; }
        };
    }
}
