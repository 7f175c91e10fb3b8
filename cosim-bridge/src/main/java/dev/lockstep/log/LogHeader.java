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

    /**
     * Reads a header record; only schema_version, config and seed are required. The mutant's id and name
     * must agree with each other ({@code mutants} is the built-in DUT's list: id to name; null: not checked).
     */
    static LogHeader read(JsonNode n, java.util.function.IntFunction<String> mutants) throws FieldException {
        long version = LogFormat.range(n, "schema_version", 0, Integer.MAX_VALUE);
        if (version < 1 || version > LogFormat.SCHEMA_VERSION) {
            throw new FieldException("field 'schema_version': " + version + " is not supported: this lockstep reads "
                    + "schema version 1 to " + LogFormat.SCHEMA_VERSION);
        }
        JsonNode dut = LogFormat.object(n, "dut");
        JsonNode mutant = LogFormat.object(n, "mutant");
        IommuConfig config;
        JsonNode c = LogFormat.required(n, "config");
        try {
            config = ConfigJson.read(c);
        } catch (FieldException e) {
            throw e.in("config");
        }
        String dutSpec;
        String buildId;
        int mutantId;
        String mutantName;
        try {
            dutSpec = LogFormat.text(dut, "spec", "unknown");
            buildId = LogFormat.text(dut, "build_id", "unknown");
        } catch (FieldException e) {
            throw e.in("dut");
        }
        try {
            mutantId = mutantValue(mutant);
            mutantName = mutants == null ? LogFormat.text(mutant, "name", "none") : name(mutant, mutantId, mutants);
        } catch (FieldException e) {
            throw e.in("mutant");
        }
        return new LogHeader((int) version, LogFormat.text(n, "tool", "unknown"), dutSpec, buildId, config,
                LogFormat.signed(n, "seed"), mutantId, mutantName, LogFormat.text(n, "scenario", "unknown"),
                (int) LogFormat.range(n, "actions", 0, Integer.MAX_VALUE, 0));
    }

    /** The mutant's name, which must be that of its ids in {@code mutants} (their names joined by commas). */
    private static String name(JsonNode mutant, int mutantId, java.util.function.IntFunction<String> mutants)
            throws FieldException {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int id : dev.lockstep.regression.Mutants.unpack(mutantId)) {
            String known = mutants.apply(id);
            if (known == null) {
                throw LogFormat.expected("id", "0 or planted bugs of the built-in DUT ('bin/lockstep mutants "
                        + "--list'), one id per byte; " + id + " is none of them", mutant.get("id"));
            }
            names.add(known);
        }
        String expected = names.isEmpty() ? "none" : String.join(",", names);
        String name = LogFormat.text(mutant, "name", expected);
        if (!expected.equals(name)) {
            throw LogFormat.expected("name", "'" + expected + "', the name of mutant id " + mutantId, mutant.get("name"));
        }
        return name;
    }

    /** The header's mutant value: packed from {@code ids} when a log lists several (then equal to {@code id}). */
    private static int mutantValue(JsonNode mutant) throws FieldException {
        int id = (int) LogFormat.unsigned(mutant, "id", 32, 0);
        JsonNode ids = mutant.get("ids");
        if (ids == null || ids.isNull()) return id;
        java.util.List<Integer> list = new java.util.ArrayList<>();
        if (ids.isArray()) {
            for (JsonNode one : ids) list.add(one.isIntegralNumber() && one.canConvertToInt() ? one.asInt() : -1);
        }
        try {
            if (!ids.isArray()) throw new IllegalArgumentException("not an array");
            int packed = dev.lockstep.regression.Mutants.pack(list);
            if (mutant.has("id") && packed != id) {
                throw LogFormat.expected("id", packed + ", the ids packed one per byte", mutant.get("id"));
            }
            return packed;
        } catch (IllegalArgumentException e) {
            throw LogFormat.expected("ids", "an array of at most " + dev.lockstep.regression.Mutants.MAX_SELECTED
                    + " planted-bug ids 1..255", ids);
        }
    }
}
