package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.stimulus.Action;
import dev.lockstep.triage.Signature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The end of a seed: nothing may be left in flight on the DUT, and the memory images of both sides must
 * agree on every page either side wrote (every store of software and of the IOMMU, adopted choices included).
 */
final class EndOfSeed {
    /** One page of the DUT's memory image. */
    private final ByteBuffer pageBuffer = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
    private final long[] dutWords = new long[512];
    private final long[] modelWords = new long[512];

    /** What the DUT is asked to finish: a register read, which has no effect. */
    static final Action END = new Action.RegisterRead(0, 8);

    /**
     * Runs the DUT until idle and, when {@code checking}, compares what is left: null when nothing differs.
     */
    Finding finish(SeedContext seed, boolean checking) throws DutException {
        seed.effects.clear();
        seed.observed.clear();
        seed.driver.drainUntilIdle(END);
        if (!checking) return null;
        if (!seed.observed.isEmpty()) {
            return new Finding("DUT activity after the last action", List.of(), "the model has nothing left to do",
                    new Signature(Signature.key("end of seed", "DUT activity after the last action"),
                            "the DUT was still active after the last action: the model has nothing left to do"));
        }
        LongBuffer dutPage = pageBuffer.asLongBuffer();
        for (long pageNumber : new TreeSet<>(seed.touchedPages)) {
            long page = pageNumber << 12;
            seed.driver.dut.memRead(page, pageBuffer);
            dutPage.get(0, dutWords);
            seed.memory.readWords(page, modelWords);
            int w = Arrays.mismatch(modelWords, dutWords);
            if (w >= 0) {
                return new Finding("end of seed: memory image comparison",
                        String.format("memory word 0x%x at the end of the seed", page + 8L * w),
                        List.of(new Divergence.FieldMismatch("data", "63:0", modelWords[w], dutWords[w])),
                        "every store of software and of the IOMMU must leave the same memory on both sides", null,
                        new Signature(Signature.key("end of seed", "memory image"),
                                "the memory images differ at the end: every store of software and of the IOMMU must "
                                        + "leave the same memory on both sides"));
            }
        }
        return null;
    }
}
