package dev.lockstep.log;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;

/**
 * A DUT that passes every call to the real one and tells a {@link SeedLogRecorder} what it answered:
 * register read values, event records, the memory words read at the end of a seed and any failure.
 * Cycles in the log are counted from the seed's reset, as the engine reports them.
 */
final class RecordingDut implements Dut {

    private final Dut dut;
    private final SeedLogRecorder recorder;
    private long cycleBase;

    RecordingDut(Dut dut, SeedLogRecorder recorder) {
        this.dut = dut;
        this.recorder = recorder;
        recorder.dutOpened(dut.buildId(), this::cycle);
    }

    @Override
    public String buildId() { return dut.buildId(); }

    @Override
    public boolean overlaps() { return dut.overlaps(); }

    @Override
    public void reset(int mutant) throws DutException {
        recorder.dutReset(mutant);
        try {
            dut.reset(mutant);
        } catch (DutException e) {
            throw failed(e);
        }
        cycleBase = dut.cycles();
    }

    @Override
    public long mmioRead(int offset, int size) throws DutException {
        try {
            long v = dut.mmioRead(offset, size);
            recorder.read(offset, size, v, cycle());
            return v;
        } catch (DutException e) {
            throw failed(e);
        }
    }

    @Override
    public void mmioWrite(int offset, int size, long value) throws DutException {
        try {
            dut.mmioWrite(offset, size, value);
        } catch (DutException e) {
            throw failed(e);
        }
    }

    @Override
    public void memWrite(long addr, byte[] data) throws DutException {
        try {
            dut.memWrite(addr, data);
        } catch (DutException e) {
            throw failed(e);
        }
    }

    @Override
    public byte[] memRead(long addr, int len) throws DutException {
        try {
            byte[] b = dut.memRead(addr, len);
            recorder.memoryImage(addr, b);
            return b;
        } catch (DutException e) {
            throw failed(e);
        }
    }

    @Override
    public void memError(long addr, int kind) throws DutException {
        try {
            dut.memError(addr, kind);
        } catch (DutException e) {
            throw failed(e);
        }
    }

    @Override
    public void submit(int tag, int deviceId, boolean processValid, int processId, long iova, int ttyp, int flags)
            throws DutException {
        try {
            dut.submit(tag, deviceId, processValid, processId, iova, ttyp, flags);
        } catch (DutException e) {
            throw failed(e);
        }
    }

    @Override
    public void pageRequest(int deviceId, boolean processValid, int processId, int flags, long payload)
            throws DutException {
        try {
            dut.pageRequest(deviceId, processValid, processId, flags, payload);
        } catch (DutException e) {
            throw failed(e);
        }
    }

    @Override
    public int run(long maxCycles, long[] events) throws DutException {
        try {
            int n = dut.run(maxCycles, events);
            recorder.events(events, n, cycleBase);
            return n;
        } catch (DutException e) {
            throw failed(e);
        }
    }

    @Override
    public long cycles() { return dut.cycles(); }

    @Override
    public void trace(String path) throws DutException { dut.trace(path); }

    @Override
    public void traceMarker(int actionIndex, int divergences) throws DutException { dut.traceMarker(actionIndex, divergences); }

    @Override
    public String messages() { return dut.messages(); }

    @Override
    public void close() { dut.close(); }

    private long cycle() { return dut.cycles() - cycleBase; }

    private DutException failed(DutException e) {
        recorder.dutError(e.kind(), e.getMessage(), cycle());
        return e;
    }
}
