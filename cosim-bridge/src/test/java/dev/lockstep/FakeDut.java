package dev.lockstep;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.function.LongUnaryOperator;

/**
 * A DUT written in Java for engine tests: a faithful register file by default, with hooks to plant
 * a wrong read value, a hang or an RTL fatal error.
 */
public class FakeDut implements Dut {

    private final IommuConfig config;
    private RegisterFile regs;
    private long cycles;
    /** Applied to every value read at {@link #corruptOffset}. */
    public LongUnaryOperator corruptRead = LongUnaryOperator.identity();
    public int corruptOffset = -1;
    /** Register writes after this many make the DUT hang (never idle). */
    public int hangAfterWrites = Integer.MAX_VALUE;
    /** Register writes after this many raise an RTL fatal error. */
    public int fatalAfterWrites = Integer.MAX_VALUE;
    /** An unexpected interrupt edge is reported after this many writes. */
    public int spuriousIrqAfterWrites = Integer.MAX_VALUE;
    private int writes;
    private boolean pendingIrq;

    public FakeDut(IommuConfig config) {
        this.config = config;
        this.regs = new RegisterFile(config);
    }

    @Override
    public String buildId() { return "fake-dut"; }

    @Override
    public void reset(int mutant) {
        regs = new RegisterFile(config);
        writes = 0;
        cycles += 10;
    }

    @Override
    public long mmioRead(int offset, int size) {
        cycles += 2;
        long v = regs.read(offset, size);
        return offset == corruptOffset ? corruptRead.applyAsLong(v) : v;
    }

    @Override
    public void mmioWrite(int offset, int size, long value) throws DutException {
        cycles += 2;
        writes++;
        if (writes > fatalAfterWrites) {
            throw new DutException(DutException.Kind.FATAL, "RTL $fatal: fake.sv:12: planted");
        }
        if (writes > spuriousIrqAfterWrites) pendingIrq = true;
        regs.write(offset, size, value);
    }

    @Override
    public void memWrite(long addr, byte[] data) {}

    @Override
    public byte[] memRead(long addr, int len) { return new byte[len]; }

    @Override
    public void memError(long addr, int kind) {}

    @Override
    public void submit(int tag, int deviceId, boolean processValid, int processId, long iova, int ttyp, int flags) {}

    @Override
    public void pageRequest(int deviceId, boolean processValid, int processId, int flags, long payload) {}

    @Override
    public int run(long maxCycles, long[] events) {
        if (writes > hangAfterWrites) {
            cycles += maxCycles;
            return 0;
        }
        int n = 0;
        if (pendingIrq) {
            pendingIrq = false;
            events[0] = EV_IRQ;
            events[1] = cycles;
            events[2] = 0;
            events[3] = 1;
            n = 1;
        }
        events[n * EVENT_WORDS] = EV_IDLE;
        events[n * EVENT_WORDS + 1] = cycles;
        return n + 1;
    }

    @Override
    public long cycles() { return cycles; }

    @Override
    public void trace(String path) {}

    @Override
    public String messages() { return ""; }

    @Override
    public void close() {}
}
