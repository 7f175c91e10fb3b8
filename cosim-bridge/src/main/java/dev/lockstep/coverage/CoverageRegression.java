package dev.lockstep.coverage;

import dev.lockstep.dut.DutException;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.Regression;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A regression that collects functional coverage, and with a goal keeps running further seeds (in
 * batches of one seed per worker, in seed order) until the goal or the last seed is reached.
 */
public final class CoverageRegression {
    private CoverageRegression() {}

    /** The regression's outcome, its merged coverage and whether the goal (if any) was reached. */
    public record Result(Regression.Outcome outcome, Coverage coverage, boolean goalReached) {}

    /**
     * Runs {@code seeds}; with {@code goalPercent} non-null, stops after the first batch that brings the
     * coverage to the goal. Results and coverage do not depend on {@code jobs} without a goal; with a
     * goal, the number of seeds run is a multiple of {@code jobs} (or all of them).
     */
    public static Result run(Regression regression, IommuConfig config, List<Long> seeds, int mutant, int actions,
                             int jobs, Double goalPercent, Consumer<SeedResult> onResult) throws DutException {
        Coverage total = new Coverage(config);
        List<CoverageObserver> observers = new ArrayList<>();
        regression.addObserver(() -> {
            CoverageObserver o = new CoverageObserver(config);
            synchronized (observers) {
                observers.add(o);
            }
            return o;
        });
        if (goalPercent == null) {
            Regression.Outcome outcome = regression.run(seeds, mutant, actions, jobs, onResult);
            observers.forEach(o -> total.merge(o.coverage()));
            return new Result(outcome, total, true);
        }
        List<SeedResult> results = new ArrayList<>();
        String buildId = null;
        int batch = Math.max(1, jobs);
        for (int i = 0; i < seeds.size(); i += batch) {
            observers.clear();
            Regression.Outcome part = regression.run(seeds.subList(i, Math.min(seeds.size(), i + batch)), mutant,
                    actions, jobs, onResult);
            results.addAll(part.results());
            buildId = part.dutBuildId();
            observers.forEach(o -> total.merge(o.coverage()));
            if (regression.stopped()) break; // interrupted: the seeds done so far
            boolean stop = regression.failFast() && part.failed() > 0;
            if (stop || total.percent() >= goalPercent) {
                return new Result(new Regression.Outcome(List.copyOf(results), buildId), total, true);
            }
        }
        return new Result(new Regression.Outcome(List.copyOf(results), buildId), total, false);
    }
}
