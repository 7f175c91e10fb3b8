package dev.lockstep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.report.SummaryReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.ParseResult;

/**
 * What makes a run's seeds the same seeds again: the DUT and its configuration, the scenario, the planted
 * bugs, the action budget, --max-divergences and --overlap. Written into summary.json as {@code rerun}, read back by
 * {@code run --rerun-failed DIR} with the seeds that failed there.
 */
record RerunConfig(String dut, String config, String dutConfig, String scenario, String mutant, int actions,
                   int maxDivergences, String overlap, List<Long> failedSeeds) {

    static RerunConfig of(RunCommand c) {
        return new RerunConfig(c.dutOptions.dut, c.config, c.dutOptions.dutConfig, c.scenario, c.mutant, c.actions,
                c.maxDivergences, c.overlapOption, List.of());
    }

    ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("dut", dut);
        if (config != null) n.put("config", config);
        n.put("dut_config", dutConfig);
        n.put("scenario", scenario);
        n.put("mutant", mutant);
        n.put("actions", actions);
        n.put("max_divergences", maxDivergences);
        // Only when given, so that a serialized run's summary is what it was before --overlap existed.
        if (overlap != null) n.put("overlap", overlap);
        return n;
    }

    /** The configuration and failed seeds of the run reported in {@code dir}. */
    static RerunConfig read(Path dir) throws BadInputException {
        Path file = dir.resolve("summary.json");
        SummaryReader.Summary s = SummaryReader.read(file);
        List<Long> failed = s.outcome().results().stream().filter(r -> !r.passed()).map(SeedResult::seed).toList();
        JsonNode root = dev.lockstep.regression.JsonFiles.read(file, "--rerun-failed: " + file);
        JsonNode n = root == null ? null : root.get("rerun");
        if (n == null || !n.isObject()) {
            throw new BadInputException("--rerun-failed: " + file + " has no 'rerun' object (written by run since "
                    + "--rerun-failed exists): give the seeds with --seeds and the options by hand");
        }
        return new RerunConfig(n.path("dut").asText("stub"), n.hasNonNull("config") ? n.get("config").asText() : null,
                n.path("dut_config").asText(""), n.path("scenario").asText(StandardRegression.SCENARIO),
                n.path("mutant").asText("none"), n.path("actions").asInt(Integer.parseInt(StandardRegression.ACTIONS)),
                n.path("max_divergences").asInt(1), n.hasNonNull("overlap") ? n.get("overlap").asText() : null, failed);
    }

    /** Sets {@code c}'s options to this configuration; one given on the command line must agree with it. */
    void applyTo(RunCommand c, ParseResult given) throws BadInputException {
        c.dutOptions.dut = agree(given, "--dut", c.dutOptions.dut, dut);
        c.config = agree(given, "--config", c.config, config);
        c.dutOptions.dutConfig = agree(given, "--dut-config", c.dutOptions.dutConfig, dutConfig);
        c.scenario = agree(given, "--scenario", c.scenario, scenario);
        c.mutant = agree(given, "--mutant", c.mutant, mutant);
        c.actions = agree(given, "--actions", c.actions, actions);
        c.maxDivergences = agree(given, "--max-divergences", c.maxDivergences, maxDivergences);
        c.overlapOption = agree(given, "--overlap", c.overlapOption, overlap);
    }

    private static <T> T agree(ParseResult given, String option, T mine, T theirs) throws BadInputException {
        if (given.hasMatchedOption(option) && !Objects.equals(mine, theirs)) {
            throw new BadInputException("--rerun-failed: the run being re-run had " + option + " " + theirs
                    + ", not " + mine + " (leave " + option + " out to re-run it as it was)");
        }
        return theirs;
    }
}
