package dev.lockstep.refmodel.cache;

import java.util.Arrays;

/**
 * A map from 8-byte-word addresses to values, with open addressing on primitive keys: the caching model
 * looks up a word's history for every entry of every walk, and boxing each address would allocate on
 * that path.
 */
final class WordMap<V> {

    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys = new long[256];
    private Object[] values = new Object[256];
    private int size;

    WordMap() {
        Arrays.fill(keys, EMPTY);
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return (V) values[i];
            if (k == EMPTY) return null;
        }
    }

    void put(long key, V value) {
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

    void clear() {
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

    private static int hash(long key) {
        long h = (key >>> 3) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }
}
