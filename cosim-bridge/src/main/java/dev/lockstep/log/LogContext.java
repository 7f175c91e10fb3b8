package dev.lockstep.log;

import dev.lockstep.refmodel.regs.IommuConfig;
import java.nio.file.Path;

/** What every seed log of one run shares: where logs go, which to keep, and the run's header fields. */
public record LogContext(Path dir, DumpMode mode, String tool, String dutSpec, IommuConfig config, String scenario,
                         int mutantId, String mutantName, int plannedActions) {

    /** The log file of seed {@code seed}. */
    public Path fileFor(long seed) { return dir.resolve("seed-" + seed + ".jsonl"); }

    LogHeader header(long seed, String buildId, int mutant) {
        return new LogHeader(LogFormat.SCHEMA_VERSION, tool, dutSpec, buildId, config, seed, mutant,
                mutant == mutantId ? mutantName : String.valueOf(mutant), scenario, plannedActions);
    }
}
