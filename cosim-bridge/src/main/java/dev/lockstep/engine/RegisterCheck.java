package dev.lockstep.engine;

import dev.lockstep.dut.DutException;
import dev.lockstep.stimulus.Action;
import dev.lockstep.stimulus.RegisterNames;
import dev.lockstep.triage.Signature;
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
        return compare(index, action, offset, size, null);
    }

    /** {@link #compare}; {@code before}: for a register write, the model's value before it, else null. */
    Finding compare(int index, Action action, int offset, int size, Long before) throws DutException {
        long expected = seed.model.mmioRead(offset, size);
        long observedValue = seed.driver.drive(new Action.RegisterRead(offset, size));
        long mask = seed.model.registerMasks().compareMask(offset, size);
        seed.observer.registerRead(index, offset, size, expected, observedValue);
        if (((expected ^ observedValue) & mask) == 0) return null;
        List<Divergence.FieldMismatch> fields = RegisterSignatures.fields(offset, size, expected, observedValue, mask);
        String how = action instanceof Action.RegisterWrite ? "read back" : "read";
        String subject = String.format("%s (offset 0x%x, %d B) %s", RegisterNames.name(offset), offset, size, how);
        String rule = RegisterRules.describe(offset);
        long written = action instanceof Action.RegisterWrite w ? w.value() : 0;
        Signature signature = RegisterSignatures.of(offset, how, fields, seed.model.registers(), rule, written);
        if (before != null && ((observedValue ^ before) & mask) == 0 && !signature.key().contains("RW1C fields")) {
            // The register reads as it did before the write, which changed it in the model, and no RW1C bit
            // explains that: the write was lost (decoded to another register or dropped), whichever fields the
            // seed's value happened to change.
            signature = new Signature(Signature.key("register", RegisterNames.name(offset), how, "the write left it unchanged"),
                    RegisterNames.name(offset) + " read back as before the write: " + rule);
        }
        // A queue CSR's or ipsr's bit the IOMMU set (not the write) follows from the state upstream of it; a
        // queue index outside its queue is wrong by itself, so what the queue did after it follows from it
        // even where the bit is the one written.
        Signature upstream = RegisterSignatures.upstream(seed.model, seed.driver.dut, offset);
        if (upstream != null && (!signature.key().contains("RW1C") || upstream.key().endsWith(RegisterSignatures.OUT_OF_RANGE))) {
            signature = upstream;
        }
        return new Finding(subject, fields, rule, signature);
    }
}
