package dev.lockstep.refmodel.translate;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.queue.PageRequestQueue;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.function.Consumer;

/**
 * The device-context check of inbound PCIe messages (TTYP 9): runs the translation process for the
 * message ({@link Translator}, PCIe message requests) on the current memory contents under the current
 * ddtp and fctl, reports its fault record (TTYP 9, iotval = message code, DTF applied) and says what
 * the message may do.
 *
 * <p>Page Request and Stop Marker (spec ATS_PRI): admitted when the DC has EN_PRI=1 (with PRPR);
 * otherwise the automatic response code: Response Failure for mode Off (256) and DDT faults (257, 258,
 * 259, and 268, which also prevents locating a DC: model choice, the spec's list names 256-259), Invalid
 * Request for 260 (Bare, device_id too wide, EN_PRI=0). The fault record is written whether or not
 * the message needs a response: ATS_PRI says L=0 requests and Stop Markers "are silently discarded" on
 * such errors, which this model reads as "discarded without a Page Request Group Response"; the faults
 * are still faults of locating the DC ("the IOMMU first locates the device-context--using the procedure
 * outlined in steps 1 through 5 of P2IOVA"), and that procedure stops and reports them. The conditions
 * of the page-request queue itself (pqen/pqon=0, pqmf, full, pqof) are not checked here and write no
 * fault record.
 *
 * <p>Invalidation Completion: accepted when the DC has EN_ATS=1 (DC.tc.EN_ATS: otherwise "treated as
 * unsupported requests", cause 260).
 */
public final class InboundMessages implements PageRequestQueue.Admission {

    private final RegisterFile regs;
    private final Translator translator;
    private final Consumer<FaultRecord> faults;

    private final IommuConfig config;
    private final PhysicalMemory memory;

    /** @param faults where fault records go (the IOMMU's fault queue) */
    public InboundMessages(IommuConfig config, RegisterFile regs, PhysicalMemory memory, Consumer<FaultRecord> faults) {
        this.config = config;
        this.regs = regs;
        this.memory = memory;
        this.translator = new Translator(config.capabilities(), memory, TranslatorOptions.from(config));
        this.faults = faults;
    }

    /**
     * These checks on memory with {@code overrides} in place (a cached DC version: "an implementation may use any
     * ... that was valid at any time since the most recent" covering invalidation, "Caching in-memory data
     * structures"); the message walk stores nothing, so memory is left as it is.
     */
    @Override
    public PageRequestQueue.Admission reading(java.util.Map<Long, Long> overrides) {
        if (overrides.isEmpty()) return this;
        dev.lockstep.refmodel.mem.OverlayMemory view = new dev.lockstep.refmodel.mem.OverlayMemory(memory);
        overrides.forEach(view::replace);
        return new InboundMessages(config, regs, view, faults);
    }

    /** The translation process these checks run (its last Outcome explains the last message). */
    public Translator translator() { return translator; }

    @Override
    public int check(int deviceId, boolean pv, int processId, boolean priv) {
        return answer(run(Request.message(deviceId, pv, processId, priv, PcieMessage.PAGE_REQUEST)));
    }

    @Override
    public int peek(int deviceId, boolean pv, int processId, boolean priv) {
        return answer(translator.translate(Request.message(deviceId, pv, processId, priv, PcieMessage.PAGE_REQUEST),
                regs.ddtp(), regs.fctl()));
    }

    private static int answer(Outcome o) {
        int prpr = o.prpr() ? PRPR : 0;
        if (o.isSuccess()) return ADMIT | prpr;
        int code = o.cause() == Cause.TRANSACTION_TYPE_DISALLOWED ? PageRequestQueue.RESPONSE_INVALID_REQUEST
                : PageRequestQueue.RESPONSE_FAILURE;
        return code | prpr;
    }

    /** Whether an "Invalidation Completion" message from {@code deviceId} is accepted (else its fault is reported). */
    public boolean acceptInvalidationCompletion(int deviceId) {
        return run(Request.message(deviceId, false, 0, false, PcieMessage.INVALIDATION_COMPLETION)).isSuccess();
    }

    private Outcome run(Request r) {
        Outcome o = translator.translate(r, regs.ddtp(), regs.fctl());
        if (o.recordFault()) faults.accept(o.faultRecord());
        return o;
    }
}
