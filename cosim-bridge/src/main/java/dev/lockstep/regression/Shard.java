package dev.lockstep.regression;

import java.util.ArrayList;
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

    /** The seeds of this shard, in their order. */
    public List<Long> select(List<Long> seeds) {
        List<Long> mine = new ArrayList<>();
        for (int i = index - 1; i < seeds.size(); i += count) mine.add(seeds.get(i));
        return mine;
    }

    @Override
    public String toString() { return index + "/" + count; }
}
