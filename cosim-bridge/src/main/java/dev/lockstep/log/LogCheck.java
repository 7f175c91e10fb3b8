package dev.lockstep.log;

import dev.lockstep.engine.Lockstep;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.BadInputException;

/**
 * Judges a seed log against the golden model without the RTL: the normal lockstep engine, its stimulus
 * the log's actions, its DUT a {@link LogDut} answering from the log.
 */
public final class LogCheck {
    private LogCheck() {}

    /**
     * A log an interrupted run cut between two actions (its {@code end} status is {@code interrupted}), or
     * whose check a signal stopped ({@code bySignal}), was checked up to the cut without a divergence: it has
     * no verdict.
     */
    public static final class Cut extends Exception {
        private static final long serialVersionUID = 1L;
        public final int actions;
        public final boolean bySignal;

        Cut(int actions, boolean bySignal) {
            super((bySignal ? "check stopped by a signal after " : "interrupted after ") + actions
                    + " actions: no divergence up to the cut");
            this.actions = actions;
            this.bySignal = bySignal;
        }
    }

    /** The engine's verdict on {@code log}; a log that does not follow the protocol is bad input. */
    public static SeedResult check(SeedLog log, Lockstep.ReproduceCommand reproduce) throws BadInputException, Cut {
        return check(log, reproduce, dev.lockstep.triage.Waivers.NONE);
    }

    /**
     * The verdict under {@code waivers}: a log of a run with waivers records the register reads the engine
     * made to adopt the DUT's state after each waived divergence, so it is checked with the same waivers.
     */
    public static SeedResult check(SeedLog log, Lockstep.ReproduceCommand reproduce, dev.lockstep.triage.Waivers waivers)
            throws BadInputException, Cut {
        return check(log.header(), log.flowCursor(), reproduce, waivers, () -> false);
    }

    /**
     * The verdict on a log read as a stream: it returns as soon as the record showing the first divergence
     * has been read (the rest of the log is not read; {@link LogStream#drain} validates it).
     */
    public static SeedResult check(LogStream log, Lockstep.ReproduceCommand reproduce, dev.lockstep.triage.Waivers waivers)
            throws BadInputException, Cut {
        return check(log.header(), log, reproduce, waivers, () -> false);
    }

    /** {@link #check(LogStream, Lockstep.ReproduceCommand, dev.lockstep.triage.Waivers)}, stopping between two actions once {@code stop} says so (a signal). */
    public static SeedResult check(LogStream log, Lockstep.ReproduceCommand reproduce, dev.lockstep.triage.Waivers waivers,
                                   java.util.function.BooleanSupplier stop) throws BadInputException, Cut {
        return check(log.header(), log, reproduce, waivers, stop);
    }

    private static SeedResult check(LogHeader header, LogFlow flow, Lockstep.ReproduceCommand reproduce,
                                    dev.lockstep.triage.Waivers waivers, java.util.function.BooleanSupplier stop)
            throws BadInputException, Cut {
        LogDut dut = new LogDut(flow, header.dutBuildId());
        Lockstep engine = new Lockstep(dut, header.config(), LoggedStimulus.following(flow), reproduce).waivers(waivers);
        boolean[] stopped = {false};
        engine.stopBefore(i -> {
            if (stop.getAsBoolean()) return stopped[0] = true;
            try {
                return flow.peek() == null && LogFormat.INTERRUPTED.equals(flow.end().status());
            } catch (BadInputException e) {
                throw new LogMismatchException(e.getMessage());
            }
        });
        try {
            SeedResult r = engine.run(header.seed(), header.mutantId(), Integer.MAX_VALUE);
            if (r.passed()) dut.requireFullyUsed();
            return r;
        } catch (Lockstep.Stopped e) {
            if (!stopped[0]) dut.requireFullyUsed();
            throw new Cut(e.actions, stopped[0]);
        } catch (LogMismatchException e) {
            throw new BadInputException(e.getMessage());
        } catch (RuntimeException e) {
            throw unrepresentable(flow, engine.actionIndex(), e);
        }
    }

    /**
     * A log whose actions lead the model to a state it cannot represent (e.g. more versions of cached
     * structures than the caching model holds) is bad input: the message names the action and its line.
     */
    public static BadInputException unrepresentable(SeedLog log, int index, RuntimeException e) {
        return unrepresentable(log.flowCursor(), index, e);
    }

    private static BadInputException unrepresentable(LogFlow flow, int index, RuntimeException e) {
        SeedLog.ActionEntry a = flow.action(index);
        String where = a != null ? flow.at(a.line()) + ": action #" + index + " (" + a.action().describe() + ")"
                : flow.end() != null ? flow.at(flow.end().line()) + ": the end of the seed"
                : flow.file() + ": action #" + index;
        return new BadInputException(where + ": the model cannot represent the state this leads to: "
                + (e.getMessage() != null ? e.getMessage() : "an internal limit"));
    }
}
