package dev.lockstep.engine;

import dev.lockstep.dut.DutException;

/** The verdict of one seed: passed, diverged, or the DUT failed (hang, fatal, crash, load). */
public record SeedResult(
        long seed,
        int actions,
        long cycles,
        double seconds,
        Divergence divergence,
        DutFailure failure) {

    /** A DUT that failed rather than diverged, with what it was doing. */
    public record DutFailure(DutException.Kind kind, String message, int actionIndex, String action, String reproduce) {
        public String render() {
            return "DUT " + kind.name().toLowerCase() + " at action #" + actionIndex + " (" + action + "): " + message
                    + "\n  reproduce: " + reproduce + "\n";
        }
    }

    public boolean passed() { return divergence == null && failure == null; }
}
