package dev.lockstep.log;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A DUT that is a log: it answers the engine's calls with what the log recorded, in order, so the
 * golden model can judge a run without the RTL. Each call must meet the record the log has at that
 * point (the action it applies, the register read it expects, the events of a run up to their idle
 * record); otherwise a {@link LogMismatchException} names the line. A recorded {@code dut_error} is
 * thrown as the {@link DutException} it was.
 */
public final class LogDut implements Dut {

    private final LogFlow flow;
    private long cycles;
    /** Words written during the seed (software stores, IOMMU writes): the log must dump each at the end. */
    private final TreeSet<Long> touchedWords = new TreeSet<>();

    private final String buildId;

    public LogDut(SeedLog log) {
        this(log.flowCursor(), log.header().dutBuildId());
    }

    /** A DUT answering from {@code flow}, read once from its first record (a stream cannot be rewound). */
    public LogDut(LogFlow flow, String buildId) {
        this.flow = flow;
        this.buildId = buildId;
    }

    @Override
    public String buildId() { return buildId; }

    @Override
    public void reset(int mutant) throws DutException {
        cycles = 0;
        touchedWords.clear();
        throwRecordedError();
    }

    @Override
    public long mmioRead(int offset, int size) throws DutException {
        throwRecordedError();
        if (peek() instanceof SeedLog.ActionEntry a && a.action() instanceof Action.RegisterRead r
                && r.offset() == offset && r.size() == size) {
            advance();
            throwRecordedError();
        }
        if (peek() instanceof SeedLog.ReadEntry r && r.offset() == offset && r.size() == size) {
            advance();
            cycles = r.cycle();
            return r.value();
        }
        throw mismatch(String.format("the checker reads %s (offset 0x%x, %d B) here and expects a 'read' record of it",
                RegisterNames.name(offset), offset, size));
    }

    @Override
    public void mmioWrite(int offset, int size, long value) throws DutException {
        apply(new Action.RegisterWrite(offset, size, value));
    }

    @Override
    public void memWrite(long addr, byte[] data) throws DutException {
        long value = 0;
        for (int i = Math.min(8, data.length) - 1; i >= 0; i--) value = (value << 8) | (data[i] & 0xff);
        if (peek() instanceof SeedLog.ActionEntry a && a.action() instanceof Action.MemoryWrite m
                && m.pa() == addr && m.value() == value) {
            advance();
            touchedWords.add(addr & ~7L);
            throwRecordedError();
            return;
        }
        throw mismatch(String.format("the checker stores 0x%x at 0x%x here and expects that memory_write action",
                value, addr));
    }

    @Override
    public byte[] memRead(long addr, int len) throws DutException {
        throwRecordedError();
        if (peek() != null) throw mismatch("the checker compares the end-of-seed memory image here");
        NavigableMap<Long, SeedLog.MemWord> image = flow.memory();
        for (long word : touchedWords.subSet(addr, addr + len)) {
            if (!image.containsKey(word)) {
                throw new LogMismatchException(flow.at(flow.end().line()) + ": the end-of-seed memory image has no "
                        + "'mem_word' for 0x" + Long.toHexString(word) + ", which was written during the seed; "
                        + "the checker compares it");
            }
        }
        byte[] bytes = new byte[len];
        for (Map.Entry<Long, SeedLog.MemWord> e : image.subMap(addr, true, addr + len - 8, true).entrySet()) {
            int off = (int) (e.getKey() - addr);
            for (int i = 0; i < 8; i++) bytes[off + i] = (byte) (e.getValue().value() >>> (8 * i));
        }
        return bytes;
    }

    @Override
    public void memError(long addr, int kind) throws DutException {
        apply(new Action.MemoryError(addr, kind));
    }

    @Override
    public void submit(int tag, int deviceId, boolean processValid, int processId, long iova, int ttyp, int flags)
            throws DutException {
        apply(new Action.Translate(tag, deviceId, processValid, processId, (flags & REQ_PRIV) != 0, ttyp, iova,
                (flags & REQ_NW) != 0, (flags & REQ_EXEC) != 0, (flags & REQ_CXL) != 0));
    }

    @Override
    public void pageRequest(int deviceId, boolean processValid, int processId, int flags, long payload)
            throws DutException {
        apply(new Action.PageRequest(deviceId, processValid, processId, (flags & REQ_PRIV) != 0,
                (flags & REQ_EXEC) != 0, payload, (flags & REQ_DSV) != 0));
    }

    /** Hands out the recorded events up to and including the next idle record (or as many as fit). */
    @Override
    public int run(long maxCycles, long[] events) throws DutException {
        int capacity = events.length / EVENT_WORDS;
        int n = 0;
        while (n < capacity) {
            SeedLog.Entry e = peek();
            if (e instanceof SeedLog.EventEntry ev) {
                System.arraycopy(ev.words(), 0, events, n * EVENT_WORDS, EVENT_WORDS);
                advance();
                cycles = ev.words()[1];
                n++;
                if (ev.words()[0] == EV_IDLE) return n;
            } else if (e instanceof SeedLog.ErrorEntry) {
                if (n > 0) return n;
                throwRecordedError();
            } else {
                throw mismatch("the checker runs the DUT until it is idle here and expects its events ending with an "
                        + "'idle' record");
            }
        }
        return n;
    }

    @Override
    public long cycles() { return cycles; }

    @Override
    public void trace(String path) { }

    @Override
    public String messages() { return ""; }

    @Override
    public void close() { }

    /** After a seed that ran to its end: every record of the log must have been used. */
    public void requireFullyUsed() {
        if (peek() != null) {
            throw mismatch("the seed ended but the log has more records from here on");
        }
    }

    private void apply(Action expected) throws DutException {
        if (peek() instanceof SeedLog.ActionEntry a && Objects.equals(a.action(), expected)) {
            advance();
            throwRecordedError();
            return;
        }
        throw mismatch("the checker applies '" + expected.describe() + "' here and expects that action record");
    }

    /** The next record; a record that is not valid is bad input, which the check reports as such. */
    private SeedLog.Entry peek() {
        try {
            return flow.peek();
        } catch (BadInputException e) {
            throw new LogMismatchException(e.getMessage());
        }
    }

    private void advance() {
        try {
            flow.advance();
        } catch (BadInputException e) {
            throw new LogMismatchException(e.getMessage());
        }
    }

    private void throwRecordedError() throws DutException {
        if (peek() instanceof SeedLog.ErrorEntry e) {
            advance();
            cycles = e.cycle();
            throw new DutException(e.kind(), e.message());
        }
    }

    private LogMismatchException mismatch(String what) {
        SeedLog.Entry e = peek();
        int line = e != null ? e.line() : flow.end().line();
        return new LogMismatchException(flow.at(line) + ": " + what + ", but the log has " + describe(e));
    }

    private static String describe(SeedLog.Entry e) {
        if (e == null) return "the 'end' record";
        if (e instanceof SeedLog.ActionEntry a) return "action #" + a.index() + " (" + a.action().describe() + ")";
        if (e instanceof SeedLog.ReadEntry r) {
            return String.format("a 'read' of offset 0x%x (%d B)", r.offset(), r.size());
        }
        if (e instanceof SeedLog.EventEntry ev) return "a '" + ev.type() + "' record";
        return "a 'dut_error' record";
    }
}
