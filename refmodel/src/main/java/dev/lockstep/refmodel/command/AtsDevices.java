package dev.lockstep.refmodel.command;

/**
 * The PCIe devices behind the IOMMU, as far as ATS.INVAL needs them: whether the device answers an
 * "Invalidation Request" with an "Invalidation Completion" or the request times out (spec: ATS.INVAL
 * "completes when an Invalidation Completion response message is received ... or a protocol-defined
 * timeout occurs"). The default: every device completes.
 */
@FunctionalInterface
public interface AtsDevices {

    boolean invalidationCompletes(int rid, boolean pv, int pid, long payload);

    AtsDevices ALWAYS_COMPLETE = (rid, pv, pid, payload) -> true;
}
