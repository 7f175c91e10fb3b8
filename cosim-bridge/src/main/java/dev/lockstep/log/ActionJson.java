package dev.lockstep.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.log.LogFormat.FieldException;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.stimulus.Action;

/** An {@link Action} as an {@code action} record: {@code op} names the kind, the other fields are the action's. */
final class ActionJson {
    private ActionJson() {}

    static final String[] MEMORY_ERRORS = {"none", "access_fault", "data_corruption"};

    static ObjectNode write(int index, Action action) {
        ObjectNode n = LogFormat.record(LogFormat.ACTION);
        n.put("index", index);
        if (action instanceof Action.RegisterRead r) {
            n.put("op", "register_read");
            n.put("offset", r.offset());
            n.put("size", r.size());
        } else if (action instanceof Action.RegisterWrite w) {
            n.put("op", "register_write");
            n.put("offset", w.offset());
            n.put("size", w.size());
            n.put("value", LogFormat.hex(w.value()));
        } else if (action instanceof Action.MemoryWrite m) {
            n.put("op", "memory_write");
            n.put("pa", LogFormat.hex(m.pa()));
            n.put("value", LogFormat.hex(m.value()));
            n.put("what", m.what());
        } else if (action instanceof Action.MemoryError e) {
            n.put("op", "memory_error");
            n.put("pa", LogFormat.hex(e.pa()));
            n.put("error", MEMORY_ERRORS[e.kind()]);
        } else if (action instanceof Action.Translate t) {
            n.put("op", "translate");
            n.put("tag", t.tag());
            n.put("device_id", LogFormat.hex(t.deviceId()));
            n.put("pv", t.pv());
            n.put("process_id", LogFormat.hex(t.processId()));
            n.put("priv", t.priv());
            n.put("ttyp", t.ttyp());
            n.put("iova", LogFormat.hex(t.iova()));
            if (t.noWrite()) n.put("no_write", true);
            if (t.execRequested()) n.put("exec_requested", true);
            if (t.cxl()) n.put("cxl", true);
        } else if (action instanceof Action.PageRequest p) {
            n.put("op", "page_request");
            n.put("device_id", LogFormat.hex(p.deviceId()));
            n.put("pv", p.pv());
            n.put("process_id", LogFormat.hex(p.processId()));
            n.put("priv", p.priv());
            n.put("exec", p.exec());
            n.put("payload", LogFormat.hex(p.payload()));
            if (!p.dsv()) n.put("dsv", false);
        } else {
            throw new IllegalArgumentException("no log record for " + action.describe());
        }
        return n;
    }

    static Action read(JsonNode n) throws FieldException {
        String op = LogFormat.text(n, "op");
        switch (op) {
            case "register_read":
                return new Action.RegisterRead(offset(n), size(n));
            case "register_write":
                return new Action.RegisterWrite(offset(n), size(n), LogFormat.integer(n, "value"));
            case "memory_write":
                return new Action.MemoryWrite(LogFormat.integer(n, "pa"), LogFormat.integer(n, "value"),
                        n.hasNonNull("what") ? n.get("what").asText() : "logged store");
            case "memory_error":
                return new Action.MemoryError(LogFormat.integer(n, "pa"), memoryError(LogFormat.text(n, "error")));
            case "translate": {
                int ttyp = (int) LogFormat.integer(n, "ttyp");
                boolean noWrite = n.has("no_write") && LogFormat.bool(n, "no_write");
                boolean exec = n.has("exec_requested") && LogFormat.bool(n, "exec_requested");
                boolean cxl = LogFormat.bool(n, "cxl", false);
                if ((noWrite || exec || cxl) && ttyp != Ttyp.ATS_TRANSLATION) {
                    throw new FieldException((noWrite ? "no_write" : exec ? "exec_requested" : "cxl")
                            + ": only an ATS translation request (ttyp 8) has it, not ttyp " + ttyp);
                }
                return new Action.Translate((int) LogFormat.integer(n, "tag"), LogFormat.smallInteger(n, "device_id"),
                        LogFormat.bool(n, "pv"), LogFormat.smallInteger(n, "process_id"), LogFormat.bool(n, "priv"),
                        ttyp, LogFormat.integer(n, "iova"), noWrite, exec, cxl);
            }
            case "page_request":
                return new Action.PageRequest(LogFormat.smallInteger(n, "device_id"), LogFormat.bool(n, "pv"),
                        LogFormat.smallInteger(n, "process_id"), LogFormat.bool(n, "priv"), LogFormat.bool(n, "exec"),
                        LogFormat.integer(n, "payload"), LogFormat.bool(n, "dsv", true));
            default:
                throw new FieldException("unknown action op '" + op
                        + "' (expected register_read, register_write, memory_write, memory_error, translate or page_request)");
        }
    }

    private static int offset(JsonNode n) throws FieldException {
        int offset = LogFormat.smallInteger(n, "offset");
        if (offset < 0 || offset >= 4096) throw new FieldException("field 'offset' must be 0..4095, got " + offset);
        return offset;
    }

    private static int size(JsonNode n) throws FieldException {
        int size = LogFormat.smallInteger(n, "size");
        if (size != 4 && size != 8) throw new FieldException("field 'size' must be 4 or 8, got " + size);
        return size;
    }

    private static int memoryError(String name) throws FieldException {
        for (int i = 0; i < MEMORY_ERRORS.length; i++) if (MEMORY_ERRORS[i].equals(name)) return i;
        throw new FieldException("field 'error' must be none, access_fault or data_corruption, got '" + name + "'");
    }
}
