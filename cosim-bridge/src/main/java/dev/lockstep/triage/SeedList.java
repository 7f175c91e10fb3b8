package dev.lockstep.triage;

import dev.lockstep.regression.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** An explicit list of seeds, as {@code run --seeds} takes it: seeds and ranges, e.g. {@code 1,5,10-20}. */
public final class SeedList {
    private SeedList() {}

    /** The most seeds a list may name (a typo such as 1-100000000 is bad usage, not a day-long run). */
    public static final long MAX = 1_000_000;

    /** The seeds of {@code list} in the order given, each once. */
    public static List<Long> parse(String list) throws BadInputException {
        Set<Long> seeds = new LinkedHashSet<>();
        for (String part : list.split(",", -1)) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-', 1);
                long from = Long.parseLong(dash < 0 ? p : p.substring(0, dash).trim());
                long to = dash < 0 ? from : Long.parseLong(p.substring(dash + 1).trim());
                if (to < from) throw new BadInputException("--seeds " + list + ": range '" + p + "' ends before it starts");
                if (to - from >= MAX || seeds.size() + (to - from) >= MAX) {
                    throw new BadInputException("--seeds " + list + ": more than " + MAX + " seeds");
                }
                for (long s = from; s <= to; s++) seeds.add(s);
            } catch (NumberFormatException e) {
                throw new BadInputException("--seeds " + list + ": '" + p + "' is neither a seed nor a range A-B");
            }
        }
        return new ArrayList<>(seeds);
    }
}
