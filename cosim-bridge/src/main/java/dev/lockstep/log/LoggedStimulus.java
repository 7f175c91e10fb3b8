package dev.lockstep.log;

import dev.lockstep.engine.StimulusSource;
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

    @Override
    public Action next() {
        if (!actions.hasNext()) throw new IllegalStateException("the log has no more actions");
        return actions.next().action();
    }
}
