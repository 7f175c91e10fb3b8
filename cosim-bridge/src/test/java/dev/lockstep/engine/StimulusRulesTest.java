package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestPaths;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.regression.DutConfigFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stimulus stays where the spec decides the outcome, and follows the software guidelines. */
class StimulusRulesTest {

    static IommuConfig config;

    @BeforeAll
    static void load() throws Exception {
        config = DutConfigFile.read(TestPaths.stubConfig());
    }

    private record Step(Action action, TranslationOutcome outcome) { }

    /** The actions of {@code seeds} seeds of {@code scenario}, run against the model itself, with the outcomes. */
    private static List<List<Step>> record(Scenario scenario, int seeds) {
        List<List<Step>> all = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            List<Step> steps = new ArrayList<>();
            RunObserver o = new RunObserver() {
                @Override public void action(int index, Action action) { steps.add(new Step(action, null)); }
                @Override public void translated(int index, TranslationRequest r, TranslationOutcome out, boolean stale) {
                    steps.set(steps.size() - 1, new Step(steps.get(steps.size() - 1).action(), out));
                }
            };
            SeedResult r = new Lockstep(new ModelDut(config), config, scenario, s -> "").observer(o).run(seed, 0, 2000);
            assertTrue(r.passed(), () -> String.valueOf(r.divergence()));
            all.add(steps);
        }
        return all;
    }

    /**
     * "The physical address space addressable by the IOMMU ranges from 0 to 2^capabilities.PAS - 1" and the
     * spec says nothing of an address beyond it (both stages Bare, or a translated request without
     * T2GPA, pass the address through): no request the stimulus makes gets there.
     */
    @Test
    void noTranslationReachesAnAddressBeyondPas() {
        long limit = 1L << config.capabilities().pas();
        // "all": every third seed a directed scenario, the others system.
        for (List<Step> seed : record(Scenario.ALL, 42)) {
            for (Step s : seed) {
                if (s.outcome() == null || s.outcome().fault() || s.outcome().mrif() != null) continue;
                if (s.outcome().permissions() == 0) continue; // an ATS Success with R=W=0: no address
                assertTrue(Long.compareUnsigned(s.outcome().pa(), limit) < 0,
                        () -> s.action().describe() + " -> " + s.outcome());
            }
        }
    }

    /**
     * iommu_sw_guidelines, "Changing second-stage page table entry": "If the second-stage page table update
     * affects translation of guest-PPN held in the DC then software must invalidate all such cached DC
     * using IODIR.INVAL_DDT": a changed G-stage PTE of a directory or first-stage table page is followed,
     * before the fence, by IODIR.INVAL_DDT.
     */
    @Test
    void aGStageChangeToAPageHeldInAContextIsFollowedByIodirInvalDdt() {
        int checked = 0;
        for (List<Step> seed : record(Scenario.SYSTEM, 20)) {
            Set<Long> identityPtes = new HashSet<>();
            for (int i = 0; i < seed.size(); i++) {
                if (!(seed.get(i).action() instanceof Action.MemoryWrite m)) continue;
                if (m.what().contains(" identity leaf PTE")) identityPtes.add(m.pa());
                if (!m.what().startsWith("change G-stage") || !identityPtes.contains(m.pa())) continue;
                boolean inval = false;
                for (int k = i + 1; k < seed.size(); k++) {
                    if (!(seed.get(k).action() instanceof Action.MemoryWrite c)) continue;
                    if (c.what().equals("IODIR.INVAL_DDT dw0")) inval = true;
                    if (c.what().equals("IOFENCE.C dw0")) break;
                }
                assertTrue(inval, m.describe());
                checked++;
            }
        }
        assertTrue(checked > 0, "no G-stage change of a structure page in the seeds");
    }
}
