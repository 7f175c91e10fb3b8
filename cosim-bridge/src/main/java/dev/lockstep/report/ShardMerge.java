package dev.lockstep.report;

import dev.lockstep.engine.SeedResult;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Regression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Combines the output directories of a run's shards ({@code run --shard i/n --out DIR}) into one
 * summary.json, one junit.xml and one logs/ directory. Results are sorted by seed and rewritten by
 * the run's own writers, so merging every shard gives the bytes the unsharded run gives.
 */
public final class ShardMerge {
    private ShardMerge() {}

    /** The merged outcome, and keys of the shards' summaries that the merge could not carry over. */
    public record Merged(Regression.Outcome outcome, Set<String> droppedKeys, dev.lockstep.triage.Waivers waivers) {}

    public static Merged merge(List<Path> dirs, Path out) throws BadInputException, IOException {
        SummaryReader.Summary first = null;
        String suite = null;
        Map<Long, Path> seen = new HashMap<>();
        List<SeedResult> all = new ArrayList<>();
        Set<String> dropped = new TreeSet<>();
        dev.lockstep.coverage.Coverage coverage = null;
        List<Provenance> runs = new ArrayList<>();
        Map<String, Path> shards = new HashMap<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": not a directory (a shard's --out DIR)");
            Path summaryFile = dir.resolve("summary.json");
            Path junitFile = dir.resolve("junit.xml");
            if (!Files.isRegularFile(summaryFile)) throw new BadInputException(summaryFile + ": missing");
            if (!Files.isRegularFile(junitFile)) throw new BadInputException(junitFile + ": missing");
            SummaryReader.Summary s = SummaryReader.read(summaryFile);
            JunitSuite j = JunitSuite.read(junitFile);
            if (j.tests != s.outcome().results().size()) {
                throw new BadInputException(junitFile + ": " + j.tests + " test cases but " + summaryFile + " has "
                        + s.outcome().results().size() + " seeds");
            }
            if (first == null) {
                first = s;
                suite = j.name;
            } else {
                same(s, "tool", s.info().toolVersion(), first, first.info().toolVersion());
                same(s, "dut.spec", s.info().dutSpec(), first, first.info().dutSpec());
                same(s, "dut.build_id", s.outcome().dutBuildId(), first, first.outcome().dutBuildId());
                same(s, "mutant", s.info().mutant(), first, first.info().mutant());
                // Each shard's table claims and counts under its waivers: the merged one needs the same file.
                same(s, "waivers", s.waivers().all(), first, first.waivers().all());
                same(s, "actions_per_seed", s.info().actionsPerSeed(), first, first.info().actionsPerSeed());
                Provenance a = s.info().run();
                Provenance b = first.info().run();
                if ((a == null) != (b == null) || a != null && !a.sameRunAs(b)) {
                    throw new BadInputException(s.file() + ": 'run' (scenario, configuration, --dut-config, seeds, "
                            + "coverage goal) differs from " + first.file() + "'s: shards of different runs");
                }
                if (!Objects.equals(j.name, suite)) {
                    throw new BadInputException(junitFile + ": test suite '" + j.name + "' but the first shard's is '"
                            + suite + "'");
                }
            }
            for (SeedResult r : s.outcome().results()) {
                Path other = seen.putIfAbsent(r.seed(), summaryFile);
                if (other != null) {
                    throw new BadInputException(summaryFile + ": seed " + r.seed() + " is also in " + other
                            + " (overlapping shards)");
                }
                all.add(r);
            }
            dropped.addAll(s.unknownKeys());
            if (s.info().run() != null) {
                runs.add(s.info().run());
                String shard = s.info().run().shard();
                Path other = shard == null ? null : shards.putIfAbsent(shard, summaryFile);
                if (other != null) throw new BadInputException(summaryFile + ": shard " + shard + " is also " + other);
            }
            if (s.coverage() != null) {
                if (coverage == null) coverage = s.coverage();
                else coverage.merge(s.coverage());
            }
        }
        if (first == null) throw new BadInputException("no shard directories given");
        RunInfo info = first.info();
        if (!runs.isEmpty()) {
            requireEveryShard(runs, dirs);
            Provenance r = runs.get(0).merged(runs);
            info = new RunInfo(info.toolVersion(), info.dutSpec(), info.mutant(), info.actionsPerSeed(), r);
        }
        all.sort(Comparator.comparingLong(SeedResult::seed));
        Regression.Outcome merged = new Regression.Outcome(List.copyOf(all), first.outcome().dutBuildId());
        SummaryJson.write(out.resolve("summary.json"), info, merged, coverage, first.waivers(), first.rerun());
        JunitXml.write(out.resolve("junit.xml"), suite, merged, info.run() != null && info.run().interrupted());
        HtmlReport.write(out.resolve(HtmlReport.FILE), "lockstep run: " + info.dutSpec() + ", mutant "
                + info.mutant(), merged, coverage, dev.lockstep.triage.SignatureTable.of(merged.results(), first.waivers()));
        for (Path dir : dirs) copyLogs(dir.resolve("logs"), out.resolve("logs"));
        return new Merged(merged, dropped, first.waivers());
    }

    /** Shards i/n of one n, each once, none missing; or one unsharded run. */
    private static void requireEveryShard(List<Provenance> runs, List<Path> dirs) throws BadInputException {
        java.util.TreeSet<Integer> have = new java.util.TreeSet<>();
        int n = -1;
        for (Provenance p : runs) {
            if (p.shard() == null) {
                if (runs.size() > 1) {
                    throw new BadInputException("an unsharded run's directory is among the shards " + dirs
                            + ": merge combines the shards (--shard i/n) of one run");
                }
                return;
            }
            dev.lockstep.regression.Shard shard;
            try {
                shard = dev.lockstep.regression.Shard.parse(p.shard());
            } catch (BadInputException e) {
                throw new BadInputException("run.seeds.shard '" + p.shard() + "' is not i/n");
            }
            int total = shard.count();
            if (n >= 0 && total != n) {
                throw new BadInputException("shards of " + n + " and of " + total + " given (" + p.shard()
                        + "): shards of different runs");
            }
            n = total;
            have.add(shard.index());
        }
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= n; i++) if (!have.contains(i)) missing.add(i + "/" + n);
        if (!missing.isEmpty()) {
            throw new BadInputException("missing shard" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + ": none of " + dirs + " holds it");
        }
    }

    private static void same(SummaryReader.Summary s, String key, Object value, SummaryReader.Summary first,
                             Object firstValue) throws BadInputException {
        if (!Objects.equals(value, firstValue)) {
            throw new BadInputException(s.file() + ": " + key + " is '" + value + "' but " + first.file() + " has '"
                    + firstValue + "': shards of different runs");
        }
    }

    private static void copyLogs(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from) || from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) return;
        Files.createDirectories(to);
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(from, "*.{jsonl,jsonl.gz}")) {
            for (Path log : logs) Files.copy(log, to.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The name and test count of a shard's junit.xml (its single test suite). */
    private record JunitSuite(String name, int tests) {
        static JunitSuite read(Path file) throws BadInputException {
            try (InputStream in = Files.newInputStream(file)) {
                XMLStreamReader x = XMLInputFactory.newFactory().createXMLStreamReader(in);
                String name = null;
                int tests = 0;
                while (x.hasNext()) {
                    if (x.next() != XMLStreamConstants.START_ELEMENT) continue;
                    if (x.getLocalName().equals("testsuite") && name == null) name = x.getAttributeValue(null, "name");
                    if (x.getLocalName().equals("testcase")) tests++;
                }
                if (name == null) throw new BadInputException(file + ": no <testsuite> element");
                return new JunitSuite(name, tests);
            } catch (IOException | XMLStreamException e) {
                throw new BadInputException(file + ": not readable JUnit XML: " + e.getMessage());
            }
        }
    }
}
