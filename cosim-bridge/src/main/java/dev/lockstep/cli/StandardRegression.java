package dev.lockstep.cli;

/** The standard regression: what `make run` and `lockstep mutants` run unless told otherwise. */
final class StandardRegression {
    private StandardRegression() {}

    static final String FIRST_SEED = "1";
    static final String SEEDS = "40";
    static final String ACTIONS = "2000";
    /** Random system seeds and, every third seed, a directed scenario (see Scenario.ALL). */
    static final String SCENARIO = "all";
}
