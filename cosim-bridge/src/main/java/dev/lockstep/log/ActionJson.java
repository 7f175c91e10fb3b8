package dev.lockstep.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.log.LogFormat.FieldException;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An {@link Action} as an {@code action} record: {@code op} names the kind, the other fields are the action's. */
final class ActionJson {
    private ActionJson() {}

    static final String[] MEMORY_ERRORS = {"none", "access_fault", "data_corruption"};

    /** The record of action {@code index} without a cycle (as schema version 1 wrote it). */
    static ObjectNode write(int index, Action action) { return write(index, action, -1); }

    /** The record of action {@code index} applied at {@code cycle} (seed-relative; negative: written without one). */
    static ObjectNode write(int index, Action action, long cycle) {
        ObjectNode n = LogFormat.record(LogFormat.ACTION);
        n.put("index", index);
        if (cycle >= 0) n.put("cycle", cycle);
        fields(n, action);
        return n;
    }

    /** The {@code op} and the fields of {@code action} (a window's requests and software actions nest the same). */
    private static void fields(ObjectNode n, Action action) {
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
        } else if (action instanceof Action.Window w) {
            n.put("op", "window");
            ArrayNode requests = n.putArray("requests");
            for (Action.Translate t : w.requests()) {
                ObjectNode r = requests.addObject();
                fields(r, t);
                r.remove("op"); // every request is a translation request: the element has a translate's fields only
            }
            if (!w.pageRequests().isEmpty()) {
                ArrayNode pages = n.putArray("page_requests");
                for (Action.PageRequest p : w.pageRequests()) {
                    ObjectNode r = pages.addObject();
                    fields(r, p);
                    r.remove("op"); // every element is a page request: a page_request's fields only
                }
            }
            if (w.staggered()) {
                ArrayNode arrivals = n.putArray("arrivals");
                for (int at : w.arrivals()) arrivals.add(at);
            }
            n.put("gap", w.gap());
            ArrayNode during = n.putArray("during");
            for (Action a : w.during()) fields(during.addObject(), a);
            if (!w.later().isEmpty()) {
                ArrayNode later = n.putArray("later");
                for (Action.Window.Software g : w.later()) {
                    ObjectNode group = later.addObject();
                    group.put("gap", g.gap());
                    ArrayNode actions = group.putArray("during");
                    for (Action a : g.during()) fields(actions.addObject(), a);
                }
            }
        } else {
            throw new IllegalArgumentException("no log record for " + action.describe());
        }
    }

    /** Widths of the request fields (spec: device_id up to 24 bits, process_id 20 bits; the ABI's 16-bit tag). */
    static final int TAG_BITS = 16;
    static final int DEVICE_ID_BITS = 24;
    static final int PROCESS_ID_BITS = 20;

    static Action read(JsonNode n) throws FieldException {
        String op = LogFormat.choice(n, "op", null, "register_read", "register_write", "memory_write",
                "memory_error", "translate", "page_request", WINDOW);
        switch (op) {
            case WINDOW:
                return window(n);
            case "register_read": {
                int size = size(n);
                return new Action.RegisterRead(offset(n, size), size);
            }
            case "register_write":
                return registerWrite(n);
            case "memory_write":
                return memoryWrite(n);
            case "memory_error":
                return new Action.MemoryError(LogFormat.integer(n, "pa"),
                        memoryError(LogFormat.choice(n, "error", null, MEMORY_ERRORS)));
            case "translate":
                return translate(n);
            default: // page_request
                return pageRequest(n);
        }
    }

    private static Action.PageRequest pageRequest(JsonNode n) throws FieldException {
        return new Action.PageRequest((int) LogFormat.unsigned(n, "device_id", DEVICE_ID_BITS),
                LogFormat.bool(n, "pv"), (int) LogFormat.unsigned(n, "process_id", PROCESS_ID_BITS),
                LogFormat.bool(n, "priv"), LogFormat.bool(n, "exec"), LogFormat.integer(n, "payload"),
                LogFormat.bool(n, "dsv", true));
    }

    /** The op of a window action (schema version 2). */
    static final String WINDOW = "window";

    /**
     * A window (schema version 2, docs/concurrency.md): {@code requests}, objects with a translate action's
     * fields, distinct tags; {@code page_requests} (absent: none), objects with a page_request action's fields;
     * at least one request of either kind; {@code arrivals} (absent: all 0), the cycle after the window's start
     * each request is submitted at, one per request, starting at 0 and never decreasing; {@code gap} cycles;
     * {@code during}, the stores and register writes applied then (absent: none). A bad element names its place:
     * {@code requests[2].tag}, {@code during[0].pa}, {@code page_requests[1].payload}, {@code arrivals[1]}.
     */
    private static Action.Window window(JsonNode n) throws FieldException {
        JsonNode requests = LogFormat.required(n, "requests");
        List<Action.PageRequest> pages = elements(n, "page_requests", "an array of page requests",
                "an object with the fields of a page_request action", ActionJson::pageRequest);
        if (!requests.isArray() || requests.isEmpty() && pages.isEmpty()) {
            throw LogFormat.expected("requests", pages.isEmpty() ? "an array of at least one translation request "
                    + "(or page_requests with at least one page request)" : "an array of translation requests", requests);
        }
        List<Action.Translate> list = new ArrayList<>(requests.size());
        Map<Integer, Integer> tags = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            String where = "requests[" + i + "]";
            JsonNode r = requests.get(i);
            if (!r.isObject()) throw LogFormat.expected(where, "an object with the fields of a translate action", r);
            Action.Translate t;
            try {
                t = translate(r);
            } catch (FieldException e) {
                throw e.in(where);
            }
            Integer first = tags.putIfAbsent(t.tag(), i);
            if (first != null) {
                throw new FieldException("field '" + where + ".tag': tag " + t.tag() + " is requests[" + first
                        + "]'s too: the requests of a window are outstanding together, their tags distinct");
            }
            list.add(t);
        }
        int gap = (int) LogFormat.range(n, "gap", 0, Integer.MAX_VALUE);
        List<Action> during = softwareActions(n);
        List<Action.Window.Software> later = later(n, gap, during, pages);
        return new Action.Window(list, arrivals(n, list.size()), gap, during, pages, later);
    }

    /** A window's or software group's {@code during}: stores and register writes. */
    private static List<Action> softwareActions(JsonNode n) throws FieldException {
        return elements(n, "during", "an array of memory_write and register_write actions",
                "an object with an op and its fields", a -> {
                    String op = LogFormat.choice(a, "op", null, "memory_write", "register_write");
                    return op.equals("memory_write") ? memoryWrite(a) : registerWrite(a);
                });
    }

    /**
     * A window's {@code later} software groups (docs/log-format.md, "Software groups"): absent, none. Each has a
     * gap past the one before it and at least one action; a window with Page Requests has none.
     */
    private static List<Action.Window.Software> later(JsonNode n, int gap, List<Action> during,
                                                      List<Action.PageRequest> pages) throws FieldException {
        JsonNode array = n.get("later");
        if (array == null || array.isNull()) return List.of();
        if (!array.isArray()) throw LogFormat.expected("later", "an array of software groups ({gap, during})", array);
        if (array.isEmpty()) return List.of();
        if (during.isEmpty()) {
            throw new FieldException("field 'later': a window with later software groups has software actions in "
                    + "'during' too");
        }
        if (!pages.isEmpty()) {
            throw new FieldException("field 'later': a window with page_requests has one software group ('during')");
        }
        List<Action.Window.Software> out = new ArrayList<>();
        int previous = gap;
        for (int i = 0; i < array.size(); i++) {
            String where = "later[" + i + "]";
            JsonNode g = array.get(i);
            if (!g.isObject()) throw LogFormat.expected(where, "an object with a gap and a during", g);
            try {
                int at = (int) LogFormat.range(g, "gap", previous + 1L, Integer.MAX_VALUE);
                List<Action> actions = softwareActions(g);
                if (actions.isEmpty()) throw LogFormat.expected("during", "at least one memory_write or register_write", g.get("during"));
                out.add(new Action.Window.Software(at, actions));
                previous = at;
            } catch (FieldException e) {
                throw e.in(where);
            }
        }
        return out;
    }

    /** A window's {@code arrivals}: absent, every request at the window's start. */
    private static List<Integer> arrivals(JsonNode n, int requests) throws FieldException {
        JsonNode array = n.get("arrivals");
        if (array == null || array.isNull()) return java.util.Collections.nCopies(requests, 0);
        if (!array.isArray() || array.size() != requests) {
            throw LogFormat.expected("arrivals", "an array of " + requests + " cycle counts, one per request", array);
        }
        List<Integer> out = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            JsonNode a = array.get(i);
            int previous = i == 0 ? 0 : out.get(i - 1);
            if (!a.canConvertToInt() || !a.isIntegralNumber() || a.intValue() < previous || i == 0 && a.intValue() != 0) {
                throw LogFormat.expected("arrivals[" + i + "]", i == 0 ? "0 (the first request opens the window)"
                        : "a number of cycles >= " + previous + " (arrivals never decrease)", a);
            }
            out.add(a.intValue());
        }
        return out;
    }

    /** Reads one element of an array field. */
    private interface ElementReader<T> {
        T read(JsonNode element) throws FieldException;
    }

    /**
     * The elements of the optional array {@code field} of {@code n} (absent or null: none), each an object
     * read by {@code reader}; a bad one names its place, e.g. {@code during[0].pa}.
     */
    private static <T> List<T> elements(JsonNode n, String field, String arrayWhat, String elementWhat,
                                        ElementReader<T> reader) throws FieldException {
        List<T> out = new ArrayList<>();
        JsonNode array = n.get(field);
        if (array == null || array.isNull()) return out;
        if (!array.isArray()) throw LogFormat.expected(field, arrayWhat, array);
        for (int i = 0; i < array.size(); i++) {
            String where = field + "[" + i + "]";
            JsonNode e = array.get(i);
            if (!e.isObject()) throw LogFormat.expected(where, elementWhat, e);
            try {
                out.add(reader.read(e));
            } catch (FieldException x) {
                throw x.in(where);
            }
        }
        return out;
    }

    private static Action.RegisterWrite registerWrite(JsonNode n) throws FieldException {
        int size = size(n);
        return new Action.RegisterWrite(offset(n, size), size, LogFormat.unsigned(n, "value", 8 * size));
    }

    private static Action.MemoryWrite memoryWrite(JsonNode n) throws FieldException {
        return new Action.MemoryWrite(LogFormat.integer(n, "pa"), LogFormat.integer(n, "value"),
                LogFormat.text(n, "what", "logged store"));
    }

    private static Action.Translate translate(JsonNode n) throws FieldException {
        long t = LogFormat.integer(n, "ttyp");
        int ttyp = (int) t;
        if (t == 0 || t == 4 || t > Ttyp.ATS_TRANSLATION || t < 0) {
            throw LogFormat.expected("ttyp", "a request type: 1-3 untranslated, 5-7 translated, "
                    + "8 ATS translation request", n.get("ttyp"));
        }
        boolean noWrite = LogFormat.bool(n, "no_write", false);
        boolean exec = LogFormat.bool(n, "exec_requested", false);
        boolean cxl = LogFormat.bool(n, "cxl", false);
        if ((noWrite || exec || cxl) && ttyp != Ttyp.ATS_TRANSLATION) {
            throw new FieldException("field '" + (noWrite ? "no_write" : exec ? "exec_requested" : "cxl")
                    + "': only an ATS translation request (ttyp 8) has it, not ttyp " + ttyp);
        }
        return new Action.Translate((int) LogFormat.unsigned(n, "tag", TAG_BITS),
                (int) LogFormat.unsigned(n, "device_id", DEVICE_ID_BITS), LogFormat.bool(n, "pv"),
                (int) LogFormat.unsigned(n, "process_id", PROCESS_ID_BITS), LogFormat.bool(n, "priv"),
                ttyp, LogFormat.integer(n, "iova"), noWrite, exec, cxl);
    }

    /**
     * A register offset in the 4-KiB register page, aligned to the access size: "The IOMMU behavior for
     * register accesses where the address is not aligned to the size of the access ... is UNSPECIFIED"
     * (spec: Memory-mapped register interface), so the checker has nothing to compare it with.
     */
    static int offset(JsonNode n, int size) throws FieldException {
        int offset = (int) LogFormat.range(n, "offset", 0, 4096 - size);
        if (offset % size != 0) throw LogFormat.expected("offset", "a multiple of the size (" + size + ")", n.get("offset"));
        return offset;
    }

    /** The access size: 4 or 8 (other sizes are UNSPECIFIED, same section). */
    static int size(JsonNode n) throws FieldException {
        int size = (int) LogFormat.range(n, "size", 0, 8);
        if (size != 4 && size != 8) throw LogFormat.expected("size", "4 or 8", n.get("size"));
        return size;
    }

    /** The address of an 8-byte memory word. */
    static long word(JsonNode n, String field) throws FieldException {
        long addr = LogFormat.integer(n, field);
        if ((addr & 7) != 0) throw LogFormat.expected(field, "an 8-byte aligned address", n.get(field));
        return addr;
    }

    private static int memoryError(String name) {
        for (int i = 0; i < MEMORY_ERRORS.length; i++) if (MEMORY_ERRORS[i].equals(name)) return i;
        throw new IllegalArgumentException(name);
    }
}
