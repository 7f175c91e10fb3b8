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
        List<Divergence> laterDivergences) {

    public SeedResult {
        laterDivergences = laterDivergences == null ? List.of() : List.copyOf(laterDivergences);
    }

    /** The report of every divergence of the seed, the first one in full. */
    public String renderDivergences() {
        StringBuilder b = new StringBuilder(divergence.render());
        for (Divergence d : laterDivergences) {
            b.append("(later, possibly a consequence of the first)\n").append(d.render());
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
