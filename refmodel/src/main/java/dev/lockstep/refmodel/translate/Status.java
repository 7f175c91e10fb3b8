package dev.lockstep.refmodel.translate;

/** How a request completes. */
public enum Status {
    /**
     * Untranslated/translated request: access allowed. ATS: Success completion (possibly with R=W=0).
     * PCIe message request: accepted by its device context.
     */
    SUCCESS,
    /**
     * Untranslated/translated request faulted: the IO bridge aborts it (IOMMU P2IOVA, IOBR_FAULT_RESP).
     * PCIe message request: refused (a Page Request is then answered or discarded, spec ATS_PRI).
     */
    ABORT,
    /** ATS translation request: Unsupported Request completion (IOMMU ATS_FAULTS). */
    UNSUPPORTED_REQUEST,
    /** ATS translation request: Completer Abort completion (IOMMU ATS_FAULTS). */
    COMPLETER_ABORT
}
