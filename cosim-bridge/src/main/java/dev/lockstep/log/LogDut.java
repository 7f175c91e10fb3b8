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
 *
 * <p>In a log of schema version 2 the log is a timeline: each action record's {@code cycle} sets the DUT's
 * clock when the action is consumed, and {@link #run} honours its cycle budget, handing out only the events
 * that happened within it. A {@code window} action answers the engine's calls for it (docs/log-format.md,
 * "Windows: overlapping traffic"): the {@link #submit} calls match its requests in order (the record is consumed at
 * the first), then, after the runs of the gap, the {@link #memWrite} and {@link #mmioWrite} calls match its
 * {@code during} in order. In a version 1 log {@link #run} hands out everything up to the next idle record.
 */
public final class LogDut implements Dut {

    private final LogFlow flow;
    private long cycles;
    /** Words written during the seed (software stores, IOMMU writes): the log must dump each at the end. */
    private final TreeSet<Long> touchedWords = new TreeSet<>();

    private final String buildId;
    /** Schema version 2: the clock follows the actions' cycles and run stops at its budget. */
    private final boolean timeline;

    /**
     * The window being applied (null: none): its record's line, its schedule, the step due next and how many of
     * the software actions of that step were applied.
     */
    private Action.Window window;
    private int windowLine;
    private int windowIndex;
    private java.util.List<Action.Window.Step> schedule;
    private int step;
    private int applied;

    public LogDut(SeedLog log) {
        this(log.flowCursor(), log.header().dutBuildId());
    }

    /** A DUT answering from {@code flow}, read once from its first record (a stream cannot be rewound). */
    public LogDut(LogFlow flow, String buildId) {
        this.flow = flow;
        this.buildId = buildId;
        this.timeline = flow.schemaVersion() >= LogFormat.TIMELINE_VERSION;
    }

    @Override
    public String buildId() { return buildId; }

    @Override
    public void reset(int mutant) throws DutException {
        cycles = 0;
        touchedWords.clear();
        window = null;
        throwRecordedError();
    }

    @Override
    public long mmioRead(int offset, int size) throws DutException {
        throwRecordedError();
        if (window == null && peek() instanceof SeedLog.ActionEntry a && a.action() instanceof Action.RegisterRead r
                && r.offset() == offset && r.size() == size) {
            consume(a);
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
        Action.RegisterWrite w = new Action.RegisterWrite(offset, size, value);
        if (window != null) {
            duringWindow(w, w.equals(nextDuring()));
            throwRecordedError();
            return;
        }
        apply(w);
    }

    @Override
    public void memWrite(long addr, byte[] data) throws DutException {
        long value = 0;
        for (int i = Math.min(8, data.length) - 1; i >= 0; i--) value = (value << 8) | (data[i] & 0xff);
        if (window != null) {
            duringWindow(new Action.MemoryWrite(addr, value, "store"),
                    nextDuring() instanceof Action.MemoryWrite m && m.pa() == addr && m.value() == value);
            touchedWords.add(addr & ~7L);
            throwRecordedError();
            return;
        }
        if (peek() instanceof SeedLog.ActionEntry a && a.action() instanceof Action.MemoryWrite m
                && m.pa() == addr && m.value() == value) {
            consume(a);
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
        Action.Translate t = new Action.Translate(tag, deviceId, processValid, processId, (flags & REQ_PRIV) != 0, ttyp,
                iova, (flags & REQ_NW) != 0, (flags & REQ_EXEC) != 0, (flags & REQ_CXL) != 0);
        if (window != null) {
            Action.Window.Step due = due();
            if (due == null || due.kind() != Action.Window.Step.REQUEST || !window.requests().get(due.index()).equals(t)) {
                throw windowMismatch("submits '" + t.describe() + "'");
            }
            stepDone();
            throwRecordedError();
            return;
        }
        if (peek() instanceof SeedLog.ActionEntry a && a.action() instanceof Action.Window w
                && !w.requests().isEmpty() && w.requests().get(0).equals(t)) {
            openWindow(a, w);
            return;
        }
        apply(t);
    }

    @Override
    public void pageRequest(int deviceId, boolean processValid, int processId, int flags, long payload)
            throws DutException {
        Action.PageRequest p = new Action.PageRequest(deviceId, processValid, processId, (flags & REQ_PRIV) != 0,
                (flags & REQ_EXEC) != 0, payload, (flags & REQ_DSV) != 0);
        if (window != null) {
            // A window's Page Requests follow the translation requests of its start, in order.
            Action.Window.Step due = due();
            if (due == null || due.kind() != Action.Window.Step.PAGE_REQUEST
                    || !window.pageRequests().get(due.index()).equals(p)) {
                throw windowMismatch("sends '" + p.describe() + "'");
            }
            stepDone();
            throwRecordedError();
            return;
        }
        if (peek() instanceof SeedLog.ActionEntry a && a.action() instanceof Action.Window w && w.requests().isEmpty()
                && w.pageRequests().get(0).equals(p)) {
            openWindow(a, w);
            return;
        }
        apply(p);
    }

    /** Consumes window record {@code a} at its first step, which the call just made. */
    private void openWindow(SeedLog.ActionEntry a, Action.Window w) throws DutException {
        consume(a);
        window = w;
        windowLine = a.line();
        windowIndex = a.index();
        schedule = w.schedule();
        step = 0;
        applied = 0;
        stepDone();
        throwRecordedError();
    }

    /**
     * Hands out the recorded events up to and including the next idle record (or as many as fit). In a log of
     * schema version 2 only those of the next {@code maxCycles} cycles: when the next event lies later, the clock
     * moves on by {@code maxCycles} and the events so far are returned, as a DUT's run ends at its budget.
     */
    @Override
    public int run(long maxCycles, long[] events) throws DutException {
        int capacity = events.length / EVENT_WORDS;
        long limit = maxCycles <= 0 ? cycles : cycles > Long.MAX_VALUE - maxCycles ? Long.MAX_VALUE : cycles + maxCycles;
        int n = 0;
        while (n < capacity) {
            SeedLog.Entry e = peek();
            if (e instanceof SeedLog.EventEntry ev) {
                long at = ev.words()[1];
                if (timeline && at > limit) {
                    cycles = limit;
                    return n;
                }
                System.arraycopy(ev.words(), 0, events, n * EVENT_WORDS, EVENT_WORDS);
                advance();
                cycles = timeline ? Math.max(cycles, at) : at;
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
        if (window != null) throw windowMismatch("applies '" + expected.describe() + "'");
        if (peek() instanceof SeedLog.ActionEntry a && Objects.equals(a.action(), expected)) {
            consume(a);
            throwRecordedError();
            return;
        }
        throw mismatch("the checker applies '" + expected.describe() + "' here and expects that action record");
    }

    /** Consumes action record {@code a}: in a timeline (schema version 2) the clock is at its cycle. */
    private void consume(SeedLog.ActionEntry a) {
        advance();
        if (timeline && a.cycle() >= 0) cycles = a.cycle();
    }

    /** The window's step due next (null: none). */
    private Action.Window.Step due() { return step < schedule.size() ? schedule.get(step) : null; }

    /** The window's next software action, when its software actions are due (null: none is due). */
    private Action nextDuring() {
        Action.Window.Step due = due();
        return due != null && due.kind() == Action.Window.Step.SOFTWARE ? group(due).get(applied) : null;
    }

    /** The software actions of software step {@code due}: the window's {@code during} or one of its later groups. */
    private java.util.List<Action> group(Action.Window.Step due) {
        return due.index() == 0 ? window.during() : window.later().get(due.index() - 1).during();
    }

    /** A store or register write while a window is open: it must be the window's next software action. */
    private void duringWindow(Action action, boolean matches) {
        if (!matches) throw windowMismatch("applies '" + action.describe() + "'");
        applied++;
        if (applied == group(due()).size()) {
            applied = 0;
            stepDone();
        }
    }

    /**
     * The step due was made: moves to the next one, past software actions there are none of, and closes the
     * window after its last.
     */
    private void stepDone() {
        step++;
        Action.Window.Step due = due();
        if (due != null && due.kind() == Action.Window.Step.SOFTWARE && window.during().isEmpty()) step++;
        if (due() == null) window = null;
    }

    /** A call that is not the window's next step: names the window's line and what it expected. */
    private LogMismatchException windowMismatch(String what) {
        Action.Window.Step due = due();
        String expected = due.kind() == Action.Window.Step.REQUEST
                ? "its request " + due.index() + " ('" + window.requests().get(due.index()).describe() + "') next"
                : due.kind() == Action.Window.Step.PAGE_REQUEST
                ? "its page request " + due.index() + " ('" + window.pageRequests().get(due.index()).describe() + "') next"
                : "its software action " + applied + (due.index() > 0 ? " of later[" + (due.index() - 1) + "]" : "")
                + " ('" + group(due).get(applied).describe() + "') next";
        return new LogMismatchException(flow.at(windowLine) + ": the checker " + what + " here, but window action #"
                + windowIndex + " of this line has " + expected);
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
