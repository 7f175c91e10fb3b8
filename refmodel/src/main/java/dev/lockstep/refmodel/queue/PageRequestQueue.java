package dev.lockstep.refmodel.queue;

import static dev.lockstep.refmodel.regs.RegisterFile.*;

import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.effect.ImplicitMemory;
import dev.lockstep.refmodel.interrupt.InterruptController;
import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * The page-request queue and the IOMMU's automatic responses (spec: "Page-Request-Queue", and the
 * ATS/PRI chapter). A "Page Request" is queued as a 16-byte record when its device context allows
 * PRI and the queue can take it. Otherwise messages that need no response (L=0) and Stop Markers are
 * dropped silently, and an L=1 request gets an IOMMU-generated "Page Request Group Response":
 * Response Failure (0xF) for mode Off, DDT errors, a queue that is off, or pqmf; Invalid Request (0x1)
 * for mode Bare, EN_PRI=0 or a device_id too wide; Success (0x0) when the queue is full or pqof is set.
 * Response Failure carries a PASID whenever the request had one; Invalid Request and Success only if
 * DC.tc.PRPR=1.
 *
 * <p>A refused message's fault record (TTYP 9) is the admission's business; the queue's own conditions
 * (not enabled or on, pqmf, full, pqof) write no fault record (spec: they are not faults of the
 * translation process and carry no cause code; checklist section 10).
 *
 * <p>The automatic response goes to RID = device_id[15:0]; when the request came with a valid
 * destination segment (DSV) with DSV=1 and DSEG = device_id[23:16], otherwise with DSV=0 and DSEG 0,
 * which the device ignores (ATS.PRGR: "If the DSV operand is 0, then the DSEG operand is ignored").
 */
public final class PageRequestQueue {

    public static final int RECORD_BYTES = 16;
    public static final int RESPONSE_SUCCESS = 0x0;
    public static final int RESPONSE_INVALID_REQUEST = 0x1;
    public static final int RESPONSE_FAILURE = 0xf;

    /**
     * What the device context says about a page request (from the translation process's DDT walk). The
     * check also reports the fault of a refused request (TTYP 9, spec ATS_PRI) to the fault queue.
     */
    @FunctionalInterface
    public interface Admission {
        /** Flag: the request may be queued (otherwise bits 3:0 are the response code to answer with). */
        int ADMIT = 1 << 4;
        /** Flag: DC.tc.PRPR is 1. */
        int PRPR = 1 << 8;

        /** ADMIT (optionally | PRPR), or a response code (optionally | PRPR), for a message with this header. */
        int check(int deviceId, boolean pv, int processId, boolean priv);

        /**
         * What {@link #check} would answer, without reporting the refused message's fault: for deciding a
         * message's fate before it is handled. The default is {@code check} itself, for admissions that
         * report nothing.
         */
        default int peek(int deviceId, boolean pv, int processId, boolean priv) {
            return check(deviceId, pv, processId, priv);
        }

        /**
         * This admission reading the device context with {@code overrides} (memory words and their values: a cached
         * version of a DDT entry or DC the IOMMU may still use) in place of memory. The default, for admissions that
         * read no memory, is this one.
         */
        default Admission reading(java.util.Map<Long, Long> overrides) { return this; }
    }

    /**
     * What the IOMMU does with one Page Request, in the state it is in now: {@code queued} at {@code recordPa},
     * or not, with the automatic response {@code response} (-1: none, the message is discarded silently) and
     * the pqcsr error bits it sets ({@link RegisterFile#QCSR_OF} for a full queue, {@link RegisterFile#QCSR_MF}
     * for a record that cannot be stored, else 0); {@code prpr}: DC.tc.PRPR, which puts the PASID in a response.
     */
    public record Fate(boolean queued, long recordPa, int response, int setsBits, boolean prpr) {}

    private final RegisterFile regs;
    private final ImplicitMemory memory;
    private final InterruptController interrupts;
    private final EffectSink sink;

    public PageRequestQueue(RegisterFile regs, ImplicitMemory memory, InterruptController interrupts, EffectSink sink) {
        this.regs = regs;
        this.memory = memory;
        this.interrupts = interrupts;
        this.sink = sink;
    }

    /** Handles one "Page Request" message with a valid destination segment; returns true if it was queued. */
    public boolean receive(int deviceId, boolean pv, int processId, boolean priv, boolean exec, long payload,
                           Admission admission) {
        return receive(deviceId, pv, processId, priv, exec, payload, true, admission);
    }

    /** Handles one "Page Request" message ({@code dsv}: a valid destination segment); returns true if it was queued. */
    public boolean receive(int deviceId, boolean pv, int processId, boolean priv, boolean exec, long payload,
                           boolean dsv, Admission admission) {
        return receive(deviceId, pv, processId, priv, exec, payload, dsv, admission, true);
    }

    /**
     * As {@link #receive(int, boolean, int, boolean, boolean, long, boolean, Admission)}; with {@code signal}
     * false a queued record's interrupt (pip, if pie is 1 "when a new message is produced in the queue") is
     * left for {@link #produced}: for a record decided now and produced later, after pqcsr may have changed.
     */
    public boolean receive(int deviceId, boolean pv, int processId, boolean priv, boolean exec, long payload,
                           boolean dsv, Admission admission, boolean signal) {
        requireAts();
        Fate f = decide(pv, payload, admission.check(deviceId, pv, processId, pv && priv));
        if (f.setsBits() != 0) {
            regs.hwSetPqcsrBits(f.setsBits());
            interrupts.update();
        }
        if (!f.queued()) {
            respond(deviceId, dsv, pv, processId, payload, f);
            return false;
        }
        memory.store64(EffectSink.WRITE_PAGE_REQUEST, f.recordPa(), recordDw0(deviceId, pv, processId, priv, exec));
        memory.store64(EffectSink.WRITE_PAGE_REQUEST, f.recordPa() + 8, payload);
        long n = RegisterFile.queueEntries(regs.pqb());
        regs.hwSetPqt((int) (((regs.pqt() & 0xffffffffL) + 1) % n));
        if (signal) produced();
        return true;
    }

    /** A record was produced in the queue: pip is set if pqcsr.pie is 1 now (spec: "Page-Request-Queue"). */
    public void produced() {
        interrupts.pageRequestProduced();
    }

    /** The first doubleword of a message's page-request record: PID [31:12], PV [32], PRIV [33], EXEC [34], DID [63:40]. */
    public static long recordDw0(int deviceId, boolean pv, int processId, boolean priv, boolean exec) {
        long dw0 = pv ? ((processId & 0xfffffL) << 12) | (1L << 32) | (priv ? 1L << 33 : 0) | (exec ? 1L << 34 : 0) : 0;
        return dw0 | (deviceId & 0xffffffL) << 40;
    }

    /**
     * What {@link #receive} would do with this message now, without doing it (the device context is asked with
     * {@link Admission#peek}, which reports no fault).
     */
    public Fate fate(int deviceId, boolean pv, int processId, boolean priv, long payload, Admission admission) {
        requireAts();
        return decide(pv, payload, admission.peek(deviceId, pv, processId, pv && priv));
    }

    /** The fate of a message with {@code payload} that the device context answered {@code adm} for, in the queue's state now. */
    private void requireAts() {
        if (!regs.capabilities().ats()) {
            throw new UnsupportedOperationException("page requests need capabilities.ATS=1");
        }
    }

    private Fate decide(boolean pv, long payload, int adm) {
        boolean last = (payload & 4) != 0;
        boolean stopMarker = pv && last && (payload & 3) == 0;
        boolean prpr = (adm & Admission.PRPR) != 0;
        if ((adm & Admission.ADMIT) == 0) return notQueued(adm & 0xf, 0, prpr, last, stopMarker);
        int csr = regs.pqcsr();
        if ((csr & QCSR_EN) == 0 || (csr & QCSR_ON) == 0 || (csr & QCSR_MF) != 0) {
            return notQueued(RESPONSE_FAILURE, 0, prpr, last, stopMarker);
        }
        if ((csr & QCSR_OF) != 0) return notQueued(RESPONSE_SUCCESS, 0, prpr, last, stopMarker);
        long n = RegisterFile.queueEntries(regs.pqb());
        int tail = regs.pqt();
        int next = (int) (((tail & 0xffffffffL) + 1) % n);
        if (next == regs.pqh()) return notQueued(RESPONSE_SUCCESS, QCSR_OF, prpr, last, stopMarker);
        long pa = RegisterFile.queueBaseAddress(regs.pqb()) + (tail & 0xffffffffL) * RECORD_BYTES;
        if (!memory.storable(pa) || !memory.storable(pa + 8)) {
            return notQueued(RESPONSE_FAILURE, QCSR_MF, prpr, last, stopMarker);
        }
        return new Fate(true, pa, -1, 0, prpr);
    }

    /**
     * A message not queued: answered with {@code code} when it needs a response (L=1, not a Stop Marker), else
     * discarded silently.
     */
    private static Fate notQueued(int code, int bits, boolean prpr, boolean last, boolean stopMarker) {
        return new Fate(false, 0, last && !stopMarker ? code : -1, bits, prpr);
    }

    private void respond(int deviceId, boolean dsv, boolean pv, int pid, long payload, Fate f) {
        if (f.response() < 0) return; // dropped silently
        int code = f.response();
        boolean withPasid = pv && (code == RESPONSE_FAILURE || f.prpr());
        sink.pageRequestGroupResponse(deviceId & 0xffff, dsv, dsv ? (deviceId >>> 16) & 0xff : 0, withPasid,
                withPasid ? pid : 0, (int) ((payload >>> 3) & 0x1ff), code, true);
    }
}
