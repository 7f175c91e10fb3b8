package dev.lockstep.refmodel.mem;

import java.util.HashMap;
import java.util.Map;

/**
 * A view of another memory in which some 8-byte words read differently: used to re-run a
 * translation with some structure words replaced by their older values (the permitted outcomes
 * under caching, spec "Caching in-memory data structures"). Stores go to the overlay, never to the
 * base memory, so a re-run leaves the real image untouched. Status (access fault, corruption) comes
 * from the base memory unless overridden.
 */
public final class OverlayMemory implements PhysicalMemory {

    private final PhysicalMemory base;
    private final Map<Long, Long> words = new HashMap<>();
    private final Map<Long, Integer> statuses = new HashMap<>();

    public OverlayMemory(PhysicalMemory base) {
        this.base = base;
    }

    /** Makes the 8-byte word at {@code pa} (aligned down) read {@code value} (raw, as stored in memory). */
    public OverlayMemory replace(long pa, long value) {
        words.put(pa & ~7L, value);
        return this;
    }

    /** Makes accesses to the word at {@code pa} answer {@code status}. */
    public OverlayMemory status(long pa, int status) {
        statuses.put(pa & ~7L, status);
        return this;
    }

    /** Forgets every replacement. */
    public void clear() {
        words.clear();
        statuses.clear();
    }

    @Override
    public int status(long pa) {
        Integer s = statuses.isEmpty() ? null : statuses.get(pa & ~7L);
        return s != null ? s : base.status(pa);
    }

    @Override
    public long load64(long pa) {
        Long v = words.isEmpty() ? null : words.get(pa & ~7L);
        return v != null ? v : base.load64(pa);
    }

    @Override
    public void store64(long pa, long value) {
        words.put(pa & ~7L, value);
    }
}
