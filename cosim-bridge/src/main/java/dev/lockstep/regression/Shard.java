package dev.lockstep.regression;

import java.util.List;

/**
 * One part of a regression split across machines ({@code --shard i/n}): the seeds whose position in
 * the seed list, counted from 0, is {@code i-1} modulo {@code n}. Every shard is a fixed function of the
 * seed list, so the shards of a run cover each seed exactly once wherever they run.
 */
public record Shard(int index, int count) {

    public static final Shard WHOLE = new Shard(1, 1);

    public static Shard parse(String text) throws BadInputException {
        String[] parts = text.split("/", -1);
        try {
            if (parts.length == 2) {
                int i = Integer.parseInt(parts[0].trim());
                int n = Integer.parseInt(parts[1].trim());
                if (n >= 1 && i >= 1 && i <= n) return new Shard(i, n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException("--shard must be i/n with 1 <= i <= n (e.g. 2/8), got '" + text + "'");
    }

    /** The seeds of this shard, in their order: a view computed on demand, whatever the list's size. */
    public List<Long> select(List<Long> seeds) {
        int size = seeds.size() < index ? 0 : (seeds.size() - index) / count + 1;
        return new java.util.AbstractList<>() {
            @Override
            public Long get(int i) {
                java.util.Objects.checkIndex(i, size);
                return seeds.get(index - 1 + i * count);
            }

            @Override
            public int size() { return size; }
        };
    }

    /**
     * Seeds {@code first}, {@code first+1}, ... {@code first+count-1}, computed on demand (a huge count
     * costs no memory); a last seed past 2^63-1 is bad usage, not a wrap to negative seeds.
     */
    public static List<Long> range(long first, int count) throws BadInputException {
        if (count > 0 && first > Long.MAX_VALUE - (count - 1)) {
            throw new BadInputException("--seed " + first + " --count " + count + ": the last seed would be past "
                    + Long.MAX_VALUE + " (2^63-1)");
        }
        return new java.util.AbstractList<>() {
            @Override
            public Long get(int i) {
                java.util.Objects.checkIndex(i, count);
                return first + i;
            }

            @Override
            public int size() { return count; }
        };
    }

    @Override
    public String toString() { return index + "/" + count; }
}
