package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FakeDut;
import dev.lockstep.TestConfigs;
import dev.lockstep.dut.DutException;
import org.junit.jupiter.api.Test;

class LockstepTest {

    private static final Lockstep.ReproduceCommand REPRO = s -> "bin/lockstep run --seed " + s + " --count 1";

    @Test
    void faithfulDutPassesEverySeed() {
        FakeDut dut = new FakeDut(TestConfigs.typical());
        Lockstep engine = new Lockstep(dut, TestConfigs.typical(), Scenario.REGISTERS, REPRO);
        for (long seed = 1; seed <= 20; seed++) {
            SeedResult r = engine.run(seed, 0, 300);
            assertTrue(r.passed(), () -> "seed failed: " + r);
            assertEquals(300, r.actions());
        }
    }

    @Test
    void wrongDdtpModeIsReportedFieldByFieldWithTheRuleAndReproduceCommand() {
        FakeDut dut = new FakeDut(TestConfigs.typical());
        dut.corruptOffset = 16;
        dut.corruptRead = v -> v | 0x5; // a reserved iommu_mode encoding sticks
        SeedResult r = new Lockstep(dut, TestConfigs.typical(), Scenario.REGISTERS, REPRO).run(7, 0, 300);
        Divergence d = r.divergence();
        assertNotNull(d, "the planted ddtp bug must be caught");
        assertEquals(7, d.seed());
        assertTrue(d.subject().startsWith("ddtp (offset 0x10"), d.subject());
        Divergence.FieldMismatch f = d.fields().get(0);
        assertEquals("iommu_mode", f.field());
        assertEquals("3:0", f.bits());
        assertEquals(5, f.observed() & 5);
        assertTrue(d.rule().contains("WARL"), d.rule());
        assertEquals("bin/lockstep run --seed 7 --count 1", d.reproduce());
        String text = d.render();
        assertTrue(text.contains("expected 0x") && text.contains("observed 0x"), text);
        assertTrue(text.contains("seed 7"), text);
    }

    @Test
    void wrongPpnWidthIsNamedPpn() {
        FakeDut dut = new FakeDut(TestConfigs.typical());
        dut.corruptOffset = 16;
        dut.corruptRead = v -> v & ~(1L << 40); // PPN bit 30 stuck at 0
        Divergence d = new Lockstep(dut, TestConfigs.typical(), Scenario.REGISTERS, REPRO).run(3, 0, 500).divergence();
        assertNotNull(d);
        assertEquals("PPN", d.fields().get(0).field());
        assertEquals("53:10", d.fields().get(0).bits());
    }

    @Test
    void busyBitIsMaskedBecauseItsDurationIsImplementationDefined() {
        FakeDut dut = new FakeDut(TestConfigs.typical());
        dut.corruptOffset = 16;
        dut.corruptRead = v -> v | (1L << 4);
        assertTrue(new Lockstep(dut, TestConfigs.typical(), Scenario.REGISTERS, REPRO).run(3, 0, 200).passed());
    }

    @Test
    void aDutThatNeverBecomesIdleIsAHang() {
        FakeDut dut = new FakeDut(TestConfigs.typical());
        dut.hangAfterWrites = 2;
        SeedResult r = new Lockstep(dut, TestConfigs.typical(), Scenario.REGISTERS, REPRO).run(5, 0, 200);
        assertNull(r.divergence());
        assertNotNull(r.failure());
        assertEquals(DutException.Kind.HANG, r.failure().kind());
        assertTrue(r.failure().message().contains("did not become idle"), r.failure().message());
        assertTrue(r.failure().reproduce().contains("--seed 5"));
    }

    @Test
    void rtlFatalBecomesAReportedFailureNamingTheAction() {
        FakeDut dut = new FakeDut(TestConfigs.typical());
        dut.fatalAfterWrites = 1;
        SeedResult r = new Lockstep(dut, TestConfigs.typical(), Scenario.REGISTERS, REPRO).run(5, 0, 200);
        assertEquals(DutException.Kind.FATAL, r.failure().kind());
        assertTrue(r.failure().message().contains("$fatal"));
        assertTrue(r.failure().action().startsWith("write"), r.failure().action());
    }

    @Test
    void anInterruptTheModelDoesNotRaiseIsADivergence() {
        FakeDut dut = new FakeDut(TestConfigs.typical());
        dut.spuriousIrqAfterWrites = 3;
        Divergence d = new Lockstep(dut, TestConfigs.typical(), Scenario.REGISTERS, REPRO).run(9, 0, 200).divergence();
        assertNotNull(d);
        assertTrue(d.subject().contains("observed line 0 -> 1"), d.subject());
    }
}
