package dev.lockstep.regression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads a DUT's pinned configuration: the implementation choices the spec leaves to the hardware.
 * Example:
 * <pre>{"capabilities": "0x...", "fctl_writable": 0, "fctl_reset": 2, "reset_mode": "Off",
 *  "ddtp_modes": ["Off", "Bare", "1LVL", "2LVL", "3LVL"], "cq_log2sz_max": 31, "fq_log2sz_max": 31}</pre>
 * The {@code *_log2sz_max} keys (largest LOG2SZ-1 of cqb/fqb/pqb, WARL) are optional and default to 19.
 */
public final class DutConfigFile {
    private DutConfigFile() {}

    public static IommuConfig read(Path file) throws BadInputException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException("cannot read DUT configuration " + file + ": " + e.getMessage());
        }
        try {
            Capabilities caps = new Capabilities(parseLong(required(root, "capabilities", file)));
            int fctlWritable = (int) parseLong(required(root, "fctl_writable", file));
            int fctlReset = (int) parseLong(required(root, "fctl_reset", file));
            IommuMode reset = mode(required(root, "reset_mode", file).asText(), file, "reset_mode");
            Set<IommuMode> modes = EnumSet.noneOf(IommuMode.class);
            for (JsonNode m : required(root, "ddtp_modes", file)) {
                modes.add(mode(m.asText(), file, "ddtp_modes"));
            }
            IommuConfig c = new IommuConfig(caps, fctlWritable, fctlReset, reset, modes);
            // Optional: the largest LOG2SZ-1 the WARL queue-size fields hold (default 19).
            int cq = (int) optional(root, "cq_log2sz_max", c.cqLog2SzMax());
            int fq = (int) optional(root, "fq_log2sz_max", c.fqLog2SzMax());
            int pq = (int) optional(root, "pq_log2sz_max", c.pqLog2SzMax());
            return new IommuConfig(caps, fctlWritable, fctlReset, reset, modes, cq, fq, pq, c.hpmCounters(),
                    c.hpmCounterWidth(), c.icvecWritableMask());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": " + e.getMessage());
        }
    }

    /** The configuration as a file {@link #read} accepts (to pin a discovered configuration). */
    public static String toJson(IommuConfig c) {
        StringBuilder modes = new StringBuilder();
        for (IommuMode m : IommuMode.values()) {
            if (!c.supportedModes().contains(m)) continue;
            if (modes.length() > 0) modes.append(", ");
            modes.append('"').append(name(m)).append('"');
        }
        return "{\n"
                + "  \"capabilities\": \"0x" + Long.toHexString(c.capabilities().value()) + "\",\n"
                + "  \"fctl_writable\": " + c.fctlWritableMask() + ",\n"
                + "  \"fctl_reset\": " + c.fctlReset() + ",\n"
                + "  \"reset_mode\": \"" + name(c.resetMode()) + "\",\n"
                + "  \"ddtp_modes\": [" + modes + "],\n"
                + "  \"cq_log2sz_max\": " + c.cqLog2SzMax() + ",\n"
                + "  \"fq_log2sz_max\": " + c.fqLog2SzMax() + ",\n"
                + "  \"pq_log2sz_max\": " + c.pqLog2SzMax() + "\n"
                + "}\n";
    }

    private static String name(IommuMode m) {
        switch (m) {
            case OFF: return "Off";
            case BARE: return "Bare";
            case LVL1: return "1LVL";
            case LVL2: return "2LVL";
            default: return "3LVL";
        }
    }

    private static JsonNode required(JsonNode root, String key, Path file) throws BadInputException {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) throw new BadInputException(file + ": missing key '" + key + "'");
        return n;
    }

    private static long optional(JsonNode root, String key, long otherwise) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? otherwise : parseLong(n);
    }

    private static long parseLong(JsonNode n) {
        String s = n.asText().trim();
        return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }

    private static IommuMode mode(String name, Path file, String key) throws BadInputException {
        switch (name) {
            case "Off": return IommuMode.OFF;
            case "Bare": return IommuMode.BARE;
            case "1LVL": return IommuMode.LVL1;
            case "2LVL": return IommuMode.LVL2;
            case "3LVL": return IommuMode.LVL3;
            default: throw new BadInputException(file + ": key '" + key + "': unknown iommu_mode '" + name
                    + "' (expected Off, Bare, 1LVL, 2LVL or 3LVL)");
        }
    }
}
