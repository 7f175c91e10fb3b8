package dev.lockstep.engine;

import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.stimulus.RegisterStimulus;
import dev.lockstep.stimulus.Stimulus;
import dev.lockstep.stimulus.SystemStimulus;
import java.util.List;

/** The stimulus a regression runs (--scenario). */
public enum Scenario {
    /** The whole IOMMU, programmed like a driver: queues, directories, page tables, requests, changes. */
    SYSTEM("system", "constrained-random driver-like programming, translations, invalidations, faults"),
    /** The system set-up, then mostly translation requests: device traffic, for throughput measurements. */
    TRAFFIC("traffic", "driver-like set-up, then nearly only translation requests"),
    /** Register accesses only (capabilities, fctl, ddtp WARL behaviour). */
    REGISTERS("registers", "register reads and writes, WARL fields");

    public final String cliName;
    public final String description;

    Scenario(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
    }

    Stimulus create(long seed, IommuConfig config, Iommu model) {
        if (this == REGISTERS) return new RegisterStimulus(seed, model.registers());
        return new SystemStimulus(seed, config, offset -> model.mmioRead((int) offset, 4), this == TRAFFIC);
    }

    public static Scenario byName(String name) {
        for (Scenario s : values()) if (s.cliName.equals(name)) return s;
        throw new IllegalArgumentException("unknown scenario '" + name + "' (known: "
                + String.join(", ", List.of(values()).stream().map(s -> s.cliName).toList()) + ")");
    }
}
