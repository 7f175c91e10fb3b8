package dev.lockstep.log;

import dev.lockstep.regression.BadInputException;
import java.nio.file.Path;
import java.util.NavigableMap;

/**
 * The records of a seed log in the order the checker asks for them: read whole ({@link SeedLog#flowCursor}) or
 * as a stream ({@link LogStream}). {@link LogDut} answers the engine from one.
 */
public interface LogFlow {
    Path file();

    /** The header's {@code schema_version}: from 2 on, actions carry their cycle and the DUT's clock follows them. */
    int schemaVersion();

    /** The next record of the flow, or null after the last (the {@code end} record has been read). */
    SeedLog.Entry peek() throws BadInputException;

    /** Consumes the record {@link #peek} gave. */
    void advance() throws BadInputException;

    /** The end-of-seed memory image ({@code mem_word} records); complete once {@link #peek} returned null. */
    NavigableMap<Long, SeedLog.MemWord> memory();

    /** The {@code end} record; known once {@link #peek} returned null. */
    SeedLog.End end();

    /** Action {@code index} as read, or null when it is not known (a stream keeps the latest two). */
    SeedLog.ActionEntry action(int index);

    /** Where a line is, for messages: {@code FILE:LINE}. */
    default String at(int line) { return file() + ":" + line; }
}
