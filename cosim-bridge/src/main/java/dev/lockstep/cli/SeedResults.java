package dev.lockstep.cli;

import dev.lockstep.engine.SeedResult;
import java.io.PrintWriter;

/** One seed's verdict on the terminal, as 'check' and 'replay' print it (the format of 'run'). */
final class SeedResults {
    private SeedResults() {}

    static void print(PrintWriter out, String what, SeedResult r) {
        if (r.passed()) {
            out.printf("%s: passed (%d actions, %d cycles)%n", what, r.actions(), r.cycles());
        } else if (r.divergence() != null) {
            out.printf("%s: FAILED%n%s", what, r.divergence().render());
        } else {
            out.printf("%s: FAILED%n%s", what, r.failure().render());
        }
        out.flush();
    }

    static int exitCode(SeedResult r) {
        if (r.failure() != null) return Main.EXIT_DUT;
        return r.divergence() != null ? Main.EXIT_DIVERGENCE : Main.EXIT_PASS;
    }
}
