package dev.lockstep.report;

/**
 * What a report says about the run itself; {@code run} is its provenance (null in reports of older
 * versions, and for callers that have none).
 */
public record RunInfo(String toolVersion, String dutSpec, String mutant, int actionsPerSeed, Provenance run) {

    public RunInfo(String toolVersion, String dutSpec, String mutant, int actionsPerSeed) {
        this(toolVersion, dutSpec, mutant, actionsPerSeed, null);
    }
}
