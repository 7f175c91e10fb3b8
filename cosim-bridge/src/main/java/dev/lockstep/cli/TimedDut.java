package dev.lockstep.cli;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;

/**
 * A DUT that counts the wall time spent inside it, so that {@code lockstep bench} can split a run into
 * time in the RTL simulation and time in the checker. One {@link System#nanoTime} pair per call: the
 * calls are per action, never per cycle.
 */
final class TimedDut implements Dut {
    private final Dut dut;
    private long nanos;

    TimedDut(Dut dut) { this.dut = dut; }

    /** Nanoseconds spent in the wrapped DUT's calls since the last {@link #restart}. */
    long nanos() { return nanos; }

    void restart() { nanos = 0; }

    @Override public String buildId() { return dut.buildId(); }
    @Override public boolean overlaps() { return dut.overlaps(); }

    @Override
    public void reset(int mutant) throws DutException {
        long t = System.nanoTime();
        try { dut.reset(mutant); } finally { nanos += System.nanoTime() - t; }
    }

    @Override
    public long mmioRead(int offset, int size) throws DutException {
        long t = System.nanoTime();
        try { return dut.mmioRead(offset, size); } finally { nanos += System.nanoTime() - t; }
    }

    @Override
    public void mmioWrite(int offset, int size, long value) throws DutException {
        long t = System.nanoTime();
        try { dut.mmioWrite(offset, size, value); } finally { nanos += System.nanoTime() - t; }
    }

    @Override
    public void memWrite(long addr, byte[] data) throws DutException {
        long t = System.nanoTime();
        try { dut.memWrite(addr, data); } finally { nanos += System.nanoTime() - t; }
    }

    @Override
    public byte[] memRead(long addr, int len) throws DutException {
        long t = System.nanoTime();
        try { return dut.memRead(addr, len); } finally { nanos += System.nanoTime() - t; }
    }

    @Override
    public void memRead(long addr, java.nio.ByteBuffer into) throws DutException {
        long t = System.nanoTime();
        try { dut.memRead(addr, into); } finally { nanos += System.nanoTime() - t; }
    }

    @Override
    public void memError(long addr, int kind) throws DutException {
        long t = System.nanoTime();
        try { dut.memError(addr, kind); } finally { nanos += System.nanoTime() - t; }
    }

    @Override
    public void submit(int tag, int deviceId, boolean processValid, int processId, long iova, int ttyp, int flags)
            throws DutException {
        long t = System.nanoTime();
        try { dut.submit(tag, deviceId, processValid, processId, iova, ttyp, flags); } finally { nanos += System.nanoTime() - t; }
    }

    @Override
    public void pageRequest(int deviceId, boolean processValid, int processId, int flags, long payload)
            throws DutException {
        long t = System.nanoTime();
        try { dut.pageRequest(deviceId, processValid, processId, flags, payload); } finally { nanos += System.nanoTime() - t; }
    }

    @Override
    public int run(long maxCycles, long[] events) throws DutException {
        long t = System.nanoTime();
        try { return dut.run(maxCycles, events); } finally { nanos += System.nanoTime() - t; }
    }

    @Override public long cycles() { return dut.cycles(); }

    @Override public void trace(String path) throws DutException { dut.trace(path); }
    @Override public void traceMarker(int actionIndex, int divergences) throws DutException { dut.traceMarker(actionIndex, divergences); }

    @Override public String messages() { return dut.messages(); }

    @Override public void close() { dut.close(); }
}
