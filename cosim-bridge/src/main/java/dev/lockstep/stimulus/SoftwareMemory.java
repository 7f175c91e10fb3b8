package dev.lockstep.stimulus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator's own view of what software stored in memory, so it can read back and modify the
 * structures it built. Every store is also queued as a {@link Action.MemoryWrite}.
 */
final class SoftwareMemory {

    private final Map<Long, Long> words = new HashMap<>();
    private final List<Action> out;

    SoftwareMemory(List<Action> out) { this.out = out; }

    long load(long pa) { return words.getOrDefault(pa, 0L); }

    void store(long pa, long value, String what) {
        words.put(pa, value);
        out.add(new Action.MemoryWrite(pa, value, what));
    }
}
