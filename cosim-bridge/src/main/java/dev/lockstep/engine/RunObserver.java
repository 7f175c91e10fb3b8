package dev.lockstep.engine;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.stimulus.Action;

/**
 * Watches a lockstep run as it happens (coverage, logs, progress). One instance per worker thread: a
 * worker runs its seeds one after the other, so calls for one seed never interleave with another's.
 * Every method defaults to doing nothing.
 */
public interface RunObserver {

    /** A seed starts (after the DUT reset). */
    default void seedStarted(long seed, int mutant) { }

    /** Action {@code index} is about to be applied to the model and the DUT. */
    default void action(int index, Action action) { }

    /**
     * A translation was checked: {@code outcome} is the permitted outcome the DUT's completion matched
     * ({@code stale}: one that only an older version of a cached structure gives).
     */
    default void translated(int index, TranslationRequest request, TranslationOutcome outcome, boolean stale) { }

    /** A register was read on both sides (for read actions and for read-backs after writes). */
    default void registerRead(int index, int offset, int size, long modelValue, long dutValue) { }

    /** The seed ended with {@code result}. */
    default void seedFinished(SeedResult result) { }

    /** The observer that watches nothing. */
    RunObserver NONE = new RunObserver() { };
}
