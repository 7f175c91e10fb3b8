package dev.lockstep.cli;

import dev.lockstep.engine.SeedResult;
import java.io.PrintWriter;

/** One seed's verdict on the terminal, as run, check and replay print it. */
final class SeedResults {
    private SeedResults() {}

    static void print(PrintWriter out, String what, SeedResult r) {
        if (r.passed()) {
            out.printf("%s: passed (%d actions, %d cycles%s)%n", what, r.actions(), r.cycles(),
                    r.waivedCount() == 0 ? "" : ", " + r.waivedCount() + " waived divergence(s)");
        } else if (r.divergence() != null) {
            out.printf("%s: FAILED%n%s", what, r.renderDivergences());
        } else {
            out.printf("%s: FAILED%n%s", what, r.failure().render());
        }
        out.flush();
    }

    static int exitCode(SeedResult r) {
        return Main.exitCode(new dev.lockstep.regression.Regression.Outcome(java.util.List.of(r), null));
    }
}
