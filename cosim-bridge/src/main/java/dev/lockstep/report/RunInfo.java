package dev.lockstep.report;

/** What a report says about the run itself. */
public record RunInfo(String toolVersion, String dutSpec, String mutant, int actionsPerSeed) {}
