package dev.lockstep.refmodel.testsupport;

import dev.lockstep.refmodel.TranslationContext;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.Translator;
import dev.lockstep.refmodel.TaggedEntries;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.IommuMode;

/**
 * A deliberately small stand-in for the translation process, for the software-side tests only:
 * Off/Bare, 1/2/3-level DDT with base or extended DCs, single-stage Sv39/Sv48 (iohgatp Bare, PDTV=0),
 * no A/D updates (A=0, or D=0 on a write, is a page fault). Anything else throws.
 */
public final class SimpleTranslator implements Translator {

    private static final long PPN44 = (1L << 44) - 1;

    @Override
    public TranslationOutcome translate(TranslationRequest r, TranslationContext ctx, TaggedEntries trace) {
        PhysicalMemory mem = ctx.memory();
        IommuMode mode = ctx.registers().mode();
        if (mode == IommuMode.OFF) return fault(r, Cause.ALL_INBOUND_DISALLOWED, true);
        if (mode == IommuMode.BARE) {
            if (!Ttyp.isUntranslated(r.ttyp())) return fault(r, Cause.TRANSACTION_TYPE_DISALLOWED, true);
            return TranslationOutcome.success(r.iova(), 7, 0, 12);
        }
        boolean ext = ctx.registers().capabilities().extendedDeviceContext();
        int did = r.deviceId();
        int levels = mode.levels();
        int[] widths = ext ? new int[] {6, 15, 24} : new int[] {7, 16, 24};
        if (did >>> widths[levels - 1] != 0) return fault(r, Cause.TRANSACTION_TYPE_DISALLOWED, true);
        int[] ddi = ext ? new int[] {did & 0x3f, (did >>> 6) & 0x1ff, did >>> 15}
                : new int[] {did & 0x7f, (did >>> 7) & 0x1ff, did >>> 16};
        long a = ((ctx.registers().ddtp() >>> 10) & PPN44) << 12;
        for (int lvl = levels - 1; lvl >= 1; lvl--) {
            long pa = a + ddi[lvl] * 8L;
            if (mem.status(pa) != PhysicalMemory.OK) return fault(r, Cause.DDT_LOAD_ACCESS_FAULT, true);
            long ddte = mem.load64(pa);
            trace.read(pa, 8, TaggedEntries.DDTE, did, 0, 0, 0, 0, 0);
            if ((ddte & 1) == 0) return fault(r, Cause.DDT_ENTRY_NOT_VALID, true);
            a = ((ddte >>> 10) & PPN44) << 12;
        }
        int dcBytes = ext ? 64 : 32;
        long dc = a + (long) ddi[0] * dcBytes;
        if (mem.status(dc) != PhysicalMemory.OK) return fault(r, Cause.DDT_LOAD_ACCESS_FAULT, true);
        long tc = mem.load64(dc);
        long iohgatp = mem.load64(dc + 8);
        long ta = mem.load64(dc + 16);
        long fsc = mem.load64(dc + 24);
        trace.read(dc, dcBytes, TaggedEntries.DC, did, 0, 0, 0, 0, 0);
        if ((tc & 1) == 0) return fault(r, Cause.DDT_ENTRY_NOT_VALID, true);
        boolean dtf = (tc & (1 << 4)) != 0;
        if ((iohgatp >>> 60) != 0 || (tc & (1 << 5)) != 0) {
            throw new UnsupportedOperationException("SimpleTranslator: second stage and PDT are not modelled");
        }
        if (!Ttyp.isUntranslated(r.ttyp()) && (tc & 2) == 0) return fault(r, Cause.TRANSACTION_TYPE_DISALLOWED, !dtf);
        if (r.pv()) return fault(r, Cause.TRANSACTION_TYPE_DISALLOWED, !dtf);
        int satpMode = (int) (fsc >>> 60);
        int pscid = (int) ((ta >>> 12) & 0xfffff);
        if (satpMode == 0) return TranslationOutcome.success(r.iova(), 7, 0, 12);
        trace.contextIds(false, 0, true, pscid);
        int ptLevels = satpMode == 8 ? 3 : satpMode == 9 ? 4 : 0;
        if (ptLevels == 0) throw new UnsupportedOperationException("SimpleTranslator: iosatp mode " + satpMode);
        int vaBits = 12 + 9 * ptLevels;
        long iova = r.iova();
        if ((iova >> (vaBits - 1)) != 0 && (iova >> (vaBits - 1)) != -1) return pageFault(r, dtf);
        a = (fsc & PPN44) << 12;
        boolean global = false;
        for (int lvl = ptLevels - 1; lvl >= 0; lvl--) {
            long pa = a + ((iova >>> (12 + 9 * lvl)) & 0x1ff) * 8;
            if (mem.status(pa) != PhysicalMemory.OK) return fault(r, Cause.READ_ACCESS_FAULT, !dtf);
            long pte = mem.load64(pa);
            boolean leaf = (pte & 0xa) != 0;
            global |= (pte & 0x20) != 0;
            trace.read(pa, 8, TaggedEntries.S1_PTE, did, 0, 0, pscid, iova,
                    (leaf ? TaggedEntries.LEAF : 0) | (global ? TaggedEntries.GLOBAL : 0) | TaggedEntries.region(12 + 9 * lvl));
            if ((pte & 1) == 0 || (pte & 6) == 4) return pageFault(r, dtf);
            long ppn = (pte >>> 10) & PPN44;
            if (!leaf) {
                a = ppn << 12;
                continue;
            }
            boolean ok = r.isExec() ? (pte & 8) != 0 : r.isWrite() ? (pte & 4) != 0 : (pte & 2) != 0;
            ok &= r.priv() || (pte & 0x10) != 0;
            ok &= (pte & 0x40) != 0 && (!r.isWrite() || (pte & 0x80) != 0);
            long low = (1L << (9 * lvl)) - 1;
            ok &= (ppn & low) == 0;
            if (!ok) return pageFault(r, dtf);
            int shift = 12 + 9 * lvl;
            long out = (ppn << 12) | (iova & ((1L << shift) - 1));
            return TranslationOutcome.success(out, (int) ((pte >>> 1) & 7), (int) ((pte >>> 61) & 3), shift);
        }
        return pageFault(r, dtf);
    }

    private static TranslationOutcome pageFault(TranslationRequest r, boolean dtf) {
        int cause = r.isExec() ? Cause.INSTRUCTION_PAGE_FAULT : r.isWrite() ? Cause.WRITE_PAGE_FAULT : Cause.READ_PAGE_FAULT;
        return fault(r, cause, !dtf);
    }

    private static TranslationOutcome fault(TranslationRequest r, int cause, boolean report) {
        return TranslationOutcome.fault(new FaultRecord(cause, r.ttyp(), r.deviceId(), r.pv(), r.pv() ? r.processId() : 0,
                r.pv() && r.priv(), r.iova(), 0), report || Cause.reportedDespiteDtf(cause));
    }
}
