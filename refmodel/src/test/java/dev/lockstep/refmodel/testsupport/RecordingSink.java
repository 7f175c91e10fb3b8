package dev.lockstep.refmodel.testsupport;

import dev.lockstep.refmodel.effect.EffectSink;
import java.util.ArrayList;
import java.util.List;

/** Records every effect as a readable line. */
public final class RecordingSink implements EffectSink {
    public final List<String> events = new ArrayList<>();

    @Override public void memoryWrite(int kind, long pa, int size, long value) {
        events.add("write kind=" + kind + " pa=0x" + Long.toHexString(pa) + " size=" + size + " value=0x" + Long.toHexString(value));
    }
    @Override public void interruptWire(int vector, boolean asserted) {
        events.add("wire " + vector + (asserted ? " up" : " down"));
    }
    @Override public void atsInvalidationRequest(int rid, boolean dsv, int dseg, boolean pv, int pid, long payload) {
        events.add("ats.inval rid=0x" + Integer.toHexString(rid) + " pv=" + pv + " pid=" + pid + " payload=0x" + Long.toHexString(payload));
    }
    @Override public void pageRequestGroupResponse(int rid, boolean dsv, int dseg, boolean pv, int pid, int prgIndex,
                                                   int responseCode, boolean automatic) {
        events.add("prgr rid=0x" + Integer.toHexString(rid) + " pv=" + pv + " pid=" + pid + " prgi=" + prgIndex
                + " code=" + responseCode + (automatic ? " auto" : ""));
    }

    public long count(String prefix) { return events.stream().filter(e -> e.startsWith(prefix)).count(); }
    public void clear() { events.clear(); }
}
