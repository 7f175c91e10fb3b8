package dev.lockstep.stimulus;

import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.SplittableRandom;

/**
 * Seeded register-level stimulus: reads of every implemented register and writes to fctl and ddtp
 * with random values, reserved encodings included, in sequences the spec defines; with
 * capabilities.ATS also the page-request-queue registers (pqb, pqh, pqcsr: WARL LOG2SZ-1 and PPN, the
 * index mask, pqen/pie and the RW1C pqmf/pqof). Writes the spec calls UNSPECIFIED are never generated:
 * 1LVL/2LVL/3LVL only from Off or Bare, Bare only from Off (spec: ddtp), fctl only while iommu_mode is
 * Off (spec: fctl), pqb only while the page-request queue is off (spec: pqb).
 */
public final class RegisterStimulus implements Stimulus {

    private static final int[] READABLE = {RegisterFile.CAPABILITIES, RegisterFile.FCTL, RegisterFile.DDTP};
    private static final int[] PQ_READABLE = {RegisterFile.PQB, RegisterFile.PQH, RegisterFile.PQT, RegisterFile.PQCSR};

    private final SplittableRandom random;
    private final RegisterFile model;

    public RegisterStimulus(long seed, RegisterFile model) {
        this.random = new SplittableRandom(seed);
        this.model = model;
    }

    /** The next action, chosen from the model's current state. */
    @Override
    public Action next() {
        int pick = random.nextInt(10);
        boolean pq = model.capabilities().ats();
        if (pick < 2) {
            int offset = READABLE[random.nextInt(READABLE.length)];
            boolean wide = offset != RegisterFile.FCTL && random.nextBoolean();
            if (!wide && offset != RegisterFile.FCTL && random.nextBoolean()) offset += 4;
            return new Action.RegisterRead(offset, wide ? 8 : 4);
        }
        if (pq && pick == 9) {
            if (random.nextBoolean()) return new Action.RegisterRead(PQ_READABLE[random.nextInt(PQ_READABLE.length)], 4);
            return pageRequestQueueWrite();
        }
        if (pick < 4 && model.mode() == IommuMode.OFF) {
            return new Action.RegisterWrite(RegisterFile.FCTL, 4, random.nextLong() & 0xffffffffL);
        }
        return ddtpWrite();
    }

    /** pqb (only while pqen=0), pqh, or pqcsr with random enable, interrupt-enable and RW1C bits. */
    private Action pageRequestQueueWrite() {
        boolean on = (model.pqcsr() & 1) != 0;
        int what = random.nextInt(3);
        if (what == 0 && !on) {
            long value = random.nextLong();
            if (random.nextInt(4) == 0) return new Action.RegisterWrite(RegisterFile.PQB, 4, value & 0xffffffffL);
            return new Action.RegisterWrite(RegisterFile.PQB, 8, value);
        }
        if (what == 1) {
            long value = random.nextLong() & 0xffffffffL;
            return new Action.RegisterWrite(RegisterFile.PQH, 4, value);
        }
        long bits = random.nextInt(4) | (random.nextBoolean() ? 3L << 8 : 0);
        if (random.nextInt(4) == 0) bits |= random.nextLong() & 0xfffc_fcfcL; // reserved and read-only bits
        return new Action.RegisterWrite(RegisterFile.PQCSR, 4, bits);
    }

    private Action ddtpWrite() {
        IommuMode current = model.mode();
        if (current.levels() > 0) {
            // From a directory mode only Off is defined, and software keeps PPN when going Off (spec: ddtp).
            return new Action.RegisterWrite(RegisterFile.DDTP, 8, model.ddtp() & RegisterFile.DDTP_PPN_MASK);
        }
        long ppn = random.nextBoolean() ? random.nextLong() & RegisterFile.DDTP_PPN_MASK
                : (random.nextLong() & 0xfffffL) << 10;
        long upper = random.nextInt(8) == 0 ? random.nextLong() & ~(RegisterFile.DDTP_PPN_MASK | 0x3ffL) : 0;
        long value = upper | ppn | nextMode();
        if (random.nextInt(4) == 0) {
            // A 4-byte write of the low half keeps PPN[53:22] (an RV32 driver writes the halves separately).
            return new Action.RegisterWrite(RegisterFile.DDTP, 4, value & 0xffffffffL);
        }
        return new Action.RegisterWrite(RegisterFile.DDTP, 8, value);
    }

    /**
     * A mode encoding whose write is defined from Off (any, reserved and custom values included: the
     * field is WARL) or from Bare (Off, Bare or a directory mode).
     */
    private int nextMode() {
        return model.mode() == IommuMode.OFF ? random.nextInt(16) : random.nextInt(5);
    }
}
