package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code lockstep bench} with tiny sizes: the figures of each overlap depth and the comparison of overlap
 * with serialized are printed, in a fixed form, with positive numbers. Not timed: only the form is asserted.
 */
class BenchCommandTest {

    private static final String NUMBER = "([0-9][0-9,]*(?:\\.[0-9]+)?)";
    private static final Pattern HEADER = Pattern.compile("^(serialized|overlap) \\(--overlap (\\d+)\\): " + NUMBER
            + " translations, " + NUMBER + " DUT cycles, " + NUMBER + " translations/cycle$");
    private static final Pattern MODE = Pattern.compile("^  (DUT alone|DUT \\+ model check): +" + NUMBER + " s +" + NUMBER
            + " translations/s +" + NUMBER + " cycles/s +" + NUMBER + " B allocated/action$");
    private static final Pattern INSIDE = Pattern.compile("^  time inside the DUT: " + NUMBER + " s alone, " + NUMBER
            + " s with checking .*$");
    private static final Pattern OVERHEAD = Pattern.compile("^  checking overhead: wall-time ratio " + NUMBER
            + ", CPU-time ratio " + NUMBER + " \\(target <= 1.10 for >= 100,000 translations\\)$");
    private static final Pattern COMPARISON = Pattern.compile("^overlap (\\d+) vs serialized: translations/s x" + NUMBER
            + " \\(DUT alone\\), x" + NUMBER + " \\(DUT \\+ model check\\); translations/cycle x" + NUMBER + "$");

    private static Cli bench(String... more) {
        List<String> args = new ArrayList<>(List.of("bench", "--seeds", "1", "--actions", "400", "--rounds", "1"));
        args.addAll(List.of(more));
        Cli c = Cli.run(args.toArray(String[]::new));
        assertEquals(Main.EXIT_PASS, c.exitCode, c.err + c.out);
        return c;
    }

    /** Matches {@code line} against {@code p} and checks that every number in it is positive. */
    private static Matcher positive(Pattern p, String line) {
        Matcher m = parsed(p, line);
        for (int g = 1; g <= m.groupCount(); g++) {
            String v = m.group(g);
            if (!v.matches("[0-9,.]+")) continue; // the words of the header and the mode
            assertTrue(Double.parseDouble(v.replace(",", "")) > 0, "group " + g + " of '" + line + "' is not positive");
        }
        return m;
    }

    /** Matches {@code line} against {@code p}: its numbers are unsigned decimals, grouped with commas. */
    private static Matcher parsed(Pattern p, String line) {
        Matcher m = p.matcher(line);
        assertTrue(m.matches(), "'" + line + "' does not match " + p);
        return m;
    }

    /** The five lines of one depth from {@code at}: its header, both modes, the time inside the DUT, the overhead. */
    private static void assertDepth(List<String> lines, int at, String kind, int depth) {
        Matcher h = positive(HEADER, lines.get(at));
        assertEquals(kind, h.group(1), lines.get(at));
        assertEquals(depth, Integer.parseInt(h.group(2)), lines.get(at));
        assertEquals("DUT alone", positive(MODE, lines.get(at + 1)).group(1));
        assertEquals("DUT + model check", positive(MODE, lines.get(at + 2)).group(1));
        parsed(INSIDE, lines.get(at + 3)); // a few milliseconds at these sizes: may print as 0.000
        positive(OVERHEAD, lines.get(at + 4));
    }

    @Test
    void byDefaultItMeasuresSerializedAndTheDutsOverlapDepthAndComparesThem() {
        List<String> lines = bench().out.lines().toList();
        assertEquals(12, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("stimulus: 1 seeds x 400 actions"), lines.get(0));
        assertDepth(lines, 1, "serialized", 1);
        assertDepth(lines, 6, "overlap", dev.lockstep.engine.Lockstep.DEFAULT_OVERLAP);
        assertEquals(String.valueOf(dev.lockstep.engine.Lockstep.DEFAULT_OVERLAP), positive(COMPARISON, lines.get(11)).group(1));
        // The same number of actions at both depths, but a window carries several requests: more translations.
        Matcher serial = HEADER.matcher(lines.get(1));
        Matcher ovl = HEADER.matcher(lines.get(6));
        assertTrue(serial.matches() && ovl.matches());
        assertTrue(Long.parseLong(ovl.group(3).replace(",", "")) > Long.parseLong(serial.group(3).replace(",", "")),
                lines.get(1) + "\n" + lines.get(6));
    }

    @Test
    void anExplicitDepthIsMeasuredNextToSerializedAndOneIsSerializedOnly() {
        List<String> two = bench("--overlap", "2").out.lines().toList();
        assertEquals(12, two.size(), String.join("\n", two));
        assertDepth(two, 1, "serialized", 1);
        assertDepth(two, 6, "overlap", 2);
        assertEquals("2", positive(COMPARISON, two.get(11)).group(1));

        List<String> one = bench("--overlap", "1").out.lines().toList();
        assertEquals(6, one.size(), String.join("\n", one));
        assertDepth(one, 1, "serialized", 1);
        assertFalse(String.join("\n", one).contains("vs serialized"), String.join("\n", one));
    }

    @Test
    void aBadOverlapIsBadUsageWithRunsMessage() {
        for (String bad : new String[] {"x", "0", "65", "-3"}) {
            Cli b = Cli.run("bench", "--seeds", "1", "--actions", "10", "--rounds", "1", "--overlap", bad);
            assertEquals(Main.EXIT_USAGE, b.exitCode, b.err + b.out);
            assertTrue(b.err.startsWith("lockstep bench: --overlap: expected"), b.err);
            assertTrue(b.err.contains(bad), b.err);
            assertEquals("", b.out);
            // one parser: the same words as run's --overlap
            Cli r = Cli.run("run", "--count", "1", "--actions", "10", "--overlap", bad);
            assertEquals(Main.EXIT_USAGE, r.exitCode, r.err);
            assertEquals(r.err.replace("lockstep run: ", ""), b.err.replace("lockstep bench: ", ""));
        }
    }

    @Test
    void aDutLibraryGivenByPathIsBenchedWithItsConfiguration() throws Exception {
        String library = dev.lockstep.TestPaths.stubLibrary().toString();
        List<String> lines = bench("--dut", library, "--config", dev.lockstep.TestPaths.stubConfig().toString(),
                "--overlap", "2").out.lines().toList();
        assertEquals(13, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("DUT: lockstep_iommu"), lines.get(1));
        assertDepth(lines, 2, "serialized", 1);
        assertDepth(lines, 7, "overlap", 2);
        Cli noConfig = Cli.run("bench", "--dut", library, "--seeds", "1", "--actions", "10");
        assertEquals(Main.EXIT_USAGE, noConfig.exitCode, noConfig.out);
        assertTrue(noConfig.err.contains("--config"), noConfig.err);
        Cli isolated = Cli.run("bench", "--isolate", "--seeds", "1", "--actions", "10");
        assertEquals(Main.EXIT_USAGE, isolated.exitCode, isolated.out);
        assertTrue(isolated.err.contains("--isolate"), isolated.err);
    }
}
