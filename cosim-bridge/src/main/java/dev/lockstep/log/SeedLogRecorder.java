package dev.lockstep.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.engine.RunObserver;
import dev.lockstep.engine.SeedResult;
import dev.lockstep.report.SummaryJson;
import dev.lockstep.stimulus.Action;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Writes one worker's seed logs: the engine tells it about seeds and actions (as a {@link RunObserver}),
 * the {@link RecordingDut} around the worker's DUT tells it what the DUT answered. Each seed is written
 * to {@code seed-N.jsonl.partial} as it runs (a crash leaves the log so far), then renamed to
 * {@code seed-N.jsonl} or deleted according to the {@link DumpMode}.
 */
final class SeedLogRecorder implements RunObserver {

    private final LogContext context;
    private String buildId = "unknown";
    private int mutant;
    /** Words the end-of-seed memory comparison reads: software stores and IOMMU writes, as the engine tracks them. */
    private final TreeSet<Long> touchedWords = new TreeSet<>();
    private Path partial;
    private RecordFile out;
    private boolean lastWasDutError;
    /** The DUT's cycle since the seed's reset, when the engine applies an action (negative: unknown). */
    private java.util.function.LongSupplier cycle = () -> -1;

    SeedLogRecorder(LogContext context) { this.context = context; }

    void dutOpened(String id, java.util.function.LongSupplier dutCycle) {
        this.buildId = id;
        this.cycle = dutCycle;
    }

    /** The DUT was reset for a new seed: anything left of an unfinished seed is dropped. */
    void dutReset(int mutantId) {
        closeQuietly();
        this.mutant = mutantId;
        touchedWords.clear();
        lastWasDutError = false;
    }

    @Override
    public void seedStarted(long seed, int mutantId) { open(seed); }

    @Override
    public void action(int index, Action action) {
        if (action instanceof Action.MemoryWrite m) touchedWords.add(m.pa() & ~7L);
        if (action instanceof Action.Window w) {
            for (Action a : w.software()) if (a instanceof Action.MemoryWrite m) touchedWords.add(m.pa() & ~7L);
        }
        // The engine tells of an action before it applies it: the DUT's clock is at the action's cycle (schema 2).
        write(ActionJson.write(index, action, cycle.getAsLong()));
    }

    void read(int offset, int size, long value, long cycle) {
        ObjectNode n = LogFormat.record(LogFormat.READ);
        n.put("offset", offset);
        n.put("size", size);
        n.put("value", LogFormat.hex(value));
        n.put("cycle", cycle);
        write(n);
    }

    /** {@code n} event records of one {@link Dut#run} call; {@code cycleBase} makes cycles seed-relative. */
    void events(long[] ev, int n, long cycleBase) {
        for (int i = 0; i < n; i++) {
            int b = i * Dut.EVENT_WORDS;
            if (!EventJson.logged(ev[b])) continue;
            if (ev[b] == Dut.EV_MEM_WRITE) touchedWords.add(ev[b + 2] & ~7L);
            write(EventJson.write(ev, b, ev[b + 1] - cycleBase));
        }
    }

    /** The DUT's memory image read at the end of the seed: the words the engine compares in it. */
    void memoryImage(long addr, byte[] bytes) {
        for (long word : touchedWords.subSet(addr, addr + bytes.length)) {
            int off = (int) (word - addr);
            if (off + 8 > bytes.length) continue;
            long v = 0;
            for (int i = 7; i >= 0; i--) v = (v << 8) | (bytes[off + i] & 0xff);
            ObjectNode n = LogFormat.record(LogFormat.MEM_WORD);
            n.put("addr", LogFormat.hex(word));
            n.put("value", LogFormat.hex(v));
            write(n);
        }
    }

    void dutError(DutException.Kind kind, String message, long cycle) {
        if (out == null) return; // before the seed started: seedFinished records it
        ObjectNode n = LogFormat.record(LogFormat.DUT_ERROR);
        n.put("kind", kind.name().toLowerCase(Locale.ROOT));
        n.put("message", message);
        n.put("cycle", cycle);
        write(n);
        lastWasDutError = true;
    }

    /**
     * An interrupted run stopped the seed between two actions: the log ends there with an {@code end}
     * record of status {@code interrupted}, which check and explain read up to the cut; it is kept
     * whatever --dump says, as the only record of that seed.
     */
    @Override
    public void seedInterrupted(long seed, int actions) {
        if (out == null) return;
        ObjectNode end = LogFormat.record(LogFormat.END);
        end.put("status", LogFormat.INTERRUPTED);
        end.put("actions", actions);
        write(end);
        Path done = partial;
        try {
            out.close();
            out = null;
            Files.move(done, context.fileFor(seed), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log " + context.fileFor(seed) + ": " + e.getMessage(), e);
        } finally {
            partial = null;
        }
    }

    @Override
    public void seedFinished(SeedResult r) {
        if (out == null) open(r.seed());
        if (r.failure() != null && !lastWasDutError) {
            // The engine, not the DUT, found the failure (a hang): record it where it happened.
            ObjectNode n = LogFormat.record(LogFormat.DUT_ERROR);
            n.put("kind", r.failure().kind().name().toLowerCase(Locale.ROOT));
            n.put("message", r.failure().message());
            n.put("cycle", r.cycles());
            write(n);
        }
        ObjectNode end = LogFormat.record(LogFormat.END);
        end.put("status", SummaryJson.status(r));
        end.put("actions", r.actions());
        end.put("cycles", r.cycles());
        if (r.divergence() != null) end.put("divergence", r.divergence().subject());
        write(end);
        Path done = partial;
        long seed = r.seed();
        try {
            out.close();
            out = null;
            if (context.mode().keeps(r.passed())) {
                Files.move(done, context.fileFor(seed), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(done);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log " + context.fileFor(seed) + ": " + e.getMessage(), e);
        } finally {
            partial = null;
        }
    }

    private void open(long seed) {
        closeQuietly();
        Path file = context.fileFor(seed);
        partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.createDirectories(context.dir());
            out = new RecordFile(LogInput.create(partial, context.compress()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log " + partial + ": " + e.getMessage(), e);
        }
        lastWasDutError = false;
        write(context.header(seed, buildId, mutant).toJson());
    }

    private void write(ObjectNode record) {
        if (out == null) return;
        lastWasDutError = false;
        try {
            out.write(LogFormat.JSON.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a log record: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log " + partial + ": " + e.getMessage(), e);
        }
    }

    /** A seed that never finished (its DUT was replaced): its partial log stays on disk as it was. */
    private void closeQuietly() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            // the partial file is evidence only; nothing to add
        }
        out = null;
        partial = null;
    }

    /**
     * A log file written in whole records: records collect in memory and go to the file in one write of
     * complete lines, so a process killed at any time leaves a log cut on a record boundary.
     */
    private static final class RecordFile {
        private static final int CHUNK = 1 << 16;
        private final java.io.OutputStream file;
        private final StringBuilder pending = new StringBuilder(CHUNK + 1024);

        RecordFile(java.io.OutputStream file) { this.file = file; }

        void write(String record) throws IOException {
            pending.append(record).append('\n');
            if (pending.length() >= CHUNK) flush();
        }

        private void flush() throws IOException {
            file.write(pending.toString().getBytes(StandardCharsets.UTF_8));
            file.flush();
            pending.setLength(0);
        }

        void close() throws IOException {
            try {
                flush();
            } finally {
                file.close();
            }
        }
    }
}
