package dev.lockstep.engine;

import dev.lockstep.dut.Dut;
import java.util.ArrayList;
import java.util.List;

/**
 * How the outbound PCIe messages of one action are compared: the model's ATS.INVAL "Invalidation
 * Request" and ATS.PRGR "Page Request Group Response" messages (spec: ATS.INVAL, ATS.PRGR in
 * "Command-Queue") against the DUT's LOCKSTEP_EV_MESSAGE_OUT events, as a set, field by field.
 */
final class MessageCheck {
    private MessageCheck() {}

    /** One differing message: what was compared, the fields, the rule. */
    record Mismatch(String subject, List<Divergence.FieldMismatch> fields, String rule, String signature) {}

    static String rule(long header) {
        if ((header & 3) == Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE) {
            return "ATS.PRGR sends one Page Request Group Response to the device function RID (DSEG when DSV=1), "
                    + "with the PASID when PV=1, and the command's PRGI and response code (spec: ATS.PRGR)";
        }
        return "ATS.INVAL sends one Invalidation Request to the device function RID (DSEG when DSV=1), with the PASID "
                + "when PV=1 and the command's PAYLOAD (spec: ATS.INVAL)";
    }

    /** The w[2] word of a message event. */
    static long header(int type, int rid, boolean dsv, int dseg, boolean pv, int pid) {
        return (type & 3L) | (pv ? 1L << 2 : 0) | (dsv ? 1L << 3 : 0) | (rid & 0xffffL) << 16
                | (dseg & 0xffL) << 32 | (pid & 0xfffffL) << 40;
    }

    /** The payload word of a Page Request Group Response: PRG index [40:32], response code [47:44]. */
    static long prgrPayload(int prgIndex, int responseCode) {
        return (prgIndex & 0x1ffL) << 32 | (responseCode & 0xfL) << 44;
    }

    static String typeName(long header) {
        return (header & 3) == Dut.MSG_INVALIDATION_REQUEST ? "Invalidation Request"
                : (header & 3) == Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE ? "Page Request Group Response"
                : "message type " + (header & 3);
    }

    /**
     * The first message the two sides do not agree on, or null. The order is not compared: "the IOMMU may
     * execute the fetched commands out of order" (spec: "Command-Queue"), so the messages of one action's
     * ATS.INVAL and ATS.PRGR commands may leave in any order; each message the model sends must be sent
     * once, equal in every field the spec defines, and nothing else. A message left unmatched on both sides
     * is reported against the nearest one of the other side (same type and RID, else same type).
     */
    static Mismatch compare(EffectRecorder model, DutObservations dut) {
        boolean[] modelMatched = new boolean[model.messages];
        boolean[] dutMatched = new boolean[dut.messages];
        for (int d = 0; d < dut.messages; d++) {
            for (int m = 0; m < model.messages && !dutMatched[d]; m++) {
                if (!modelMatched[m] && fields(model.messageHeader[m], model.messagePayload[m],
                        dut.messageHeader[d], dut.messagePayload[d]).isEmpty()) {
                    modelMatched[m] = true;
                    dutMatched[d] = true;
                }
            }
        }
        int m = firstFalse(modelMatched);
        int d = firstFalse(dutMatched);
        if (m < 0 && d < 0) return null;
        if (d < 0) {
            return new Mismatch("missing outbound message #" + m + ": " + typeName(model.messageHeader[m])
                    + describe(model.messageHeader[m], model.messagePayload[m]),
                    List.of(new Divergence.FieldMismatch("messages", "-", model.messages, dut.messages)),
                    rule(model.messageHeader[m]), "missing " + typeName(model.messageHeader[m]));
        }
        if (m < 0) {
            return new Mismatch("unexpected outbound message #" + d + ": " + typeName(dut.messageHeader[d])
                    + describe(dut.messageHeader[d], dut.messagePayload[d]),
                    List.of(new Divergence.FieldMismatch("messages", "-", model.messages, dut.messages)),
                    "the model sent no such message: only ATS.INVAL, ATS.PRGR and a Page Request the IOMMU "
                            + "cannot queue (L=1, not a Stop Marker) send messages to devices (spec: ATS.INVAL, "
                            + "ATS.PRGR, PCIe ATS Page Request handling)", "unexpected " + typeName(dut.messageHeader[d]));
        }
        m = nearest(model, modelMatched, dut.messageHeader[d], m);
        return new Mismatch("outbound message #" + d + ": " + typeName(model.messageHeader[m]),
                fields(model.messageHeader[m], model.messagePayload[m], dut.messageHeader[d], dut.messagePayload[d]),
                rule(model.messageHeader[m]), typeName(model.messageHeader[m]));
    }

    private static int firstFalse(boolean[] matched) {
        for (int i = 0; i < matched.length; i++) if (!matched[i]) return i;
        return -1;
    }

    /** The unmatched model message most like a DUT message with {@code header}: same type and RID, else same type, else {@code first}. */
    private static int nearest(EffectRecorder model, boolean[] matched, long header, int first) {
        int sameType = -1;
        for (int i = 0; i < model.messages; i++) {
            if (matched[i] || (model.messageHeader[i] & 3) != (header & 3)) continue;
            if (((model.messageHeader[i] ^ header) >>> 16 & 0xffff) == 0) return i;
            if (sameType < 0) sameType = i;
        }
        return sameType >= 0 ? sameType : first;
    }

    static List<Divergence.FieldMismatch> fields(long wantHeader, long wantPayload, long gotHeader, long gotPayload) {
        List<Divergence.FieldMismatch> f = new ArrayList<>();
        Divergence.FieldMismatch.addIfDifferent(f, "message type (0 Invalidation Request, 1 Page Request Group Response)", "-", wantHeader & 3, gotHeader & 3);
        Divergence.FieldMismatch.addIfDifferent(f, "RID", "15:0", (wantHeader >>> 16) & 0xffff, (gotHeader >>> 16) & 0xffff);
        Divergence.FieldMismatch.addIfDifferent(f, "DSV", "-", (wantHeader >>> 3) & 1, (gotHeader >>> 3) & 1);
        // "If the DSV operand is 1, then a valid destination segment number is specified by the DSEG
        // operand. If the DSV operand is 0, then the DSEG operand is ignored" (ATS.INVAL, ATS.PRGR).
        if (((wantHeader >>> 3) & 1) != 0) {
            Divergence.FieldMismatch.addIfDifferent(f, "DSEG", "7:0", (wantHeader >>> 32) & 0xff, (gotHeader >>> 32) & 0xff);
        }
        Divergence.FieldMismatch.addIfDifferent(f, "PV", "-", (wantHeader >>> 2) & 1, (gotHeader >>> 2) & 1);
        Divergence.FieldMismatch.addIfDifferent(f, "PID", "19:0", (wantHeader >>> 40) & 0xfffff, (gotHeader >>> 40) & 0xfffff);
        if ((wantHeader & 3) == Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE) {
            Divergence.FieldMismatch.addIfDifferent(f, "PRG index", "8:0", (wantPayload >>> 32) & 0x1ff, (gotPayload >>> 32) & 0x1ff);
            Divergence.FieldMismatch.addIfDifferent(f, "response code", "3:0", (wantPayload >>> 44) & 0xf, (gotPayload >>> 44) & 0xf);
            long other = ~(0x1ffL << 32 | 0xfL << 44);
            Divergence.FieldMismatch.addIfDifferent(f, "payload (other bits)", "63:0", wantPayload & other, gotPayload & other);
        } else {
            Divergence.FieldMismatch.addIfDifferent(f, "payload (ATS.INVAL dw1)", "63:0", wantPayload, gotPayload);
        }
        return f;
    }

    private static String describe(long header, long payload) {
        return String.format(" (RID 0x%x, PV %d, PID 0x%x, payload 0x%x)", (header >>> 16) & 0xffff,
                (header >>> 2) & 1, (header >>> 40) & 0xfffff, payload);
    }

}
