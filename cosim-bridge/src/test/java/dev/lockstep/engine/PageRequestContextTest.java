package dev.lockstep.engine;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.ddt.DeviceContext;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Page Request locates its device context as a translation does, so the IOMMU may use a DC it cached until an
 * IODIR.INVAL_DDT covering it completed ("Caching in-memory data structures"; iommu_sw_guidelines: "Between a
 * change to the DDT entry and when an invalidation command to invalidate the cached entry is processed by the
 * IOMMU, the IOMMU may use the old value or the new value"). Software clears EN_PRI in a device's DC: a Page
 * Request before the invalidation may be queued (the old DC) or refused (the new one); after IODIR.INVAL_DDT and
 * IOFENCE.C only refused. The model is the DUT here; its variant locates the DC with the old tc.
 */
class PageRequestContextTest {

    @BeforeAll
    static void load() throws Exception { SpecChoicesTest.load(); }

    private static final int DID = 3;
    private static final long DDT = 0x8010_0000L, PQ = 0x8011_0000L, CQ = 0x8012_0000L;
    private static final long DC = DDT + 64L * DID;
    private static final long TC_OLD = DeviceContext.TC_V | DeviceContext.TC_EN_ATS | DeviceContext.TC_EN_PRI;
    private static final long TC_NEW = DeviceContext.TC_V | DeviceContext.TC_EN_ATS;

    /** A Page Request of PRG index {@code prg}, the last of its group (it needs a response when refused). */
    private static Action.PageRequest request(int prg) {
        return new Action.PageRequest(DID, false, 0, false, false, 0x4000_0000L | (long) prg << 3 | 4 | 1);
    }

    private static List<Action> script() {
        List<Action> s = new ArrayList<>();
        s.add(new Action.MemoryWrite(DC, TC_OLD, "DC tc: V EN_ATS EN_PRI"));
        s.add(new Action.RegisterWrite(RegisterFile.CQB, 8, ((CQ >>> 12) << 10) | 5));
        s.add(new Action.RegisterWrite(RegisterFile.CQCSR, 4, 1));
        s.add(new Action.RegisterWrite(RegisterFile.PQB, 8, ((PQ >>> 12) << 10) | 5));
        s.add(new Action.RegisterWrite(RegisterFile.PQCSR, 4, 1));
        s.add(new Action.RegisterWrite(RegisterFile.DDTP, 8, ((DDT >>> 12) << 10) | 2));
        s.add(request(1));
        s.add(new Action.MemoryWrite(DC, TC_NEW, "DC tc: EN_PRI cleared"));
        s.add(request(2));
        long[] inval = Commands.iodirInvalDdt(true, DID);
        long[] fence = Commands.iofenceC(false, 0, 0, false, false, false);
        s.add(new Action.MemoryWrite(CQ, inval[0], "IODIR.INVAL_DDT dw0"));
        s.add(new Action.MemoryWrite(CQ + 8, inval[1], "IODIR.INVAL_DDT dw1"));
        s.add(new Action.MemoryWrite(CQ + 16, fence[0], "IOFENCE.C dw0"));
        s.add(new Action.MemoryWrite(CQ + 24, fence[1], "IOFENCE.C dw1"));
        s.add(new Action.RegisterWrite(RegisterFile.CQT, 4, 2));
        s.add(request(3));
        s.add(new Action.RegisterRead(RegisterFile.PQT, 4));
        return s;
    }

    /** Runs the script on the model as DUT, locating the DC of Page Requests {@code staleFrom..} with the old tc. */
    private static SeedResult run(int staleFrom, int staleTo) {
        ModelDut dut = new ModelDut(SpecChoicesTest.config);
        Lockstep engine = new Lockstep(new ContextSwitching(dut, staleFrom, staleTo), SpecChoicesTest.config,
                (seed, c, m) -> null, x -> "");
        return engine.run(1, 0, script(), true);
    }

    @Test
    void aPageRequestBeforeTheInvalidationMayUseTheCachedDeviceContext() {
        SeedResult current = run(0, 0);
        assertTrue(current.passed(), () -> String.valueOf(current.divergence()));
        SeedResult cached = run(2, 2);
        assertTrue(cached.passed(), () -> "queued with the cached DC (EN_PRI=1) before IODIR.INVAL_DDT: "
                + cached.divergence());
    }

    @Test
    void aPageRequestAfterTheInvalidationAndFenceMayNot() {
        SeedResult stale = run(2, 3);
        assertNotNull(stale.divergence(), "queued with the DC the completed IODIR.INVAL_DDT retired");
        assertTrue(stale.divergence().action().contains("PRG index 3"), stale.divergence().action());
    }

    /** The model as DUT whose Page Requests number {@code from..to} (1-based) find the DC's old tc. */
    private static final class ContextSwitching implements dev.lockstep.dut.Dut {
        private final ModelDut dut;
        private final int from;
        private final int to;
        private int sent;

        ContextSwitching(ModelDut dut, int from, int to) {
            this.dut = dut;
            this.from = from;
            this.to = to;
        }

        @Override
        public void pageRequest(int deviceId, boolean pv, int pid, int flags, long payload) throws dev.lockstep.dut.DutException {
            sent++;
            dut.pageRequestContext = sent >= from && sent <= to && from > 0 ? Map.of(DC, TC_OLD) : Map.of();
            dut.pageRequest(deviceId, pv, pid, flags, payload);
        }

        @Override public String buildId() { return dut.buildId(); }
        @Override public void reset(int mutant) throws dev.lockstep.dut.DutException { sent = 0; dut.reset(mutant); }
        @Override public long mmioRead(int offset, int size) throws dev.lockstep.dut.DutException { return dut.mmioRead(offset, size); }
        @Override public void mmioWrite(int offset, int size, long value) throws dev.lockstep.dut.DutException { dut.mmioWrite(offset, size, value); }
        @Override public void memWrite(long addr, byte[] data) throws dev.lockstep.dut.DutException { dut.memWrite(addr, data); }
        @Override public byte[] memRead(long addr, int len) throws dev.lockstep.dut.DutException { return dut.memRead(addr, len); }
        @Override public void memError(long addr, int kind) throws dev.lockstep.dut.DutException { dut.memError(addr, kind); }
        @Override public void submit(int tag, int deviceId, boolean pv, int pid, long iova, int ttyp, int flags)
                throws dev.lockstep.dut.DutException { dut.submit(tag, deviceId, pv, pid, iova, ttyp, flags); }
        @Override public int run(long maxCycles, long[] events) throws dev.lockstep.dut.DutException { return dut.run(maxCycles, events); }
        @Override public boolean overlaps() { return dut.overlaps(); }
        @Override public long cycles() { return dut.cycles(); }
        @Override public void trace(String path) throws dev.lockstep.dut.DutException { dut.trace(path); }
        @Override public String messages() { return dut.messages(); }
        @Override public void close() { dut.close(); }
    }
}
