package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.FastSparseMemory;
import dev.lockstep.refmodel.regs.IommuConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A DUT made of a second golden model, for engine tests of the choices the spec leaves to hardware: it
 * behaves as the model does (current contents, the algorithm's A/D updates, the model's ATS choices)
 * unless a test sets {@link #variant}, which sees each translation before it is performed and may make
 * another permitted choice (e.g. leave out an A/D update, set a speculative A, ignore No Write).
 */
final class ModelDut implements Dut {

    /** One translation about to be performed: the variant may change the request or what is done after. */
    static final class Translation {
        TranslationRequest request;
        CachingModel.Candidate candidate;
        /** Run after the model performed it, with the memory as it left it (stores made there are events). */
        Runnable after = () -> { };
        /** Bits the completion word sets beyond the model's (e.g. a W the page does not grant). */
        long completionBits;
        /** The cause the completion reports instead of the model's (-1: the model's). */
        int cause = -1;
        /** The outcome the model gave (set once performed). */
        TranslationOutcome outcome;
    }

    interface Variant {
        void apply(Translation t, ModelDut dut);
    }

    private final IommuConfig config;
    private FastSparseMemory memory;
    private Iommu model;
    private final List<long[]> pending = new ArrayList<>();
    private long cycles;
    Variant variant = (t, d) -> { };
    /** Whether it reports accepting requests (C ABI 6), so the engine may keep several outstanding. */
    boolean overlapping;

    ModelDut(IommuConfig config) {
        this.config = config;
    }

    /** The DUT's memory, for variants. */
    FastSparseMemory memory() { return memory; }

    /** The DUT's model, for variants. */
    Iommu model() { return model; }

    /** A store the DUT makes by itself (e.g. an A/D update a variant adds): memory and event. */
    void store(long pa, long value) {
        memory.store64(pa & ~7L, value);
        model.caching().adoptAdUpdate(pa, value);
        event(EV_MEM_WRITE, pa & ~7L, value, 0xff, EffectSink.WRITE_AD_UPDATE);
    }

    /**
     * Applies {@code change} to the value of each write of {@code kind} made so far in this action whose
     * word's index in its 32-byte record is {@code index} (-1: any), in the event and in memory.
     */
    void rewrite(int kind, int index, java.util.function.LongUnaryOperator change) {
        for (long[] e : pending) {
            if (e[0] != EV_MEM_WRITE || e[5] != kind || (index >= 0 && ((e[2] >>> 3) & 3) != index)) continue;
            e[3] = change.applyAsLong(e[3]);
            memory.store64(e[2], e[3]);
        }
    }

    /** Drops the write events to {@code word} so far and puts {@code value} back there (an update left out). */
    void unstore(long word, long value) {
        pending.removeIf(e -> e[0] == EV_MEM_WRITE && (e[2] & ~7L) == word);
        memory.store64(word, value);
        model.caching().adoptAdUpdate(word, value);
    }

    /** Drops the write events of {@code kind} made so far in this action (the memory keeps the words). */
    void dropWrites(int kind) {
        pending.removeIf(e -> e[0] == EV_MEM_WRITE && e[5] == kind);
    }

    private void event(long kind, long a, long b, long c) {
        event(kind, a, b, c, 0);
    }

    /** An event record; word 5 (unused by the ABI's records) keeps the kind of a memory write, for variants. */
    private void event(long kind, long a, long b, long c, int writeKind) {
        pending.add(new long[] {kind, cycles, a, b, c, writeKind, 0, 0});
    }

    /** The build id it reports (a test may announce an AXI bus's interface in it, docs/axi-wrapper.md). */
    String buildId = "model-dut";

    @Override public String buildId() { return buildId; }

    @Override
    public void reset(int mutant) {
        memory = new FastSparseMemory();
        pending.clear();
        model = Iommu.withTranslationProcess(config, memory, new EffectSink() {
            @Override public void memoryWrite(int kind, long pa, int size, long value) {
                long strobe = size == 8 ? 0xff : (0xfL << (pa & 4));
                long data = size == 8 ? value : (value & 0xffffffffL) << ((pa & 4) * 8);
                event(EV_MEM_WRITE, pa & ~7L, data, strobe, kind);
            }
            @Override public void interruptWire(int vector, boolean asserted) {
                event(EV_IRQ, vector, asserted ? 1 : 0, 0);
            }
            @Override public void atsInvalidationRequest(int rid, boolean dsv, int dseg, boolean pv, int pid,
                                                         long payload) {
                event(EV_MESSAGE_OUT, MessageCheck.header(MSG_INVALIDATION_REQUEST, rid, dsv, dseg, pv, pid), payload, 0);
            }
            @Override public void pageRequestGroupResponse(int rid, boolean dsv, int dseg, boolean pv, int pid,
                                                           int prgIndex, int responseCode, boolean automatic) {
                event(EV_MESSAGE_OUT, MessageCheck.header(MSG_PAGE_REQUEST_GROUP_RESPONSE, rid, dsv, dseg, pv, pid),
                        MessageCheck.prgrPayload(prgIndex, responseCode), 0);
            }
        });
        cycles += 10;
    }

    @Override public long mmioRead(int offset, int size) { return model.mmioRead(offset, size); }

    /**
     * With {@link #overlapping}: reports each move of cqh (C ABI 6), seen from the cycle after the register write
     * that made the model execute the commands; with {@code cqHeadLag} only in the second run after it, at that
     * run's cycle, as a DUT that reports idle before its command queue is done would.
     */
    @Override
    public void mmioWrite(int offset, int size, long value) {
        long before = model.mmioRead(dev.lockstep.refmodel.regs.RegisterFile.CQH, 4);
        model.mmioWrite(offset, size, value);
        long after = model.mmioRead(dev.lockstep.refmodel.regs.RegisterFile.CQH, 4);
        if (!overlapping || after == before) return;
        busyUntil = Math.max(busyUntil, cycles + busyCycles);
        long[] e = {EV_CQ_HEAD, cycles + fenceCycles, after, 0, 0, 0, 0, 0};
        if (cqHeadLag) lagging.add(e);
        else pending.add(e);
    }

    /**
     * Cycles the DUT reports itself busy (no idle record before) after a request is submitted or a write made it
     * execute commands, and cycles after such a write at which its cqh move is seen (at least 1).
     */
    int busyCycles;
    int fenceCycles = 1;
    private long busyUntil;

    /** Whether cqh moves are reported late (see {@link #mmioWrite}). */
    boolean cqHeadLag;
    private final List<long[]> lagging = new ArrayList<>();
    private int lateRun;

    @Override
    public void memWrite(long addr, byte[] data) {
        long v = 0;
        for (int i = 0; i < 8; i++) v |= (data[i] & 0xffL) << (8 * i);
        model.softwareWrite64(addr, v);
    }

    @Override
    public byte[] memRead(long addr, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i += 8) {
            long v = memory.load64(addr + i);
            for (int k = 0; k < 8; k++) b[i + k] = (byte) (v >>> (8 * k));
        }
        return b;
    }

    @Override public void memError(long addr, int kind) { memory.injectError(addr, kind); }

    @Override
    public void submit(int tag, int deviceId, boolean pv, int pid, long iova, int ttyp, int flags) {
        boolean ats = ttyp == Ttyp.ATS_TRANSLATION;
        Translation t = new Translation();
        t.request = new TranslationRequest(deviceId, pv, pid, (flags & REQ_PRIV) != 0, ttyp, iova,
                TranslationRequest.NO_DATA, ats && (flags & REQ_NW) != 0, ats && (flags & REQ_EXEC) != 0,
                (flags & REQ_CXL) != 0);
        if (overlapping) event(EV_ACCEPT, tag, 0, 0);
        busyUntil = Math.max(busyUntil, cycles + busyCycles);
        t.candidate = model.candidates(t.request).get(0);
        variant.apply(t, this);
        TranslationOutcome o = model.commit(t.request, t.candidate);
        t.outcome = o;
        t.after.run();
        long word = completionWord(tag, o, ats);
        if (t.cause >= 0) word = (word & ~(0xfffL << 32)) | (long) t.cause << 32;
        word |= t.completionBits;
        event(EV_COMPLETION, word, o.fault() ? 0 : o.pa(), 0);
    }

    /** The completion record's word (lockstep_dut.h): tag, status, cause; R/W/X, U, G, PBMT, Priv; ranges of 4 KiB. */
    private static long completionWord(int tag, TranslationOutcome o, boolean ats) {
        long w = tag & 0xffff;
        if (o.fault()) {
            int status = ats ? AtsCompletion.faultStatus(o.record().cause()) : 1;
            return w | (long) status << 16 | (long) o.record().cause() << 32;
        }
        w |= (long) (o.pbmt() & 3) << 25;
        if (ats) {
            w |= (long) (o.permissions() & 7) << 20;
            if ((o.ats() & TranslationOutcome.ATS_U) != 0) w |= 1L << 23;
            if ((o.ats() & TranslationOutcome.ATS_G) != 0) w |= 1L << 24;
            if ((o.ats() & TranslationOutcome.ATS_PRIV) != 0) w |= 1L << 28;
            if ((o.ats() & TranslationOutcome.ATS_CXL_IO) != 0) w |= 1L << 29;
        }
        return w;
    }

    /** Memory words and values the DUT locates the next Page Request's device context with (a cached DC); none: memory. */
    java.util.Map<Long, Long> pageRequestContext = java.util.Map.of();

    @Override
    public void pageRequest(int deviceId, boolean pv, int pid, int flags, long payload) {
        model.pageRequest(deviceId, pv, pid, (flags & REQ_PRIV) != 0, (flags & REQ_EXEC) != 0, payload,
                (flags & REQ_DSV) != 0, pageRequestContext);
    }

    @Override
    public int run(long maxCycles, long[] events) {
        cycles += 5;
        if (!lagging.isEmpty() && ++lateRun >= 2) {
            for (long[] e : lagging) e[1] = cycles;
            pending.addAll(lagging);
            lagging.clear();
            lateRun = 0;
        }
        int n = 0;
        while (!pending.isEmpty() && n < events.length / EVENT_WORDS - 1) {
            System.arraycopy(pending.remove(0), 0, events, n * EVENT_WORDS, EVENT_WORDS);
            n++;
        }
        if (pending.isEmpty() && cycles >= busyUntil) {
            java.util.Arrays.fill(events, n * EVENT_WORDS, (n + 1) * EVENT_WORDS, 0);
            events[n * EVENT_WORDS] = EV_IDLE;
            events[n * EVENT_WORDS + 1] = cycles;
            n++;
        }
        return n;
    }

    @Override public boolean overlaps() { return overlapping; }
    @Override public long cycles() { return cycles; }
    @Override public void trace(String path) { }
    @Override public String messages() { return ""; }
    @Override public void close() { }
}
