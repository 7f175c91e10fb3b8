package dev.lockstep.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.coverage.Coverage;
import dev.lockstep.engine.Divergence;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.Regression;
import dev.lockstep.triage.SignatureTable;
import dev.lockstep.triage.Waivers;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code summary.json}: the structured report of a regression. No wall-clock times, so the same seeds
 * and build give the same bytes.
 */
public final class SummaryJson {
    private SummaryJson() {}

    public static final int SCHEMA_VERSION = 1;

    public static void write(Path file, RunInfo info, Regression.Outcome outcome) throws IOException {
        write(file, info, outcome, null);
    }

    /** Writes the summary, with a {@code coverage} object when {@code coverage} is not null. */
    public static void write(Path file, RunInfo info, Regression.Outcome outcome, Coverage coverage)
            throws IOException {
        write(file, info, outcome, coverage, Waivers.NONE);
    }

    public static void write(Path file, RunInfo info, Regression.Outcome outcome, Coverage coverage, Waivers waivers)
            throws IOException {
        write(file, info, outcome, coverage, waivers, null);
    }

    /**
     * Writes the summary with its signature table under {@code waivers}, and {@code rerun} (the options
     * that make the same seeds again, for run --rerun-failed) when not null.
     */
    public static void write(Path file, RunInfo info, Regression.Outcome outcome, Coverage coverage, Waivers waivers,
                             com.fasterxml.jackson.databind.JsonNode rerun) throws IOException {
        write(file, info, outcome, coverage, waivers, rerun, null);
    }

    /** {@link #write(Path, RunInfo, Regression.Outcome, Coverage, Waivers, com.fasterxml.jackson.databind.JsonNode)}, with {@code check} (what a 'check' judged: its logs, whether a signal interrupted it) when not null. */
    public static void write(Path file, RunInfo info, Regression.Outcome outcome, Coverage coverage, Waivers waivers,
                             com.fasterxml.jackson.databind.JsonNode rerun, com.fasterxml.jackson.databind.JsonNode check)
            throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("tool", "lockstep " + info.toolVersion());
        ObjectNode dut = root.putObject("dut");
        dut.put("spec", info.dutSpec());
        dut.put("build_id", outcome.dutBuildId());
        root.put("mutant", info.mutant());
        root.put("actions_per_seed", info.actionsPerSeed());
        if (info.run() != null) root.set("run", info.run().toJson(json));
        if (rerun != null) root.set("rerun", rerun);
        if (check != null) root.set("check", check);
        root.put("passed", outcome.passed());
        root.put("failed", outcome.failed());
        ArrayNode seeds = root.putArray("seeds");
        for (SeedResult r : outcome.results()) {
            ObjectNode s = seeds.addObject();
            s.put("seed", r.seed());
            s.put("status", status(r));
            s.put("actions", r.actions());
            s.put("cycles", r.cycles());
            s.put("translations", r.translations());
            s.put("stale_but_legal", r.staleHits());
            if (r.divergence() != null) s.set("divergence", divergence(json, r.divergence()));
            if (!r.laterDivergences().isEmpty()) {
                ArrayNode later = s.putArray("later_divergences");
                for (Divergence d : r.laterDivergences()) later.add(divergence(json, d));
            }
            if (r.waivedCount() > 0) {
                s.put("waived_count", r.waivedCount());
                ArrayNode w = s.putArray("waived");
                for (Divergence d : r.waived()) w.add(divergence(json, d));
            }
            if (r.failure() != null) {
                ObjectNode f = s.putObject("dut_failure");
                f.put("kind", r.failure().kind().name().toLowerCase());
                f.put("message", r.failure().message());
                f.put("action_index", r.failure().actionIndex());
                f.put("action", r.failure().action());
                f.put("reproduce", r.failure().reproduce());
            }
        }
        SignatureTable.of(outcome.results(), waivers).toJson(json, root);
        if (coverage != null) root.set("coverage", coverage(json, coverage));
        OutputDir.writeAtomically(file, json.writeValueAsString(root) + "\n");
    }

    /** Coverage: goal bins hit in total and per group, every bin's count (fixed order), missing goal bins. */
    public static ObjectNode coverage(ObjectMapper json, Coverage c) {
        ObjectNode n = json.createObjectNode();
        n.put("goal_bins", c.goalBins());
        n.put("goal_bins_hit", c.goalBinsHit());
        n.put("percent", Math.round(c.percent() * 10) / 10.0);
        ObjectNode groups = n.putObject("groups");
        ArrayNode missingAll = json.createArrayNode();
        for (String g : c.groups()) {
            ObjectNode gn = groups.putObject(g);
            gn.put("goal_bins", c.goalBins(g));
            gn.put("goal_bins_hit", c.goalBinsHit(g));
            ArrayNode bins = gn.putArray("bins");
            for (String b : c.bins(g)) {
                ObjectNode bn = bins.addObject();
                bn.put("bin", b);
                if (g.equals(Coverage.CAUSES)) bn.put("name", Coverage.label(g, b));
                bn.put("goal", c.isGoal(g, b));
                bn.put("count", c.count(g, b));
            }
            ArrayNode missing = gn.putArray("missing");
            for (String b : c.missing(g)) {
                missing.add(b);
                missingAll.add(g + "/" + b);
            }
        }
        n.set("missing", missingAll);
        return n;
    }

    public static String status(SeedResult r) {
        if (r.passed()) return "passed";
        return r.divergence() != null ? "diverged" : "dut_" + r.failure().kind().name().toLowerCase();
    }

    static ObjectNode divergence(ObjectMapper json, Divergence d) {
        ObjectNode n = json.createObjectNode();
        ObjectNode sig = n.putObject("signature");
        sig.put("id", d.signature().id());
        sig.put("key", d.signature().key());
        sig.put("says", d.signature().says());
        n.put("action_index", d.actionIndex());
        n.put("cycle", d.cycle());
        n.put("action", d.action());
        n.put("compared", d.subject());
        ArrayNode fields = n.putArray("fields");
        for (Divergence.FieldMismatch f : d.fields()) {
            ObjectNode fn = fields.addObject();
            fn.put("field", f.field());
            fn.put("bits", f.bits());
            fn.put("expected", f.text(f.expected()));
            fn.put("observed", f.text(f.observed()));
        }
        n.put("rule", d.rule());
        if (d.walk() != null) n.put("model_walk", d.walk());
        ArrayNode recent = n.putArray("leading_actions");
        d.recentActions().forEach(recent::add);
        n.put("dut_build_id", d.dutBuild());
        n.put("reproduce", d.reproduce());
        return n;
    }
}
