package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import dev.lockstep.triage.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * Register reads, and the read-back after each register write: the DUT's value against the model's,
 * under the model's compare mask (fields the spec leaves UNSPECIFIED or that change by themselves, such
 * as busy bits, are not compared), reported field by field with the rule of {@link RegisterRules}.
 */
final class RegisterCheck {
    private final SeedContext seed;

    RegisterCheck(SeedContext seed) {
        this.seed = seed;
    }

    /** Reads register {@code offset} ({@code size} bytes) on both sides after {@code action}; null when they agree. */
    Finding compare(int index, Action action, int offset, int size) throws DutException {
        long expected = seed.model.mmioRead(offset, size);
        long observedValue = seed.driver.drive(new Action.RegisterRead(offset, size));
        long mask = seed.model.registerMasks().compareMask(offset, size);
        seed.observer.registerRead(index, offset, size, expected, observedValue);
        if (((expected ^ observedValue) & mask) == 0) return null;
        List<Divergence.FieldMismatch> fields = new ArrayList<>();
        // Fields of an 8-byte register read as its upper half sit 32 bits higher than the value read.
        boolean upperHalf = (offset & 4) != 0 && RegisterFile.isEightByteRegister(offset & ~7);
        int shift = upperHalf ? 32 : 0;
        for (RegisterNames.Field f : RegisterNames.fields(upperHalf ? offset & ~7 : offset)) {
            long m = f.mask() >>> shift;
            if (m == 0 || ((expected ^ observedValue) & m & mask) == 0) continue;
            fields.add(new Divergence.FieldMismatch(f.name(),
                    f.msb() == f.lsb() ? String.valueOf(f.msb()) : f.msb() + ":" + f.lsb(),
                    f.extract(expected << shift), f.extract(observedValue << shift)));
        }
        if (fields.isEmpty()) {
            fields.add(new Divergence.FieldMismatch("value", (size * 8 - 1) + ":0", expected, observedValue));
        }
        String subject = String.format("%s (offset 0x%x, %d B) %s", RegisterNames.name(offset), offset, size,
                action instanceof Action.RegisterWrite ? "read back" : "read");
        String rule = RegisterRules.describe(offset);
        String how = action instanceof Action.RegisterWrite ? "read back" : "read";
        // A one-bit field's values are its meaning (set or clear), not seed data: they are part of the class.
        List<String> classes = new ArrayList<>();
        for (Divergence.FieldMismatch f : fields) {
            boolean flag = !f.bits().contains(":") && !f.bits().equals("-");
            classes.add(flag ? f.field() + " " + f.expected() + "->" + f.observed() : f.field());
        }
        return new Finding(subject, fields, rule,
                new Signature(Signature.key("register", RegisterNames.name(offset), how, Signature.fields(classes)),
                        RegisterNames.name(offset) + " " + how + " " + Signature.fields(classes) + ": " + rule));
    }
}
