package dev.lockstep.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * What was run, as summary.json's {@code run} object: the scenario, the DUT's configuration (its
 * content, and the file it came from), the --dut-config settings, the seeds (first and count, and the
 * shard i/n), the coverage goal, and whether a signal interrupted the run (with the seeds that were in
 * flight then). With the tool version and DUT build beside it, enough to run the same thing again and
 * for {@code merge} to tell shards of one run from shards of another.
 */
public record Provenance(String scenario, String configFile, JsonNode config, String dutConfig, long firstSeed,
                         long count, String shard, Double coverageGoal, boolean interrupted,
                         List<Long> interruptedSeeds) {

    ObjectNode toJson(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("scenario", scenario);
        n.put("config_file", configFile);
        n.set("config", config);
        n.put("dut_config", dutConfig);
        ObjectNode seeds = n.putObject("seeds");
        seeds.put("first", firstSeed);
        seeds.put("count", count);
        seeds.put("shard", shard);
        if (coverageGoal != null) n.put("coverage_goal", coverageGoal);
        else n.putNull("coverage_goal");
        n.put("interrupted", interrupted);
        if (interrupted) interruptedSeeds.forEach(n.putArray("interrupted_seeds")::add);
        return n;
    }

    static Provenance fromJson(JsonNode n) {
        JsonNode seeds = n.path("seeds");
        List<Long> inFlight = new java.util.ArrayList<>();
        n.path("interrupted_seeds").forEach(s -> inFlight.add(s.asLong()));
        return new Provenance(text(n, "scenario"), text(n, "config_file"), n.get("config"), text(n, "dut_config"),
                seeds.path("first").asLong(), seeds.path("count").asLong(), text(seeds, "shard"),
                n.path("coverage_goal").isNumber() ? n.get("coverage_goal").asDouble() : null,
                n.path("interrupted").asBoolean(false), List.copyOf(inFlight));
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The same run, whatever the shard and interruption: what the shards of one run share. */
    boolean sameRunAs(Provenance o) {
        return Objects.equals(scenario, o.scenario) && Objects.equals(configFile, o.configFile)
                && Objects.equals(config, o.config) && Objects.equals(dutConfig, o.dutConfig)
                && firstSeed == o.firstSeed && count == o.count && Objects.equals(coverageGoal, o.coverageGoal);
    }

    /** The whole run these shards make up (no shard; interrupted if any of them was). */
    Provenance merged(List<Provenance> shards) {
        boolean any = shards.stream().anyMatch(Provenance::interrupted);
        List<Long> inFlight = shards.stream().flatMap(p -> p.interruptedSeeds().stream()).sorted().toList();
        return new Provenance(scenario, configFile, config, dutConfig, firstSeed, count, null, coverageGoal, any,
                inFlight);
    }
}
