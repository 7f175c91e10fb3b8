package dev.lockstep.stimulus;

/** A seeded source of actions. */
public interface Stimulus {
    Action next();
}
