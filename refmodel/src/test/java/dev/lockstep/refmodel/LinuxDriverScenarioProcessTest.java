package dev.lockstep.refmodel;

import dev.lockstep.refmodel.mem.SparseMemory;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.testsupport.RecordingSink;

/** The Linux-driver scenario of {@link LinuxDriverScenarioTest} over the full translation process. */
class LinuxDriverScenarioProcessTest extends LinuxDriverScenarioTest {
    @Override
    protected Iommu newIommu(IommuConfig config, SparseMemory memory, RecordingSink sink) {
        return Iommu.withTranslationProcess(config, memory, sink);
    }
}
