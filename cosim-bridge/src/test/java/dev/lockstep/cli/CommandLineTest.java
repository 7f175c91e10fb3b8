package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.dut.DutException;
import dev.lockstep.dut.NativeDut;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line a demanding user meets: conventions, numbers, configuration files, messages. */
class CommandLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void assertUsage(Cli c, String expected) {
        assertEquals(Main.EXIT_USAGE, c.exitCode, c.err + c.out);
        assertTrue(c.err.contains(expected), c.err);
        assertPlain(c.err);
    }

    /** One style: "lockstep CMD: ..." naming the place, no Java type or stack frame. */
    private static void assertPlain(String err) {
        for (String javaism : List.of("Exception", "java.", "\tat ", "Error:")) {
            assertFalse(err.contains(javaism), "'" + javaism + "' in: " + err);
        }
        assertFalse(java.util.regex.Pattern.compile("\\b(an int|a long|a double)\\b").matcher(err).find(), err);
    }

    @Test
    void withoutACommandItIsAUsageError() {
        Cli c = Cli.run();
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains("a command is needed") && c.err.contains("Commands:"), c.err);
    }

    @Test
    void shortOptionsQuietAndVerbose(@TempDir Path dir) throws Exception {
        Cli q = Cli.run("run", "-s", "3", "-n", "2", "-j", "2", "-o", dir.toString(), "-q", "--actions", "100");
        assertEquals(Main.EXIT_PASS, q.exitCode, q.err);
        assertFalse(q.out.contains("seed 3:") || q.out.contains("coverage:"), q.out);
        assertTrue(q.out.endsWith("2 passed, 0 failed\n"), q.out);
        JsonNode seeds = JSON.readTree(dir.resolve("summary.json").toFile()).get("seeds");
        assertEquals(3, seeds.get(0).get("seed").asLong());
        assertEquals(4, seeds.get(1).get("seed").asLong());
        Cli v = Cli.run("run", "-s", "3", "-n", "1", "-v", "--actions", "100");
        assertTrue(v.out.contains("seed 3: passed"), v.out);
        assertUsage(Cli.run("run", "-q", "-v", "-n", "1"), "-q/--quiet and -v/--verbose");
    }

    @Test
    void numbersOutOfRangeAreBadUsageAndTheSeedListCostsNoMemory() {
        assertUsage(Cli.run("run", "--seed", "9223372036854775807", "--count", "2"), "past 9223372036854775807");
        assertUsage(Cli.run("run", "--count", "abc"), "'abc' is not a whole number");
        assertUsage(Cli.run("run", "--count", "99999999999"), "is not a whole number");
        assertUsage(Cli.run("run", "--seed", "x"), "--seed");
        assertUsage(Cli.run("run", "--isolate", "--call-timeout", "0"), "--call-timeout must be at least 1");
        // 2^31-1 seeds, one in a billion of them run: positions 0, 10^9 and 2*10^9
        Cli huge = Cli.run("run", "--count", "2147483647", "--shard", "1/1000000000", "--actions", "20", "-v");
        assertEquals(Main.EXIT_PASS, huge.exitCode, huge.err);
        assertTrue(huge.out.contains("seed 1000000001: passed") && huge.out.contains("3 passed, 0 failed"), huge.out);
    }

    @Test
    void everyErrorNamesItsCommandInOneStyle() {
        for (String[] args : new String[][] {{"run", "--seed", "abc"}, {"check"}, {"merge", "x"}, {"bench", "--bogus"},
                {"run", "--count", "0"}}) {
            Cli c = Cli.run(args);
            assertEquals(Main.EXIT_USAGE, c.exitCode, c.err);
            assertTrue(c.err.startsWith("lockstep " + args[0] + ": "), String.join(" ", args) + ": " + c.err);
        }
    }

    @Test
    void aCoverageGoalNotReachedIsNotAPass() {
        Cli c = Cli.run("run", "--count", "1", "--actions", "50", "--coverage-goal", "100");
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.err);
        assertTrue(c.out.contains("NOT reached") && c.err.contains("coverage goal of 100.0% was not reached"), c.err);
    }

    @Test
    void dutConfigKeysTheHarnessDoesNotKnowAreRefusedEchoingTheValue() throws Exception {
        assertUsage(Cli.run("run", "-n", "1", "--dut-config", "mem_latncy=4"),
                "--dut-config 'mem_latncy=4': key 'mem_latncy' is not known to the built-in harness (did you mean "
                        + "'mem_latency'?)");
        assertUsage(Cli.run("run", "-n", "1", "--dut-config", "mem_latency=fast"), "mem_latency='fast': expected");
        assertUsage(Cli.run("run", "-n", "1", "--dut-config", "mem_latency"), "'mem_latency' is not key=value");
        // the harness itself refuses them too, for any library built from it
        try {
            NativeDut.open(TestPaths.stubLibrary(), "mem_latency=4;waves=x.vcd").close();
            throw new AssertionError("the harness accepted an unknown key");
        } catch (DutException e) {
            assertTrue(e.getMessage().contains("config key 'waves' is not known to the built-in harness"), e.getMessage());
        }
        try {
            NativeDut.open(TestPaths.stubLibrary(), "mem_latency=2x").close();
            throw new AssertionError("the harness accepted a bad value");
        } catch (DutException e) {
            assertTrue(e.getMessage().contains("config mem_latency='2x'"), e.getMessage());
        }
    }

    @Test
    void configFileErrorsNameTheFileAndTheKey(@TempDir Path dir) throws Exception {
        String good = Files.readString(TestPaths.stubConfig());
        String[][] cases = {
            {good.replace("\"capabilities\"", "\"capabilites\""), "key 'capabilites': unknown key (did you mean 'capabilities'?)"},
            {good.replaceFirst("\"capabilities\": \"[^\"]*\"", "\"capabilities\": true"), "key 'capabilities': expected"},
            {good.replaceFirst("\"ddtp_modes\": \\[[^]]*\\]", "\"ddtp_modes\": \"Off\""), "key 'ddtp_modes': expected an array"},
            {good.replaceFirst("\"ddtp_modes\": \\[[^]]*\\]", "\"ddtp_modes\": 3"), "key 'ddtp_modes': expected an array"},
            {good.replace("\"reset_mode\": \"Off\"", "\"reset_mode\": 1"), "key 'reset_mode': expected an iommu_mode"},
            {good.replace("\"fctl_writable\": 0", "\"fctl_writable\": 8"), "key 'fctl_writable': expected an unsigned 3-bit"},
            {good.replace("\"fctl_writable\": 0", "\"fctl_writable\": 1"), "key 'fctl_writable': BE is writable only when capabilities.END is 1"},
            {good.replace("\"cq_log2sz_max\": 31", "\"cq_log2sz_max\": 31.5"), "key 'cq_log2sz_max'"},
            {good.replace("\"fctl_reset\": 2", "\"fctl_reset\": 2, \"fctl_reset\": 0"), "key 'fctl_reset' appears twice"},
            {"{\"capabilities\": ", "not valid JSON"},
            {"", "expected a JSON object of configuration keys"},
            {"[1, 2]", "expected a JSON object of configuration keys"},
        };
        for (String[] c : cases) {
            Path file = dir.resolve("config.json");
            Files.writeString(file, c[0], StandardCharsets.UTF_8);
            Cli r = Cli.run("run", "-n", "1", "--config", file.toString());
            assertUsage(r, file.toString());
            assertTrue(r.err.contains(c[1]), c[1] + " in: " + r.err);
            assertFalse(r.err.contains("fctlWritableMask") || r.err.contains("supportedModes"), r.err);
        }
    }

    @Test
    void everyJsonFileAUserGivesIsReadWithItsLineAndNoParserInternals(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n  \"waivers\": [\n", StandardCharsets.UTF_8);
        Path badDir = Files.createDirectories(dir.resolve("prev"));
        Files.writeString(badDir.resolve("summary.json"), "{\"a\": 1, \"a\": 2}", StandardCharsets.UTF_8);
        Cli[] runs = {
            Cli.run("run", "-n", "1", "--waivers", bad.toString()),
            Cli.run("run", "--rerun-failed", badDir.toString()),
            Cli.run("run", "-n", "1", "--config", bad.toString()),
        };
        for (Cli r : runs) {
            assertUsage(r, "");
            assertFalse(r.err.contains("Source") || r.err.contains("REDACTED") || r.err.contains("Jackson"), r.err);
            assertTrue(r.err.contains(".json:3: not valid JSON") || r.err.contains("key 'a' appears twice"), r.err);
        }
    }

    /** The reproduce line of a divergence runs from any directory and finds the same divergence. */
    @Test
    void aReproduceLineWorksFromAnyDirectory(@TempDir Path dir) throws Exception {
        Cli c = Cli.run("run", "-n", "1", "--mutant", "fq_ttyp_shifted", "--seed", "5", "-o", dir.resolve("o").toString());
        assertEquals(Main.EXIT_DIVERGENCE, c.exitCode, c.err);
        String line = JSON.readTree(dir.resolve("o/summary.json").toFile()).get("seeds").get(0).get("divergence")
                .get("reproduce").asText();
        String launcher = TestPaths.home().resolve("bin/lockstep").normalize().toString();
        assertTrue(line.startsWith(launcher + " "), line);
        // What bin/lockstep runs (the jar is built after the tests), from another directory.
        String java = Path.of(System.getProperty("java.home"), "bin", "java") + " -cp '"
                + System.getProperty("java.class.path") + "' -Dlockstep.home=" + TestPaths.home() + " dev.lockstep.cli.Main";
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Process p = new ProcessBuilder("bash", "-c", java + line.substring(launcher.length()))
                .directory(elsewhere.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(Main.EXIT_DIVERGENCE, p.exitValue(), out);
        assertTrue(out.contains("DIVERGENCE at action #") && out.contains("0 passed, 1 failed"), out);
    }

    /** Out of memory is never exit code 1 (a divergence); the message says how to give the JVM more. */
    @Test
    void outOfMemoryIsNotADivergence() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xmx4m", "-cp", System.getProperty("java.class.path"),
                "-Dlockstep.home=" + TestPaths.home(), "dev.lockstep.cli.Main", "run", "-n", "4", "-j", "2")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(Main.EXIT_USAGE, p.exitValue(), out);
        assertTrue(out.contains("out of memory") && out.contains("LOCKSTEP_JAVA_OPTS"), out);
    }
}
