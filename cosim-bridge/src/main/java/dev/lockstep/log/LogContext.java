package dev.lockstep.log;

import dev.lockstep.refmodel.regs.IommuConfig;
import java.nio.file.Path;

/**
 * What every seed log of one run shares: where logs go, which to keep, whether they are gzip-compressed
 * ({@code seed-N.jsonl.gz}), and the run's header fields.
 */
public record LogContext(Path dir, DumpMode mode, String tool, String dutSpec, IommuConfig config, String scenario,
                         int mutantId, String mutantName, int plannedActions, boolean compress) {

    /** Logs written uncompressed. */
    public LogContext(Path dir, DumpMode mode, String tool, String dutSpec, IommuConfig config, String scenario,
                      int mutantId, String mutantName, int plannedActions) {
        this(dir, mode, tool, dutSpec, config, scenario, mutantId, mutantName, plannedActions, false);
    }

    /** The log file of seed {@code seed}. */
    public Path fileFor(long seed) { return dir.resolve("seed-" + seed + ".jsonl" + (compress ? ".gz" : "")); }

    LogHeader header(long seed, String buildId, int mutant) {
        return new LogHeader(LogFormat.SCHEMA_VERSION, tool, dutSpec, buildId, config, seed, mutant,
                mutant == mutantId ? mutantName : String.valueOf(mutant), scenario, plannedActions);
    }
}
