package dev.lockstep.coverage;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Functional coverage of a regression: counts per bin, grouped (fault causes, translation modes, page
 * sizes, commands, register fields, queue events, stale-but-legal hits, ATS completions and translated
 * requests). Goal bins come from what the
 * DUT's capabilities allow (a bin for an unsupported feature is not a goal); bins hit outside the goals
 * are counted too. Iteration order is fixed (groups in declaration order, goal bins in declaration
 * order, other bins sorted), so reports are deterministic.
 */
public final class Coverage {

    public static final String CAUSES = "fault_causes";
    public static final String MODES = "translation_modes";
    public static final String PAGES = "page_sizes";
    public static final String COMMANDS = "commands";
    public static final String REGISTERS = "register_fields";
    public static final String EVENTS = "queue_events";
    public static final String STALE = "stale_but_legal";
    public static final String ATS = "ats";
    /** Which of the choices the spec leaves to hardware (and the checker accepts) the DUT made: not goals. */
    public static final String CHOICES = "spec_choices";

    private static final List<String> GROUPS = List.of(CAUSES, MODES, PAGES, COMMANDS, REGISTERS, EVENTS, STALE, ATS,
            CHOICES);

    private final Map<String, Set<String>> goals = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> counts = new LinkedHashMap<>();

    /** Empty coverage with the goal bins {@code config} allows. */
    public Coverage(IommuConfig config) {
        this();
        defineGoals(config);
    }

    private void defineGoals(IommuConfig config) {
        Capabilities c = config.capabilities();
        boolean s = c.sv39() || c.sv48();
        boolean g = c.sv39x4() || c.sv48x4();
        boolean pd = c.pd8() || c.pd17() || c.pd20();
        boolean dirs = config.supportedModes().contains(IommuMode.LVL1) || config.supportedModes().contains(IommuMode.LVL2)
                || config.supportedModes().contains(IommuMode.LVL3);
        // Fault causes (spec: "Fault/Event-Queue", CAUSE table) the capabilities let the translation process produce.
        List<Integer> causes = new ArrayList<>(List.of(Cause.INSTRUCTION_ACCESS_FAULT, Cause.READ_ACCESS_FAULT,
                Cause.WRITE_ACCESS_FAULT));
        if (s) causes.addAll(List.of(Cause.INSTRUCTION_PAGE_FAULT, Cause.READ_PAGE_FAULT, Cause.WRITE_PAGE_FAULT));
        if (g) {
            causes.addAll(List.of(Cause.INSTRUCTION_GUEST_PAGE_FAULT, Cause.READ_GUEST_PAGE_FAULT,
                    Cause.WRITE_GUEST_PAGE_FAULT));
        }
        causes.add(Cause.ALL_INBOUND_DISALLOWED);
        if (dirs) {
            causes.addAll(List.of(Cause.DDT_LOAD_ACCESS_FAULT, Cause.DDT_ENTRY_NOT_VALID,
                    Cause.DDT_ENTRY_MISCONFIGURED));
        }
        causes.add(Cause.TRANSACTION_TYPE_DISALLOWED);
        if (dirs && c.msiFlat()) {
            causes.addAll(List.of(Cause.MSI_PTE_LOAD_ACCESS_FAULT, Cause.MSI_PTE_NOT_VALID,
                    Cause.MSI_PTE_MISCONFIGURED));
        }
        if (dirs && c.msiMrif()) causes.add(Cause.MRIF_ACCESS_FAULT);
        if (dirs && pd && s) {
            causes.addAll(List.of(Cause.PDT_LOAD_ACCESS_FAULT, Cause.PDT_ENTRY_NOT_VALID,
                    Cause.PDT_ENTRY_MISCONFIGURED));
        }
        if (dirs) causes.add(Cause.DDT_DATA_CORRUPTION);
        if (dirs && pd && s) causes.add(Cause.PDT_DATA_CORRUPTION);
        if (dirs && c.msiFlat()) causes.add(Cause.MSI_PT_DATA_CORRUPTION);
        if (dirs && c.msiMrif()) causes.add(Cause.MRIF_DATA_CORRUPTION);
        if (s || g) causes.add(Cause.PT_DATA_CORRUPTION);
        causes.sort(null);
        for (int cause : causes) goal(CAUSES, String.valueOf(cause));

        // Translation modes: first stage x G stage of the DC (or the PC for a process), success and fault.
        List<String> first = new ArrayList<>(List.of("Bare"));
        if (c.sv39()) first.add("Sv39");
        if (c.sv48()) first.add("Sv48");
        List<String> second = new ArrayList<>(List.of("Bare"));
        if (c.sv39x4()) second.add("Sv39x4");
        if (c.sv48x4()) second.add("Sv48x4");
        if (dirs) {
            for (String f : first) {
                for (String gs : second) {
                    for (String r : List.of("ok", "fault")) {
                        // Both stages Bare walk nothing: such a request can only fault on its DC or PC
                        // (causes >= 256, counted under fault causes), never in a translation mode.
                        if (f.equals("Bare") && gs.equals("Bare") && r.equals("fault")) continue;
                        goal(MODES, modeName(f, gs) + " " + r);
                    }
                }
            }
            if (s && c.pd8()) goal(MODES, "PD8 ok");
            if (s && c.pd17()) goal(MODES, "PD17 ok");
            if (s && c.pd20()) goal(MODES, "PD20 ok");
        }
        if (config.supportedModes().contains(IommuMode.BARE)) goal(MODES, "ddtp Bare ok");

        // Page sizes of successful translations, per kind of translation.
        List<String> kinds = new ArrayList<>();
        if (s) kinds.add("first-stage");
        if (g) kinds.add("G-stage");
        if (s && g) kinds.add("two-stage");
        for (String k : kinds) {
            for (String size : List.of("4 KiB", "2 MiB", "1 GiB")) goal(PAGES, k + " " + size);
        }
        if (s || g) goal(PAGES, "Svnapot 64 KiB");

        // Commands (spec: "Command-Queue"): IOTINVAL variants, IODIR, IOFENCE.C, and illegal ones.
        if (s || g) {
            for (String av : List.of("", " AV")) {
                for (String pscv : List.of("", " PSCV")) {
                    for (String gv : g ? List.of("", " GV") : List.of("")) goal(COMMANDS, "IOTINVAL.VMA" + av + pscv + gv);
                }
            }
        }
        if (g) {
            goal(COMMANDS, "IOTINVAL.GVMA");
            goal(COMMANDS, "IOTINVAL.GVMA GV");
            goal(COMMANDS, "IOTINVAL.GVMA AV GV");
        }
        if (dirs) {
            goal(COMMANDS, "IODIR.INVAL_DDT");
            goal(COMMANDS, "IODIR.INVAL_DDT DV");
            if (pd && s) goal(COMMANDS, "IODIR.INVAL_PDT DV");
        }
        boolean wsi = c.igs() != Capabilities.IGS_MSI
                && ((config.fctlReset() | config.fctlWritableMask()) & IommuConfig.FCTL_WSI) != 0;
        goal(COMMANDS, "IOFENCE.C");
        goal(COMMANDS, "IOFENCE.C AV");
        if (wsi) {
            goal(COMMANDS, "IOFENCE.C WSI");
            goal(COMMANDS, "IOFENCE.C AV WSI");
        }
        if (c.ats()) {
            goal(COMMANDS, "ATS.INVAL");
            goal(COMMANDS, "ATS.PRGR");
        }
        goal(COMMANDS, "illegal");

        // Register fields software sets (multi-bit fields: any write; single bits: written 1).
        for (String f : List.of("ddtp.iommu_mode", "ddtp.PPN", "cqb.LOG2SZ-1", "cqb.PPN", "cqt.value",
                "fqb.LOG2SZ-1", "fqb.PPN", "fqh.value", "cqcsr.cqen", "cqcsr.cie", "cqcsr.cqmf", "cqcsr.cmd_ill",
                "fqcsr.fqen", "fqcsr.fie", "fqcsr.fqmf", "fqcsr.fqof", "ipsr.cip", "ipsr.fip", "icvec.civ",
                "icvec.fiv")) {
            goal(REGISTERS, f);
        }
        if (c.ats()) {
            for (String f : List.of("pqb.LOG2SZ-1", "pqb.PPN", "pqh.value", "pqcsr.pqen", "pqcsr.pie")) goal(REGISTERS, f);
        }

        // Queue events seen in the registers (spec: cqcsr, fqcsr, ipsr).
        for (String e : List.of("cqcsr.cmd_ill", "cqcsr.cqmf", "fqcsr.fqof", "fqcsr.fqmf", "ipsr.cip", "ipsr.fip")) {
            goal(EVENTS, e);
        }
        // Page Requests (capabilities.ATS): the page-request queue's events (spec: pqcsr, ipsr).
        if (c.ats() && dirs) {
            for (String e : List.of("pqcsr.pqof", "pqcsr.pqmf", "ipsr.pip")) goal(EVENTS, e);
        }

        goal(STALE, "stale translation");
        goal(STALE, "stale fault");

        // PCIe ATS (spec: "PCIe ATS translation request handling"): each completion status, the Priv and
        // Global fields set, and translated requests allowed or disallowed.
        if (c.ats() && dirs) {
            for (String b : List.of("ATS Success", "ATS Success R=W=0", "ATS UR", "ATS CA", "ATS Priv",
                    "ATS no-write granted R", "ATS exec-requested granted X")) {
                goal(ATS, b);
            }
            if (s) goal(ATS, "ATS G");
            // CXL.io where the spec decides it: 0 for a device that is not CXL type 1/2; 1 for a CXL
            // device's MSI or T2GPA translation (or NC/IO memory with Svpbmt).
            goal(ATS, "ATS CXL.io clear");
            if (c.t2gpa() || c.msiFlat() || c.svpbmt()) goal(ATS, "ATS CXL.io set");
            goal(ATS, "translated ok");
            goal(ATS, "translated 260");
            // T2GPA (spec: DC.tc.T2GPA): the completion returns the GPA; translated requests then carry a
            // GPA that the G stage translates, or faults on like any access of the request's type.
            if (c.t2gpa() && g) {
                for (String b : List.of("T2GPA ATS Success", "T2GPA translated ok", "T2GPA translated guest-page fault")) {
                    goal(ATS, b);
                }
            }
        }
    }

    static String modeName(String first, String second) {
        if (first.equals("Bare") && second.equals("Bare")) return "Bare";
        if (first.equals("Bare")) return second;
        if (second.equals("Bare")) return first;
        return first + "+" + second;
    }

    /**
     * Coverage read back from a report's {@code coverage} object (bins with their goal flag and count),
     * so that shards' coverage can be merged.
     */
    public static Coverage fromJson(com.fasterxml.jackson.databind.JsonNode node) {
        Coverage c = new Coverage();
        com.fasterxml.jackson.databind.JsonNode groups = node.path("groups");
        for (String g : GROUPS) {
            for (com.fasterxml.jackson.databind.JsonNode b : groups.path(g).path("bins")) {
                String bin = b.path("bin").asText();
                if (b.path("goal").asBoolean()) c.goal(g, bin);
                long n = b.path("count").asLong();
                if (n > 0) c.counts.get(g).merge(bin, n, Long::sum);
            }
        }
        return c;
    }

    private Coverage() {
        for (String g : GROUPS) {
            goals.put(g, new LinkedHashSet<>());
            counts.put(g, new TreeMap<>());
        }
    }

    private void goal(String group, String bin) {
        goals.get(group).add(bin);
    }

    /** Counts one hit of {@code bin} in {@code group}. */
    public void hit(String group, String bin) {
        counts.get(group).merge(bin, 1L, Long::sum);
    }

    /** Adds {@code other}'s counts (and goal bins) to these. */
    public void merge(Coverage other) {
        for (String g : GROUPS) {
            goals.get(g).addAll(other.goals.get(g));
            Map<String, Long> mine = counts.get(g);
            other.counts.get(g).forEach((bin, n) -> mine.merge(bin, n, Long::sum));
        }
    }

    public List<String> groups() { return GROUPS; }

    /** The group's bins: goal bins first (declaration order), then other bins hit (sorted). */
    public List<String> bins(String group) {
        List<String> b = new ArrayList<>(goals.get(group));
        for (String bin : counts.get(group).keySet()) if (!goals.get(group).contains(bin)) b.add(bin);
        return b;
    }

    public long count(String group, String bin) { return counts.get(group).getOrDefault(bin, 0L); }

    public boolean isGoal(String group, String bin) { return goals.get(group).contains(bin); }

    public int goalBins(String group) { return goals.get(group).size(); }

    public int goalBinsHit(String group) {
        int n = 0;
        for (String b : goals.get(group)) if (count(group, b) > 0) n++;
        return n;
    }

    public int goalBins() {
        int n = 0;
        for (String g : GROUPS) n += goalBins(g);
        return n;
    }

    public int goalBinsHit() {
        int n = 0;
        for (String g : GROUPS) n += goalBinsHit(g);
        return n;
    }

    /** Percent of goal bins hit (100 when there are none). */
    public double percent() {
        int all = goalBins();
        return all == 0 ? 100.0 : 100.0 * goalBinsHit() / all;
    }

    /** The goal bins not hit in {@code group}. */
    public List<String> missing(String group) {
        List<String> m = new ArrayList<>();
        for (String b : goals.get(group)) if (count(group, b) == 0) m.add(b);
        return Collections.unmodifiableList(m);
    }

    /** A bin's label for people: fault causes get their spec name. */
    public static String label(String group, String bin) {
        if (group.equals(CAUSES)) return bin + " (" + Cause.name(Integer.parseInt(bin)) + ")";
        return bin;
    }

    /** The compact terminal table: one line per group (goal bins hit, bins hit, what is missing). */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("coverage: %d/%d goal bins (%.1f%%)%n", goalBinsHit(), goalBins(), percent()));
        for (String g : GROUPS) {
            long hitOther = counts.get(g).entrySet().stream()
                    .filter(e -> !goals.get(g).contains(e.getKey()) && e.getValue() > 0).count();
            b.append(String.format("  %-18s %3d/%-3d", g, goalBinsHit(g), goalBins(g)));
            if (hitOther > 0) b.append(String.format(" +%d other", hitOther));
            List<String> missing = missing(g);
            if (!missing.isEmpty()) {
                List<String> shown = missing.size() > 8 ? missing.subList(0, 8) : missing;
                b.append("  missing: ").append(String.join(", ", shown));
                if (missing.size() > shown.size()) b.append(", ... (").append(missing.size() - shown.size()).append(" more)");
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }
}
