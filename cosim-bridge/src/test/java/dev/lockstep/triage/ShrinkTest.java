package dev.lockstep.triage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.log.LogCheck;
import dev.lockstep.log.LogReader;
import dev.lockstep.log.SeedLog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shrink}: a planted bug's failing seed down to a few actions that diverge alike, offline and on the DUT. */
class ShrinkTest {

    @Test
    void aFailingSeedShrinksToAFewActionsWithTheSameSignatureConfirmedOnTheDut(@TempDir Path dir) throws Exception {
        Cli run = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--mutant", "fq_ttyp_shifted",
                "--out", dir.resolve("run").toString());
        assertEquals(Main.EXIT_DIVERGENCE, run.exitCode, run.err + run.out);
        Path log = dir.resolve("run/logs/seed-1.jsonl");
        SeedLog whole = LogReader.read(log);
        Signature signature = Shrink.signatureOf(whole);

        Path small = dir.resolve("small.jsonl");
        Cli s = Cli.run("shrink", log.toString(), "--out", small.toString(), "--dut", "stub");
        assertEquals(Main.EXIT_DIVERGENCE, s.exitCode, s.err + s.out);
        assertTrue(s.out.contains("confirmed by replay") && s.out.contains("the DUT's answers"), s.out);
        SeedLog shrunk = LogReader.read(small);
        assertTrue(shrunk.actions().size() <= 30 && whole.actions().size() > 300,
                whole.actions().size() + " -> " + shrunk.actions().size());
        SeedResult r = LogCheck.check(shrunk, seed -> "check");
        assertEquals(signature.key(), r.divergence().signature().key());
        Cli check = Cli.run("check", small.toString());
        assertEquals(Main.EXIT_DIVERGENCE, check.exitCode, check.err);
        assertTrue(check.out.contains(signature.id()), check.out);

        // deterministic, and a compressed output reads back the same
        Path offline = dir.resolve("offline.jsonl");
        Path again = dir.resolve("again.jsonl");
        assertEquals(Main.EXIT_DIVERGENCE, Cli.run("shrink", log.toString(), "--out", offline.toString()).exitCode);
        assertEquals(Main.EXIT_DIVERGENCE, Cli.run("shrink", log.toString(), "--out", again.toString()).exitCode);
        assertArrayEquals(Files.readAllBytes(offline), Files.readAllBytes(again));
        assertEquals(signature.key(), Shrink.signatureOf(LogReader.read(offline)).key());
        assertTrue(LogReader.read(offline).actions().size() <= 30);
        Path gz = dir.resolve("small.jsonl.gz");
        assertEquals(Main.EXIT_DIVERGENCE, Cli.run("shrink", log.toString(), "--out", gz.toString(), "--dut", "stub").exitCode);
        assertArrayEquals(Files.readAllBytes(small), dev.lockstep.log.LogInput.open(gz).readAllBytes());
    }

    /** Stopped early (a signal), shrinking still gives a log that diverges alike: every candidate kept does. */
    @Test
    void aShrinkStoppedEarlyStillGivesAReproducer(@TempDir Path dir) throws Exception {
        Cli run = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--mutant", "fq_ttyp_shifted",
                "--out", dir.resolve("run").toString());
        assertEquals(Main.EXIT_DIVERGENCE, run.exitCode, run.err + run.out);
        SeedLog whole = LogReader.read(dir.resolve("run/logs/seed-1.jsonl"));
        int[] asked = {0};
        Shrink.Result early = Shrink.run(whole, 10_000, () -> ++asked[0] > 80);
        Shrink.Result full = Shrink.run(whole, 10_000);
        assertTrue(early.checks() < full.checks(), early.checks() + " checks, the whole shrink " + full.checks());
        assertTrue(early.log().actions().size() < whole.actions().size(), "it shrank some: " + early.log().actions().size());
        Path small = dir.resolve("early.jsonl");
        dev.lockstep.log.SeedLogWriter.write(early.log(), small);
        Cli c = Cli.run("check", small.toString());
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.err + c.out);
        assertTrue(c.out.contains(early.signature().id()), c.out);
    }

    @Test
    void aPassingLogOrAnOutputOverTheLogIsBadUsage(@TempDir Path dir) throws Exception {
        Cli run = Cli.run("run", "--dut", "stub", "--seed", "2", "--count", "1", "--actions", "200", "--dump", "all",
                "--out", dir.toString());
        assertEquals(Main.EXIT_PASS, run.exitCode, run.err);
        Path log = dir.resolve("logs/seed-2.jsonl");
        Cli passing = Cli.run("shrink", log.toString(), "--out", dir.resolve("small.jsonl").toString());
        assertEquals(Main.EXIT_USAGE, passing.exitCode);
        assertTrue(passing.err.contains("nothing to shrink"), passing.err);
        Cli over = Cli.run("shrink", log.toString(), "--out", log.toString());
        assertEquals(Main.EXIT_USAGE, over.exitCode);
        assertTrue(over.err.contains("--out"), over.err);
    }
}
