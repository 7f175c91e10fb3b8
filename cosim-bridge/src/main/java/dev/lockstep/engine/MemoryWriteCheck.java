package dev.lockstep.engine;

import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.fault.FaultRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.lockstep.triage.Signature;

/**
 * Compares the IOMMU memory writes of one action: the model's (from its effect sink) against the DUT's
 * (from its memory port), as the final bytes each side left in every 8-byte word it wrote, so that a
 * record written as four 8-byte stores or as one burst compares the same. A fault record that differs
 * is reported field by field with the spec's field names.
 *
 * <p>Masked, because the spec leaves it open (spec: fault record, "iotval ... the page offset may be
 * reported as 0"; "an IOMMU may report the page offset of a GPA in iotval2 as 0"): the page offset of
 * iotval and of iotval2's GPA may be 0 in the DUT's record. The DUT's choice is handed back
 * ({@code adopted}) for the model's memory to take, so the end-of-seed image comparison agrees too.
 */
final class MemoryWriteCheck {
    private MemoryWriteCheck() {}

    /** A mismatch found: what was compared, the differing fields, and its seed-independent class (for signatures). */
    record Mismatch(String subject, List<Divergence.FieldMismatch> fields, String rule, String signature) {}

    private record Word(long mask, long value, int kind) {}

    /** Compares; {@code region} names where a word the model does not write lies (e.g. "fault queue"). */
    static Mismatch compare(EffectRecorder model, DutObservations dut, java.util.function.LongFunction<String> region) {
        return compare(model, dut, region, false, new java.util.HashMap<>(), () -> "the model reported no fault");
    }

    /**
     * Compares the writes of one action; {@code bigEndian}: fctl.BE, the byte order of fault records in
     * memory. Words the DUT wrote differently but within what the spec permits go to {@code adopted}
     * (address, the DUT's value). {@code noRecord} says, in the spec's words, why the model wrote no fault
     * record in this action (the class of an extra record the DUT wrote).
     */
    static Mismatch compare(EffectRecorder model, DutObservations dut, java.util.function.LongFunction<String> region,
                            boolean bigEndian, Map<Long, Long> adopted, java.util.function.Supplier<String> noRecord) {
        if (model.writes == 0 && dut.writes == 0) return null;
        if (identical(model, dut)) return null;
        Map<Long, Word> expected = new TreeMap<>();
        for (int i = 0; i < model.writes; i++) {
            long pa = model.writePa[i];
            int size = model.writeSize[i];
            long word = pa & ~7L;
            int shift = (int) (pa & 7) * 8;
            long mask = (size == 8 ? -1L : (1L << (size * 8)) - 1) << shift;
            long value = (model.writeValue[i] << shift) & mask;
            Word old = expected.get(word);
            long m = old == null ? mask : old.mask | mask;
            long v = old == null ? value : (old.value & ~mask) | value;
            expected.put(word, new Word(m, v, model.writeKind[i]));
        }
        Map<Long, Word> observed = new TreeMap<>();
        for (int i = 0; i < dut.writes; i++) {
            long mask = strobeMask(dut.writeStrobe[i]);
            long word = dut.writeAddr[i] & ~7L;
            Word old = observed.get(word);
            long m = old == null ? mask : old.mask | mask;
            long v = old == null ? dut.writeData[i] & mask : (old.value & ~mask) | (dut.writeData[i] & mask);
            observed.put(word, new Word(m, v, 0));
        }
        for (Map.Entry<Long, Word> e : expected.entrySet()) {
            Word want = e.getValue();
            Word got = observed.get(e.getKey());
            if (got == null) {
                return new Mismatch(String.format("missing IOMMU memory write: %s to 0x%x",
                        EffectRecorder.kindName(want.kind), e.getKey()),
                        List.of(new Divergence.FieldMismatch("data", "63:0", want.value, 0)),
                        rule(want.kind) + "; the DUT wrote nothing there", "missing " + EffectRecorder.kindName(want.kind));
            }
            if (!sameWord(e.getKey(), want, got, bigEndian)) {
                if (want.kind == EffectSink.WRITE_FAULT_RECORD) {
                    return faultRecordMismatch(e.getKey() & ~31L, expected, observed, bigEndian);
                }
                return new Mismatch(String.format("IOMMU memory write (%s) to 0x%x", EffectRecorder.kindName(want.kind),
                        e.getKey()), List.of(new Divergence.FieldMismatch("data", "63:0", want.value, got.value)),
                        rule(want.kind), EffectRecorder.kindName(want.kind));
            }
            if (want.value != got.value) adopted.put(e.getKey(), got.value);
        }
        for (Map.Entry<Long, Word> e : observed.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                return new Mismatch(String.format("extra IOMMU memory write to 0x%x", e.getKey()),
                        List.of(new Divergence.FieldMismatch("data", "63:0", 0, e.getValue().value)),
                        "the model makes no memory write there for this action",
                        extraClass(e.getKey(), region.apply(e.getKey()), noRecord));
            }
        }
        return null;
    }

    /**
     * An extra write's class: a fault record by why the model wrote none (the fault it is about depends on
     * the seed; the rule that kept it out of the queue is the bug's), else the region it lies in.
     */
    private static String extraClass(long word, String region, java.util.function.Supplier<String> noRecord) {
        if (region.equals(FAULT_QUEUE) && (word & 31) == 0) return "extra fault record: " + noRecord.get();
        return "extra write in " + region;
    }

    /** The region name {@code compare}'s caller gives the fault queue. */
    static final String FAULT_QUEUE = "the fault queue";

    /**
     * The common case, checked without building maps: both sides made the same full-word stores in the
     * same order. Anything else (partial stores, another order, masked fields) takes the full comparison.
     */
    private static boolean identical(EffectRecorder model, DutObservations dut) {
        if (model.writes != dut.writes) return false;
        for (int i = 0; i < model.writes; i++) {
            if (model.writeSize[i] != 8 || (model.writePa[i] & 7) != 0 || dut.writeStrobe[i] != 0xff
                    || model.writePa[i] != dut.writeAddr[i] || model.writeValue[i] != dut.writeData[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameWord(long addr, Word want, Word got, boolean bigEndian) {
        if (want.mask != got.mask) return false;
        if (want.value == got.value) return true;
        if (want.kind != EffectSink.WRITE_FAULT_RECORD || want.mask != -1L) return false;
        int index = (int) ((addr >>> 3) & 3);
        long w = bigEndian ? Long.reverseBytes(want.value) : want.value;
        long g = bigEndian ? Long.reverseBytes(got.value) : got.value;
        if (index == 2) return sameIotval(w, g);
        if (index == 3) return sameIotval2(w, g);
        return false;
    }

    /** The DUT's iotval {@code dut} reports the model's {@code model}: its page offset may be 0. */
    static boolean sameIotval(long model, long dut) {
        return dut == model || dut == (model & ~0xfffL);
    }

    /** The DUT's iotval2 reports the model's: GPA[63:2], whose page offset may be 0 too. */
    static boolean sameIotval2(long model, long dut) {
        return dut == model || dut == (model & ~0xffcL);
    }

    private static Mismatch faultRecordMismatch(long record, Map<Long, Word> expected, Map<Long, Word> observed,
                                                boolean bigEndian) {
        FaultRecord want = decode(record, expected, bigEndian);
        FaultRecord got = decode(record, observed, bigEndian);
        List<Divergence.FieldMismatch> fields = new ArrayList<>();
        Divergence.FieldMismatch.addIfDifferent(fields, "CAUSE", "11:0", want.cause(), got.cause());
        Divergence.FieldMismatch.addIfDifferent(fields, "PID", "31:12", want.processId(), got.processId());
        Divergence.FieldMismatch.addIfDifferent(fields, "PV", "32", want.pv() ? 1 : 0, got.pv() ? 1 : 0);
        Divergence.FieldMismatch.addIfDifferent(fields, "PRIV", "33", want.priv() ? 1 : 0, got.priv() ? 1 : 0);
        Divergence.FieldMismatch.addIfDifferent(fields, "TTYP", "39:34", want.ttyp(), got.ttyp());
        Divergence.FieldMismatch.addIfDifferent(fields, "DID", "63:40", want.deviceId(), got.deviceId());
        Divergence.FieldMismatch.addIfDifferent(fields, "iotval", "191:128", want.iotval(), got.iotval());
        // iotval2's bits have their own meanings (spec: fault record, iotval2): the GPA, and for a
        // guest-page fault on an implicit access bit 0 (implicit) and bit 1 (the implicit access a write).
        Divergence.FieldMismatch.addIfDifferent(fields, "iotval2 GPA", "255:194", want.iotval2() >>> 2, got.iotval2() >>> 2);
        Divergence.FieldMismatch.addIfDifferent(fields, "iotval2 implicit", "192", want.iotval2() & 1, got.iotval2() & 1);
        Divergence.FieldMismatch.addIfDifferent(fields, "iotval2 implicit write", "193", (want.iotval2() >>> 1) & 1,
                (got.iotval2() >>> 1) & 1);
        Word custom = observed.get(record + 8);
        if (custom != null && custom.value != 0) Divergence.FieldMismatch.addIfDifferent(fields, "custom/reserved", "127:64", 0, custom.value);
        // The cause is the record's path class; the other fields' values are seed-specific.
        String signature = want.cause() == got.cause() ? "fault record: " + Signature.fields(packingClasses(fields))
                : "fault record: " + Signature.causeClass(want.cause()) + " -> "
                        + Signature.causeClass(got.cause());
        return new Mismatch(String.format("fault record at 0x%x", record), fields,
                "fault record (spec: Fault/Event-Queue record): CAUSE[11:0] PID[31:12] PV[32] PRIV[33] TTYP[39:34] "
                        + "DID[63:40] iotval iotval2; PV=0 => PID=PRIV=0; the page offset of iotval may be 0", signature);
    }


    /**
     * The differing record fields for a signature, without a one-bit field next to a differing multi-bit
     * one: a field packed at the wrong place garbles its neighbour's bit only when the two bits happen to
     * differ, so the neighbour shows in some seeds and not others.
     */
    static List<String> packingClasses(List<Divergence.FieldMismatch> fields) {
        List<Divergence.FieldMismatch> kept = new ArrayList<>();
        for (Divergence.FieldMismatch f : fields) {
            if (f.bits().contains(":")) { kept.add(f); continue; }
            int bit = Integer.parseInt(f.bits());
            boolean garbled = false;
            for (Divergence.FieldMismatch o : fields) {
                if (!o.bits().contains(":")) continue;
                String[] r = o.bits().split(":");
                garbled |= Integer.parseInt(r[1]) == bit + 1 || Integer.parseInt(r[0]) == bit - 1;
            }
            if (!garbled) kept.add(f);
        }
        return Divergence.fieldClasses(kept);
    }

    private static FaultRecord decode(long record, Map<Long, Word> words, boolean bigEndian) {
        long dw0 = value(words, record, bigEndian);
        return FaultRecord.decode(dw0, value(words, record + 16, bigEndian), value(words, record + 24, bigEndian));
    }

    /** A record word in logical order (fault records are stored in fctl.BE byte order). */
    private static long value(Map<Long, Word> words, long addr, boolean bigEndian) {
        Word w = words.get(addr);
        long v = w == null ? 0 : w.value;
        return bigEndian ? Long.reverseBytes(v) : v;
    }

    /** The bytes a write's strobe selects, as a 64-bit mask. */
    static long strobeMask(int strobe) {
        long m = 0;
        for (int i = 0; i < 8; i++) if ((strobe & (1 << i)) != 0) m |= 0xffL << (8 * i);
        return m;
    }

    private static String rule(int kind) {
        switch (kind) {
            case EffectSink.WRITE_FAULT_RECORD:
                return "a fault the translation process reports is written to the fault queue at fqt unless fqof or "
                        + "fqmf is set or the queue is full (spec: Fault/Event-Queue)";
            case EffectSink.WRITE_IOFENCE:
                return "IOFENCE.C with AV=1 stores DATA at ADDR[63:2]<<2 once all earlier commands completed "
                        + "(spec: IOFENCE.C)";
            case EffectSink.WRITE_AD_UPDATE:
                return "with SADE/GADE=1 the IOMMU sets A (and D for writes) atomically in the leaf PTE "
                        + "(spec: DC tc.SADE/GADE; Priv Svadu)";
            case EffectSink.WRITE_MSI:
                return "IOMMU-generated MSI: msi_data_x stored at msi_addr_x (spec: msi_cfg_tbl)";
            default:
                return "IOMMU memory write";
        }
    }
}
