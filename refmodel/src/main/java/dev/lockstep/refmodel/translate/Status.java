package dev.lockstep.refmodel.translate;

/** How a request completes. */
public enum Status {
    /** Untranslated/translated request: access allowed. ATS: Success completion (possibly with R=W=0). */
    SUCCESS,
    /** Untranslated/translated request faulted: the IO bridge aborts it (IOMMU P2IOVA, IOBR_FAULT_RESP). */
    ABORT,
    /** ATS translation request: Unsupported Request completion (IOMMU ATS_FAULTS). */
    UNSUPPORTED_REQUEST,
    /** ATS translation request: Completer Abort completion (IOMMU ATS_FAULTS). */
    COMPLETER_ABORT
}
