package dev.lockstep.refmodel.translate;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.pagetable.Access;
import dev.lockstep.refmodel.trace.WalkTrace;

/**
 * What the IOMMU makes observable for one request: the completion, the fault record to write (if
 * any), the A/D writes made, and the walk trace that explains it.
 *
 * <p>A {@link Translator} fills an Outcome in place; the one returned by
 * {@link Translator#translate(Request, long, int)} is reused by the next call, so keep a
 * {@link #copy()} (or pass your own Outcome) to hold on to it.
 *
 * <p>Fields the spec leaves open, which a checker must mask or accept a range for:
 * <ul>
 * <li>{@link #pageShift()}: an IOMMU may report a smaller size than the superpage (tr_response,
 *     ATS); with a Bare stage ({@link #sizeImplementationDefined()}) the size is
 *     implementation-defined (here: the other stage's size, or {@link TranslatorOptions#bareRangeShift()});</li>
 * <li>{@link #iotval()}/{@link #iotval2()}: the page offset may be reported as 0;</li>
 * <li>{@link #pbmt()}: the merge of the two stages' PBMT is "resolved" by the IOMMU; this model uses
 *     the first-stage PBMT unless it is PMA, then the G-stage PBMT; both inputs are exposed;</li>
 * <li>the ATS translated address is UNSPECIFIED in a Success completion with R=W=0;</li>
 * <li>ATS CXL.io where {@link #cxlIoUnspecified()}, and ATS G where {@link #globalUnspecified()};</li>
 * <li>which of several simultaneous address-width faults is reported (see PageTableWalker).</li>
 * </ul>
 */
public final class Outcome {

    private final WalkTrace trace = new WalkTrace();

    private Request request;
    private Status status;
    private int cause;
    private boolean recordFault;
    private long iotval2;

    private long address;
    private int pageShift;
    private boolean sizeImplementationDefined;
    private int permissions;
    private boolean untranslatedOnly;
    private boolean global;
    private boolean globalUnspecified;
    private boolean cxlIo;
    private boolean cxlIoUnspecified;
    private boolean msiAddress;
    private int pbmt;
    private int firstStagePbmt;
    private int gStagePbmt;
    private boolean msi;
    private boolean mrif;
    private long mrifAddress;
    private long noticeAddress;
    private int noticeData;
    private boolean dcFound;
    private boolean dtf;
    private boolean prpr;

    void reset(Request r) {
        trace.clear();
        request = r;
        status = Status.SUCCESS;
        cause = 0;
        recordFault = false;
        iotval2 = 0;
        address = 0;
        pageShift = 12;
        sizeImplementationDefined = false;
        permissions = 0;
        untranslatedOnly = false;
        global = false;
        globalUnspecified = false;
        cxlIo = false;
        cxlIoUnspecified = false;
        msiAddress = false;
        pbmt = 0;
        firstStagePbmt = 0;
        gStagePbmt = 0;
        msi = false;
        mrif = false;
        mrifAddress = 0;
        noticeAddress = 0;
        noticeData = 0;
        dcFound = false;
        dtf = false;
        prpr = false;
    }

    /** A valid device context was located: its tc.DTF and tc.PRPR. */
    void deviceContext(boolean dtf, boolean prpr) {
        this.dcFound = true;
        this.dtf = dtf;
        this.prpr = prpr;
    }

    void fault(Status status, int cause, boolean recordFault, long iotval2) {
        this.status = status;
        this.cause = cause;
        this.recordFault = recordFault;
        this.iotval2 = iotval2;
        this.permissions = 0;
    }

    void success(long address, int pageShift, boolean sizeImplementationDefined, int permissions) {
        this.address = address;
        this.pageShift = pageShift;
        this.sizeImplementationDefined = sizeImplementationDefined;
        this.permissions = permissions;
    }

    void attributes(boolean global, int firstStagePbmt, int gStagePbmt) {
        this.global = global;
        this.firstStagePbmt = firstStagePbmt;
        this.gStagePbmt = gStagePbmt;
        this.pbmt = firstStagePbmt != 0 ? firstStagePbmt : gStagePbmt;
    }

    /** ATS: Global is open (a first-stage U/SUM denial). */
    void markGlobalUnspecified() { this.globalUnspecified = true; }

    /** ATS: the completion's CXL.io, or that the spec leaves it UNSPECIFIED. */
    void cxlIo(boolean set, boolean unspecified) {
        this.cxlIo = set && !unspecified;
        this.cxlIoUnspecified = unspecified;
    }

    /** The GPA was determined to be the address of a virtual interrupt file (MSI_ID), translated or not. */
    void markMsiAddress() { this.msiAddress = true; }

    void msi(boolean mrif, long mrifAddress, long noticeAddress, int noticeData) {
        this.msi = true;
        this.mrif = mrif;
        this.untranslatedOnly = mrif;
        this.mrifAddress = mrifAddress;
        this.noticeAddress = noticeAddress;
        this.noticeData = noticeData;
    }

    /** The request this outcome answers. */
    public Request request() { return request; }
    public Status status() { return status; }
    public boolean isSuccess() { return status == Status.SUCCESS; }
    /** The fault cause; 0 when none. An ATS Success with R=W=0 keeps the cause that produced it. */
    public int cause() { return cause; }
    /** Whether a fault record is to be queued (not for ATS Success; not when DC.tc.DTF=1 suppresses the cause). */
    public boolean recordFault() { return recordFault; }

    /** The translated address: SPA, or for an ATS request with T2GPA the GPA; the MRIF address in MRIF mode. */
    public long address() { return address; }
    /** log2 of the size of the translation's range (12 for 4 KiB). */
    public int pageShift() { return pageShift; }
    /** Whether the size came from a Bare stage (implementation-defined, IOMMU ATS_FAULTS note). */
    public boolean sizeImplementationDefined() { return sizeImplementationDefined; }
    /** Granted permissions as {@link Access#R}/{@link Access#W}/{@link Access#X} bits (ATS: the completion's R/W/Exe). */
    public int permissions() { return permissions; }
    public boolean r() { return (permissions & Access.R) != 0; }
    public boolean w() { return (permissions & Access.W) != 0; }
    public boolean x() { return (permissions & Access.X) != 0; }
    /** ATS completion U ("Untranslated access only"): set for an MRIF-mode MSI page. */
    public boolean untranslatedOnly() { return untranslatedOnly; }
    /**
     * ATS completion Global: the first stage's G when the translation completed (also when it completed
     * but granted no permission) and the request had a PASID; 0 after a fault and for MSI ("Global field
     * is set to the value determined from the first-stage page tables if translation could be
     * successfully completed and the request had a PASID present. In all other cases, including MSI
     * address translations, this field is set to 0").
     */
    public boolean global() { return global; }
    /**
     * Whether ATS Global is open: a Success with R=W=0 from the first stage's U-bit rules (a user request
     * to a U=0 page, a supervisor request to a U=1 page without SUM), which the spec describes apart from
     * both "could not be completed" and "successfully completed but the requested permissions are not
     * present", so an IOMMU may report the first stage's G or 0. Also open when the first stage granted
     * nothing and an IOMMU that went on to the final GPA would not complete (an MSI address, a G-stage
     * fault): the spec does not say whether it goes on.
     */
    public boolean globalUnspecified() { return globalUnspecified; }
    /** ATS completion CXL.io (see {@link Translator}); meaningless where {@link #cxlIoUnspecified()}. */
    public boolean cxlIo() { return cxlIo; }
    /** Whether the spec leaves ATS CXL.io UNSPECIFIED for this completion (both values are legal). */
    public boolean cxlIoUnspecified() { return cxlIoUnspecified; }
    /** Whether the address was determined to be an MSI address (also when its MSI PTE then faulted). */
    public boolean msiAddressDetermined() { return msiAddress; }
    /**
     * ATS completion Priv: in every Success completion (those with R=W=0 included), the request's
     * "Privilege Mode Requested" when it had a PASID, else 0 (spec: "PCIe ATS translation request
     * handling", "the setting of the Priv, N, CXL.io, Global, and AMA fields").
     */
    public boolean atsPriv() {
        return status == Status.SUCCESS && request.isAts() && request.pidValid() && request.supervisor();
    }
    /** ATS completion N: always 0. */
    public boolean noSnoop() { return false; }
    /** ATS completion AMA: 000b. */
    public int ama() { return 0; }
    /** Resolved PBMT (0 PMA, 1 NC, 2 IO). */
    public int pbmt() { return pbmt; }
    public int firstStagePbmt() { return firstStagePbmt; }
    public int gStagePbmt() { return gStagePbmt; }
    /** Whether the address was translated by the MSI page table. */
    public boolean msi() { return msi; }
    public boolean mrif() { return mrif; }
    public long mrifAddress() { return mrifAddress; }
    public long noticeAddress() { return noticeAddress; }
    /** Notice MSI data (NID, zero-extended). */
    public int noticeData() { return noticeData; }
    /** Whether a valid device context was located (its DTF and PRPR below are meaningful). */
    public boolean deviceContextFound() { return dcFound; }
    /** DC.tc.DTF of the device context located; false when none was (spec: DTF is then taken as 0). */
    public boolean dtf() { return dtf; }
    /** DC.tc.PRPR of the device context located; false when none was (spec ATS_PRI: PRPR is then taken as 0). */
    public boolean prpr() { return prpr; }

    /** ATS completion: the S bit (range larger than 4 KiB). */
    public boolean atsS() { return pageShift > 12; }

    /**
     * ATS completion / tr_response address: the range's base with the size encoded in the low PPN
     * bits when S=1 (the first 0 bit at PPN position X gives 2^(X+1) x 4 KiB; e.g. 64 KiB: PPN ends
     * 0111b).
     */
    public long atsTranslatedAddress() {
        if (pageShift <= 12) return address & ~0xfffL;
        long base = address & ~((1L << pageShift) - 1);
        return base | (((1L << (pageShift - 1)) - 1) & ~0xfffL);
    }

    // Fault record fields (IOMMU "Fault/Event-Queue")
    public int ttyp() { return request.type(); }
    public int deviceId() { return request.deviceId(); }
    public boolean pv() { return request.pidValid(); }
    public int processId() { return request.pidValid() ? request.processId() : 0; }
    public boolean priv() { return request.pidValid() && request.supervisor(); }
    /** iotval: the IOVA (the page offset may legally be reported as 0); for TTYP 9 the PCIe message code. */
    public long iotval() { return request.iova(); }
    /** iotval2: for guest-page faults GPA[63:2] with bit 0 = implicit access, bit 1 = implicit write; else 0. */
    public long iotval2() { return iotval2; }

    /** The fault record to queue, or null when none is to be written. Allocates. */
    public FaultRecord faultRecord() {
        if (!recordFault) return null;
        return new FaultRecord(cause, ttyp(), deviceId(), pv(), processId(), priv(), iotval(), iotval2);
    }

    /** The walk trace: memory reads, A/D writes, and the deciding rule. */
    public WalkTrace trace() { return trace; }

    /** Number of A/D updates written to memory (see {@link #trace()} for addresses and values). */
    public int adWriteCount() { return trace.writeCount(); }

    /** A copy that later translations do not change. */
    public Outcome copy() {
        Outcome o = new Outcome();
        o.copyFrom(this);
        return o;
    }

    public void copyFrom(Outcome s) {
        trace.copyFrom(s.trace);
        request = s.request; status = s.status; cause = s.cause; recordFault = s.recordFault; iotval2 = s.iotval2;
        address = s.address; pageShift = s.pageShift; sizeImplementationDefined = s.sizeImplementationDefined;
        permissions = s.permissions; untranslatedOnly = s.untranslatedOnly; global = s.global;
        globalUnspecified = s.globalUnspecified; cxlIo = s.cxlIo; cxlIoUnspecified = s.cxlIoUnspecified;
        msiAddress = s.msiAddress;
        pbmt = s.pbmt; firstStagePbmt = s.firstStagePbmt; gStagePbmt = s.gStagePbmt; msi = s.msi; mrif = s.mrif;
        mrifAddress = s.mrifAddress; noticeAddress = s.noticeAddress; noticeData = s.noticeData;
        dcFound = s.dcFound; dtf = s.dtf; prpr = s.prpr;
    }

    /** A human-readable explanation: the result, then the walk. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(Ttyp.name(request.type())).append(" did=0x").append(Integer.toHexString(request.deviceId()));
        if (request.pidValid()) sb.append(" pid=0x").append(Integer.toHexString(request.processId())).append(request.supervisor() ? " S" : " U");
        sb.append(request.isMessage() ? " message code=0x" : " iova=0x").append(Long.toHexString(request.iova())).append(": ").append(status);
        if (cause != 0) sb.append(" cause ").append(cause).append(" (").append(Cause.name(cause)).append(')').append(recordFault ? " recorded" : " not recorded");
        if (status == Status.SUCCESS) {
            sb.append(String.format(" pa=0x%x size=2^%d%s perms=%s%s%s pbmt=%d", address, pageShift,
                    sizeImplementationDefined ? "(impl-defined)" : "", r() ? "R" : "-", w() ? "W" : "-", x() ? "X" : "-", pbmt));
            if (msi) sb.append(mrif ? String.format(" MRIF=0x%x notice=0x%x nid=%d", mrifAddress, noticeAddress, noticeData) : " MSI");
            if (request.isAts()) {
                sb.append(global ? " G" : "").append(globalUnspecified ? " G=any" : "")
                        .append(cxlIoUnspecified ? " CXL.io=any" : cxlIo ? " CXL.io=1" : "");
            }
        }
        if (iotval2 != 0) sb.append(String.format(" iotval2=0x%x", iotval2));
        sb.append('\n').append(trace);
        return sb.toString();
    }
}
