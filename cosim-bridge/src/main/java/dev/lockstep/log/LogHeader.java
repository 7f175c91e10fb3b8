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
        java.util.List<Integer> ids = dev.lockstep.regression.Mutants.unpack(mutantId);
        if (ids.size() > 1) ids.forEach(mutant.putArray("ids")::add);
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
                mutant.isMissingNode() ? 0 : mutantValue(mutant),
                mutant.path("name").asText("none"), n.path("scenario").asText("unknown"),
                (int) LogFormat.integer(n, "actions", 0));
    }

    /** The header's mutant value: packed from {@code ids} when a log lists several, else {@code id}. */
    private static int mutantValue(JsonNode mutant) throws FieldException {
        JsonNode ids = mutant.get("ids");
        if (ids == null) return (int) LogFormat.integer(mutant, "id", 0);
        if (!ids.isArray()) throw new FieldException("mutant.ids must be an array of planted-bug ids");
        java.util.List<Integer> list = new java.util.ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.canConvertToInt()) throw new FieldException("mutant.ids: '" + id + "' is not a planted-bug id");
            list.add(id.asInt());
        }
        try {
            return dev.lockstep.regression.Mutants.pack(list);
        } catch (IllegalArgumentException e) {
            throw new FieldException("mutant.ids: " + e.getMessage());
        }
    }
}
