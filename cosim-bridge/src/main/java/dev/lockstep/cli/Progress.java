package dev.lockstep.cli;

import dev.lockstep.engine.SeedResult;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Per-seed output of `lockstep run`: on an interactive terminal (and not in CI) one updating line with
 * seeds done, failures, rate and ETA, and the reports of failing seeds; elsewhere one plain line per seed.
 */
final class Progress implements Consumer<SeedResult> {

    private final PrintWriter out;
    private final boolean live;
    private final long start = System.nanoTime();
    private int total;
    private int done;
    private int failed;
    private boolean lineOpen;
    private boolean quiet;

    Progress(PrintWriter out, int total, boolean live) {
        this.out = out;
        this.total = total;
        this.live = live;
    }

    /** {@code -q}: failing seeds only, no progress line. */
    Progress quiet(boolean q) {
        this.quiet = q;
        return this;
    }

    /** Whether stdout is an interactive terminal outside CI. */
    static boolean interactive() {
        String ci = System.getenv("CI");
        return System.console() != null && (ci == null || ci.isEmpty() || ci.equals("false"));
    }

    @Override
    public void accept(SeedResult r) {
        done++;
        if (!r.passed()) failed++;
        if (quiet) {
            if (!r.passed()) printResult(r);
            return;
        }
        if (!live) {
            printResult(r);
            return;
        }
        if (!r.passed()) {
            clear();
            printResult(r);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        long eta = Math.round((total - done) / Math.max(rate, 1e-9));
        out.printf("\r[%d/%d] %d failed, %.2f seeds/s, ETA %s ", done, total, failed, rate,
                done >= total ? "0s" : eta >= 60 ? (eta / 60) + "m" + (eta % 60) + "s" : eta + "s");
        out.flush();
        lineOpen = true;
    }

    /** Ends the progress line, so that what follows starts on a fresh line. */
    void finish() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
        }
    }

    private void clear() {
        if (lineOpen) {
            out.print("\r\033[K");
            lineOpen = false;
        }
    }

    private void printResult(SeedResult r) {
        SeedResults.print(out, "seed " + r.seed(), r);
    }
}
