package dev.lockstep.engine;

import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.stimulus.Stimulus;

/**
 * Where a seed's actions come from: a {@link Scenario} generating them, or a log whose recorded actions
 * are checked or replayed. Called once per seed, after the model is created.
 */
@FunctionalInterface
public interface StimulusSource {
    Stimulus create(long seed, IommuConfig config, Iommu model);
}
