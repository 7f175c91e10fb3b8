package dev.lockstep.engine;

import dev.lockstep.refmodel.regs.RegisterFile;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fault records the DUT wrote during a window, attributed to the requests they name (device, process,
 * type, and iotval where several match), and the order that gives the model's requests (docs/concurrency.md,
 * section 13.3: the model's queue fills, and overflows, in the DUT's order).
 */
final class WindowRecords {
    private final SeedContext seed;
    private final QueueRegions regions;
    /** By tag: dword 0, iotval, iotval2 (logical byte order) and the cycle of dword 0's write. */
    private final Map<Integer, long[]> recorded = new HashMap<>();

    WindowRecords(SeedContext seed, QueueRegions regions) {
        this.seed = seed;
        this.regions = regions;
    }

    /** Whether the DUT wrote a fault record for request {@code tag} (once {@link #linearization} ran). */
    boolean wrote(int tag) { return recorded.containsKey(tag); }

    /** The record the DUT wrote for {@code tag}: dword 0, iotval, iotval2; null when none. */
    long[] record(int tag) { return recorded.get(tag); }

    /** The cycle the DUT wrote that record's first doubleword, or {@link Long#MIN_VALUE}. */
    long cycle(int tag) {
        long[] r = recorded.get(tag);
        return r == null ? Long.MIN_VALUE : r[3];
    }

    /**
     * The order the model performs the window's requests in: those the DUT wrote a fault record for
     * (identified by device, process, privilege and type) in the order of their records, then the others in the
     * order of their completions, so that the model's fault queue fills, and overflows, in the DUT's
     * order (a record the DUT left out of a full queue is then left out of the model's too).
     */
    List<Action.Translate> linearization(Action.Window w, Map<Integer, Integer> completionOf) {
        DutObservations observed = seed.observed;
        Map<Integer, Long> key = new HashMap<>();
        for (Action.Translate t : w.requests()) key.put(t.tag(), Long.MAX_VALUE);
        boolean bigEndian = seed.model.registers().bigEndian();
        long fqBase = RegisterFile.queueBaseAddress(seed.model.registers().fqb());
        Set<Integer> attributed = recorded.keySet();
        recorded.clear();
        for (int i = 0; i < observed.writes; i++) {
            long a = observed.writeAddr[i] & ~7L;
            if (!regions.inFaultQueue(a) || ((a - fqBase) & 31) != 0) continue;
            long dw0 = bigEndian ? Long.reverseBytes(observed.writeData[i]) : observed.writeData[i];
            Long iotval = null;
            long iotval2 = 0;
            for (int j = 0; j < observed.writes; j++) {
                long v = bigEndian ? Long.reverseBytes(observed.writeData[j]) : observed.writeData[j];
                if ((observed.writeAddr[j] & ~7L) == a + 16) iotval = v;
                if ((observed.writeAddr[j] & ~7L) == a + 24) iotval2 = v;
            }
            // The request the record names: same device, process and type; where several are, the one with
            // the record's iotval, else one on its page (the page offset may be reported as 0). Never one the DUT
            // answered with success: no fault of a request that succeeds is reported (a fault of an ATS request
            // answered Success with R=W=0 neither), so of identical requests the record is a faulting one's, and
            // of those one whose completion has the record's cause.
            Action.Translate named = null;
            int best = -1;
            for (Action.Translate t : w.requests()) {
                if (attributed.contains(t.tag()) || !recordOf(dw0, t)) continue;
                Integer c = completionOf.get(t.tag());
                if (c != null && DutObservations.status(observed.completionWord[c]) == 0) continue;
                int fit = iotval == null ? 0 : iotval == t.iova() ? 2 : (iotval >>> 12) == (t.iova() >>> 12) ? 1 : 0;
                // identical requests may meet different faults (one with a cached context, one walking): the one
                // whose completion carries the record's cause (a bus without the cause carries 0)
                if (c != null && DutObservations.cause(observed.completionWord[c]) == (dw0 & 0xfff)) fit += 4;
                if (fit > best) {
                    named = t;
                    best = fit;
                }
            }
            if (named != null) {
                recorded.put(named.tag(), new long[] {dw0, iotval == null ? 0 : iotval, iotval2, observed.writeCycle[i]});
                key.put(named.tag(), observed.writeCycle[i]);
            }
        }
        List<Action.Translate> order = new ArrayList<>(w.requests());
        order.sort((x, y) -> {
            int c = Long.compare(key.get(x.tag()), key.get(y.tag()));
            return c != 0 ? c : Integer.compare(completionOf.get(x.tag()), completionOf.get(y.tag()));
        });
        return order;
    }

    /**
     * Whether a fault record's first doubleword names request {@code t}: DID, PV, PID, PRIV and TTYP (two requests
     * of one process to one address differ only in PRIV when one is in S-mode).
     */
    private static boolean recordOf(long dw0, Action.Translate t) {
        return (dw0 >>> 40) == t.deviceId() && ((dw0 >>> 34) & 0x3f) == t.ttyp() && ((dw0 >>> 32) & 1) == (t.pv() ? 1 : 0)
                && (!t.pv() || ((dw0 >>> 12) & 0xfffff) == t.processId() && ((dw0 >>> 33) & 1) == (t.priv() ? 1 : 0));
    }

}
