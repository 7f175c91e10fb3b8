package dev.lockstep.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.log.LogFormat.FieldException;
import dev.lockstep.refmodel.regs.IommuConfig;

/**
 * The first line of a seed log: what made it (tool, DUT build), what the model must assume (the pinned
 * configuration) and what was run (seed, planted bug, scenario, planned actions).
 */
public record LogHeader(int schemaVersion, String tool, String dutSpec, String dutBuildId, IommuConfig config,
                        long seed, int mutantId, String mutantName, String scenario, int plannedActions) {

    ObjectNode toJson() {
        ObjectNode n = LogFormat.record(LogFormat.HEADER);
        n.put("schema_version", schemaVersion);
        n.put("tool", tool);
        ObjectNode dut = n.putObject("dut");
        dut.put("spec", dutSpec);
        dut.put("build_id", dutBuildId);
        n.set("config", ConfigJson.write(config));
        n.put("seed", seed);
        ObjectNode mutant = n.putObject("mutant");
        mutant.put("id", mutantId);
        mutant.put("name", mutantName);
        n.put("scenario", scenario);
        n.put("actions", plannedActions);
        return n;
    }

    /** Reads a header record; only schema_version, config and seed are required. */
    static LogHeader read(JsonNode n) throws FieldException {
        long version = LogFormat.integer(n, "schema_version");
        if (version < 1 || version > LogFormat.SCHEMA_VERSION) {
            throw new FieldException("schema_version " + version + " is not supported: this lockstep reads schema "
                    + "version 1 to " + LogFormat.SCHEMA_VERSION);
        }
        JsonNode dut = n.path("dut");
        JsonNode mutant = n.path("mutant");
        return new LogHeader((int) version, n.path("tool").asText("unknown"), dut.path("spec").asText("unknown"),
                dut.path("build_id").asText("unknown"), ConfigJson.read(n.get("config")), LogFormat.integer(n, "seed"),
                mutant.isMissingNode() ? 0 : (int) LogFormat.integer(mutant, "id", 0),
                mutant.path("name").asText("none"), n.path("scenario").asText("unknown"),
                (int) LogFormat.integer(n, "actions", 0));
    }
}
