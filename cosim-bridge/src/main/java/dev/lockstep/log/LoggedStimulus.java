package dev.lockstep.log;

import dev.lockstep.engine.StimulusSource;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.Stimulus;
import java.util.Iterator;

/** The actions of a log, in order, as the stimulus of a check, a replay or an explanation. */
public final class LoggedStimulus implements Stimulus {

    private final Iterator<SeedLog.ActionEntry> actions;

    private LoggedStimulus(SeedLog log) { this.actions = log.actions().iterator(); }

    /** A source giving every seed the log's actions (the seed number itself comes from the header). */
    public static StimulusSource of(SeedLog log) {
        return (seed, config, model) -> new LoggedStimulus(log);
    }

    /**
     * The actions of {@code flow} as a {@link LogDut} over the same flow reaches them: the next record, when it
     * is an action (the DUT consumes it as the engine applies it); the seed ends at the first record after an
     * action's answers that is not an action. Nothing is held but the flow's look-ahead.
     */
    public static StimulusSource following(LogFlow flow) {
        return (seed, config, model) -> () -> {
            try {
                return flow.peek() instanceof SeedLog.ActionEntry a ? a.action() : null;
            } catch (BadInputException e) {
                throw new LogMismatchException(e.getMessage());
            }
        };
    }

    @Override
    public Action next() {
        if (!actions.hasNext()) throw new IllegalStateException("the log has no more actions");
        return actions.next().action();
    }
}
