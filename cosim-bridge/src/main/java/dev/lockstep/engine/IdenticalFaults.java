package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.queue.FaultQueue;
import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * The spec's choice to report identical faults once (Fault/Event-Queue): "The IOMMU may identify multiple
 * requests as having detected an identical fault. In such cases the IOMMU may report each of those faults
 * individually, or report the fault for a subset, including one, of requests." The model's side of an
 * action runs after the DUT's; a fault record identical (every field) to one already written is left out
 * when the DUT wrote no fault record for the action and set neither fqof nor fqmf (it did not try), so the
 * model follows an IOMMU that merges them and still expects every other record.
 */
final class IdenticalFaults {

    static final String CHOICE = "identical fault reported once, not again";

    private final SeedContext seed;
    private final QueueRegions regions;

    IdenticalFaults(SeedContext seed, QueueRegions regions) {
        this.seed = seed;
        this.regions = regions;
    }

    /** The model's part of an action that may report a fault, once the DUT's part is done. */
    interface ModelStep {
        void run();
    }

    /** Runs {@code modelStep} with the model following the DUT on identical faults; counts the choice. */
    void modelAfterDut(int index, ModelStep modelStep) throws DutException { modelAfterDut(index, modelStep, null); }

    /**
     * As {@link #modelAfterDut(int, ModelStep)}; {@code dutReported}, when not null, says whether the DUT
     * reported this request's fault (a window knows it per request; otherwise the action's writes tell).
     */
    void modelAfterDut(int index, ModelStep modelStep, Boolean dutReported) throws DutException {
        FaultQueue queue = seed.model.faultQueue();
        long before = queue.recordsLeftOut();
        DutException[] failed = {null};
        queue.leaveOutIdenticalWhen(() -> {
            if (dutReported != null) return !dutReported;
            try {
                return dutReportedNone();
            } catch (DutException e) {
                failed[0] = e;
                return false;
            }
        });
        try {
            modelStep.run();
        } finally {
            queue.leaveOutIdenticalWhen(null);
        }
        if (failed[0] != null) throw failed[0];
        if (queue.recordsLeftOut() > before) seed.observer.choice(index, CHOICE);
    }

    /** The DUT neither wrote a fault record in this action nor tried to (a full queue or a faulting store). */
    private boolean dutReportedNone() throws DutException {
        if (regions.wroteFaultQueue()) return false;
        long fqcsr = seed.driver.dut.mmioRead(RegisterFile.FQCSR, 4);
        return (fqcsr & (RegisterFile.QCSR_OF | RegisterFile.QCSR_MF)) == 0;
    }
}
