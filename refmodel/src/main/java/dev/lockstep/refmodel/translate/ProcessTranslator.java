package dev.lockstep.refmodel.translate;

import dev.lockstep.refmodel.TaggedEntries;
import dev.lockstep.refmodel.TranslationContext;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.ddt.DeviceContext;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.pagetable.Pte;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.trace.WalkTrace;

/**
 * The facade's translation port ({@link dev.lockstep.refmodel.Translator}) implemented by the full
 * translation process ({@link Translator}): runs it on {@code ctx.memory()} with ddtp and fctl from
 * {@code ctx.registers()}, maps the outcome, and turns the process's own walk trace into the facade's
 * {@link TaggedEntries} with the role and cache tag of every structure entry read
 * (spec "Caching in-memory data structures": DDT entries and DC by device_id; PDT entries and PC by
 * device_id and process_id; first-stage PTEs by GSCID (second stage not Bare), PSCID and IOVA; G-stage
 * and MSI PTEs by GSCID and GPA).
 *
 * <p>Outcome mapping: a completion other than Success is a fault carrying the full record (TTYP, DID,
 * PV, PID, PRIV, iotval, iotval2), {@code reported} false when DC.tc.DTF suppresses it; a Success
 * (including an ATS Success with R=W=0) maps the address, the permissions (R=1, W=2, X=4), the
 * resolved PBMT and the page size; an untranslated or translated request to an MRIF-mode MSI PTE maps
 * to an outcome carrying the MRIF destination ({@link TranslationOutcome.Mrif}), which the facade
 * records in the MRIF (or leaves to the IO bridge). A PCIe message request (TTYP 9, message code in
 * the request's iova) maps like any other request: a fault with its record, or a Success.
 *
 * <p>Tags the process's trace does not carry are rebuilt from it: the DC's iohgatp (GSCID, G-stage
 * mode), ta (PSCID) and tc (PDTV) from the DC words read; the PSCID of a process from the PC read; the
 * GPA a G-stage PTE was read for from the PTE indices of its walk (each index is the GPA's VPN field,
 * so the bits above the entry's region are exact); the GPA of an MSI PTE from the first-stage leaf.
 * A DC, PC and MSI PTE, read as several doublewords, are one entry of 32/64, 16 and 16 bytes.
 *
 * <p>One instance per model and thread: it reuses its request, outcome and trace, and allocates only
 * the returned record (and the fault record of a fault).
 */
public final class ProcessTranslator implements dev.lockstep.refmodel.Translator {

    /** Memory used before the first translation supplies ctx.memory(). */
    private static final PhysicalMemory NO_MEMORY = new PhysicalMemory() {
        @Override public int status(long pa) { throw new IllegalStateException("no memory: translate() supplies it"); }
        @Override public long load64(long pa) { throw new IllegalStateException("no memory: translate() supplies it"); }
        @Override public void store64(long pa, long value) { throw new IllegalStateException("no memory: translate() supplies it"); }
    };

    private final IommuConfig config;
    private final Translator translator;
    private final int dcBytes;

    private TranslationRequest lastIn;
    private Request lastRequest;

    public ProcessTranslator(IommuConfig config) {
        this(config, TranslatorOptions.from(config));
    }

    public ProcessTranslator(IommuConfig config, TranslatorOptions options) {
        this.config = config;
        this.translator = new Translator(config.capabilities(), NO_MEMORY, options);
        this.dcBytes = config.capabilities().extendedDeviceContext() ? 64 : 32;
    }

    /** The translation process this adapter runs (its last Outcome explains the last translation). */
    public Translator translator() { return translator; }

    @Override
    public TranslationOutcome translate(TranslationRequest request, TranslationContext ctx,
                                        TaggedEntries trace) {
        Request r = request(request);
        RegisterFile regs = ctx.registers();
        translator.memory(ctx.memory());
        Outcome o = translator.translate(r, regs.ddtp(), regs.fctl());
        record(o.trace(), r, (regs.fctl() & IommuConfig.FCTL_GXL) != 0, trace);
        return outcome(o);
    }

    /** The process's request for a port request (reused while the caller re-runs the same request). */
    private Request request(TranslationRequest q) {
        if (q == lastIn) return lastRequest;
        boolean pv = q.pv();
        Request r = new Request(q.deviceId(), pv, pv ? q.processId() : 0, q.iova(), q.ttyp(), pv && q.priv(),
                q.noWrite(), q.execRequested(), q.cxl());
        lastIn = q;
        lastRequest = r;
        return r;
    }

    /** Maps the process's outcome to the facade's. */
    static TranslationOutcome outcome(Outcome o) {
        if (o.status() != Status.SUCCESS) {
            FaultRecord rec = new FaultRecord(o.cause(), o.ttyp(), o.deviceId(), o.pv(), o.processId(), o.priv(),
                    o.iotval(), o.iotval2());
            return TranslationOutcome.fault(rec, o.recordFault());
        }
        // Access.R/W/X sit at PTE bit positions 1..3; the facade's R/W/X are bits 0..2.
        int ats = 0;
        if (o.ttyp() == Ttyp.ATS_TRANSLATION) {
            ats = (o.untranslatedOnly() ? TranslationOutcome.ATS_U : 0) | (o.global() ? TranslationOutcome.ATS_G : 0)
                    | (o.atsPriv() ? TranslationOutcome.ATS_PRIV : 0)
                    | (o.sizeImplementationDefined() ? TranslationOutcome.ATS_SIZE_IMPLEMENTATION_DEFINED : 0)
                    | (o.globalUnspecified() ? TranslationOutcome.ATS_G_UNSPECIFIED : 0)
                    | (o.cxlIo() ? TranslationOutcome.ATS_CXL_IO : 0)
                    | (o.cxlIoUnspecified() ? TranslationOutcome.ATS_CXL_IO_UNSPECIFIED : 0);
        }
        if (o.mrif() && o.ttyp() != Ttyp.ATS_TRANSLATION) {
            return TranslationOutcome.mrif(o.permissions() >>> 1,
                    new TranslationOutcome.Mrif(o.mrifAddress(), o.noticeAddress(), o.noticeData(), o.dtf()));
        }
        return TranslationOutcome.success(o.address(), o.permissions() >>> 1, o.pbmt(), o.pageShift(), ats);
    }

    /**
     * Records every structure entry the process read into {@code out}, in order, with its role and
     * cache tag, and the translation's GSCID/PSCID.
     */
    private void record(WalkTrace t, Request r, boolean gxl, TaggedEntries out) {
        final int did = r.deviceId();
        final int pid = r.pidValid() ? r.processId() : 0; // DPE: process_id 0
        final long iova = r.iova();
        long dcTc = 0, dcFsc = 0, pcFsc = 0;
        boolean dcRead = false, pcRead = false;
        boolean gv = false;
        int gscid = 0, pscid = 0, gRootLevel = -1;
        long gpa = 0;                 // GPA of the current G-stage walk, rebuilt from its indices
        boolean s1Global = false;
        long s1Leaf = 0;
        int s1LeafLevel = -1, s1LeafSize = 8;
        long dcBase = 0, pcBase = 0;
        int prevRole = -1;
        long prevPa = 0;
        for (int i = 0, n = t.readCount(); i < n; i++) {
            final int role = t.readRole(i);
            final long pa = t.readAddress(i);
            final long v = t.readValue(i);
            final int level = t.readLevel(i);
            final int size = t.readSize(i);
            final boolean continued = role == prevRole && pa == prevPa + 8;
            prevRole = role;
            prevPa = pa;
            switch (role) {
                case Role.DDT_NONLEAF:
                    out.read(pa, 8, TaggedEntries.DDTE, did, 0, 0, 0, 0, 0);
                    break;
                case Role.DC: {
                    if (!continued) {
                        dcBase = pa;
                        dcRead = true;
                        out.read(pa, dcBytes, TaggedEntries.DC, did, 0, 0, 0, 0, 0);
                    }
                    switch ((int) ((pa - dcBase) >>> 3)) {
                        case DeviceContext.TC: dcTc = v; break;
                        case DeviceContext.IOHGATP:
                            gv = (v >>> 60) != 0;
                            gscid = (int) ((v >>> 44) & 0xffff);
                            PagingScheme g = PagingScheme.gStage((int) (v >>> 60), gxl);
                            gRootLevel = g == null ? -1 : g.levels - 1;
                            break;
                        case DeviceContext.TA: pscid = (int) ((v >>> 12) & 0xfffff); break;
                        case DeviceContext.FSC: dcFsc = v; break;
                        default: break;
                    }
                    break;
                }
                case Role.PDT_NONLEAF:
                    out.read(pa, 8, TaggedEntries.PDTE, did, pid, 0, 0, 0, 0);
                    break;
                case Role.PC:
                    if (!continued) {
                        pcBase = pa;
                        pcRead = true;
                        pscid = (int) ((v >>> 12) & 0xfffff);
                        out.read(pa, 16, TaggedEntries.PC, did, pid, 0, 0, 0, 0);
                    } else if (pa == pcBase + 8) {
                        pcFsc = v;
                    }
                    break;
                case Role.FIRST_STAGE_PTE: {
                    boolean leaf = Pte.isLeaf(v);
                    s1Global |= (v & Pte.G) != 0;
                    int region = regionLog2(v, level, size, leaf);
                    if (leaf) {
                        s1Leaf = v;
                        s1LeafLevel = level;
                        s1LeafSize = size;
                    }
                    int flags = (leaf ? TaggedEntries.LEAF : 0)
                            | (s1Global ? TaggedEntries.GLOBAL : 0)
                            | (gv ? TaggedEntries.GV : 0)
                            | TaggedEntries.region(region);
                    out.read(pa, size, TaggedEntries.S1_PTE, did, pid, gv ? gscid : 0, pscid, iova, flags);
                    break;
                }
                case Role.G_STAGE_PTE: {
                    int bits = size == 4 ? 10 : 9;
                    long vpn;
                    if (level == gRootLevel) {
                        gpa = 0;
                        vpn = (pa & 0x3fff) / size;   // the x4 root table is 16 KiB (aligned, DC_MISCONFIG rule 17)
                    } else {
                        vpn = (pa & 0xfff) / size;
                    }
                    int shift = 12 + level * bits;
                    gpa |= vpn << shift;
                    gpa &= -(1L << shift);           // bits below this level belong to the entries below it
                    boolean leaf = Pte.isLeaf(v);
                    int flags = (leaf ? TaggedEntries.LEAF : 0)
                            | TaggedEntries.region(regionLog2(v, level, size, leaf));
                    out.read(pa, size, TaggedEntries.G_PTE, did, pid, gscid, 0, gpa, flags);
                    break;
                }
                case Role.MSI_PTE:
                    if (!continued) {
                        long msiGpa = s1LeafLevel < 0 ? iova : firstStageAddress(s1Leaf, s1LeafLevel, s1LeafSize, iova);
                        out.read(pa, 16, TaggedEntries.MSI_PTE, did, pid, gscid, 0,
                                msiGpa & ~0xfffL, TaggedEntries.region(12));
                    }
                    break;
                default:
                    break; // MRIF words: data, not a cached structure
            }
        }
        if (dcRead && (dcTc & 1) != 0) {
            boolean pdtv = (dcTc & (1 << 5)) != 0;
            boolean s1 = pdtv ? pcRead && (pcFsc >>> 60) != 0 : (dcFsc >>> 60) != 0;
            out.contextIds(gv, gv ? gscid : 0, s1, s1 ? pscid : 0);
        }
    }

    /** log2 of the region a PTE maps: 2^(12 + level x bits), 64 KiB for an Svnapot leaf. */
    private static int regionLog2(long pte, int level, int size, boolean leaf) {
        if (leaf && size == 8 && (pte & Pte.N) != 0) return 16;
        return 12 + level * (size == 4 ? 10 : 9);
    }

    /** The first stage's output address for {@code iova} through the leaf PTE {@code pte} at {@code level}. */
    private static long firstStageAddress(long pte, int level, int size, long iova) {
        int shift = regionLog2(pte, level, size, true);
        long ppn = Pte.ppn(pte, size == 4 ? PagingScheme.SV32 : PagingScheme.SV39);
        long mask = (1L << shift) - 1;
        return ((ppn << 12) & ~mask) | (iova & mask);
    }
}
