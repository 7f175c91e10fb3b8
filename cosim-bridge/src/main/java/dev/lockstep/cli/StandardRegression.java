package dev.lockstep.cli;

/** The standard regression: what `make run` and `lockstep mutants` run unless told otherwise. */
final class StandardRegression {
    private StandardRegression() {}

    static final String FIRST_SEED = "1";
    static final String SEEDS = "40";
    static final String ACTIONS = "2000";
    static final String SCENARIO = "system";
}
