package dev.lockstep;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;

/**
 * A real DUT with one planted misbehaviour at its boundary: the test decides how the events of
 * lockstep_run() or the value of a register read are altered, to prove the checker names each kind of
 * divergence correctly.
 */
public final class TamperingDut implements Dut {

    /** Alters {@code n} event records in place; returns the new count. */
    @FunctionalInterface
    public interface EventTamper {
        int apply(long[] events, int n);
    }

    /** Alters a register value read at {@code offset}. */
    @FunctionalInterface
    public interface ReadTamper {
        long apply(int offset, long value);
    }

    /** Alters the bytes of the DUT's memory image read at {@code addr} (in place). */
    @FunctionalInterface
    public interface MemoryTamper {
        void apply(long addr, byte[] bytes);
    }

    private final Dut real;
    public EventTamper events = (e, n) -> n;
    public MemoryTamper memory = (a, b) -> { };
    public ReadTamper reads = (o, v) -> v;
    /** Whether a register write reaches the real DUT (false: it is lost on the way). */
    public WriteFilter writes = (o, size, v) -> true;

    public interface WriteFilter {
        boolean passes(int offset, int size, long value);
    }
    /** After this many run() calls, run() never reports idle again. */
    public int hangAfterRuns = Integer.MAX_VALUE;
    private int runs;

    public TamperingDut(Dut real) { this.real = real; }

    @Override public String buildId() { return real.buildId() + " (tampered)"; }
    @Override public void reset(int mutant) throws DutException { runs = 0; real.reset(mutant); }
    @Override public long mmioRead(int offset, int size) throws DutException {
        return reads.apply(offset, real.mmioRead(offset, size));
    }
    @Override public void mmioWrite(int offset, int size, long value) throws DutException {
        if (writes.passes(offset, size, value)) real.mmioWrite(offset, size, value);
    }
    @Override public void memWrite(long addr, byte[] data) throws DutException { real.memWrite(addr, data); }
    @Override public byte[] memRead(long addr, int len) throws DutException {
        byte[] b = real.memRead(addr, len);
        memory.apply(addr, b);
        return b;
    }
    @Override public void memError(long addr, int kind) throws DutException { real.memError(addr, kind); }
    /** The flags of the last translation request submitted (REQ_PRIV, REQ_NW, REQ_EXEC). */
    public int lastSubmitFlags;

    @Override public void submit(int tag, int deviceId, boolean pv, int pid, long iova, int ttyp, int flags)
            throws DutException {
        lastSubmitFlags = flags;
        real.submit(tag, deviceId, pv, pid, iova, ttyp, flags);
    }
    @Override public void pageRequest(int deviceId, boolean pv, int pid, int flags, long payload) throws DutException {
        real.pageRequest(deviceId, pv, pid, flags, payload);
    }
    @Override public int run(long maxCycles, long[] ev) throws DutException {
        if (++runs > hangAfterRuns) return 0;
        int n = real.run(maxCycles, ev);
        return events.apply(ev, n);
    }
    @Override public long cycles() { return real.cycles(); }
    @Override public void trace(String path) throws DutException { real.trace(path); }
    @Override public void traceMarker(int actionIndex, int divergences) throws DutException { real.traceMarker(actionIndex, divergences); }
    @Override public String messages() { return real.messages(); }
    @Override public void close() { real.close(); }
}
