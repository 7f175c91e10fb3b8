package dev.lockstep.refmodel.mem;

import java.util.Arrays;

/**
 * A map from {@code long} keys (word addresses, block numbers) to values, with open addressing on
 * primitive keys: lookups never box or allocate, which matters on the model's hot paths (the memory's
 * blocks and error words, the caching model's word histories). {@link Long#MIN_VALUE} cannot be a key.
 */
public final class LongKeyMap<V> {

    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private Object[] values;
    private int size;

    /** An empty map with room for {@code capacity / 2} keys before it grows ({@code capacity}: a power of 2). */
    public LongKeyMap(int capacity) {
        if (Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity " + capacity + ": not a power of 2");
        keys = new long[capacity];
        values = new Object[capacity];
        Arrays.fill(keys, EMPTY);
    }

    public boolean isEmpty() { return size == 0; }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return (V) values[i];
            if (k == EMPTY) return null;
        }
    }

    public void put(long key, V value) {
        if (key == EMPTY) throw new IllegalArgumentException("key: Long.MIN_VALUE is reserved");
        if ((size + 1) * 2 > keys.length) grow();
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            if (keys[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
        }
    }

    public void clear() {
        Arrays.fill(keys, EMPTY);
        Arrays.fill(values, null);
        size = 0;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) put(oldKeys[i], (V) oldValues[i]);
        }
    }

    /** Fibonacci hashing: the high bits of the product, so keys that differ only in low bits spread. */
    private static int hash(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32);
    }
}
