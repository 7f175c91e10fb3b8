package dev.lockstep.regression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import java.nio.file.Path;

/**
 * Reads a DUT's pinned configuration: the implementation choices the spec leaves to the hardware.
 * Example:
 * <pre>{"capabilities": "0x...", "fctl_writable": 0, "fctl_reset": 2, "reset_mode": "Off",
 *  "ddtp_modes": ["Off", "Bare", "1LVL", "2LVL", "3LVL"], "cq_log2sz_max": 31, "fq_log2sz_max": 31}</pre>
 * The {@code *_log2sz_max} keys (largest LOG2SZ-1 of cqb/fqb/pqb, WARL) are optional and default to 19.
 */
public final class DutConfigFile {
    private DutConfigFile() {}

    /** Reads a --config file; the keys and their checks are a log header's config's (log.ConfigJson). */
    public static IommuConfig read(Path file) throws BadInputException {
        JsonNode root = JsonFiles.read(file, file.toString());
        if (root == null) throw new BadInputException(file + ": empty file: expected a JSON object of configuration keys");
        return dev.lockstep.log.ConfigJson.readFile(root, file);
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
                + "  \"pq_log2sz_max\": " + c.pqLog2SzMax() + ",\n"
                + "  \"hpm_counters\": " + c.hpmCounters() + ",\n"
                + "  \"hpm_counter_width\": " + c.hpmCounterWidth() + ",\n"
                + "  \"icvec_writable\": \"0x" + Integer.toHexString(c.icvecWritableMask()) + "\",\n"
                + "  \"tr_req_iova_writable\": \"0x" + Long.toHexString(c.warl().trReqIovaWritable()) + "\",\n"
                + "  \"tr_req_ctl_writable\": \"0x" + Long.toHexString(c.warl().trReqCtlWritable()) + "\",\n"
                + "  \"iommu_qosid_writable\": \"0x" + Integer.toHexString(c.warl().iommuQosidWritable()) + "\",\n"
                + "  \"hpm_events\": " + events(c.warl()) + "\n"
                + "}\n";
    }

    private static String events(IommuConfig.Warl w) {
        StringBuilder b = new StringBuilder("[");
        for (int id = 1; id < 64; id++) {
            if (!w.countsEvent(id)) continue;
            if (b.length() > 1) b.append(", ");
            b.append(id);
        }
        return b.append(']').toString();
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
}
