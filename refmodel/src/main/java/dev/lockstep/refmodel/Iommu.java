package dev.lockstep.refmodel;

import static dev.lockstep.refmodel.regs.RegisterFile.*;

import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.command.AtsDevices;
import dev.lockstep.refmodel.command.CommandExecutor;
import dev.lockstep.refmodel.debug.DebugTranslation;
import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.effect.ImplicitMemory;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.hpm.PerformanceMonitor;
import dev.lockstep.refmodel.interrupt.InterruptController;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.msi.MrifDelivery;
import dev.lockstep.refmodel.queue.CommandQueue;
import dev.lockstep.refmodel.queue.FaultQueue;
import dev.lockstep.refmodel.queue.PageRequestQueue;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.refmodel.regs.RegisterMasks;
import dev.lockstep.refmodel.translate.InboundMessages;
import dev.lockstep.refmodel.translate.PcieMessage;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The golden IOMMU as the lockstep engine drives it: software's register reads and writes, software's
 * memory stores, device translation requests and page requests. Every observable effect (IOMMU memory
 * writes: fault and page-request records, IOFENCE.C data, MSIs, A/D updates; interrupt wire edges;
 * ATS messages to devices) is reported, in order, to the {@link EffectSink}; register side effects
 * are visible through {@link #mmioRead}.
 *
 * <p>Untimed and deterministic: commands run when cqt is written, debug translations when Go is set,
 * busy bits read 0 and on bits follow the enables at once ({@link #registerMasks()} says what a checker
 * must not compare).
 *
 * <p>Caching is architectural: {@link #translate} answers with the current memory contents, and
 * {@link #permittedOutcomes} / {@link #isPermitted} / {@link #translateAs} accept any outcome a
 * structure version still legal under the spec's caching rules would give.
 *
 * <p>MSIs to an MRIF-mode MSI PTE: the spec lets the IOMMU itself or the IO bridge record the MSI in
 * the MRIF and send the notice MSI ("Process to translate addresses of MSIs", note). With
 * {@link #setMrifDeliveredByIommu} true (the default when capabilities.MSI_MRIF=1) a write that
 * translates to an MRIF is recorded by this model ({@link MrifDelivery}: its stores and notice MSI go to
 * the EffectSink; a fault there is cause 264 or 271, reported like other faults of the request, and is
 * the returned outcome); such a write must carry its data ({@link TranslationRequest#data()}). With it
 * false the outcome only reports the MRIF destination ({@link TranslationOutcome#mrif()}) for the IO
 * bridge. The MRIF's contents are data, not translation state: the caching model keeps versions of the
 * MSI PTE only. A debug translation (tr_req_ctl) of such an address is a "Transaction type disallowed"
 * fault (spec: "Debug support").
 */
public final class Iommu {

    private final IommuConfig config;
    private final RegisterFile regs;
    private final RegisterMasks masks;
    private final EffectSink sink;
    private final ImplicitMemory implicitMemory;
    private final InterruptController interrupts;
    private final FaultQueue faultQueue;
    private final CommandExecutor executor;
    private final CommandQueue commandQueue;
    private final PageRequestQueue pageRequestQueue;
    private final PhysicalMemory memory;
    private final PerformanceMonitor hpm;
    private final DebugTranslation debug;
    private final CachingModel caching;
    private final Translator translator;
    private final MrifDelivery mrifDelivery;
    private boolean mrifDeliveredByIommu;
    private final TaggedEntries trace = new TaggedEntries();

    public Iommu(IommuConfig config, PhysicalMemory memory, Translator translator, EffectSink sink) {
        this.config = config;
        this.memory = memory;
        this.sink = sink == null ? EffectSink.NONE : sink;
        this.translator = translator;
        this.regs = new RegisterFile(config);
        this.masks = new RegisterMasks(regs);
        this.implicitMemory = new ImplicitMemory(memory, regs, this.sink);
        this.interrupts = new InterruptController(regs, implicitMemory, this.sink);
        this.faultQueue = new FaultQueue(regs, implicitMemory, interrupts);
        interrupts.setFaultReporter(faultQueue::report);
        this.executor = new CommandExecutor(regs, implicitMemory, this.sink);
        this.commandQueue = new CommandQueue(regs, implicitMemory, executor, interrupts);
        this.pageRequestQueue = new PageRequestQueue(regs, implicitMemory, interrupts, this.sink);
        this.hpm = new PerformanceMonitor(regs, interrupts);
        this.debug = new DebugTranslation(regs, this::debugTranslate);
        this.mrifDelivery = new MrifDelivery(implicitMemory, config.capabilities().amoMrif());
        this.mrifDeliveredByIommu = config.capabilities().msiMrif();
        this.caching = new CachingModel(memory, regs, translator, this.sink);
        executor.setInvalidationListener(caching);
        regs.setListener(this::registerWritten);
    }

    /**
     * The complete golden model in one call: this facade over the full translation process
     * ({@link dev.lockstep.refmodel.translate.ProcessTranslator}), with page requests in DDT modes
     * admitted, and Invalidation Completion messages accepted, by the translation process for PCIe
     * messages ({@link InboundMessages}: DDT walk, EN_PRI, EN_ATS, PRPR, fault records with TTYP 9).
     */
    public static Iommu withTranslationProcess(IommuConfig config, PhysicalMemory memory, EffectSink sink) {
        Iommu iommu = new Iommu(config, memory, new dev.lockstep.refmodel.translate.ProcessTranslator(config), sink);
        InboundMessages messages = new InboundMessages(config, iommu.regs, memory, iommu.faultQueue::report);
        iommu.setPageRequestAdmission(messages);
        iommu.setInvalidationCompletionCheck(messages::acceptInvalidationCompletion);
        return iommu;
    }

    /**
     * Whether this model records MSIs in MRIFs itself (true) or leaves it to the IO bridge (false); the
     * default is capabilities.MSI_MRIF. See the class comment.
     */
    public void setMrifDeliveredByIommu(boolean byIommu) { this.mrifDeliveredByIommu = byIommu; }

    public boolean mrifDeliveredByIommu() { return mrifDeliveredByIommu; }

    // ------------------------------------------------------------------ software side

    /** Software reads a register. */
    public long mmioRead(int offset, int size) { return regs.read(offset, size); }

    /** Software writes a register; the IOMMU reacts at once (commands, interrupts, debug translation). */
    public void mmioWrite(int offset, int size, long value) { regs.write(offset, size, value); }

    /**
     * Software (a hart) stores the 8-byte word {@code value} at {@code pa}. Use this rather than writing
     * the memory directly: the caching model keeps the versions of structure entries it needs.
     */
    public void softwareWrite64(long pa, long value) { caching.softwareWrite64(pa, value); }

    /** Resets the IOMMU (spec: "Reset behavior"): registers, interrupt state, and caches empty. */
    public void reset() {
        regs.reset();
        interrupts.reset();
        executor.reset();
        caching.reset();
    }

    private void registerWritten(int offset, long old) {
        switch (offset) {
            case CQT:
            case CQCSR:
                commandQueue.process();
                break;
            case FQCSR:
            case PQCSR:
            case FCTL:
            case ICVEC:
                interrupts.update();
                break;
            case IPSR:
                interrupts.afterIpsrWrite();
                break;
            case TR_REQ_CTL:
                debug.afterControlWrite();
                break;
            default:
                if (offset >= MSI_CFG_TBL && offset < MSI_CFG_TBL + 256 && (offset & 15) == 12) {
                    interrupts.vectorControlWritten((offset - MSI_CFG_TBL) >> 4);
                }
        }
    }

    // ------------------------------------------------------------------ device side

    /**
     * Translates a request with the current memory contents: counts HPM events, reports the fault
     * record (unless suppressed) to the fault queue, and returns the outcome.
     */
    public TranslationOutcome translate(TranslationRequest request) {
        trace.clear();
        TranslationOutcome o = translator.translate(request, caching.liveContext(), trace);
        return complete(request, o);
    }

    /** Every outcome the spec permits for {@code request} now, given what may still be cached. No side effects. */
    public java.util.Set<TranslationOutcome> permittedOutcomes(TranslationRequest request) {
        return caching.permittedOutcomes(request);
    }

    /** Whether {@code observed} is a permitted outcome of {@code request} now. No side effects. */
    public boolean isPermitted(TranslationRequest request, TranslationOutcome observed) {
        return caching.isPermitted(request, observed);
    }

    /**
     * Follows the DUT: if {@code observed} is permitted, performs the translation as the structure
     * versions that give it (its A/D updates, fault record and HPM counts) and returns it; returns
     * null, with no effect, if it is not permitted (a divergence).
     */
    public TranslationOutcome translateAs(TranslationRequest request, TranslationOutcome observed) {
        return translateAs(request, observed, stores -> true);
    }

    /** The permitted ways to translate {@code request} now, the current-contents one first. No side effects. */
    public java.util.List<CachingModel.Candidate> candidates(TranslationRequest request) {
        return caching.candidates(request);
    }

    /** The outcome of {@code request} with {@code overrides} in memory ({@link CachingModel#outcomeWith}). No side effects. */
    public TranslationOutcome outcomeWith(TranslationRequest request, java.util.Map<Long, Long> overrides) {
        return caching.outcomeWith(request, overrides);
    }

    /** The outcomes only versions a completed invalidation retired give ({@link CachingModel#retiredCandidates}). */
    public java.util.List<CachingModel.RetiredCandidate> retiredCandidates(TranslationRequest request) {
        return caching.retiredCandidates(request);
    }

    /** Performs {@code request} as {@code candidate} (one of {@link #candidates}): A/D updates, fault record, HPM. */
    public TranslationOutcome commit(TranslationRequest request, CachingModel.Candidate candidate) {
        return complete(request, caching.commit(request, candidate, trace));
    }

    /**
     * {@link #translateAs(TranslationRequest, TranslationOutcome)}, preferring the structure versions whose
     * A/D stores (word addresses) {@code storesMatch} accepts: the DUT's own memory writes say whether it
     * used a cached entry (no A/D update) or walked the new one (update).
     */
    public TranslationOutcome translateAs(TranslationRequest request, TranslationOutcome observed,
                                          java.util.function.Predicate<java.util.Set<Long>> storesMatch) {
        trace.clear();
        TranslationOutcome o = caching.translateAs(request, observed, trace, storesMatch);
        return o == null ? null : complete(request, o);
    }

    /**
     * What follows a translation: HPM counts, recording an MSI in an MRIF (which may turn the outcome into
     * a 264/271 fault), and the fault record. Returns the final outcome.
     */
    private TranslationOutcome complete(TranslationRequest request, TranslationOutcome o) {
        hpm.countTranslation(request, trace);
        if (o.mrif() != null && request.isWrite() && mrifDeliveredByIommu) o = deliverToMrif(request, o);
        if (o.fault() && o.reported()) faultQueue.report(o.record());
        return o;
    }

    private TranslationOutcome deliverToMrif(TranslationRequest request, TranslationOutcome o) {
        if (!request.hasData()) {
            throw new IllegalArgumentException("data: the write from device_id 0x" + Integer.toHexString(request.deviceId())
                    + " to 0x" + Long.toHexString(request.iova()) + " is an MSI to an MRIF (" + o.mrif()
                    + "), which the IOMMU records using the write's data: give TranslationRequest.data");
        }
        TranslationOutcome.Mrif m = o.mrif();
        int cause = mrifDelivery.deliver(m.address(), m.noticeAddress(), m.noticeData(), request.data()).cause();
        if (cause == 0) return o;
        return TranslationOutcome.fault(faultOf(request, cause, request.iova()), !m.dtf() || Cause.reportedDespiteDtf(cause));
    }

    /** The fault record of {@code request} (IOMMU "Fault/Event-Queue": PID and PRIV only with PV). */
    private static FaultRecord faultOf(TranslationRequest request, int cause, long iotval) {
        boolean pv = request.pv();
        return new FaultRecord(cause, request.ttyp(), request.deviceId(), pv, pv ? request.processId() : 0,
                pv && request.priv(), iotval, 0);
    }

    /**
     * A debug translation (tr_req_ctl.Go): the translation process, except that an address an MRIF-mode
     * MSI PTE maps stops with "Transaction type disallowed" (spec "Debug support": "If the IOVA is
     * determined to be that of a virtual interrupt file and the corresponding MSI PTE is in MRIF mode,
     * then the process stops and reports a Transaction type disallowed (cause = 260) fault").
     */
    private TranslationOutcome debugTranslate(TranslationRequest request) {
        trace.clear();
        TranslationOutcome o = translator.translate(request, caching.liveContext(), trace);
        if (o.mrif() != null) {
            o = TranslationOutcome.fault(faultOf(request, Cause.TRANSACTION_TYPE_DISALLOWED, request.iova()),
                    !o.mrif().dtf());
        }
        return complete(request, o);
    }

    /**
     * A PCIe "Page Request" message from device {@code deviceId} (spec: "Page-Request-Queue", ATS_PRI).
     * {@code payload} is the message's bytes 8-15 (R, W, L, PRG index, page address). A request the
     * device context refuses gets its fault record (TTYP 9, iotval = message code 0x04) and, if it needs
     * one, an automatic response; the queue's own conditions (off, pqmf, full, pqof) write no record.
     * The message has a valid destination segment (DSV=1, device_id[23:16]).
     */
    public void pageRequest(int deviceId, boolean pv, int processId, boolean priv, boolean exec, long payload) {
        pageRequest(deviceId, pv, processId, priv, exec, payload, true);
    }

    /**
     * A Page Request as {@link #pageRequest(int, boolean, int, boolean, boolean, long)}; {@code dsv}: the
     * message came with a valid destination segment number, device_id[23:16], which an automatic response
     * then goes to.
     */
    public void pageRequest(int deviceId, boolean pv, int processId, boolean priv, boolean exec, long payload,
                            boolean dsv) {
        pageRequest(deviceId, pv, processId, priv, exec, payload, dsv, Map.of());
    }

    /**
     * A Page Request as {@link #pageRequest(int, boolean, int, boolean, boolean, long, boolean)}, its device
     * context located with {@code context} (one of {@link #pageRequestContexts}) in place of memory.
     */
    public void pageRequest(int deviceId, boolean pv, int processId, boolean priv, boolean exec, long payload,
                            boolean dsv, Map<Long, Long> context) {
        pageRequestQueue.receive(deviceId, pv, processId, priv, exec, payload, dsv, admission.reading(context));
    }

    /**
     * The versions of the DDT entries and device context a Page Request from {@code deviceId} may be located
     * with, as memory overrides, the current contents (no override) first: every valid version since the last
     * completed IODIR.INVAL_DDT covering it ("Caching in-memory data structures"; a Page Request locates the DC
     * as a translation does, "steps 1 through 5" of the process), as for translations. One element when the
     * caches can hold nothing else.
     */
    public java.util.List<Map<Long, Long>> pageRequestContexts(int deviceId, boolean pv, int processId, boolean priv) {
        if (regs.mode() == null || regs.mode() == dev.lockstep.refmodel.regs.IommuMode.OFF
                || regs.mode() == dev.lockstep.refmodel.regs.IommuMode.BARE) {
            return java.util.List.of(Map.of());
        }
        TranslationRequest message = new TranslationRequest(deviceId, pv, pv ? processId : 0, pv && priv,
                Ttyp.PCIE_MESSAGE, dev.lockstep.refmodel.translate.PcieMessage.PAGE_REQUEST);
        java.util.List<Map<Long, Long>> out = new java.util.ArrayList<>();
        out.add(Map.of());
        for (CachingModel.Candidate c : caching.candidates(message)) {
            if (!c.overrides().isEmpty() && !out.contains(c.overrides())) out.add(c.overrides());
        }
        return out;
    }

    /** What {@link #pageRequestFate(int, boolean, int, boolean, long)} gives with {@code context} (see {@link #pageRequestContexts}). */
    public PageRequestQueue.Fate pageRequestFate(int deviceId, boolean pv, int processId, boolean priv, long payload,
                                                 Map<Long, Long> context) {
        return pageRequestQueue.fate(deviceId, pv, processId, priv, payload, admission.reading(context));
    }

    /**
     * A Page Request decided now whose record, if it is queued, is produced later: its interrupt waits for
     * {@link PageRequestQueue#produced} (a record an IOMMU writes after software changed pqcsr sets pip by
     * the pie it then finds).
     */
    public void pageRequestProducedLater(int deviceId, boolean pv, int processId, boolean priv, boolean exec,
                                         long payload, boolean dsv) {
        pageRequestProducedLater(deviceId, pv, processId, priv, exec, payload, dsv, Map.of());
    }

    /** As {@link #pageRequestProducedLater(int, boolean, int, boolean, boolean, long, boolean)} with {@code context}. */
    public void pageRequestProducedLater(int deviceId, boolean pv, int processId, boolean priv, boolean exec,
                                         long payload, boolean dsv, Map<Long, Long> context) {
        pageRequestQueue.receive(deviceId, pv, processId, priv, exec, payload, dsv, admission.reading(context), false);
    }

    /**
     * What {@link #pageRequest} would do with this Page Request now, without doing it (no record, response,
     * fault or register change): for judging on which side of concurrent software actions a message was handled.
     */
    public PageRequestQueue.Fate pageRequestFate(int deviceId, boolean pv, int processId, boolean priv, long payload) {
        return pageRequestFate(deviceId, pv, processId, priv, payload, Map.of());
    }

    /**
     * How page requests are checked against the device context (Off, Bare, DDT errors, EN_PRI, PRPR).
     * The default handles Off and Bare; with a device directory it needs the translation process's DDT
     * walk and throws until one is supplied ({@link #withTranslationProcess} supplies
     * {@link dev.lockstep.refmodel.translate.ProcessTranslator#pageRequestAdmission}).
     */
    public void setPageRequestAdmission(PageRequestQueue.Admission admission) { this.admission = admission; }

    private PageRequestQueue.Admission admission = new PageRequestQueue.Admission() {
        @Override
        public int check(int deviceId, boolean pv, int processId, boolean priv) {
            return responseTo(offOrBareMessageFault(deviceId, pv, processId, priv, PcieMessage.PAGE_REQUEST));
        }

        @Override
        public int peek(int deviceId, boolean pv, int processId, boolean priv) {
            return responseTo(offOrBareMessageCause());
        }

        private int responseTo(int cause) {
            return cause == Cause.ALL_INBOUND_DISALLOWED ? PageRequestQueue.RESPONSE_FAILURE
                    : PageRequestQueue.RESPONSE_INVALID_REQUEST;
        }
    };

    /**
     * A PCIe "Invalidation Completion" message from device {@code deviceId}: whether the IOMMU accepts it
     * (DC.tc.EN_ATS=1: "If EN_ATS is set to 1, IOMMU supports ... PCIe ATS Invalidation Completion
     * Message; otherwise they are treated as unsupported requests"); a refused one gets its fault record
     * (TTYP 9, iotval = message code 0x02). This entry checks and reports only: ATS.INVAL's completion is
     * modelled by {@link #setAtsDevices}.
     */
    public boolean invalidationCompletion(int deviceId) { return invalidationCompletionCheck.test(deviceId); }

    /** How Invalidation Completion messages are checked (the default handles Off and Bare, like page requests). */
    public void setInvalidationCompletionCheck(IntPredicate check) { this.invalidationCompletionCheck = check; }

    private IntPredicate invalidationCompletionCheck =
            did -> offOrBareMessageFault(did, false, 0, false, PcieMessage.INVALIDATION_COMPLETION) == 0;

    /**
     * Without the translation process: reports the fault of a PCIe message in mode Off (256) or Bare (260,
     * ddtp: "PCIe message transactions are unsupported") and returns its cause; a DDT mode needs the
     * device context and throws.
     */
    private int offOrBareMessageFault(int deviceId, boolean pv, int processId, boolean priv, int code) {
        int cause = offOrBareMessageCause();
        faultQueue.report(new FaultRecord(cause, Ttyp.PCIE_MESSAGE, deviceId, pv, pv ? processId : 0, pv && priv, code, 0));
        return cause;
    }

    /** The cause of a PCIe message's fault in mode Off (256) or Bare (260); a DDT mode throws, as above. */
    private int offOrBareMessageCause() {
        switch (regs.mode() == null ? dev.lockstep.refmodel.regs.IommuMode.OFF : regs.mode()) {
            case OFF: return Cause.ALL_INBOUND_DISALLOWED;
            case BARE: return Cause.TRANSACTION_TYPE_DISALLOWED;
            default:
                throw new UnsupportedOperationException("PCIe messages in a DDT mode need the device context "
                        + "(EN_ATS, EN_PRI, PRPR): use withTranslationProcess, or setPageRequestAdmission and "
                        + "setInvalidationCompletionCheck with the translation process's DDT walk");
        }
    }

    /** Reports a fault record to the fault queue, as the translation process does; returns its fate. */
    public int reportFault(FaultRecord record) { return faultQueue.report(record); }

    // ------------------------------------------------------------------ parts

    /**
     * Adopts register values an implementation showed ({@link RegisterFile#adopt}; offsets from
     * {@link RegisterFile#ADOPTABLE}) and takes the interrupt wires as they now follow from ipsr.
     */
    public void adoptRegisters(int[] offsets, long[] values) {
        for (int i = 0; i < offsets.length; i++) regs.adopt(offsets[i], values[i]);
        interrupts.resync();
    }

    public IommuConfig config() { return config; }
    /** The memory the IOMMU reads and writes (software's stores go through {@link #softwareWrite64}). */
    public PhysicalMemory memory() { return memory; }
    public RegisterFile registers() { return regs; }
    public RegisterMasks registerMasks() { return masks; }
    public FaultQueue faultQueue() { return faultQueue; }
    public CommandQueue commandQueue() { return commandQueue; }
    public CommandExecutor commandExecutor() { return executor; }
    public PageRequestQueue pageRequestQueue() { return pageRequestQueue; }
    public InterruptController interrupts() { return interrupts; }
    public PerformanceMonitor performanceMonitor() { return hpm; }
    public CachingModel caching() { return caching; }
    public void setAtsDevices(AtsDevices devices) { executor.setAtsDevices(devices); }
}
