package dev.lockstep.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FakeDut;
import dev.lockstep.TestConfigs;
import dev.lockstep.dut.DutException;
import dev.lockstep.engine.Lockstep;
import dev.lockstep.engine.Scenario;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.refmodel.regs.IommuConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A DUT that hangs or stops is logged as such, and checking the log gives the same failure. */
class DutFailureLogTest {

    private static final IommuConfig CONFIG = TestConfigs.typical();

    private static SeedResult record(FakeDut fake, Path dir) {
        LogContext context = new LogContext(dir, DumpMode.ALL, "lockstep test", "fake", CONFIG, "registers", 0,
                "none", 200);
        SeedLogRecorder recorder = new SeedLogRecorder(context);
        return new Lockstep(new RecordingDut(fake, recorder), CONFIG, Scenario.REGISTERS, s -> "repro")
                .observer(recorder).run(5, 0, 200);
    }

    private static void assertCheckGivesTheSameFailure(SeedResult recorded, Path log) throws Exception {
        SeedResult checked = LogCheck.check(LogReader.read(log), s -> "check");
        assertNotNull(checked.failure());
        assertEquals(recorded.failure().kind(), checked.failure().kind());
        assertEquals(recorded.failure().message(), checked.failure().message());
        assertEquals(recorded.failure().actionIndex(), checked.failure().actionIndex());
    }

    @Test
    void aHangIsLoggedAndCheckedAsAHang(@TempDir Path dir) throws Exception {
        FakeDut fake = new FakeDut(CONFIG);
        fake.hangAfterWrites = 2;
        SeedResult r = record(fake, dir);
        assertEquals(DutException.Kind.HANG, r.failure().kind());
        Path log = dir.resolve("seed-5.jsonl");
        String text = Files.readString(log);
        assertTrue(text.contains("\"type\":\"dut_error\",\"kind\":\"hang\""), text);
        assertTrue(text.endsWith("\"status\":\"dut_hang\",\"actions\":" + r.actions() + ",\"cycles\":" + r.cycles() + "}\n"),
                text);
        assertCheckGivesTheSameFailure(r, log);
    }

    @Test
    void anRtlFatalErrorIsLoggedWhereItHappened(@TempDir Path dir) throws Exception {
        FakeDut fake = new FakeDut(CONFIG);
        fake.fatalAfterWrites = 1;
        SeedResult r = record(fake, dir);
        assertEquals(DutException.Kind.FATAL, r.failure().kind());
        Path log = dir.resolve("seed-5.jsonl");
        assertTrue(Files.readString(log).contains("\"kind\":\"fatal\",\"message\":\"RTL $fatal: fake.sv:12: planted\""));
        assertCheckGivesTheSameFailure(r, log);
    }
}
