package dev.lockstep.engine;

import dev.lockstep.dut.DutInterface;
import dev.lockstep.refmodel.Iommu;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.stimulus.DirectedStimulus;
import dev.lockstep.stimulus.DirectedStimulus.Kind;
import dev.lockstep.stimulus.RaceStimulus;
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
     * Any 3 x D consecutive seeds (D directed scenarios) run each directed scenario at least once. With
     * overlap (depth above 1) the directed races take every other place of the turn from its second on,
     * so that the first seeds of a regression race too (seed 6 the first race); serialized they are left
     * out, so the turn at depth 1 is the same as without them.
     */
    ALL("all", "seeds divisible by 3: the directed scenarios in turn (with --overlap above 1 the races too); "
            + "other seeds: system"),
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
    ATS(Kind.ATS),
    /** The directed races (stimulus/RaceStimulus): they need overlap, --overlap 2 or more. */
    UNMAP_RACE(RaceStimulus.Kind.UNMAP_RACE),
    DETACH_RACE(RaceStimulus.Kind.DETACH_RACE),
    FQ_OVERFLOW_RACE(RaceStimulus.Kind.FQ_OVERFLOW_RACE),
    PRQ_RACE(RaceStimulus.Kind.PRQ_RACE);

    public final String cliName;
    public final String description;
    /** The directed scenario, or null for the random ones and the races. */
    public final Kind directed;
    /** The directed race, or null for the other scenarios. */
    public final RaceStimulus.Kind race;

    Scenario(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
        this.directed = null;
        this.race = null;
    }

    Scenario(Kind directed) {
        this.cliName = directed.cliName;
        this.description = directed.description;
        this.directed = directed;
        this.race = null;
    }

    Scenario(RaceStimulus.Kind race) {
        this.cliName = race.cliName;
        this.description = race.description + " (needs --overlap 2 or more)";
        this.directed = null;
        this.race = race;
    }

    /** The directed scenarios, in declaration order (the races are not among them: {@link #raceScenarios()}). */
    public static List<Scenario> directedScenarios() {
        List<Scenario> d = new ArrayList<>();
        for (Scenario s : values()) if (s.directed != null) d.add(s);
        return d;
    }

    /** The directed races, in declaration order. */
    public static List<Scenario> raceScenarios() {
        List<Scenario> d = new ArrayList<>();
        for (Scenario s : values()) if (s.race != null) d.add(s);
        return d;
    }

    /**
     * The turn of {@link #ALL}'s directed seeds at depth {@code overlap}: the directed scenarios, and with
     * overlap the races interleaved with their first ones (directed, race, directed, race, ...).
     */
    public static List<Scenario> rotation(int overlap) {
        List<Scenario> directed = directedScenarios();
        if (overlap <= 1) return directed;
        List<Scenario> races = raceScenarios();
        List<Scenario> d = new ArrayList<>();
        for (int i = 0; i < Math.max(directed.size(), races.size()); i++) {
            if (i < directed.size()) d.add(directed.get(i));
            if (i < races.size()) d.add(races.get(i));
        }
        return d;
    }

    /** What seed {@code seed} runs serialized on a DUT that can run every scenario. */
    public Scenario forSeed(long seed) { return forSeed(seed, 1); }

    /** What seed {@code seed} runs at depth {@code overlap} on a DUT that can run every scenario. */
    public Scenario forSeed(long seed, int overlap) { return forSeed(seed, rotation(overlap), true); }

    /** {@link #forSeed(long, IommuConfig, DutInterface, int)} serialized. */
    public Scenario forSeed(long seed, IommuConfig config, DutInterface iface) { return forSeed(seed, config, iface, 1); }

    /**
     * What seed {@code seed} runs at depth {@code overlap} on a DUT configured as {@code config} behind
     * {@code iface}: for {@link #ALL} the directed scenarios (and races) that can run there in turn, and
     * otherwise {@link #SYSTEM} (or {@link #REGISTERS} where the system stimulus cannot run); else this.
     */
    public Scenario forSeed(long seed, IommuConfig config, DutInterface iface, int overlap) {
        List<Scenario> d = new ArrayList<>();
        for (Scenario s : rotation(overlap)) if (s.unsupported(config, iface, overlap) == null) d.add(s);
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
    public String unsupported(IommuConfig config, DutInterface iface) { return unsupported(config, iface, 1); }

    /**
     * Why this scenario cannot run at depth {@code overlap} on a DUT configured as {@code config} behind
     * {@code iface}, or null when it can: a race serialized "needs --overlap 2 or more ...".
     */
    public String unsupported(IommuConfig config, DutInterface iface, int overlap) {
        if (this == SYSTEM || this == TRAFFIC) return SystemStimulus.unsupported(config);
        if (race != null) {
            if (race == RaceStimulus.Kind.PRQ_RACE && config.capabilities().ats() && (!iface.ats() || !iface.pageRequests())) {
                return "needs ATS translation requests and Page Request messages, which this DUT's interface cannot "
                        + "carry (declaration: \"ats\", \"page_requests\")";
            }
            // These two race fqh, fqcsr, pqb and pqcsr writes against requests in flight.
            boolean registerRace = race == RaceStimulus.Kind.PRQ_RACE || race == RaceStimulus.Kind.FQ_OVERFLOW_RACE;
            if (registerRace && overlap > 1 && iface.registerRaceRefusal() != null) {
                return "races register writes against requests in flight, and " + iface.registerRaceRefusal();
            }
            return RaceStimulus.unsupported(race, config, overlap);
        }
        if (directed == null) return null;
        if (directed == Kind.ATS && config.capabilities().ats() && !iface.ats()) {
            return "needs ATS translation requests, which this DUT's interface cannot carry (declaration: \"ats\")";
        }
        return DirectedStimulus.unsupported(directed, config);
    }

    /** The stimulus of seed {@code seed}, with up to {@code overlap} requests outstanding together where it has traffic. */
    Stimulus create(long seed, IommuConfig config, Iommu model, DutInterface iface, int overlap) {
        Scenario s = forSeed(seed, config, iface, overlap);
        if (s == REGISTERS) return new RegisterStimulus(seed, model.registers());
        if (s.race != null) return new RaceStimulus(s.race, seed, config, offset -> model.mmioRead((int) offset, 4), overlap);
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
