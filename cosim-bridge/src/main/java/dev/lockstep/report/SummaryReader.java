package dev.lockstep.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockstep.dut.DutException;
import dev.lockstep.coverage.Coverage;
import dev.lockstep.engine.Divergence;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Regression;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@code summary.json} back into the results it was written from (the inverse of
 * {@link SummaryJson}), so shards can be merged and rewritten by the same writers as a whole run.
 */
public final class SummaryReader {
    private SummaryReader() {}

    /** A summary as read: what the run was, its results, and keys this reader does not carry over. */
    /** A summary read back; {@code coverage} is null when the run had none. */
    public record Summary(Path file, RunInfo info, Regression.Outcome outcome, Coverage coverage,
                          Set<String> unknownKeys, dev.lockstep.triage.Waivers waivers, JsonNode rerun) {}

    private static final Set<String> TOP = Set.of("schema_version", "tool", "dut", "mutant", "actions_per_seed",
            "passed", "failed", "seeds", "coverage", "run", "signatures", "waivers", "rerun");
    private static final Set<String> SEED = Set.of("seed", "status", "actions", "cycles", "translations",
            "stale_but_legal", "divergence", "later_divergences", "dut_failure", "waived", "waived_count");

    public static Summary read(Path file) throws BadInputException {
        JsonNode root = dev.lockstep.regression.JsonFiles.read(file, file.toString());
        if (root == null || !root.isObject()) throw new BadInputException(file + ": not a summary.json object");
        int version = root.path("schema_version").asInt(-1);
        if (version != SummaryJson.SCHEMA_VERSION) {
            throw new BadInputException(file + ": summary schema_version " + version + ", this lockstep reads "
                    + SummaryJson.SCHEMA_VERSION);
        }
        Set<String> unknown = new TreeSet<>();
        root.fieldNames().forEachRemaining(k -> { if (!TOP.contains(k)) unknown.add(k); });
        String tool = text(root, "tool", file);
        RunInfo info = new RunInfo(tool.startsWith("lockstep ") ? tool.substring("lockstep ".length()) : tool,
                text(root.path("dut"), "spec", file), text(root, "mutant", file),
                root.path("actions_per_seed").asInt(),
                root.path("run").isObject() ? Provenance.fromJson(root.get("run")) : null);
        JsonNode buildId = root.path("dut").get("build_id");
        List<SeedResult> results = new ArrayList<>();
        JsonNode seeds = root.get("seeds");
        if (seeds == null || !seeds.isArray()) throw new BadInputException(file + ": missing 'seeds' array");
        for (int i = 0; i < seeds.size(); i++) {
            JsonNode s = seeds.get(i);
            String where = "seeds[" + i + "]";
            s.fieldNames().forEachRemaining(k -> { if (!SEED.contains(k)) unknown.add(where.replaceAll("\\d+", "") + "." + k); });
            try {
                results.add(seed(s));
            } catch (RuntimeException e) {
                throw new BadInputException(file + ": " + where + ": " + e.getMessage());
            }
        }
        Regression.Outcome outcome = new Regression.Outcome(List.copyOf(results),
                buildId == null || buildId.isNull() ? null : buildId.asText());
        JsonNode cov = root.get("coverage");
        return new Summary(file, info, outcome, cov == null ? null : Coverage.fromJson(cov), unknown, waivers(root),
                root.get("rerun"));
    }

    private static SeedResult seed(JsonNode s) {
        long seed = need(s, "seed").asLong();
        JsonNode dn = s.get("divergence");
        Divergence d = dn == null ? null : divergence(seed, dn);
        List<Divergence> later = new ArrayList<>();
        JsonNode ln = s.get("later_divergences");
        if (ln != null) for (JsonNode n : ln) later.add(divergence(seed, n));
        SeedResult.DutFailure f = null;
        JsonNode fn = s.get("dut_failure");
        if (fn != null) {
            f = new SeedResult.DutFailure(kind(need(fn, "kind").asText()),
                    need(fn, "message").asText(), need(fn, "action_index").asInt(), need(fn, "action").asText(),
                    need(fn, "reproduce").asText());
        }
        List<Divergence> waived = new ArrayList<>();
        JsonNode wn = s.get("waived");
        if (wn != null) for (JsonNode n : wn) waived.add(divergence(seed, n));
        return new SeedResult(seed, need(s, "actions").asInt(), need(s, "cycles").asLong(), 0, d, f,
                need(s, "translations").asLong(), need(s, "stale_but_legal").asLong(), later, waived,
                s.path("waived_count").asInt(waived.size()));
    }

    private static Divergence divergence(long seed, JsonNode dn) {
        List<Divergence.FieldMismatch> fields = new ArrayList<>();
        for (JsonNode f : need(dn, "fields")) {
            fields.add(new Divergence.FieldMismatch(need(f, "field").asText(), need(f, "bits").asText(),
                    Divergence.FieldMismatch.parse(need(f, "expected").asText()),
                    Divergence.FieldMismatch.parse(need(f, "observed").asText())));
        }
        List<String> leading = new ArrayList<>();
        for (JsonNode a : need(dn, "leading_actions")) leading.add(a.asText());
        JsonNode walk = dn.get("model_walk");
        JsonNode build = dn.get("dut_build_id");
        return new Divergence(seed, need(dn, "action_index").asInt(), need(dn, "cycle").asLong(),
                need(dn, "action").asText(), need(dn, "compared").asText(), List.copyOf(fields),
                need(dn, "rule").asText(), List.copyOf(leading), need(dn, "reproduce").asText(),
                walk == null ? null : walk.asText(), build == null ? null : build.asText(), signature(dn));
    }

    /** The waivers a run was given, as its summary lists them (none when it lists none). */
    private static dev.lockstep.triage.Waivers waivers(JsonNode root) {
        List<dev.lockstep.triage.Waivers.Waiver> list = new ArrayList<>();
        for (JsonNode w : root.path("waivers")) {
            list.add(new dev.lockstep.triage.Waivers.Waiver(w.hasNonNull("signature") ? w.get("signature").asText() : null,
                    w.hasNonNull("pattern") ? w.get("pattern").asText() : null, w.path("reason").asText(),
                    w.path("tracking").asText()));
        }
        return dev.lockstep.triage.Waivers.of(list);
    }

    /** A divergence's signature (key and line); summaries written before signatures existed have none. */
    private static dev.lockstep.triage.Signature signature(JsonNode dn) {
        JsonNode sig = dn.get("signature");
        if (sig == null) return new dev.lockstep.triage.Signature("unknown (summary without signatures)", "");
        return new dev.lockstep.triage.Signature(need(sig, "key").asText(), sig.path("says").asText(""));
    }

    private static DutException.Kind kind(String name) {
        for (DutException.Kind k : DutException.Kind.values()) if (k.name().equalsIgnoreCase(name)) return k;
        throw new IllegalArgumentException("dut_failure.kind '" + name + "' is none of hang, fatal, crash, load, api");
    }

    private static JsonNode need(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) throw new IllegalArgumentException("missing key '" + key + "'");
        return v;
    }

    private static String text(JsonNode n, String key, Path file) throws BadInputException {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) throw new BadInputException(file + ": missing key '" + key + "'");
        return v.asText();
    }
}
