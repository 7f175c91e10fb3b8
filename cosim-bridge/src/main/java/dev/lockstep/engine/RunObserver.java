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

    /**
     * The DUT made {@code choice}, one of the choices the spec leaves to hardware and the checker accepts
     * (e.g. a speculative A update), while action {@code index} was checked.
     */
    default void choice(int index, String choice) { }

    /**
     * The DUT's completion word ({@code lockstep_dut.h} w[2]) of a checked ATS translation request, after
     * {@link #translated}: the fields where the spec lets the DUT choose (e.g. CXL.io where UNSPECIFIED).
     */
    default void atsCompleted(int index, TranslationRequest request, TranslationOutcome outcome, long completionWord) { }

    /** A register was read on both sides (for read actions and for read-backs after writes). */
    default void registerRead(int index, int offset, int size, long modelValue, long dutValue) { }

    /** The seed ended with {@code result}. */
    default void seedFinished(SeedResult result) { }

    /** The seed was stopped (an interrupted run) after {@code actions} actions, with no verdict. */
    default void seedInterrupted(long seed, int actions) { }

    /** The observer that watches nothing. */
    RunObserver NONE = new RunObserver() { };

    /** An observer that tells each of {@code observers}, in order. */
    static RunObserver all(java.util.List<RunObserver> observers) {
        if (observers.isEmpty()) return NONE;
        if (observers.size() == 1) return observers.get(0);
        RunObserver[] each = observers.toArray(new RunObserver[0]);
        return new RunObserver() {
            @Override public void seedStarted(long seed, int mutant) {
                for (RunObserver o : each) o.seedStarted(seed, mutant);
            }
            @Override public void action(int index, dev.lockstep.stimulus.Action action) {
                for (RunObserver o : each) o.action(index, action);
            }
            @Override public void translated(int index, TranslationRequest request, TranslationOutcome outcome,
                                             boolean stale) {
                for (RunObserver o : each) o.translated(index, request, outcome, stale);
            }
            @Override public void choice(int index, String choice) {
                for (RunObserver o : each) o.choice(index, choice);
            }
            @Override public void atsCompleted(int index, TranslationRequest request, TranslationOutcome outcome,
                                               long completionWord) {
                for (RunObserver o : each) o.atsCompleted(index, request, outcome, completionWord);
            }
            @Override public void registerRead(int index, int offset, int size, long modelValue, long dutValue) {
                for (RunObserver o : each) o.registerRead(index, offset, size, modelValue, dutValue);
            }
            @Override public void seedFinished(SeedResult result) {
                for (RunObserver o : each) o.seedFinished(result);
            }
            @Override public void seedInterrupted(long seed, int actions) {
                for (RunObserver o : each) o.seedInterrupted(seed, actions);
            }
        };
    }
}
