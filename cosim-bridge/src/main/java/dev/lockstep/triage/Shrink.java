package dev.lockstep.triage;

import dev.lockstep.dut.Dut;
import dev.lockstep.engine.Lockstep;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.log.LogCheck;
import dev.lockstep.log.LoggedStimulus;
import dev.lockstep.log.SeedLog;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Delta debugging over the actions of a diverging seed log: the smallest subsequence of its actions found that
 * still diverges with the same failure signature. Offline ({@link #run}), a candidate is the log of those actions
 * with the records the DUT logged after each (removing a {@code memory_write} removes the memory it set up),
 * checked against the golden model; on a DUT ({@link #onDut}), a candidate is run in lockstep on the DUT itself.
 * Deterministic: the same log gives the same result; {@code maxChecks} bounds the work (a count, not a time).
 */
public final class Shrink {

    /** What the shrinking did: the small log, its signature, how many checks it took. */
    public record Result(SeedLog log, Signature signature, int originalActions, int checks) {}

    private final SeedLog log;
    private final List<List<SeedLog.Entry>> groups = new ArrayList<>();
    private final List<SeedLog.Entry> prefix = new ArrayList<>();
    private final Signature target;
    private final int maxChecks;
    private int checks;

    private Shrink(SeedLog log, Signature target, int maxChecks) {
        this.log = log;
        this.target = target;
        this.maxChecks = maxChecks;
        for (SeedLog.Entry e : log.flow()) {
            if (e instanceof SeedLog.ActionEntry) groups.add(new ArrayList<>());
            (groups.isEmpty() ? prefix : groups.get(groups.size() - 1)).add(e);
        }
    }

    /** The first divergence's signature of {@code log}, checked against the model; bad input if it passes. */
    public static Signature signatureOf(SeedLog log) throws BadInputException {
        SeedResult r;
        try {
            r = LogCheck.check(log, seed -> "shrink");
        } catch (LogCheck.Cut e) {
            throw new BadInputException(log.file() + ": " + e.getMessage() + ": nothing to shrink");
        }
        if (r.divergence() == null) {
            throw new BadInputException(log.file() + ": " + (r.passed() ? "the log passes the check"
                    : "the DUT failed (" + r.failure().kind() + "), no divergence") + ": nothing to shrink");
        }
        return r.divergence().signature();
    }

    /** Shrinks offline: the oracle is the check of the candidate log against the model. */
    public static Result run(SeedLog log, int maxChecks) throws BadInputException {
        return run(log, maxChecks, () -> false);
    }

    /**
     * {@link #run(SeedLog, int)}, ending early once {@code stop} says so (a signal): every candidate kept
     * diverges with the signature, so the result is a reproducer then too, only not minimal.
     */
    public static Result run(SeedLog log, int maxChecks, java.util.function.BooleanSupplier stop) throws BadInputException {
        Signature target = signatureOf(log);
        Shrink s = new Shrink(log, target, maxChecks);
        s.stop = stop;
        List<Integer> kept = s.minimize(s::divergesOffline);
        return new Result(s.candidate(kept), target, log.actions().size(), s.checks);
    }

    /**
     * Shrinks on a DUT: the oracle is a lockstep run of the candidate's actions on {@code dut} with the log's planted
     * bug, so what is kept diverges on the DUT itself. The result's log is for its actions: replay it to record the
     * DUT's answers to them.
     */
    public static Result onDut(SeedLog log, Signature target, Dut dut, IommuConfig config, int maxChecks) {
        Shrink s = new Shrink(log, target, maxChecks);
        Lockstep engine = new Lockstep(dut, config, LoggedStimulus.of(log), seed -> "shrink");
        List<Integer> kept = s.minimize(candidate -> {
            List<Action> script = new ArrayList<>(candidate.size());
            for (int i : candidate) script.add(log.actions().get(i).action());
            try {
                SeedResult r = engine.run(log.header().seed(), log.header().mutantId(), script, true);
                return r.divergence() != null && r.divergence().signature().key().equals(target.key());
            } catch (RuntimeException e) {
                return false;
            }
        });
        return new Result(s.candidate(kept), target, log.actions().size(), s.checks);
    }

    /**
     * Removal by chunks: for chunks of half the candidate, a quarter, ... down to one action, a pass over the
     * candidate removes each chunk whose removal keeps the divergence (going on from there, not starting over,
     * so a pass costs one check per chunk); then passes of single actions until none can go: the result is
     * 1-minimal (no single action can be removed) unless {@code maxChecks} ran out.
     */
    private java.util.function.BooleanSupplier stop = () -> false;

    private List<Integer> minimize(Predicate<List<Integer>> diverges) {
        List<Integer> c = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) c.add(i);
        int k = Math.max(1, c.size() / 2);
        while (checks < maxChecks && !stop.getAsBoolean()) {
            boolean changed = false;
            for (int from = 0; from < c.size() && checks < maxChecks && !stop.getAsBoolean(); ) {
                int to = Math.min(c.size(), from + k);
                List<Integer> without = new ArrayList<>(c.subList(0, from));
                without.addAll(c.subList(to, c.size()));
                checks++;
                if (!without.isEmpty() && diverges.test(without)) {
                    c = without;
                    changed = true;
                } else {
                    from = to;
                }
            }
            if (k > 1) k = Math.max(1, k / 2);
            else if (!changed) break;
        }
        return c;
    }

    private boolean divergesOffline(List<Integer> kept) {
        try {
            SeedResult r = LogCheck.check(candidate(kept), seed -> "shrink");
            return r.divergence() != null && r.divergence().signature().key().equals(target.key());
        } catch (BadInputException | LogCheck.Cut | RuntimeException e) {
            return false; // the subsequence is no log the checker can follow: not a reproduction
        }
    }

    /** The log of the actions {@code kept} (in order, renumbered from 0) with their logged answers. */
    SeedLog candidate(List<Integer> kept) {
        List<SeedLog.ActionEntry> actions = new ArrayList<>(kept.size());
        List<SeedLog.Entry> flow = new ArrayList<>(prefix);
        for (int g : kept) {
            for (SeedLog.Entry e : groups.get(g)) {
                if (e instanceof SeedLog.ActionEntry a) {
                    SeedLog.ActionEntry renumbered = new SeedLog.ActionEntry(a.line(), actions.size(), a.action(), a.cycle());
                    actions.add(renumbered);
                    flow.add(renumbered);
                } else {
                    flow.add(e);
                }
            }
        }
        return new SeedLog(log.file(), log.header(), List.copyOf(actions), flow, log.memory(), log.end());
    }
}
