package dev.lockstep.engine;

import dev.lockstep.triage.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The divergences of one seed: the first reported, the later ones (up to the engine's limit), and those
 * a waiver covers, which are kept (up to {@link #WAIVED_KEPT}) and counted but do not fail the seed.
 */
final class SeedDivergences {
    /** Waived divergences kept per seed (each is still counted past this). */
    static final int WAIVED_KEPT = 200;

    private final int max;
    private final Predicate<Signature> waived;
    Divergence first;
    final List<Divergence> later = new ArrayList<>();
    final List<Divergence> waivedDivergences = new ArrayList<>();
    int waivedCount;

    SeedDivergences(int max, Predicate<Signature> waived) {
        this.max = max;
        this.waived = waived;
    }

    /**
     * Records {@code d} (if any): as waived when a waiver covers its signature, else as reported; true
     * when the seed has reported as many divergences as allowed.
     */
    boolean record(Divergence d) {
        if (d == null) return false;
        if (waived.test(d.signature())) {
            if (waivedCount++ < WAIVED_KEPT) waivedDivergences.add(d.withoutContext());
            return false;
        }
        if (first == null) first = d;
        else later.add(d);
        return 1 + later.size() >= max;
    }
}
