package dev.lockstep.refmodel.testsupport;

import static dev.lockstep.refmodel.regs.RegisterFile.*;

import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.mem.SparseMemory;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;

/**
 * An IOMMU over a sparse memory with a recording sink, and software helpers; its translator is the
 * small stand-in ({@link SimpleTranslator}) or the full translation process ({@link #withProcess}).
 */
public final class TestSystem {
    public static final long CQ_BASE = 0x10000;
    public static final long FQ_BASE = 0x20000;
    public static final long PQ_BASE = 0x30000;

    public final SparseMemory memory;
    public final RecordingSink sink = new RecordingSink();
    public final Iommu iommu;

    public TestSystem(IommuConfig config) {
        this(config, false);
    }

    /** With {@code process}: the full translation process ({@link Iommu#withTranslationProcess}). */
    public TestSystem(IommuConfig config, boolean process) {
        this(config, process, new SparseMemory());
    }

    /** Over {@code memory} (e.g. a {@link dev.lockstep.refmodel.testutil.Scenario}'s, holding its structures). */
    public TestSystem(IommuConfig config, boolean process, SparseMemory memory) {
        this.memory = memory;
        iommu = process ? Iommu.withTranslationProcess(config, memory, sink)
                : new Iommu(config, memory, new SimpleTranslator(), sink);
    }

    public static Capabilities caps() {
        return Capabilities.builder().sv39().sv48().ats().igs(Capabilities.IGS_BOTH).hpm().dbg().pas(48)
                .pd8().pd17().pd20().nl().s().build();
    }

    public static TestSystem standard() {
        return new TestSystem(IommuConfig.defaults(caps()));
    }

    /** The standard configuration over the full translation process. */
    public static TestSystem withProcess() {
        return new TestSystem(IommuConfig.defaults(caps()), true);
    }

    public long read(int off) { return iommu.mmioRead(off, isEightByteRegister(off & ~7) ? 8 : 4); }
    public void write(int off, long v) { iommu.mmioWrite(off, isEightByteRegister(off & ~7) ? 8 : 4, v); }

    /** Command queue of 2^log2 entries at CQ_BASE, enabled. */
    public void enableCq(int log2, boolean cie) {
        write(CQB, (CQ_BASE >>> 12) << 10 | (log2 - 1));
        write(CQT, 0);
        write(CQCSR, CQCSR_CQEN | (cie ? CQCSR_CIE : 0));
    }

    public void enableFq(int log2, boolean fie) {
        write(FQB, (FQ_BASE >>> 12) << 10 | (log2 - 1));
        write(FQH, 0);
        write(FQCSR, QCSR_EN | (fie ? QCSR_IE : 0));
    }

    public void enablePq(int log2, boolean pie) {
        write(PQB, (PQ_BASE >>> 12) << 10 | (log2 - 1));
        write(PQH, 0);
        write(PQCSR, QCSR_EN | (pie ? QCSR_IE : 0));
    }

    /** Writes commands at cqt and advances cqt past them (one cqt write). */
    public void submit(long[]... commands) {
        long n = queueEntries(iommu.registers().cqb());
        int tail = (int) read(CQT);
        for (long[] c : commands) {
            long pa = CQ_BASE + tail * 16L;
            iommu.softwareWrite64(pa, c[0]);
            iommu.softwareWrite64(pa + 8, c[1]);
            tail = (int) ((tail + 1) % n);
        }
        write(CQT, tail);
    }

    /** The fault record at index {@code i} of the fault queue. */
    public FaultRecord faultRecord(int i) {
        long pa = FQ_BASE + 32L * i;
        return FaultRecord.decode(memory.load64(pa), memory.load64(pa + 16), memory.load64(pa + 24));
    }
}
