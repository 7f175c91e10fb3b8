package dev.lockstep.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.log.LogFormat.FieldException;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import java.util.EnumSet;
import java.util.Set;

/**
 * The DUT's pinned configuration in a log header: the keys of the --config file (capabilities,
 * fctl_writable, fctl_reset, reset_mode, ddtp_modes) plus the other implementation choices the model
 * needs, so a log is checked with the configuration it was made with, not today's file.
 */
final class ConfigJson {
    private ConfigJson() {}

    private static final String[] MODE_NAMES = {"Off", "Bare", "1LVL", "2LVL", "3LVL"};
    private static final IommuMode[] MODES = {IommuMode.OFF, IommuMode.BARE, IommuMode.LVL1, IommuMode.LVL2,
            IommuMode.LVL3};

    static ObjectNode write(IommuConfig c) {
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
        return n;
    }

    /** Reads a configuration; the keys after ddtp_modes are optional and default as in a --config file. */
    static IommuConfig read(JsonNode n) throws FieldException {
        if (n == null || !n.isObject()) throw new FieldException("field 'config' must be an object");
        Capabilities caps = new Capabilities(LogFormat.integer(n, "capabilities"));
        Set<IommuMode> modes = EnumSet.noneOf(IommuMode.class);
        JsonNode list = LogFormat.required(n, "ddtp_modes");
        if (!list.isArray()) throw new FieldException("config.ddtp_modes must be an array of mode names");
        for (JsonNode m : list) modes.add(mode(m.asText()));
        IommuConfig base = new IommuConfig(caps, LogFormat.smallInteger(n, "fctl_writable"),
                LogFormat.smallInteger(n, "fctl_reset"), mode(LogFormat.text(n, "reset_mode")), modes);
        try {
            return new IommuConfig(base.capabilities(), base.fctlWritableMask(), base.fctlReset(), base.resetMode(),
                    base.supportedModes(),
                    (int) LogFormat.integer(n, "cq_log2sz_max", base.cqLog2SzMax()),
                    (int) LogFormat.integer(n, "fq_log2sz_max", base.fqLog2SzMax()),
                    (int) LogFormat.integer(n, "pq_log2sz_max", base.pqLog2SzMax()),
                    (int) LogFormat.integer(n, "hpm_counters", base.hpmCounters()),
                    (int) LogFormat.integer(n, "hpm_counter_width", base.hpmCounterWidth()),
                    (int) LogFormat.integer(n, "icvec_writable", base.icvecWritableMask()));
        } catch (IllegalArgumentException e) {
            throw new FieldException("config: " + e.getMessage());
        }
    }

    private static String name(IommuMode m) {
        for (int i = 0; i < MODES.length; i++) if (MODES[i] == m) return MODE_NAMES[i];
        throw new IllegalArgumentException("no name for mode " + m);
    }

    private static IommuMode mode(String name) throws FieldException {
        for (int i = 0; i < MODES.length; i++) if (MODE_NAMES[i].equals(name)) return MODES[i];
        throw new FieldException("config: unknown iommu_mode '" + name + "' (expected Off, Bare, 1LVL, 2LVL or 3LVL)");
    }
}
