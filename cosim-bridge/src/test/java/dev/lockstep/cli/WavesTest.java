package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --waves}: VCD or FST by the file's extension, cycle N of the reports at N ns, and the lockstep
 * scope's action index and divergence marker at the action and cycle a divergence is reported at.
 */
public class WavesTest {

    private static final Pattern DIVERGENCE = Pattern.compile("DIVERGENCE at action #(\\d+), cycle (\\d+)");

    @Test
    void aVcdShowsTheActionAndTheDivergenceAtTheReportedCycle(@TempDir Path dir) throws Exception {
        Path vcd = dir.resolve("w.vcd");
        Cli c = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--actions", "400", "--mutant",
                "fq_ttyp_shifted", "--waves", vcd.toString(), "--waves-window", "1000000");
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.out + c.err);
        Matcher m = DIVERGENCE.matcher(c.out);
        assertTrue(m.find(), c.out);
        int action = Integer.parseInt(m.group(1));
        long cycle = Long.parseLong(m.group(2));
        assertTrue(c.out.contains("waveform of seed 1 from cycle 0 to the divergence at cycle " + cycle), c.out);

        Vcd w = Vcd.read(vcd);
        assertEquals("100ps", w.timescale());
        // The marker rises once, at the reported cycle (N ns = 10 N in 100 ps), during the reported action.
        assertEquals(java.util.List.of(new Vcd.Change(cycle * 10, 1)), w.changes("lockstep.divergence").stream()
                .filter(ch -> ch.value() != 0).toList(), "divergence marker");
        assertEquals(0, w.valueAt("lockstep.divergence", cycle * 10 - 5));
        assertEquals(1, w.valueAt("lockstep.divergences", cycle * 10));
        assertEquals(action, w.valueAt("lockstep.action_index", cycle * 10));
        // The whole seed, from action 0 to the diverging one, in order (an action that takes no clock cycle,
        // such as a store into the memory image, has no time of its own in the waveform).
        java.util.List<Long> actions = w.changes("lockstep.action_index").stream().map(Vcd.Change::value).distinct().toList();
        assertEquals(0L, actions.get(0));
        assertEquals((long) action, actions.get(actions.size() - 1));
        assertEquals(actions.stream().sorted().toList(), actions);
        assertTrue(actions.size() > 20, "action indices seen: " + actions);
        // The clock: low from N ns, rising at N.5 ns, in seed cycles from 0.
        assertEquals(0, w.valueAt("dut.clk", 0));
        assertEquals(1, w.valueAt("dut.clk", 5));
    }

    @Test
    void aPassingSeedIsTracedWholeAsFst(@TempDir Path dir) throws Exception {
        Path fst = dir.resolve("w.fst");
        Cli c = Cli.run("run", "--dut", "stub", "--seed", "3", "--count", "1", "--actions", "200", "--waves", fst.toString());
        assertEquals(Main.EXIT_PASS, c.exitCode, c.out + c.err);
        assertTrue(c.out.contains("waveform of seed 3 (passed), whole: " + fst), c.out);
        assertFst(fst);
    }

    /** FST's header block: type FST_BL_HDR (0), its length 329 (big-endian), start time 0, an end time. */
    public static void assertFst(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        assertTrue(b.length > 1000, "FST of " + b.length + " bytes");
        assertEquals(0, b[0], "FST header block type");
        ByteBuffer h = ByteBuffer.wrap(b, 1, 24);
        assertEquals(329, h.getLong(), "FST header block length");
        assertEquals(0, h.getLong(), "FST start time");
        assertTrue(h.getLong() > 100, "FST end time");
    }

    @Test
    void aNameOfAnotherExtensionIsBadUsage(@TempDir Path dir) {
        for (String cmd : new String[] {"run", "replay"}) {
            Cli c = cmd.equals("run") ? Cli.run("run", "--dut", "stub", "--count", "1", "--waves", dir.resolve("w.wave").toString())
                    : Cli.run("replay", dir.resolve("none.jsonl").toString(), "--waves", dir.resolve("w.wave").toString());
            assertEquals(Main.EXIT_USAGE, c.exitCode, c.out + c.err);
            assertTrue(c.err.contains("--waves " + dir.resolve("w.wave") + ": the name must end in .vcd or .fst"), c.err);
        }
    }

    @Test
    void aLibraryThatWritesVcdOnlyRefusesFstBeforeAnySeedRuns(@TempDir Path dir) {
        Path fst = dir.resolve("w.fst");
        Cli c = Cli.run("run", "--dut", TestPaths.stubLibrary().toString(), "--config", TestPaths.stubConfig().toString(),
                "--count", "1", "--waves", fst.toString());
        assertEquals(Main.EXIT_DUT, c.exitCode, c.out + c.err);
        assertTrue(c.err.contains("--waves " + fst + " (FST): this DUT library writes VCD waveforms only"), c.err);
        assertTrue(!c.out.contains("passed"), "no seed ran: " + c.out);
        assertTrue(!Files.exists(fst), "nothing left at " + fst);
    }
}
