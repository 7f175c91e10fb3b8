package dev.lockstep.refmodel.translate;

import dev.lockstep.refmodel.fault.Cause;

/**
 * IOMMU "PCIe ATS translation request handling" (ATS_FAULTS): the completion status of a faulting
 * ATS translation request.
 * <ul>
 * <li>UR: causes 256-260 (permanent error or ATS disabled);</li>
 * <li>CA: causes 1, 5, 7, 261, 263, 265, 267 (configuration errors); also the data-corruption causes
 *     268-272 and 274, for which IOMMU hw guidelines ("Reliability, Availability and Serviceability")
 *     name Completer Abort as the appropriate abort, and 264 (MRIF access fault), an access fault
 *     like 261 (model choice: the spec's ATS lists do not name 264);</li>
 * <li>Success with R=W=0 and no fault record: causes 12, 13, 15, 20, 21, 23, 262, 266.</li>
 * </ul>
 */
public final class AtsCompletion {
    private AtsCompletion() {}

    public static Status statusFor(int cause) {
        switch (cause) {
            case Cause.ALL_INBOUND_DISALLOWED:
            case Cause.DDT_LOAD_ACCESS_FAULT:
            case Cause.DDT_ENTRY_NOT_VALID:
            case Cause.DDT_ENTRY_MISCONFIGURED:
            case Cause.TRANSACTION_TYPE_DISALLOWED:
                return Status.UNSUPPORTED_REQUEST;
            case Cause.INSTRUCTION_PAGE_FAULT:
            case Cause.READ_PAGE_FAULT:
            case Cause.WRITE_PAGE_FAULT:
            case Cause.INSTRUCTION_GUEST_PAGE_FAULT:
            case Cause.READ_GUEST_PAGE_FAULT:
            case Cause.WRITE_GUEST_PAGE_FAULT:
            case Cause.PDT_ENTRY_NOT_VALID:
            case Cause.MSI_PTE_NOT_VALID:
                return Status.SUCCESS;
            default:
                return Status.COMPLETER_ABORT;
        }
    }
}
