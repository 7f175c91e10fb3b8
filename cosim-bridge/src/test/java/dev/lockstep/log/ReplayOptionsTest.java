package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
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
        assertEquals(Main.EXIT_USAGE, fst.exitCode);
        assertTrue(fst.err.contains("FST is not supported"), fst.err);

        Cli one = Cli.run("replay", log.toString(), "--mutant", "fq_ttyp_shifted");
        Cli more = Cli.run("replay", log.toString(), "--mutant", "fq_ttyp_shifted", "--max-divergences", "3");
        assertEquals(Main.EXIT_DIVERGENCE, more.exitCode, more.err);
        int first = one.out.split("DIVERGENCE at action", -1).length - 1;
        int several = more.out.split("DIVERGENCE at action", -1).length - 1;
        assertEquals(1, first, one.out);
        assertTrue(several > 1, more.out);
    }
}
