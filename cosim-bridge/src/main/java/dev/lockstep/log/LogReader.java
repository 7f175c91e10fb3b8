package dev.lockstep.log;

import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Mutants;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Reads and validates a whole seed log (docs/log-format.md) into memory, for the commands that need all of it
 * (replay, explain, shrink); {@code check} reads it as a {@link LogStream}. Anything wrong, including a log cut
 * off before its {@code end} record, is a {@link BadInputException} naming the file and line.
 */
public final class LogReader {
    private LogReader() {}

    /** Reads a log without checking its header's planted bugs against a list (the commands pass theirs). */
    public static SeedLog read(Path file) throws BadInputException {
        return read(file, null);
    }

    /** Reads a log; a header's mutant ids and name must be those of {@code mutants} (or 0, none). */
    public static SeedLog read(Path file, List<Mutants.Mutant> mutants) throws BadInputException {
        try (LogStream s = LogStream.open(file, names(mutants))) {
            List<SeedLog.ActionEntry> actions = new ArrayList<>();
            List<SeedLog.Entry> flow = new ArrayList<>();
            for (SeedLog.Entry e = s.peek(); e != null; s.advance(), e = s.peek()) {
                flow.add(e);
                if (e instanceof SeedLog.ActionEntry a) actions.add(a);
            }
            return new SeedLog(file, s.header(), List.copyOf(actions), List.copyOf(flow),
                    Collections.unmodifiableNavigableMap(s.memory()), s.end());
        }
    }

    /** The planted bug's name of an id, from {@code mutants} (null: ids are not checked against a list). */
    public static IntFunction<String> names(List<Mutants.Mutant> mutants) {
        return mutants == null ? null : id -> {
            for (Mutants.Mutant m : mutants) if (m.id() == id) return m.name();
            return null;
        };
    }
}
