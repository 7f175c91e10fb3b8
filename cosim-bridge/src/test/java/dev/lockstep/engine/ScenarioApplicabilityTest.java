package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import dev.lockstep.coverage.Coverage;
import dev.lockstep.dut.DutInterface;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.stimulus.Action;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which scenarios and goal bins a DUT's capabilities and interface allow: --scenario all runs what can run. */
class ScenarioApplicabilityTest {

    static final long ATS = 1L << 25, T2GPA = 1L << 26;

    static IommuConfig stub() throws Exception { return DutConfigFile.read(TestPaths.stubConfig()); }

    static IommuConfig withCaps(IommuConfig c, long caps) {
        return new IommuConfig(new Capabilities(caps), c.fctlWritableMask(), c.fctlReset(), c.resetMode(),
                c.supportedModes(), c.cqLog2SzMax(), c.fqLog2SzMax(), c.pqLog2SzMax(), c.hpmCounters(),
                c.hpmCounterWidth(), c.icvecWritableMask());
    }

    @Test
    void withoutAtsTheAtsScenarioIsSkippedAndAllRunsTheOthers() throws Exception {
        IommuConfig noAts = withCaps(stub(), stub().capabilities().value() & ~(ATS | T2GPA));
        assertEquals("needs capabilities.ATS", Scenario.ATS.unsupported(noAts, DutInterface.FULL));
        for (long seed = 1; seed <= 200; seed++) {
            assertNotEquals(Scenario.ATS, Scenario.ALL.forSeed(seed, noAts, DutInterface.FULL), "seed " + seed);
        }
        assertEquals(Scenario.ATS.unsupported(stub(), DutInterface.FULL), null);
        // Capabilities with ATS, but a bus without the ATS side channel: skipped too, saying why.
        DutInterface noAtsPort = new DutInterface(false, false, false, false, false, true, true, true, true);
        assertTrue(Scenario.ATS.unsupported(stub(), noAtsPort).contains("cannot carry"));
        assertNull(Scenario.SYSTEM.unsupported(noAts, noAtsPort));
    }

    /**
     * Behind the AXI harness a register write takes programming-port cycles while requests are in flight: the races
     * of fqh, fqcsr, pqb and pqcsr writes against requests are refused with overlap (serialized they do not run
     * anyway), the others run, and 'all' leaves those two out of its turn.
     */
    @Test
    void racesOfRegisterWritesNeedWritesTakingEffectAtOneCycle() throws Exception {
        DutInterface axi = DutInterface.of("lockstep_iommu_axi rtl:0 harness:0 Verilator 5.006 axi:translated=1,ats=1,"
                + "page_requests=1,messages=1,cause=1,cqh=1,fqt=1,pqt=1");
        assertTrue(axi.busRegisters() && !DutInterface.FULL.busRegisters());
        for (Scenario s : List.of(Scenario.byName("fq-overflow-race"), Scenario.byName("prq-race"))) {
            String why = s.unsupported(stub(), axi, 4);
            assertTrue(why != null && why.contains("programming-port transaction"), s.cliName + ": " + why);
            assertNull(s.unsupported(stub(), DutInterface.FULL, 4), s.cliName);
        }
        assertNull(Scenario.byName("unmap-race").unsupported(stub(), axi, 4));
        assertNull(Scenario.byName("detach-race").unsupported(stub(), axi, 4));
        for (long seed = 3; seed <= 300; seed += 3) {
            String name = Scenario.ALL.forSeed(seed, stub(), axi, 4).cliName;
            assertTrue(!name.equals("fq-overflow-race") && !name.equals("prq-race"), "seed " + seed + ": " + name);
        }
    }

    @Test
    void withoutDirectoryModesOnlyProbeAndQueueSetupRun() throws Exception {
        IommuConfig c = stub().withSupportedModes(EnumSet.of(IommuMode.OFF, IommuMode.BARE));
        for (Scenario s : Scenario.directedScenarios()) {
            boolean runs = s == Scenario.PROBE || s == Scenario.QUEUE_SETUP;
            assertEquals(runs, s.unsupported(c, DutInterface.FULL) == null, s.cliName);
        }
        for (long seed = 3; seed <= 300; seed += 3) {
            Scenario s = Scenario.ALL.forSeed(seed, c, DutInterface.FULL);
            assertTrue(s == Scenario.PROBE || s == Scenario.QUEUE_SETUP, "seed " + seed + ": " + s.cliName);
        }
    }

    @Test
    void withoutPagingModesSystemSeedsRunRegisters() throws Exception {
        long noPaging = stub().capabilities().value() & ~(0xfL << 8) & ~(0xfL << 16) & ~(ATS | T2GPA);
        IommuConfig c = withCaps(stub(), noPaging);
        assertTrue(Scenario.SYSTEM.unsupported(c, DutInterface.FULL).startsWith("needs Sv39/Sv48"));
        assertEquals(Scenario.REGISTERS, Scenario.ALL.forSeed(1, c, DutInterface.FULL));
    }

    @Test
    void theInterfaceDecidesWhichRequestsAreSentAndWhichGoalBinsExist() throws Exception {
        DutInterface lean = DutInterface.of("x rtl:1 harness:2 Verilator 5.006 axi:translated=0,ats=1,ats_cxl=0,page_requests=0,"
                + "messages=1,cause=0,pbmt=1,poison=0,idle=0,mutants=0");
        assertFalse(lean.expresses(new Action.Translate(1, 1, false, 0, false, 6, 0x1000)), "translated read");
        assertTrue(lean.expresses(new Action.Translate(1, 1, false, 0, false, 8, 0x1000)), "ATS translation request");
        assertTrue(lean.expresses(new Action.Translate(1, 1, false, 0, false, 2, 0x1000)), "untranslated read");
        assertFalse(lean.expresses(new Action.PageRequest(1, false, 0, false, false, 0x1005)));
        assertFalse(lean.expresses(new Action.Translate(1, 1, false, 0, false, 8, 0x1000, false, false, true)),
                "an ATS translation request from a CXL device needs ats_cxl");
        assertEquals(1, lean.memoryErrorKind(2), "corruption without poison is an access fault");
        assertEquals(DutInterface.FULL, DutInterface.of("lockstep_iommu rtl:abc harness:def Verilator 5.006"));
        Coverage full = new Coverage(stub());
        Coverage leanCov = new Coverage(stub(), lean);
        assertTrue(leanCov.goalBins() < full.goalBins(), "no translated-request or page-request goal bins");
    }
}
