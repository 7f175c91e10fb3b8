package dev.lockstep.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.TestPaths;
import dev.lockstep.cli.Cli;
import dev.lockstep.cli.Main;
import dev.lockstep.log.LogReader;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Mutants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several planted bugs enabled together: {@code --mutant a,b,c}, packed one id per byte. */
class MutantSelectionTest {

    private static final Path TSV = TestPaths.home().resolve("rtl-stubs/mutants.tsv");

    @Test
    void aListPacksOneIdPerByteLowestFirst() throws Exception {
        Mutants.Mutant m = Mutants.resolve("fq_ttyp_shifted,1,sum_ignored", TSV);
        assertEquals(15 | 1 << 8 | 6 << 16, m.id());
        assertEquals("fq_ttyp_shifted,ddtp_mode_warl,sum_ignored", m.name());
        assertEquals(List.of(15, 1, 6), m.ids());
        assertEquals(15, Mutants.resolve("fq_ttyp_shifted", TSV).id(), "one bug is its own id, as before");
        assertEquals(List.of(), Mutants.resolve("none", TSV).ids());
    }

    @Test
    void badListsAreBadUsage() {
        assertThrows(BadInputException.class, () -> Mutants.resolve("1,2,3,4,5", TSV));
        assertThrows(BadInputException.class, () -> Mutants.resolve("1,1", TSV));
        assertThrows(BadInputException.class, () -> Mutants.resolve("1,no_such_bug", TSV));
        Cli c = Cli.run("run", "--dut", "stub", "--count", "1", "--mutant", "1,2,3,4,5");
        assertEquals(Main.EXIT_USAGE, c.exitCode);
        assertTrue(c.err.contains("--mutant"), c.err);
    }

    /** Each planted bug of the list is live in the RTL, and the log's header records all of them. */
    @Test
    void everyListedBugIsEnabledAndLogged(@TempDir Path out) throws Exception {
        TestPaths.stubLibrary();
        // seed 1 (system) catches ddtp_mode_warl alone; seed 5 catches fq_ttyp_shifted alone.
        Cli both = Cli.run("run", "--dut", "stub", "--seed", "1", "--count", "1", "--actions", "600",
                "--mutant", "fq_ttyp_shifted,ddtp_mode_warl", "--out", out.toString());
        assertEquals(Main.EXIT_DIVERGENCE, both.exitCode, both.err);
        assertTrue(both.out.contains("ddtp (offset 0x10"), both.out);
        assertTrue(both.out.contains("--mutant fq_ttyp_shifted,ddtp_mode_warl"), both.out);
        Path log = out.resolve("logs/seed-1.jsonl");
        JsonNode header = new ObjectMapper().readTree(Files.readAllLines(log).get(0));
        assertEquals(15 | 1 << 8, header.path("mutant").path("id").asInt());
        assertEquals("[15,1]", header.path("mutant").path("ids").toString());
        assertEquals(15 | 1 << 8, LogReader.read(log).header().mutantId());
        assertEquals(Main.EXIT_DIVERGENCE, Cli.run("check", log.toString()).exitCode);
    }
}
