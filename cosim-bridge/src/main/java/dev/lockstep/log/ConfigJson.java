package dev.lockstep.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.log.LogFormat.FieldException;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.regression.BadInputException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The DUT's pinned configuration in a log header: the keys of the --config file (capabilities,
 * fctl_writable, fctl_reset, reset_mode, ddtp_modes) plus the other implementation choices the model
 * needs, so a log is checked with the configuration it was made with, not today's file.
 */
public final class ConfigJson {
    private ConfigJson() {}

    private static final String[] MODE_NAMES = {"Off", "Bare", "1LVL", "2LVL", "3LVL"};
    private static final IommuMode[] MODES = {IommuMode.OFF, IommuMode.BARE, IommuMode.LVL1, IommuMode.LVL2,
            IommuMode.LVL3};

    public static ObjectNode write(IommuConfig c) {
        ObjectNode n = LogFormat.JSON.createObjectNode();
        n.put("capabilities", LogFormat.hex(c.capabilities().value()));
        n.put("fctl_writable", c.fctlWritableMask());
        n.put("fctl_reset", c.fctlReset());
        n.put("reset_mode", name(c.resetMode()));
        ArrayNode modes = n.putArray("ddtp_modes");
        for (IommuMode m : MODES) if (c.supportedModes().contains(m)) modes.add(name(m));
        n.put("cq_log2sz_max", c.cqLog2SzMax());
        n.put("fq_log2sz_max", c.fqLog2SzMax());
        n.put("pq_log2sz_max", c.pqLog2SzMax());
        n.put("hpm_counters", c.hpmCounters());
        n.put("hpm_counter_width", c.hpmCounterWidth());
        n.put("icvec_writable", LogFormat.hex(c.icvecWritableMask()));
        IommuConfig.Warl w = c.warl();
        n.put("tr_req_iova_writable", LogFormat.hex(w.trReqIovaWritable()));
        n.put("tr_req_ctl_writable", LogFormat.hex(w.trReqCtlWritable()));
        n.put("iommu_qosid_writable", LogFormat.hex(w.iommuQosidWritable()));
        ArrayNode events = n.putArray("hpm_events");
        for (int id = 1; id < 64; id++) if (w.countsEvent(id)) events.add(id);
        return n;
    }

    /** Every key a configuration may have (a --config file may add "description"). */
    static final java.util.List<String> KEYS = java.util.List.of("capabilities", "fctl_writable", "fctl_reset",
            "reset_mode", "ddtp_modes", "cq_log2sz_max", "fq_log2sz_max", "pq_log2sz_max", "hpm_counters",
            "hpm_counter_width", "icvec_writable", "tr_req_iova_writable", "tr_req_ctl_writable",
            "iommu_qosid_writable", "hpm_events", "description");

    /**
     * Reads a --config file's JSON (e.g. rtl-stubs/config.json): the same keys and rules as a log header's
     * config. A problem is bad input naming {@code file} and the key.
     */
    public static IommuConfig readFile(JsonNode root, java.nio.file.Path file) throws BadInputException {
        try {
            return read(root);
        } catch (FieldException e) {
            String m = e.getMessage();
            throw new BadInputException(file + ": " + (m.startsWith("field '") ? "key '" + m.substring(7) : m));
        }
    }

    /** Reads a configuration; the keys after ddtp_modes are optional and default as in a --config file. */
    static IommuConfig read(JsonNode n) throws FieldException {
        if (n == null || !n.isObject()) throw new FieldException("expected a JSON object of configuration keys");
        for (java.util.Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new FieldException("field '" + key + "': unknown key" + dev.lockstep.regression.Suggest.nearest(key, KEYS)
                        + " (known: " + String.join(", ", KEYS) + ")");
            }
        }
        Capabilities caps = new Capabilities(LogFormat.integer(n, "capabilities"));
        Set<IommuMode> modes = EnumSet.noneOf(IommuMode.class);
        JsonNode list = LogFormat.required(n, "ddtp_modes");
        if (!list.isArray()) throw LogFormat.expected("ddtp_modes", "an array of mode names, e.g. [\"Off\", \"Bare\"]", list);
        for (JsonNode m : list) {
            IommuMode mode = mode(m, "ddtp_modes");
            if (!modes.add(mode)) throw LogFormat.expected("ddtp_modes", "each mode once", list);
        }
        int fctlWritable = (int) LogFormat.unsigned(n, "fctl_writable", 3);
        int fctlReset = (int) LogFormat.unsigned(n, "fctl_reset", 3);
        IommuMode reset = mode(LogFormat.required(n, "reset_mode"), "reset_mode");
        try {
            IommuConfig base = new IommuConfig(caps, 0, 0, IommuMode.OFF, EnumSet.of(IommuMode.OFF, IommuMode.BARE));
            return new IommuConfig(caps, fctlWritable, fctlReset, reset, modes,
                    (int) LogFormat.range(n, "cq_log2sz_max", 0, 31, base.cqLog2SzMax()),
                    (int) LogFormat.range(n, "fq_log2sz_max", 0, 31, base.fqLog2SzMax()),
                    (int) LogFormat.range(n, "pq_log2sz_max", 0, 31, base.pqLog2SzMax()),
                    (int) LogFormat.range(n, "hpm_counters", 0, 31, base.hpmCounters()),
                    (int) LogFormat.range(n, "hpm_counter_width", 32, 64, base.hpmCounterWidth()),
                    (int) LogFormat.unsigned(n, "icvec_writable", 16, base.icvecWritableMask()),
                    warl(n));
        } catch (IllegalArgumentException e) {
            throw new FieldException(keyNames(e.getMessage()));
        }
    }

    /** The legal values of the other WARL fields; each key optional, by default every bit and standard event. */
    private static IommuConfig.Warl warl(JsonNode n) throws FieldException {
        IommuConfig.Warl d = IommuConfig.Warl.DEFAULT;
        long events = d.hpmEvents();
        JsonNode list = n.get("hpm_events");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) throw LogFormat.expected("hpm_events", "an array of event IDs, e.g. [1, 2, 3]", list);
            events = 0;
            for (JsonNode e : list) {
                if (!e.canConvertToInt() || !e.isIntegralNumber() || e.asInt() < 1 || e.asInt() > 8
                        || (events & (1L << e.asInt())) != 0) {
                    throw LogFormat.expected("hpm_events", "each a standard event ID 1..8, once", list);
                }
                events |= 1L << e.asInt();
            }
        }
        return new IommuConfig.Warl(LogFormat.integer(n, "tr_req_iova_writable", d.trReqIovaWritable()),
                LogFormat.integer(n, "tr_req_ctl_writable", d.trReqCtlWritable()),
                (int) LogFormat.unsigned(n, "iommu_qosid_writable", 32, d.iommuQosidWritable()), events);
    }

    /** IommuConfig's rule messages name its Java components; the user knows the file's keys. */
    private static String keyNames(String message) {
        String[][] names = {{"fctlWritableMask", "fctl_writable"}, {"fctlReset", "fctl_reset"},
            {"resetMode", "reset_mode"}, {"supportedModes", "ddtp_modes"}, {"hpmCounterWidth", "hpm_counter_width"},
            {"hpmCounters", "hpm_counters"}, {"icvecWritableMask", "icvec_writable"},
            {"trReqIovaWritable", "tr_req_iova_writable"}, {"trReqCtlWritable", "tr_req_ctl_writable"},
            {"iommuQosidWritable", "iommu_qosid_writable"}, {"hpmEvents", "hpm_events"}};
        for (String[] n : names) {
            if (message.startsWith(n[0] + ":")) message = "field '" + n[1] + "'" + message.substring(n[0].length());
            message = message.replace(n[0], n[1]);
        }
        return message;
    }

    private static String name(IommuMode m) {
        for (int i = 0; i < MODES.length; i++) if (MODES[i] == m) return MODE_NAMES[i];
        throw new IllegalArgumentException("no name for mode " + m);
    }

    private static IommuMode mode(JsonNode v, String key) throws FieldException {
        for (int i = 0; i < MODES.length; i++) if (v.isTextual() && MODE_NAMES[i].equals(v.asText())) return MODES[i];
        throw LogFormat.expected(key, "an iommu_mode: \"Off\", \"Bare\", \"1LVL\", \"2LVL\" or \"3LVL\"", v);
    }
}
