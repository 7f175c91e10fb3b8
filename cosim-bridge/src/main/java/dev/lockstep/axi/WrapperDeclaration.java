package dev.lockstep.axi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.regression.BadInputException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A wrapper's declaration file ({@code TOP.lockstep.json}, docs/axi-wrapper.md): the widths of its ports
 * and which optional signals it has. Every key is checked: an unknown key, a value of the wrong type or out
 * of range is bad input naming the file and the key.
 */
public record WrapperDeclaration(
        String top,
        boolean progAxi4, int progDataWidth, int progAddrWidth, int progIdWidth, long progBase,
        int devIdWidth, boolean translated,
        int outIdWidth, int outAddrWidth, boolean pbmt,
        int memIdWidth, int memAddrWidth, boolean atop, boolean poison,
        int irqWidth,
        boolean ats, boolean atsCxl, boolean messages, boolean pageRequests, boolean pageRequestDsv,
        boolean causePort, boolean idlePort, boolean mutantPort,
        boolean cqhPort, boolean fqtPort, boolean pqtPort) {

    private static final Set<String> TOP_KEYS = Set.of("top", "description", "prog", "s_dev", "m_out", "m_mem",
            "irq_width", "ats", "ats_cxl", "messages", "page_requests", "page_request_dsv", "cause_port", "idle_port",
            "mutant_port", "cqh_port", "fqt_port", "pqt_port");

    public static WrapperDeclaration read(Path file) throws BadInputException {
        JsonNode root = dev.lockstep.regression.JsonFiles.read(file, file.toString());
        if (root == null || !root.isObject()) throw new BadInputException(file + ": expected a JSON object");
        Reader r = new Reader(file);
        r.keys(root, "", TOP_KEYS);
        JsonNode prog = r.object(root, "prog", true);
        r.keys(prog, "prog.", Set.of("protocol", "data_width", "addr_width", "id_width", "base"));
        JsonNode dev = r.object(root, "s_dev", true);
        r.keys(dev, "s_dev.", Set.of("id_width", "translated"));
        JsonNode out = r.object(root, "m_out", true);
        r.keys(out, "m_out.", Set.of("id_width", "addr_width", "pbmt"));
        JsonNode mem = r.object(root, "m_mem", true);
        r.keys(mem, "m_mem.", Set.of("id_width", "addr_width", "atop", "poison"));
        String protocol = r.text(prog, "prog.protocol", "axi4lite");
        if (!protocol.equals("axi4lite") && !protocol.equals("axi4")) {
            throw new BadInputException(file + ": key 'prog.protocol': expected \"axi4lite\" or \"axi4\", got \"" + protocol + "\"");
        }
        int dataWidth = r.integer(prog, "prog.data_width", 32, 0, 1024);
        if (dataWidth != 32 && dataWidth != 64) {
            throw new BadInputException(file + ": key 'prog.data_width': expected 32 or 64, got " + dataWidth);
        }
        boolean ats = r.flag(root, "ats");
        boolean pageRequests = r.flag(root, "page_requests");
        WrapperDeclaration d = new WrapperDeclaration(
                r.text(root, "top", null),
                protocol.equals("axi4"), dataWidth, r.integer(prog, "prog.addr_width", 12, 12, 64),
                r.integer(prog, "prog.id_width", 4, 1, 16), r.number(prog, "prog.base"),
                r.integer(dev, "s_dev.id_width", 4, 1, 16), r.flag(dev, "translated"),
                r.integer(out, "m_out.id_width", 4, 1, 16), r.integer(out, "m_out.addr_width", 64, 32, 64),
                r.flag(out, "pbmt"),
                r.integer(mem, "m_mem.id_width", 4, 1, 16), r.integer(mem, "m_mem.addr_width", 64, 32, 64),
                r.flag(mem, "atop"), r.flag(mem, "poison"),
                r.integer(root, "irq_width", 4, 1, 16),
                ats, r.flag(root, "ats_cxl"), r.flag(root, "messages"), pageRequests, r.flag(root, "page_request_dsv"),
                r.flag(root, "cause_port"), r.flag(root, "idle_port"), r.flag(root, "mutant_port"),
                r.flag(root, "cqh_port"), r.flag(root, "fqt_port"), r.flag(root, "pqt_port"));
        if (d.atsCxl && !ats) throw new BadInputException(file + ": key 'ats_cxl' needs \"ats\": true");
        if (d.pageRequestDsv && !pageRequests) {
            throw new BadInputException(file + ": key 'page_request_dsv' needs \"page_requests\": true");
        }
        if (d.top == null || !d.top.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
            throw new BadInputException(file + ": key 'top': missing or not a SystemVerilog module name");
        }
        return d;
    }

    /** What the wrapper's bus carries, as the harness puts it in the library's build id ({@code DutInterface}). */
    public String interfaceText() {
        return "axi:translated=" + bit(translated) + ",ats=" + bit(ats) + ",ats_cxl=" + bit(atsCxl) + ",page_requests="
                + bit(pageRequests) + ",page_request_dsv=" + bit(pageRequestDsv) + ",messages=" + bit(messages) + ",cause=" + bit(causePort) + ",pbmt=" + bit(pbmt) + ",poison="
                + bit(poison) + ",idle=" + bit(idlePort) + ",mutants=" + bit(mutantPort) + ",cqh=" + bit(cqhPort)
                + ",fqt=" + bit(fqtPort) + ",pqt=" + bit(pqtPort);
    }

    private static int bit(boolean b) { return b ? 1 : 0; }

    /** Typed access to the keys of one file, each error naming the file and the key. */
    private record Reader(Path file) {
        void keys(JsonNode n, String prefix, Set<String> known) throws BadInputException {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                String k = it.next().getKey();
                if (!known.contains(k)) {
                    throw new BadInputException(file + ": unknown key '" + prefix + k + "' (known: "
                            + String.join(", ", new java.util.TreeSet<>(known)) + ")");
                }
            }
        }

        JsonNode object(JsonNode root, String key, boolean required) throws BadInputException {
            JsonNode n = root.get(key);
            if (n == null) {
                if (required) throw new BadInputException(file + ": missing key '" + key + "'");
                return new ObjectMapper().createObjectNode();
            }
            if (!n.isObject()) throw new BadInputException(file + ": key '" + key + "': expected an object");
            return n;
        }

        boolean flag(JsonNode n, String key) throws BadInputException {
            String name = key.substring(key.lastIndexOf('.') + 1);
            JsonNode v = n.get(name);
            if (v == null) return false;
            if (!v.isBoolean()) throw new BadInputException(file + ": key '" + key + "': expected true or false");
            return v.asBoolean();
        }

        int integer(JsonNode n, String key, int dflt, int min, int max) throws BadInputException {
            String name = key.substring(key.lastIndexOf('.') + 1);
            JsonNode v = n.get(name);
            if (v == null) return dflt;
            if (!v.isInt() || v.asInt() < min || v.asInt() > max) {
                throw new BadInputException(file + ": key '" + key + "': expected an integer " + min + ".." + max
                        + ", got " + v);
            }
            return v.asInt();
        }

        long number(JsonNode n, String key) throws BadInputException {
            String name = key.substring(key.lastIndexOf('.') + 1);
            JsonNode v = n.get(name);
            if (v == null) return 0;
            try {
                if (v.isIntegralNumber()) return v.asLong();
                String s = v.asText().trim();
                return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new BadInputException(file + ": key '" + key + "': expected a number (e.g. \"0x1000\"), got " + v);
            }
        }

        String text(JsonNode n, String key, String dflt) throws BadInputException {
            String name = key.substring(key.lastIndexOf('.') + 1);
            JsonNode v = n.get(name);
            if (v == null) return dflt;
            if (!v.isTextual()) throw new BadInputException(file + ": key '" + key + "': expected a string");
            return v.asText();
        }
    }
}
