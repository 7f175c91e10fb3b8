package dev.lockstep.engine;

import dev.lockstep.dut.DutInterface;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.mem.FastSparseMemory;
import dev.lockstep.refmodel.regs.IommuConfig;
import java.util.HashSet;
import java.util.Set;

/**
 * What the checks of one seed share: the golden model and its memory, what each side did during the
 * current action ({@code effects} for the model, {@code observed} for the DUT), the DUT and who watches
 * the run, and the pages either side wrote (compared at the end of the seed).
 */
final class SeedContext {
    final IommuConfig config;
    final Iommu model;
    final FastSparseMemory memory;
    final EffectRecorder effects;
    final DutObservations observed;
    final DutDriver driver;
    /** What the DUT's interface carries: fields it cannot report are not compared. */
    final DutInterface iface;
    final RunObserver observer;
    /** Page numbers either side wrote during the seed. */
    final Set<Long> touchedPages = new HashSet<>();

    SeedContext(IommuConfig config, Iommu model, FastSparseMemory memory, EffectRecorder effects, DutDriver driver,
                RunObserver observer) {
        this.config = config;
        this.model = model;
        this.memory = memory;
        this.effects = effects;
        this.observed = driver.observed;
        this.driver = driver;
        this.iface = driver.iface;
        this.observer = observer;
    }

    /** Records the pages of every write either side made during the action. */
    void touchWrittenPages() {
        for (int i = 0; i < observed.writes; i++) touchedPages.add(observed.writeAddr[i] >>> 12);
        for (int i = 0; i < effects.writes; i++) touchedPages.add(effects.writePa[i] >>> 12);
    }
}
