package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.RegisterNames;
import dev.lockstep.triage.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a register that differ and the signature of the difference: the register, how it was
 * seen (read, or read back after a write) and each field by its class, never its value (see
 * {@link Divergence#fieldClasses}). A queue index is classed by how it stands against the model's (out
 * of the queue's range, ahead or behind), and the RW1C fields of a read-back by their rule, because which
 * of them a write touched is the seed's choice.
 *
 * <p>A divergence that is a consequence of register state (an interrupt-wire edge) is keyed by the state
 * behind it, in the order the spec's sources feed each other: a queue's index, then its CSR, then the
 * ipsr bit; so that one wrong register gives one signature whether a read or a wire showed it first.
 */
final class RegisterSignatures {
    private RegisterSignatures() {}

    /** Each named field of {@code offset} whose bits differ under {@code mask}; the whole value when none is named. */
    static List<Divergence.FieldMismatch> fields(int offset, int size, long expected, long observed, long mask) {
        List<Divergence.FieldMismatch> fields = new ArrayList<>();
        // Fields of an 8-byte register read as its upper half sit 32 bits higher than the value read.
        boolean upperHalf = (offset & 4) != 0 && RegisterFile.isEightByteRegister(offset & ~7);
        int shift = upperHalf ? 32 : 0;
        for (RegisterNames.Field f : RegisterNames.fields(upperHalf ? offset & ~7 : offset)) {
            long m = f.mask() >>> shift;
            if (m == 0 || ((expected ^ observed) & m & mask) == 0) continue;
            fields.add(new Divergence.FieldMismatch(f.name(),
                    f.msb() == f.lsb() ? String.valueOf(f.msb()) : f.msb() + ":" + f.lsb(),
                    f.extract(expected << shift), f.extract(observed << shift)));
        }
        if (fields.isEmpty()) {
            fields.add(new Divergence.FieldMismatch("value", (size * 8 - 1) + ":0", expected, observed));
        }
        return fields;
    }

    /**
     * The signature of register {@code offset} differing in {@code fields}; {@code how}: "read" or "read
     * back"; {@code written}: the value written, for a read-back.
     */
    static Signature of(int offset, String how, List<Divergence.FieldMismatch> fields, RegisterFile model, String rule,
                        long written) {
        String name = RegisterNames.name(offset);
        List<String> classes = new ArrayList<>();
        int entries = queueEntries(offset, model);
        for (Divergence.FieldMismatch f : fields) {
            if (entries > 0) {
                classes.add(indexClass(f.expected(), f.observed(), entries));
            } else if (how.equals("read back") && isRw1c(offset, f.field()) && f.observed() == bit(written, offset, f.field())) {
                // The DUT's bit is the bit written: the write itself, not the IOMMU after it, left it so.
                classes.add("RW1C fields");
            } else {
                classes.add(Divergence.fieldClasses(List.of(f)).get(0));
            }
        }
        classes = new ArrayList<>(new java.util.LinkedHashSet<>(classes));
        return new Signature(Signature.key("register", name, how, Signature.fields(classes)),
                name + " " + how + " " + Signature.fields(classes) + ": " + rule);
    }

    /** The bit of field {@code field} of register {@code offset} in {@code value}. */
    private static long bit(long value, int offset, String field) {
        for (RegisterNames.Field f : RegisterNames.fields(offset)) if (f.name().equals(field)) return f.extract(value);
        return -1;
    }

    /**
     * For a queue CSR's or ipsr's differing bits that a write does not explain: the difference upstream
     * of them (the queue's index; for ipsr, each differing source's queue index and CSR), whose
     * consequence they are; null when there is none.
     */
    static Signature upstream(Iommu model, Dut dut, int offset) throws DutException {
        switch (offset) {
            case RegisterFile.CQCSR: return differing(model, dut, RegisterFile.CQH);
            case RegisterFile.FQCSR: return differing(model, dut, RegisterFile.FQT);
            case RegisterFile.PQCSR: return differing(model, dut, RegisterFile.PQT);
            case RegisterFile.IPSR: {
                Signature s = behindInterrupt(model, dut);
                return s != null && !s.key().startsWith("register/ipsr/") ? s : null;
            }
            default: return null;
        }
    }

    /** The command queue's state that differs (its head, then its CSR), or null. */
    static Signature commandQueue(Iommu model, Dut dut) throws DutException {
        Signature s = differing(model, dut, RegisterFile.CQH);
        return s != null ? s : differing(model, dut, RegisterFile.CQCSR);
    }

    static final String OUT_OF_RANGE = "index out of the queue's range";

    /** How the DUT's queue index stands against the model's, in a queue of {@code entries}. */
    private static String indexClass(long expected, long observed, int entries) {
        if (Long.compareUnsigned(observed, entries) >= 0) return OUT_OF_RANGE;
        long ahead = Math.floorMod(observed - expected, (long) entries);
        return ahead <= entries / 2 ? "index ahead of the model's" : "index behind the model's";
    }

    /** The entries of the queue whose head or tail {@code offset} is (spec: cqb/fqb/pqb LOG2SZ-1); else 0. */
    private static int queueEntries(int offset, RegisterFile r) {
        long base;
        switch (offset) {
            case RegisterFile.CQH: case RegisterFile.CQT: base = r.cqb(); break;
            case RegisterFile.FQH: case RegisterFile.FQT: base = r.fqb(); break;
            case RegisterFile.PQH: case RegisterFile.PQT: base = r.pqb(); break;
            default: return 0;
        }
        return 1 << (int) ((base & 0x1f) + 1);
    }

    /** Fields the spec makes RW1C: the queues' error bits and ipsr's pending bits. */
    private static boolean isRw1c(int offset, String field) {
        switch (offset) {
            case RegisterFile.CQCSR: return List.of("cqmf", "cmd_to", "cmd_ill", "fence_w_ip").contains(field);
            case RegisterFile.FQCSR: return List.of("fqmf", "fqof").contains(field);
            case RegisterFile.PQCSR: return List.of("pqmf", "pqof").contains(field);
            case RegisterFile.IPSR: return List.of("cip", "fip", "pmip", "pip").contains(field);
            default: return false;
        }
    }

    /**
     * The register state behind an interrupt-wire difference: for each ipsr source that differs, its
     * queue's index, then its CSR, then the ipsr bit itself, the first that differs; null when the
     * registers agree (the wire itself is wrong).
     */
    static Signature behindInterrupt(Iommu model, Dut dut) throws DutException {
        int[][] chains = {
                {RegisterFile.IPSR_CIP, RegisterFile.CQH, RegisterFile.CQCSR},
                {RegisterFile.IPSR_FIP, RegisterFile.FQT, RegisterFile.FQCSR},
                {RegisterFile.IPSR_PIP, RegisterFile.PQT, RegisterFile.PQCSR},
                {RegisterFile.IPSR_PMIP}};
        long ipsrMask = model.registerMasks().compareMask(RegisterFile.IPSR, 4);
        long ipsrDiff = (model.mmioRead(RegisterFile.IPSR, 4) ^ dut.mmioRead(RegisterFile.IPSR, 4)) & ipsrMask;
        for (int[] chain : chains) {
            if ((ipsrDiff & chain[0]) == 0) continue;
            for (int i = 1; i < chain.length; i++) {
                Signature s = differing(model, dut, chain[i]);
                if (s != null) return s;
            }
            return differing(model, dut, RegisterFile.IPSR);
        }
        return null;
    }

    /** The "read" signature of register {@code offset} (4 bytes) when the DUT's differs from the model's. */
    private static Signature differing(Iommu model, Dut dut, int offset) throws DutException {
        long mask = model.registerMasks().compareMask(offset, 4);
        long want = model.mmioRead(offset, 4);
        long got = dut.mmioRead(offset, 4);
        if (((want ^ got) & mask) == 0) return null;
        return of(offset, "read", fields(offset, 4, want, got, mask), model.registers(), RegisterRules.describe(offset), 0);
    }
}
