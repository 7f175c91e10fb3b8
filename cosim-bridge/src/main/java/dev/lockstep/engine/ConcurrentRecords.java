package dev.lockstep.engine;

import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.mem.FastSparseMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault records of requests outstanding together, in the order the DUT wrote them. The spec orders
 * no two faults of concurrent requests ("Fault/Event-Queue": each record goes to fqt, which then
 * advances by one; nothing ties a record to its request's completion), so the model's records, written
 * in the order it linearized the requests, may sit in other slots than the DUT's. When both sides wrote
 * the same slots and every DUT record equals a distinct model record, the model's records are moved to the
 * DUT's slots (its effects and its memory): what is then compared is each record's contents and the
 * slots used, not an order the spec leaves open. Otherwise nothing moves and the word-by-word
 * comparison reports the difference.
 */
final class ConcurrentRecords {
    private ConcurrentRecords() {}

    private static final int RECORD = 32;

    /** Moves the model's records of this window to the DUT's slots where the two are a permutation of each other. */
    static void alignToDut(EffectRecorder effects, DutObservations observed, QueueRegions regions,
                           FastSparseMemory memory, boolean bigEndian) {
        Map<Long, long[]> model = new LinkedHashMap<>();
        for (int i = 0; i < effects.writes; i++) {
            if (effects.writeKind[i] != EffectSink.WRITE_FAULT_RECORD) continue;
            if (effects.writeSize[i] != 8 || (effects.writePa[i] & 7) != 0) return;
            long slot = effects.writePa[i] & ~(RECORD - 1L);
            model.computeIfAbsent(slot, k -> new long[4])[(int) ((effects.writePa[i] >>> 3) & 3)] = effects.writeValue[i];
        }
        if (model.size() < 2) return;
        Map<Long, long[]> dut = new LinkedHashMap<>();
        for (int i = 0; i < observed.writes; i++) {
            long a = observed.writeAddr[i] & ~7L;
            if (!regions.inFaultQueue(a)) continue;
            if (observed.writeStrobe[i] != 0xff) return;
            dut.computeIfAbsent(a & ~(RECORD - 1L), k -> new long[4])[(int) ((a >>> 3) & 3)] = observed.writeData[i];
        }
        if (!dut.keySet().equals(model.keySet())) return;
        List<Long> modelSlots = new ArrayList<>(model.keySet());
        List<Long> dutSlots = new ArrayList<>(dut.keySet());
        int n = modelSlots.size();
        boolean[][] same = new boolean[n][n];
        for (int d = 0; d < n; d++) {
            for (int m = 0; m < n; m++) same[d][m] = sameRecord(model.get(modelSlots.get(m)), dut.get(dutSlots.get(d)), bigEndian);
        }
        // A record may match several (an iotval reported with page offset 0 matches every record of its page):
        // a matching of the two sets, not the first fit, decides whether they are a permutation.
        int[] dutOf = new int[n];
        java.util.Arrays.fill(dutOf, -1);
        for (int d = 0; d < n; d++) {
            if (!augment(d, same, dutOf, new boolean[n])) return;
        }
        Map<Long, Long> modelSlotFor = new LinkedHashMap<>();
        for (int m = 0; m < n; m++) modelSlotFor.put(modelSlots.get(m), dutSlots.get(dutOf[m]));
        for (int i = 0; i < effects.writes; i++) {
            if (effects.writeKind[i] != EffectSink.WRITE_FAULT_RECORD) continue;
            long slot = effects.writePa[i] & ~(RECORD - 1L);
            effects.writePa[i] = modelSlotFor.get(slot) + (effects.writePa[i] & (RECORD - 1));
        }
        for (Map.Entry<Long, Long> e : modelSlotFor.entrySet()) {
            long[] words = model.get(e.getKey());
            for (int w = 0; w < 4; w++) memory.store64(e.getValue() + 8L * w, words[w]);
        }
    }

    /** Kuhn's augmenting path: DUT record {@code d} gets a model record, others moving to make room if they can. */
    private static boolean augment(int d, boolean[][] same, int[] dutOf, boolean[] seen) {
        for (int m = 0; m < dutOf.length; m++) {
            if (!same[d][m] || seen[m]) continue;
            seen[m] = true;
            if (dutOf[m] < 0 || augment(dutOf[m], same, dutOf, seen)) {
                dutOf[m] = d;
                return true;
            }
        }
        return false;
    }

    /**
     * Whether DUT record {@code d} is model record {@code m}, with the freedom {@link MemoryWriteCheck} allows
     * (the page offset of iotval and of iotval2's GPA may be reported as 0).
     */
    private static boolean sameRecord(long[] m, long[] d, boolean bigEndian) {
        if (m[0] != d[0] || m[1] != d[1]) return false;
        long mv = logical(m[2], bigEndian);
        long dv = logical(d[2], bigEndian);
        long mv2 = logical(m[3], bigEndian);
        long dv2 = logical(d[3], bigEndian);
        return MemoryWriteCheck.sameIotval(mv, dv) && MemoryWriteCheck.sameIotval2(mv2, dv2);
    }

    private static long logical(long v, boolean bigEndian) {
        return bigEndian ? Long.reverseBytes(v) : v;
    }
}
