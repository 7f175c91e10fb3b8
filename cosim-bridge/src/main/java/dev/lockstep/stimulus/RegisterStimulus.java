package dev.lockstep.stimulus;

import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.SplittableRandom;

/**
 * Seeded register-level stimulus: reads of every implemented register and writes to fctl and ddtp
 * with random values, reserved encodings included, in sequences the spec defines. Writes the spec
 * calls UNSPECIFIED are never generated: 1LVL/2LVL/3LVL only from Off or Bare, Bare only from Off
 * (spec: ddtp), fctl only while iommu_mode is Off (spec: fctl).
 */
public final class RegisterStimulus {

    private static final int[] READABLE = {RegisterFile.CAPABILITIES, RegisterFile.FCTL, RegisterFile.DDTP};

    private final SplittableRandom random;
    private final RegisterFile model;

    public RegisterStimulus(long seed, RegisterFile model) {
        this.random = new SplittableRandom(seed);
        this.model = model;
    }

    /** The next action, chosen from the model's current state. */
    public Action next() {
        int pick = random.nextInt(10);
        if (pick < 2) {
            int offset = READABLE[random.nextInt(READABLE.length)];
            boolean wide = offset != RegisterFile.FCTL && random.nextBoolean();
            if (!wide && offset != RegisterFile.FCTL && random.nextBoolean()) offset += 4;
            return new Action.RegisterRead(offset, wide ? 8 : 4);
        }
        if (pick < 4 && model.mode() == IommuMode.OFF) {
            return new Action.RegisterWrite(RegisterFile.FCTL, 4, random.nextLong() & 0xffffffffL);
        }
        return ddtpWrite();
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
