package dev.lockstep.stimulus;

/** A seeded source of actions. */
public interface Stimulus {
    /** The next action, or null when a finite scenario is done (the seed then ends cleanly). */
    Action next();
}
