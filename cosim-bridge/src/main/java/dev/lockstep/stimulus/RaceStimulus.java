package dev.lockstep.stimulus;

import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import java.util.ArrayDeque;
import java.util.function.LongUnaryOperator;

/**
 * Directed races (docs/concurrency.md, "Directed races"): a driver's structure change, queue handling or
 * queue reconfiguration made while device requests are in flight, as {@link Action.Window}s whose gap
 * between the requests and the software actions is swept over the walks (0 to {@link #GAP_MAX} cycles), so
 * that the change lands at different points of them. Each window holds up to the overlap depth of requests;
 * the scenarios need a depth of 2 or more ({@link #unsupported}). Seeded and finite like
 * {@link DirectedStimulus}: the seed picks device_ids, addresses, page choices and where the sweep starts;
 * decisions that depend on IOMMU state (fqt, pqt) read the model when their step runs.
 */
public final class RaceStimulus implements Stimulus {

    /** The races, named after what software does while the requests are in flight. */
    public enum Kind {
        UNMAP_RACE("unmap-race", "windows of DMA to mapped pages while software unmaps one (PTE V=0, IOTINVAL.VMA, "
                + "IOFENCE.C) at a swept gap; the next window, accepted after the fence, must fault"),
        DETACH_RACE("detach-race", "a device detached under traffic (DC V=0, IODIR.INVAL_DDT, IOTINVAL.VMA, IOFENCE.C) "
                + "at a swept gap, its requests after the fence must fault; then re-attached to a new domain under traffic"),
        FQ_OVERFLOW_RACE("fq-overflow-race", "windows of concurrent faults that fill and overflow a small fault queue "
                + "(fqof) inside one window; software drains and clears fqof after the window or while faults land"),
        PRQ_RACE("prq-race", "the page-request queue disabled, and resized (pqb) and re-enabled, while ATS translation "
                + "requests and Page Requests are in flight; more Page Requests and Stop Markers after each window meet "
                + "the queue off, resized and overflowing");

        public final String cliName;
        public final String description;

        Kind(String cliName, String description) {
            this.cliName = cliName;
            this.description = description;
        }
    }

    /** The largest gap swept, in cycles: longer than the slowest walk of the built-in DUT's windows. */
    static final int GAP_MAX = 60;
    /** Steps of the sweep; the seed picks the offset (0 to GAP_STEP - 1), so seeds cover every gap between them. */
    static final int GAP_STEP = 4;
    /** Rounds per race: each gap of the sweep twice. */
    static final int ROUNDS = 2 * (GAP_MAX / GAP_STEP + 1);

    private final Kind kind;
    private final RaceKit kit;
    private final ArrayDeque<Action> queue = new ArrayDeque<>();

    /** Race {@code kind} of seed {@code seed}, with {@code overlap} requests in each window. */
    public RaceStimulus(Kind kind, long seed, IommuConfig config, LongUnaryOperator readRegister, int overlap) {
        String unsupported = unsupported(kind, config, overlap);
        if (unsupported != null) throw new UnsupportedOperationException("scenario " + kind.cliName + " " + unsupported);
        this.kind = kind;
        this.kit = new RaceKit(seed, config, readRegister, overlap);
        switch (kind) {
            case UNMAP_RACE -> new UnmapRace(kit).plan();
            case DETACH_RACE -> new DetachRace(kit).plan();
            case FQ_OVERFLOW_RACE -> new FaultQueueRace(kit).plan();
            case PRQ_RACE -> new PageRequestQueueRace(kit).plan();
        }
    }

    public Kind kind() { return kind; }

    /**
     * Why race {@code kind} cannot run on an IOMMU configured as {@code config} at overlap depth
     * {@code overlap} (one line, e.g. "needs --overlap 2 or more ..."), or null when it can.
     */
    public static String unsupported(Kind kind, IommuConfig config, int overlap) {
        Capabilities caps = config.capabilities();
        if (overlap < 2) {
            return "needs --overlap 2 or more: its requests are in flight while software acts, and at --overlap 1 "
                    + "the DUT is idle between actions";
        }
        if (!config.supportedModes().contains(IommuMode.LVL1) && !config.supportedModes().contains(IommuMode.LVL2)
                && !config.supportedModes().contains(IommuMode.LVL3)) {
            return "needs a device-directory mode (ddtp 1LVL, 2LVL or 3LVL)";
        }
        if ((config.fctlReset() & IommuConfig.FCTL_BE) != 0) return "builds little-endian structures (fctl.BE=1 at reset)";
        if (kind == Kind.PRQ_RACE && !caps.ats()) return "needs capabilities.ATS";
        if (!caps.sv39() && !caps.sv48()) return "needs Sv39 or Sv48";
        return null;
    }

    @Override
    public Action next() {
        while (queue.isEmpty()) {
            if (kit.steps.isEmpty()) return null;
            kit.steps.removeFirst().run();
            queue.addAll(kit.driver.pending);
            kit.driver.pending.clear();
        }
        return queue.removeFirst();
    }
}
