package dev.lockstep.refmodel.hpm;

import static dev.lockstep.refmodel.regs.RegisterFile.*;

import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.TaggedEntries;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.interrupt.InterruptController;
import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * The hardware performance monitor (spec: Registers, iohpmcycles, iohpmctr1-31, iohpmevt1-31,
 * iocountinh, "Standard Events list"). Counts the events of each translation into every counter whose
 * selector matches, with the ID filters (IDT, DV_GSCV with DMASK, PV_PSCV), honours iocountinh, and on
 * an unsigned wrap sets OF and, if OF was 0, ipsr.pmip.
 *
 * <p>Events 4-8 (TLB miss, DDT/PDT/first-/second-stage walks) depend on what the IOMMU caches; this
 * model has no cache, so every translation that walks counts as a miss and a walk. The checker must
 * not compare those counters exactly ({@link dev.lockstep.refmodel.regs.RegisterMasks} ignores them).
 * iohpmcycles counts only when {@link #advanceCycles(long)} is called (the model has no clock).
 *
 * <p>PV_PSCV=1 with IDT=0 and a transaction without a process_id: the spec's table reads "if the
 * transaction has a valid process_id, counter increments if ..."; this model does not count such a
 * transaction (as the C reference model does).
 */
public final class PerformanceMonitor {

    public static final int EV_UNTRANSLATED = 1;
    public static final int EV_TRANSLATED = 2;
    public static final int EV_ATS = 3;
    public static final int EV_TLB_MISS = 4;
    public static final int EV_DDT_WALK = 5;
    public static final int EV_PDT_WALK = 6;
    public static final int EV_S1_WALK = 7;
    public static final int EV_G_WALK = 8;

    private final RegisterFile regs;
    private final InterruptController interrupts;

    public PerformanceMonitor(RegisterFile regs, InterruptController interrupts) {
        this.regs = regs;
        this.interrupts = interrupts;
    }

    /** Counts the events of one translation (the debug interface counts as Untranslated). */
    public void countTranslation(TranslationRequest req, TaggedEntries trace) {
        if (!regs.capabilities().hpm()) return;
        int type = Ttyp.isUntranslated(req.ttyp()) ? EV_UNTRANSLATED
                : Ttyp.isTranslated(req.ttyp()) ? EV_TRANSLATED : req.ttyp() == Ttyp.ATS_TRANSLATION ? EV_ATS : 0;
        if (type != 0) event(type, req, trace);
        boolean s1 = trace.hasRole(TaggedEntries.S1_PTE);
        boolean g = trace.hasRole(TaggedEntries.G_PTE);
        if (s1 || g) event(EV_TLB_MISS, req, trace);
        if (trace.hasRole(TaggedEntries.DC) || trace.hasRole(TaggedEntries.DDTE)) event(EV_DDT_WALK, req, trace);
        if (trace.hasRole(TaggedEntries.PC) || trace.hasRole(TaggedEntries.PDTE)) event(EV_PDT_WALK, req, trace);
        if (s1) event(EV_S1_WALK, req, trace);
        if (g) event(EV_G_WALK, req, trace);
    }

    /** Counts one occurrence of {@code eventId} for a transaction. */
    public void event(int eventId, TranslationRequest req, TaggedEntries trace) {
        int n = regs.config().hpmCounters();
        for (int x = 1; x <= n; x++) {
            long evt = regs.iohpmevt(x);
            if ((evt & HPMEVT_EVENT_MASK) != eventId) continue;
            if ((regs.iocountinh() & (1 << x)) != 0) continue;
            if (!matches(evt, eventId, req, trace)) continue;
            increment(x);
        }
    }

    static boolean matches(long evt, int eventId, TranslationRequest req, TaggedEntries trace) {
        boolean idt = (evt & HPMEVT_IDT) != 0;
        boolean dv = (evt & HPMEVT_DV_GSCV) != 0;
        boolean pv = (evt & HPMEVT_PV_PSCV) != 0;
        long didGscid = (evt & HPMEVT_DID_GSCID_MASK) >>> 36;
        long pidPscid = (evt & HPMEVT_PID_PSCID_MASK) >>> 16;
        long dmask = 0;
        if ((evt & HPMEVT_DMASK) != 0) {
            int zero = Long.numberOfTrailingZeros(~didGscid);
            dmask = zero >= 63 ? -1L : (1L << (zero + 1)) - 1;
        }
        if (idt) {
            // spec: IDT=1 is supported by events 4 (TLB miss), 7 and 8 (page-table walks) only.
            if (eventId != EV_TLB_MISS && eventId != EV_S1_WALK && eventId != EV_G_WALK) return false;
            if (dv && !(trace.gscidValid() && ((trace.gscid() ^ didGscid) & ~dmask) == 0)) return false;
            if (pv && !(trace.pscidValid() && trace.pscid() == pidPscid)) return false;
        } else {
            if (dv && ((req.deviceId() ^ didGscid) & ~dmask & 0xffffffL) != 0) return false;
            if (pv && !(req.pv() && req.processId() == pidPscid)) return false;
        }
        return true;
    }

    private void increment(int x) {
        long mask = regs.counterMask();
        long next = (regs.iohpmctr(x) + 1) & mask;
        regs.hwSetIohpmctr(x, next);
        if (next == 0 && (regs.iohpmevt(x) & HPMEVT_OF) == 0) {
            regs.hwSetIohpmevtOf(x);
            interrupts.counterOverflowed();
        }
    }

    /** Advances iohpmcycles by {@code cycles} unless inhibited (the engine's clock, if it wants one). */
    public void advanceCycles(long cycles) {
        if (!regs.capabilities().hpm() || (regs.iocountinh() & 1) != 0 || cycles <= 0) return;
        long mask = regs.cyclesCounterMask();
        long v = regs.iohpmcycles();
        long counter = v & mask;
        long sum = counter + cycles;
        boolean overflow = sum > mask || sum < counter;
        long of = v & HPMEVT_OF;
        regs.hwSetIohpmcycles((overflow ? HPMEVT_OF : of) | (sum & mask));
        if (overflow && of == 0) interrupts.counterOverflowed();
    }
}
