package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import java.util.List;

/** The verdict of one seed: passed, diverged, or the DUT failed (hang, fatal, crash, load). */
public record SeedResult(
        long seed,
        int actions,
        long cycles,
        double seconds,
        Divergence divergence,
        DutFailure failure,
        long translations,
        long staleHits,
        List<Divergence> laterDivergences,
        List<Divergence> waived,
        int waivedCount) {

    public SeedResult {
        laterDivergences = laterDivergences == null ? List.of() : List.copyOf(laterDivergences);
        waived = waived == null ? List.of() : List.copyOf(waived);
    }

    /** A result without waived divergences. */
    public SeedResult(long seed, int actions, long cycles, double seconds, Divergence divergence, DutFailure failure,
                      long translations, long staleHits, List<Divergence> laterDivergences) {
        this(seed, actions, cycles, seconds, divergence, failure, translations, staleHits, laterDivergences,
                List.of(), 0);
    }

    /** Every reported divergence of the seed: the first, then the later ones. */
    public List<Divergence> reported() {
        List<Divergence> all = new java.util.ArrayList<>();
        if (divergence != null) all.add(divergence);
        all.addAll(laterDivergences);
        return all;
    }

    /** The report of every divergence of the seed, the first one in full. */
    public String renderDivergences() {
        StringBuilder b = new StringBuilder(divergence.render());
        for (Divergence d : laterDivergences) {
            b.append("(later, after the model adopted what the DUT did for the earlier ones)\n").append(d.render());
        }
        return b.toString();
    }


    /** A DUT that failed rather than diverged, with what it was doing. */
    public record DutFailure(DutException.Kind kind, String message, int actionIndex, String action, String reproduce) {
        public String render() {
            return "DUT " + kind.name().toLowerCase() + " at action #" + actionIndex + " (" + action + "): " + message
                    + "\n  reproduce: " + reproduce + "\n";
        }
    }

    public boolean passed() { return divergence == null && failure == null; }
}
