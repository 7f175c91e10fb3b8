package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import dev.lockstep.cli.Vcd;
import dev.lockstep.cli.WavesTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay --waves} traces a replay from its first action; {@code --max-divergences} reports more than one. */
class ReplayOptionsTest {

    @Test
    void replayTracesAndReportsSeveralDivergences(@TempDir Path dir) throws Exception {
        Cli run = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--actions", "800", "--dump", "all",
                "--out", dir.resolve("run").toString());
        assertEquals(Main.EXIT_PASS, run.exitCode, run.err);
        Path log = dir.resolve("run/logs/seed-1.jsonl");
        Path vcd = dir.resolve("replay.vcd");
        Cli traced = Cli.run("replay", log.toString(), "--waves", vcd.toString());
        assertEquals(Main.EXIT_PASS, traced.exitCode, traced.err);
        assertTrue(Files.size(vcd) > 1000 && Files.readString(vcd).startsWith("$"), traced.out);
        assertTrue(traced.out.contains("waveform of the replay from its first action"), traced.out);

        Cli fst = Cli.run("replay", log.toString(), "--waves", dir.resolve("w.fst").toString());
        assertEquals(Main.EXIT_PASS, fst.exitCode, fst.out + fst.err);
        assertTrue(fst.out.contains("waveform of the replay from its first action: " + dir.resolve("w.fst")), fst.out);
        WavesTest.assertFst(dir.resolve("w.fst"));

        Cli one = Cli.run("replay", log.toString(), "--mutant", "fq_ttyp_shifted");
        Cli more = Cli.run("replay", log.toString(), "--mutant", "fq_ttyp_shifted", "--max-divergences", "3");
        assertEquals(Main.EXIT_DIVERGENCE, more.exitCode, more.err);
        int first = one.out.split("DIVERGENCE at action", -1).length - 1;
        int several = more.out.split("DIVERGENCE at action", -1).length - 1;
        assertEquals(1, first, one.out);
        assertTrue(several > 1, more.out);

        // Traced, the replay's divergences show in the lockstep scope at the cycles reported.
        Path marked = dir.resolve("marked.vcd");
        Cli w = Cli.run("replay", log.toString(), "--mutant", "fq_ttyp_shifted", "--max-divergences", "3",
                "--waves", marked.toString());
        assertEquals(Main.EXIT_DIVERGENCE, w.exitCode, w.err);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("DIVERGENCE at action #(\\d+), cycle (\\d+)").matcher(w.out);
        Vcd wave = Vcd.read(marked);
        int n = 0;
        while (m.find()) {
            n++;
            long cycle = Long.parseLong(m.group(2));
            // (several divergences may be reported at one cycle)
            assertTrue(wave.valueAt("lockstep.divergences", cycle * 10) >= n, "divergences at cycle " + cycle);
            assertTrue(wave.valueAt("lockstep.divergences", cycle * 10 - 5) < n, "divergences before cycle " + cycle);
            assertEquals(Long.parseLong(m.group(1)), wave.valueAt("lockstep.action_index", cycle * 10));
        }
        assertTrue(n > 1, w.out);
    }
}
