package dev.lockstep.refmodel.translate;

import dev.lockstep.refmodel.ddt.DeviceContext;
import dev.lockstep.refmodel.ddt.DeviceContextChecks;
import dev.lockstep.refmodel.ddt.DeviceDirectory;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.msi.MsiTranslation;
import dev.lockstep.refmodel.pagetable.Access;
import dev.lockstep.refmodel.pagetable.PageTableWalker;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.pdt.ProcessContext;
import dev.lockstep.refmodel.pdt.ProcessDirectory;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.trace.Rule;
import dev.lockstep.refmodel.trace.TracedMemory;

/**
 * The IOMMU "Process to translate an IOVA" (P2IOVA, steps 1-20): locates the device context and the
 * process context, runs the first-stage and G-stage walks, MSI address translation, and applies the
 * completion rules of untranslated, translated and PCIe ATS translation requests.
 *
 * <pre>{@code
 * Translator t = new Translator(capabilities, memory);
 * Outcome o = t.translate(Request.untranslated(did, iova, Ttyp.UNTRANSLATED_READ), ddtp, fctl);
 * if (o.isSuccess()) use(o.address()); else if (o.recordFault()) queue(o.faultRecord());
 * System.out.println(o);            // result and walk trace
 * }</pre>
 *
 * <p>One translator per model instance and thread; it allocates nothing per translation. The
 * returned Outcome is reused by the next call (see {@link Outcome#copy()}). A/D updates are written
 * to the memory and listed in the outcome's trace. To re-run a translation on other memory contents
 * (e.g. an {@link dev.lockstep.refmodel.mem.OverlayMemory} holding stale words), use
 * {@link #memory(PhysicalMemory)} or a second translator.
 *
 * <p>PCIe message requests (TTYP 9, {@link Request#message}) run the part of the process that locates
 * the device context (spec ATS_PRI: "steps 1 through 5 of P2IOVA" and GET_DC) and then check the
 * control the message needs: DC.tc.EN_PRI for a Page Request or Stop Marker (ATS_PRI), DC.tc.EN_ATS for
 * an Invalidation Completion (DC.tc: "If EN_ATS is set to 1, IOMMU supports ... PCIe ATS Invalidation
 * Completion Message; otherwise they are treated as unsupported requests"). Mode Off gives 256; Bare
 * gives 260 (ddtp: "When in Bare mode only Untranslated requests are allowed. Translated requests,
 * Translation request, and PCIe message transactions are unsupported"); DDT faults 257/258/259/268; a
 * device_id too wide, EN_PRI=0 or EN_ATS=0 gives 260. Fault records carry TTYP 9 and the message code
 * in iotval; DC.tc.DTF suppresses them as for other requests. An accepted message is a Success with
 * {@link Outcome#prpr()}. Whether the page-request queue can take it is not part of this process.
 */
public final class Translator {

    /** ddtp.iommu_mode encodings to modes (null: reserved or custom); IommuMode.of allocates via values(). */
    private static final IommuMode[] MODES = new IommuMode[16];
    static {
        for (IommuMode m : IommuMode.values()) MODES[m.encoding] = m;
    }

    private final Capabilities caps;
    private final TranslatorOptions options;
    private final TracedMemory mem;
    private final DeviceDirectory ddt;
    private final PageTableWalker gStage;
    private final PageTableWalker firstStage;
    private final ProcessDirectory pdt;
    private final MsiTranslation msi;
    private final DeviceContext dc = new DeviceContext();
    private final ProcessContext pc = new ProcessContext();
    private final Outcome own = new Outcome();

    public Translator(Capabilities caps, PhysicalMemory memory) {
        this(caps, memory, TranslatorOptions.defaults());
    }

    public Translator(IommuConfig config, PhysicalMemory memory) {
        this(config.capabilities(), memory, TranslatorOptions.from(config));
    }

    public Translator(Capabilities caps, PhysicalMemory memory, TranslatorOptions options) {
        this.caps = caps;
        this.options = options;
        this.mem = new TracedMemory(memory, own.trace());
        this.ddt = new DeviceDirectory(mem, caps);
        this.gStage = PageTableWalker.gStage(mem, caps);
        this.firstStage = PageTableWalker.firstStage(mem, caps, gStage);
        this.pdt = new ProcessDirectory(mem, caps, gStage);
        this.msi = new MsiTranslation(mem, caps);
    }

    public Capabilities capabilities() { return caps; }
    public PhysicalMemory memory() { return mem.memory(); }
    /** Makes later translations read (and A/D-update) {@code memory}. */
    public void memory(PhysicalMemory memory) { mem.memory(memory); }

    /** Translates into this translator's own Outcome, which the next call reuses. */
    public Outcome translate(Request request, long ddtp, int fctl) {
        return translate(request, ddtp, fctl, own);
    }

    /**
     * Translates {@code request} under the register values {@code ddtp} (iommu_mode, PPN) and
     * {@code fctl} (BE, GXL) into {@code out}.
     *
     * @throws IllegalArgumentException when ddtp.iommu_mode is a reserved or custom encoding (WARL: the register never holds one)
     * @throws UnsupportedOperationException for a PCIe message whose code the model does not know
     */
    public Outcome translate(Request r, long ddtp, int fctl, Outcome out) {
        IommuMode mode = MODES[(int) (ddtp & 0xf)];
        if (mode == null) throw new IllegalArgumentException("ddtp: iommu_mode " + (ddtp & 0xf) + " is reserved or custom");
        if (r.isMessage() && !PcieMessage.isKnown((int) r.iova())) {
            throw new UnsupportedOperationException("PCIe message request (TTYP 9) with " + PcieMessage.name((int) r.iova())
                    + ": the model handles Page Request (0x04) and Invalidation Completion (0x02) messages only");
        }
        out.reset(r);
        mem.trace(out.trace());
        try {
            run(r, mode, (ddtp >>> 10) & DeviceContext.PPN_MASK, (fctl & IommuConfig.FCTL_BE) != 0,
                    (fctl & IommuConfig.FCTL_GXL) != 0, out);
            if (r.isAts() && out.isSuccess()) cxlIo(r, out);
        } finally {
            mem.trace(own.trace());
        }
        return out;
    }

    private void run(Request r, IommuMode mode, long ddtpPpn, boolean be, boolean gxl, Outcome out) {
        final boolean ats = r.isAts();
        final boolean translated = r.isTranslated();
        // "Execute requested must be explicitly associated with the request (e.g., using a PCIe PASID).
        // When not explicitly requested, the default must be 0" (Device Translation Request interface).
        final boolean exec = ats && r.execRequested() && r.pidValid();
        final int type = accessType(r, exec);
        // Step 1.
        if (mode == IommuMode.OFF) { fail(out, Rule.MODE_OFF, Cause.ALL_INBOUND_DISALLOWED, false, 0); return; }
        // Step 2.
        if (mode == IommuMode.BARE) {
            if (r.isMessage()) { fail(out, Rule.MESSAGE_IN_BARE_MODE, Cause.TRANSACTION_TYPE_DISALLOWED, false, 0); return; }
            if (translated || ats) { fail(out, Rule.MODE_BARE_TRANSLATED_OR_ATS, Cause.TRANSACTION_TYPE_DISALLOWED, false, 0); return; }
            out.trace().decide(Rule.MODE_BARE_SUCCESS, -1, 0);
            out.success(r.iova(), options.bareRangeShift(), true, Access.permissionFor(type));
            return;
        }
        // Steps 3-5.
        if (ddt.deviceIdTooWide(r.deviceId(), mode.levels())) {
            fail(out, Rule.DEVICE_ID_TOO_WIDE, Cause.TRANSACTION_TYPE_DISALLOWED, false, 0);
            return;
        }
        // Step 6: GET_DC. Until a valid DC is located, DTF is taken as 0.
        int cause = ddt.locate(r.deviceId(), mode.levels(), ddtpPpn, be, dc);
        if (cause != 0) { finishFault(out, cause, false, 0); return; }
        Rule bad = DeviceContextChecks.check(dc, caps, gxl, be, options.gxlWritable(), options.beWritable(),
                options.msiptpOffWhenGBare());
        if (bad != null) { fail(out, bad, Cause.DDT_ENTRY_MISCONFIGURED, false, 0); return; }
        final boolean dtf = dc.dtf();
        out.deviceContext(dtf, dc.prpr());
        if (r.isMessage()) { message(r, dtf, out); return; }
        // Step 7.
        if ((translated || ats) && !dc.enAts()) { fail(out, Rule.ATS_DISABLED, Cause.TRANSACTION_TYPE_DISALLOWED, dtf, 0); return; }
        if (r.pidValid() && !dc.pdtv()) { fail(out, Rule.PID_WITHOUT_PDTV, Cause.TRANSACTION_TYPE_DISALLOWED, dtf, 0); return; }
        if (r.pidValid() && ProcessDirectory.processIdTooWide(r.processId(), dc.fscMode())) {
            fail(out, Rule.PID_TOO_WIDE, Cause.TRANSACTION_TYPE_DISALLOWED, dtf, 0);
            return;
        }
        PagingScheme g = PagingScheme.gStage(dc.iohgatpMode(), gxl);
        gStage.configure(g, dc.iohgatpPpn(), dc.gade(), be, dc.sxl());
        // Step 8.
        if (translated && !dc.t2gpa()) {
            out.trace().decide(Rule.TRANSLATED_NO_T2GPA, -1, 0);
            out.success(r.iova(), 12, true, Access.permissionFor(type));
            return;
        }
        // Steps 9-16: the first-stage controls.
        PagingScheme fs = PagingScheme.BARE;
        long fsPpn = 0;
        boolean supervisor = false;
        boolean sum = false;
        if (!translated) {
            if (!dc.pdtv()) {
                fs = PagingScheme.firstStage(dc.fscMode(), dc.sxl());
                fsPpn = dc.fscPpn();
            } else if ((r.pidValid() || dc.dpe()) && dc.fscMode() != DeviceContext.PDTP_BARE) {
                int pid = r.pidValid() ? r.processId() : 0; // step 11: DPE makes 0 the default process_id
                cause = pdt.locate(pid, dc.fscMode(), dc.fscPpn(), dc.sbe(), dc.sxl(), type, pc);
                if (cause != 0) { finishFault(out, cause, dtf, pdt.iotval2()); return; }
                if (r.supervisor() && !pc.ens()) { fail(out, Rule.SUPERVISOR_WITHOUT_ENS, Cause.TRANSACTION_TYPE_DISALLOWED, dtf, 0); return; }
                fs = PagingScheme.firstStage(pc.fscMode(), dc.sxl());
                fsPpn = pc.fscPpn();
                supervisor = r.supervisor();
                sum = pc.sum();
            }
        }
        // Step 17: first stage.
        final int want = ats ? Access.R | (r.noWrite() ? 0 : Access.W) | (exec ? Access.X : 0)
                : Access.permissionFor(type);
        firstStage.configure(fs, fsPpn, dc.sade(), dc.sbe(), dc.sxl());
        cause = firstStage.translate(r.iova(), type, want, !ats, supervisor, sum);
        if (cause != 0) {
            finishFault(out, cause, dtf, firstStage.iotval2());
            Rule rule = out.trace().rule();
            if (ats && (rule == Rule.PTE_U_USER || rule == Rule.PTE_U_SUPERVISOR)) out.markGlobalUnspecified();
            return;
        }
        long gpa = firstStage.address();
        int granted = firstStage.permissions();
        boolean global = r.pidValid() && firstStage.global();
        if (granted == 0) {
            // ATS only: the first stage completed but grants nothing: "If the translation could be
            // successfully completed but the requested permissions are not present ... a Success
            // response", whose Global is "the value determined from the first-stage page tables if
            // translation could be successfully completed and the request had a PASID". As in the
            // Privileged two-stage process, a VS-stage permission failure ends the translation before
            // the G stage translates the final GPA; the first stage's PBMT is the memory type known.
            // Whether an IOMMU goes on to the final GPA ("not present in either stage") is not said: where
            // going on would not complete (an MSI address, a G-stage fault), Global is left open.
            boolean open = global && g != PagingScheme.BARE && finalGpaWouldNotComplete(gpa, type, out);
            out.trace().decide(Rule.SUCCESS, -1, 0);
            out.success(gpa, 12, false, 0);
            out.attributes(global, firstStage.pbmt(), 0);
            if (open) out.markGlobalUnspecified();
            return;
        }
        // Step 18: MSI address translation.
        if (caps.msiFlat() && dc.msiptpMode() != DeviceContext.MSIPTP_OFF && MsiTranslation.isVirtualInterruptFile(gpa, dc)) {
            out.markMsiAddress();
            cause = msi.translate(gpa, dc, be, !ats && type == Access.EXEC);
            if (cause != 0) { finishFault(out, cause, dtf, 0); return; }
            out.trace().decide(msi.mrif() ? Rule.MSI_MRIF_SUCCESS : Rule.MSI_FLAT_SUCCESS, -1, 0);
            out.success(ats && dc.t2gpa() ? gpa : msi.address(), 12, false, granted & (Access.R | Access.W));
            out.msi(msi.mrif(), msi.mrifAddress(), msi.noticeAddress(), msi.noticeData());
            // The MSI PTE stands for the G-stage leaf ("equivalent to that of a regular RISC-V
            // second-stage PTE with R=W=U=1 and X=0") and has no PBMT field: the memory type is resolved
            // as for any two-stage translation, a first-stage PBMT other than PMA winning over PMA.
            // Global is 0 for "MSI address translations".
            out.attributes(false, firstStage.pbmt(), 0);
            return;
        }
        // Step 19: G stage.
        cause = gStage.translateGpa(gpa, type, granted, !ats, false, false);
        if (cause != 0) { finishFault(out, cause, dtf, gStage.iotval2()); return; }
        // Step 20.
        int shift = Math.min(firstStage.pageShift(), gStage.pageShift());
        boolean bareStage = fs == PagingScheme.BARE || g == PagingScheme.BARE;
        if (shift > 63) shift = options.bareRangeShift();
        out.trace().decide(Rule.SUCCESS, -1, 0);
        out.success(ats && dc.t2gpa() ? gpa : gStage.address(), shift, bareStage, gStage.permissions());
        out.attributes(global, firstStage.pbmt(), gStage.pbmt());
    }

    /**
     * Whether an IOMMU that went on past a first stage granting nothing would not complete the
     * translation: the GPA is an MSI address ("In all other cases, including MSI address translations,
     * this field is set to 0") or its G-stage walk faults. A what-if that asks for no permission, so it
     * makes no A/D update; its reads are dropped from the trace (no IOMMU need make them).
     */
    private boolean finalGpaWouldNotComplete(long gpa, int type, Outcome out) {
        if (caps.msiFlat() && dc.msiptpMode() != DeviceContext.MSIPTP_OFF && MsiTranslation.isVirtualInterruptFile(gpa, dc)) {
            return true;
        }
        int mark = out.trace().readCount();
        int cause = gStage.translateGpa(gpa, type, 0, false, false, false);
        out.trace().truncateReads(mark);
        return cause != 0;
    }

    /** A PCIe message once its device context is located: the control the message needs (class comment). */
    private void message(Request r, boolean dtf, Outcome out) {
        if (r.iova() == PcieMessage.PAGE_REQUEST) {
            // EN_PRI=1 implies EN_ATS=1 in a DC that passed DC_MISCONFIG (rule: EN_ATS=0 and EN_PRI=1).
            if (!dc.enPri()) { fail(out, Rule.MESSAGE_PRI_DISABLED, Cause.TRANSACTION_TYPE_DISALLOWED, dtf, 0); return; }
        } else if (!dc.enAts()) {
            fail(out, Rule.MESSAGE_ATS_DISABLED, Cause.TRANSACTION_TYPE_DISALLOWED, dtf, 0);
            return;
        }
        out.trace().decide(Rule.MESSAGE_ACCEPTED, -1, 0);
    }

    /**
     * The CXL.io bit of an ATS Success (IOMMU "PCIe ATS translation request handling", "the setting of the
     * Priv, N, CXL.io, Global, and AMA fields"):
     * <ul>
     * <li>"If requesting device is not a CXL device then CXL.io is set to 0."</li>
     * <li>For a CXL type 1 or type 2 device: "If the address is determined to be a MSI then the CXL.io bit
     *     is set to 1" (also when its MSI PTE then is not valid, cause 262: the address was determined);
     *     "Else if T2GPA is 1 in the device context then the CXL.io bit is set to 1"; "Else if the memory
     *     type, as determined by the Svpbmt extension, is NC or IO then the CXL.io bit is set to 1. If the
     *     memory type is PMA then the determination of the setting of this bit is UNSPECIFIED. If the
     *     Svpbmt extension is not supported then the setting of this bit is UNSPECIFIED"; "In all other
     *     cases the setting of this bit is UNSPECIFIED": a Success with R=W=0 after a fault has no memory
     *     type.</li>
     * </ul>
     * A Success always has a located device context, so {@code dc} is the request's.
     */
    private void cxlIo(Request r, Outcome out) {
        if (!r.cxl()) out.cxlIo(false, false);
        else if (out.msiAddressDetermined() || dc.t2gpa()) out.cxlIo(true, false);
        else if (out.cause() == 0 && caps.svpbmt() && out.pbmt() != 0) out.cxlIo(true, false);
        else out.cxlIo(false, true);
    }

    /**
     * The original access type: untranslated/translated exec, read or write; for ATS (model choice)
     * write unless no-write is set, else read-for-execute if execute is requested (with a PASID), else read.
     */
    private static int accessType(Request r, boolean exec) {
        int t = r.type();
        if (t == Ttyp.ATS_TRANSLATION) return !r.noWrite() ? Access.WRITE : exec ? Access.EXEC : Access.READ;
        return Ttyp.isExec(t) ? Access.EXEC : Ttyp.isWrite(t) ? Access.WRITE : Access.READ;
    }

    private static void fail(Outcome out, Rule rule, int cause, boolean dtf, long iotval2) {
        out.trace().decide(rule, -1, cause);
        finishFault(out, cause, dtf, iotval2);
    }

    /** Completion and reporting of a fault: abort or ATS completion, and the fault record unless suppressed. */
    private static void finishFault(Outcome out, int cause, boolean dtf, long iotval2) {
        Status status = out.request().isAts() ? AtsCompletion.statusFor(cause) : Status.ABORT;
        boolean record = status != Status.SUCCESS && (!dtf || Cause.reportedDespiteDtf(cause));
        out.fault(status, cause, record, Access.isGuestPageFault(cause) ? iotval2 : 0);
    }
}
