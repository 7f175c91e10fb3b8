package dev.lockstep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.log.LogHeader;
import dev.lockstep.regression.Regression;
import dev.lockstep.report.HtmlReport;
import dev.lockstep.report.JunitXml;
import dev.lockstep.report.RunInfo;
import dev.lockstep.report.SummaryJson;
import dev.lockstep.triage.SignatureTable;
import dev.lockstep.triage.Waivers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code check} judged so far, and its reports ({@code --out}: summary.json, junit.xml,
 * report.html). The check writes them when it ends; after a signal, the shutdown hook writes them itself
 * if the check is stuck (reading a pipe whose writer stalled), so they are never lost. Thread-safe.
 */
final class CheckReports {
    private final Path outDir;
    private final int logCount;
    private final Waivers waivers;
    private final List<SeedResult> results = new ArrayList<>();
    private final List<Path> notChecked = new ArrayList<>();
    private LogHeader first;
    private Path current;
    private boolean finalWritten;

    /** {@code outDir} null: nothing is written, results are only collected. */
    CheckReports(Path outDir, int logCount, Waivers waivers) {
        this.outDir = outDir;
        this.logCount = logCount;
        this.waivers = waivers;
    }

    /** The log being checked now (named as not checked if reports are written before it ends). */
    synchronized void checking(Path log, LogHeader header) {
        current = log;
        if (first == null) first = header;
    }

    synchronized void checked(SeedResult r) {
        results.add(r);
        current = null;
    }

    /** A log given but not checked (a signal came first) or cut by the signal. */
    synchronized void notChecked(Path log) {
        notChecked.add(log);
        if (log.equals(current)) current = null;
    }

    /** The log's check ended without a verdict of its own (bad input, a cut log). */
    synchronized void ended() { current = null; }

    synchronized List<SeedResult> results() { return List.copyOf(results); }

    synchronized int notCheckedCount() { return notChecked.size() + (current != null ? 1 : 0); }

    /** The signature table of the results so far. */
    synchronized SignatureTable table() { return SignatureTable.of(results, waivers); }

    /**
     * Writes the reports of what is judged now. {@code last}: the check's own write at its end; a write
     * by the signal's hook after it is skipped (it would hold less).
     */
    synchronized void write(boolean interrupted, boolean last) throws IOException {
        if (finalWritten) return;
        if (last) finalWritten = true;
        if (outDir == null) return;
        String build = results.isEmpty() || results.get(0).divergence() == null ? null
                : results.get(0).divergence().dutBuild();
        Regression.Outcome outcome = new Regression.Outcome(List.copyOf(results),
                build != null ? build : first != null ? first.dutBuildId() : null);
        HtmlReport.write(outDir.resolve(HtmlReport.FILE), "lockstep check: " + logCount + " log(s)", outcome, null,
                SignatureTable.of(results, waivers));
        RunInfo info = first == null ? new RunInfo(Main.VERSION, "none", "none", 0)
                : new RunInfo(Main.VERSION, first.dutSpec(), first.mutantName(), first.plannedActions());
        ObjectNode check = new ObjectMapper().createObjectNode();
        check.put("logs", logCount);
        check.put("interrupted", interrupted);
        if (interrupted) {
            notChecked.forEach(f -> check.withArray("not_checked").add(f.toString()));
            if (current != null) check.withArray("not_checked").add(current.toString());
        }
        SummaryJson.write(outDir.resolve("summary.json"), info, outcome, null, waivers, null, check);
        JunitXml.write(outDir.resolve("junit.xml"), "lockstep.check", outcome, interrupted);
    }
}
