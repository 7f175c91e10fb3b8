package dev.lockstep.engine;

import dev.lockstep.dut.DutInterface;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.stimulus.DirectedStimulus;
import dev.lockstep.stimulus.DirectedStimulus.Kind;
import dev.lockstep.stimulus.RegisterStimulus;
import dev.lockstep.stimulus.Stimulus;
import dev.lockstep.stimulus.SystemStimulus;
import java.util.ArrayList;
import java.util.List;

/** The stimulus a regression runs (--scenario). */
public enum Scenario {
    /** The whole IOMMU, programmed like a driver: queues, directories, page tables, requests, changes. */
    SYSTEM("system", "constrained-random driver-like programming, translations, invalidations, faults"),
    /** The system set-up, then mostly translation requests: device traffic, for throughput measurements. */
    TRAFFIC("traffic", "driver-like set-up, then nearly only translation requests"),
    /** Register accesses only (capabilities, fctl, ddtp WARL behaviour). */
    REGISTERS("registers", "register reads and writes, WARL fields"),
    /**
     * Random and directed together (the standard regression): seeds that are multiples of 3 run the
     * directed scenarios in turn (seed 3 the first, 6 the second, ...), the others run {@code system}.
     * Any 3 x D consecutive seeds (D directed scenarios) run each directed scenario at least once.
     */
    ALL("all", "seeds divisible by 3: the directed scenarios in turn; other seeds: system"),
    PROBE(Kind.PROBE),
    QUEUE_SETUP(Kind.QUEUE_SETUP),
    ATTACH_IDENTITY(Kind.ATTACH_IDENTITY),
    ATTACH_BLOCKING(Kind.ATTACH_BLOCKING),
    ATTACH_PAGING(Kind.ATTACH_PAGING),
    MAP_UNMAP(Kind.MAP_UNMAP),
    IOTLB_INVAL(Kind.IOTLB_INVAL),
    IOFENCE(Kind.IOFENCE),
    DETACH(Kind.DETACH),
    REINIT(Kind.REINIT),
    FQ_OVERFLOW(Kind.FQ_OVERFLOW),
    COMMAND_ERRORS(Kind.COMMAND_ERRORS),
    ATS(Kind.ATS);

    public final String cliName;
    public final String description;
    /** The directed scenario, or null for the random ones. */
    public final Kind directed;

    Scenario(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
        this.directed = null;
    }

    Scenario(Kind directed) {
        this.cliName = directed.cliName;
        this.description = directed.description;
        this.directed = directed;
    }

    /** The directed scenarios, in declaration order. */
    public static List<Scenario> directedScenarios() {
        List<Scenario> d = new ArrayList<>();
        for (Scenario s : values()) if (s.directed != null) d.add(s);
        return d;
    }

    /** What seed {@code seed} runs on a DUT that can run every scenario. */
    public Scenario forSeed(long seed) { return forSeed(seed, directedScenarios(), true); }

    /**
     * What seed {@code seed} runs on a DUT configured as {@code config} behind {@code iface}: for {@link #ALL}
     * the directed scenarios that can run there in turn, and otherwise {@link #SYSTEM} (or {@link #REGISTERS}
     * where the system stimulus cannot run); else this.
     */
    public Scenario forSeed(long seed, IommuConfig config, DutInterface iface) {
        List<Scenario> d = new ArrayList<>();
        for (Scenario s : directedScenarios()) if (s.unsupported(config, iface) == null) d.add(s);
        return forSeed(seed, d, SYSTEM.unsupported(config, iface) == null);
    }

    private Scenario forSeed(long seed, List<Scenario> directed, boolean system) {
        if (this != ALL) return this;
        if (Math.floorMod(seed, 3) != 0 || directed.isEmpty()) return system ? SYSTEM : REGISTERS;
        return directed.get((int) Math.floorMod(Math.floorDiv(seed, 3) - 1, (long) directed.size()));
    }

    /**
     * Why this scenario cannot run on a DUT configured as {@code config} behind {@code iface} (one line, e.g.
     * "needs capabilities.ATS"), or null when it can. {@link #ALL} always can: it runs what can.
     */
    public String unsupported(IommuConfig config, DutInterface iface) {
        if (this == SYSTEM || this == TRAFFIC) return SystemStimulus.unsupported(config);
        if (directed == null) return null;
        if (directed == Kind.ATS && config.capabilities().ats() && !iface.ats()) {
            return "needs ATS translation requests, which this DUT's interface cannot carry (declaration: \"ats\")";
        }
        return DirectedStimulus.unsupported(directed, config);
    }

    /** The stimulus of seed {@code seed}, with up to {@code overlap} requests outstanding together where it has traffic. */
    Stimulus create(long seed, IommuConfig config, Iommu model, DutInterface iface, int overlap) {
        Scenario s = forSeed(seed, config, iface);
        if (s == REGISTERS) return new RegisterStimulus(seed, model.registers());
        if (s.directed != null) {
            return new DirectedStimulus(s.directed, seed, config, offset -> model.mmioRead((int) offset, 4));
        }
        return new SystemStimulus(seed, config, offset -> model.mmioRead((int) offset, 4), s == TRAFFIC, overlap);
    }

    public static Scenario byName(String name) {
        for (Scenario s : values()) if (s.cliName.equals(name)) return s;
        throw new IllegalArgumentException("unknown scenario '" + name + "' (known: "
                + String.join(", ", List.of(values()).stream().map(s -> s.cliName).toList()) + ")");
    }
}
