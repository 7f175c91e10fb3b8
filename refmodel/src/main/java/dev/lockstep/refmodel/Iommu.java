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
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.queue.CommandQueue;
import dev.lockstep.refmodel.queue.FaultQueue;
import dev.lockstep.refmodel.queue.PageRequestQueue;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.refmodel.regs.RegisterMasks;

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
    private final PerformanceMonitor hpm;
    private final DebugTranslation debug;
    private final CachingModel caching;
    private final Translator translator;
    private final WalkTrace trace = new WalkTrace();

    public Iommu(IommuConfig config, PhysicalMemory memory, Translator translator, EffectSink sink) {
        this.config = config;
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
        this.debug = new DebugTranslation(regs, this::translate);
        this.caching = new CachingModel(memory, regs, translator, this.sink);
        executor.setInvalidationListener(caching);
        regs.setListener(this::registerWritten);
    }

    /**
     * The complete golden model in one call: this facade over the full translation process
     * ({@link dev.lockstep.refmodel.translate.ProcessTranslator}), with page requests in DDT modes
     * admitted by a walk of the device directory (EN_PRI, PRPR).
     */
    public static Iommu withTranslationProcess(IommuConfig config, PhysicalMemory memory, EffectSink sink) {
        Iommu iommu = new Iommu(config, memory, new dev.lockstep.refmodel.translate.ProcessTranslator(config), sink);
        iommu.setPageRequestAdmission(
                dev.lockstep.refmodel.translate.ProcessTranslator.pageRequestAdmission(config, iommu.regs, memory));
        return iommu;
    }

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
        complete(request, o);
        return o;
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

    /** Performs {@code request} as {@code candidate} (one of {@link #candidates}): A/D updates, fault record, HPM. */
    public TranslationOutcome commit(TranslationRequest request, CachingModel.Candidate candidate) {
        TranslationOutcome o = caching.commit(request, candidate, trace);
        complete(request, o);
        return o;
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
        if (o != null) complete(request, o);
        return o;
    }

    private void complete(TranslationRequest request, TranslationOutcome o) {
        hpm.countTranslation(request, trace);
        if (o.fault() && o.reported()) faultQueue.report(o.record());
    }

    /**
     * A PCIe "Page Request" message from device {@code deviceId} (spec: "Page-Request-Queue", ATS_PRI).
     * {@code payload} is the message's bytes 8-15 (R, W, L, PRG index, page address).
     */
    public void pageRequest(int deviceId, boolean pv, int processId, boolean priv, boolean exec, long payload) {
        pageRequestQueue.receive(deviceId, pv, processId, priv, exec, payload, admission);
    }

    /**
     * How page requests are checked against the device context (Off, Bare, DDT errors, EN_PRI, PRPR).
     * The default handles Off and Bare; with a device directory it needs the translation process's DDT
     * walk and throws until one is supplied ({@link #withTranslationProcess} supplies
     * {@link dev.lockstep.refmodel.translate.ProcessTranslator#pageRequestAdmission}).
     */
    public void setPageRequestAdmission(PageRequestQueue.Admission admission) { this.admission = admission; }

    private PageRequestQueue.Admission admission = this::defaultAdmission;

    private int defaultAdmission(int deviceId) {
        switch (regs.mode() == null ? dev.lockstep.refmodel.regs.IommuMode.OFF : regs.mode()) {
            case OFF: return PageRequestQueue.RESPONSE_FAILURE;
            case BARE: return PageRequestQueue.RESPONSE_INVALID_REQUEST;
            default:
                throw new UnsupportedOperationException("page requests in a DDT mode need the device context "
                        + "(EN_ATS, EN_PRI, PRPR): call setPageRequestAdmission with the translation process's DDT walk");
        }
    }

    /** Reports a fault record to the fault queue, as the translation process does; returns its fate. */
    public int reportFault(FaultRecord record) { return faultQueue.report(record); }

    // ------------------------------------------------------------------ parts

    public IommuConfig config() { return config; }
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
