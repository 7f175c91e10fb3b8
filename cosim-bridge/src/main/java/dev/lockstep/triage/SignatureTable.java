package dev.lockstep.triage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.engine.Divergence;
import dev.lockstep.engine.SeedResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The triage table of a regression: one row per failure signature with how often it occurred, in how
 * many seeds, the first seed, the shortest reproducer found (the divergence reached in the fewest
 * actions) with its command, and one line in the spec's words; waived signatures are rows too, marked
 * with their waiver; waivers that matched nothing are stale. Rows are ordered by count (most first),
 * then key, so the table is the same for the same seeds whatever the scheduling.
 */
public final class SignatureTable {

    /** One signature's row. {@code waiver} is null for a failing (not waived) signature. */
    public record Row(Signature signature, int count, int seeds, long firstSeed, long shortestSeed,
                      int shortestActions, String reproduce, Waivers.Waiver waiver) {}

    /** A waiver with the number of divergences it claimed (0: stale). */
    public record WaiverUse(Waivers.Waiver waiver, int matched) {}

    private final List<Row> rows;
    private final List<WaiverUse> waivers;

    private SignatureTable(List<Row> rows, List<WaiverUse> waivers) {
        this.rows = rows;
        this.waivers = waivers;
    }

    public List<Row> rows() { return rows; }
    public List<Row> failing() { return rows.stream().filter(r -> r.waiver() == null).toList(); }
    public List<Row> waived() { return rows.stream().filter(r -> r.waiver() != null).toList(); }
    public List<WaiverUse> waiverUses() { return waivers; }
    public List<Waivers.Waiver> stale() {
        return waivers.stream().filter(w -> w.matched() == 0).map(WaiverUse::waiver).toList();
    }

    /** The table of {@code results} (any order) under {@code waivers}. */
    public static SignatureTable of(List<SeedResult> results, Waivers waivers) {
        List<SeedResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingLong(SeedResult::seed));
        Map<String, Acc> bySignature = new LinkedHashMap<>();
        Map<Waivers.Waiver, Integer> claims = new LinkedHashMap<>();
        for (Waivers.Waiver w : waivers.all()) claims.put(w, 0);
        for (SeedResult r : sorted) {
            for (Divergence d : r.reported()) bySignature.computeIfAbsent(d.signature().key(), k -> new Acc(d, null)).add(d);
            for (Divergence d : r.waived()) {
                Waivers.Waiver w = waivers.claim(d.signature());
                if (w != null) claims.merge(w, 1, Integer::sum);
                bySignature.computeIfAbsent("waived " + d.signature().key(), k -> new Acc(d, w)).add(d);
            }
            // Waived divergences past those a seed keeps are counted under the seed's first waived signature.
            int extra = r.waivedCount() - r.waived().size();
            if (extra > 0 && !r.waived().isEmpty()) {
                Divergence d = r.waived().get(r.waived().size() - 1);
                Acc a = bySignature.get("waived " + d.signature().key());
                a.count += extra;
                Waivers.Waiver w = waivers.claim(d.signature());
                if (w != null) claims.merge(w, extra, Integer::sum);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Acc a : bySignature.values()) rows.add(a.row());
        rows.sort(Comparator.comparing((Row r) -> r.waiver() != null).thenComparing(Row::count, Comparator.reverseOrder())
                .thenComparing(r -> r.signature().key()));
        List<WaiverUse> uses = new ArrayList<>();
        claims.forEach((w, n) -> uses.add(new WaiverUse(w, n)));
        return new SignatureTable(List.copyOf(rows), List.copyOf(uses));
    }

    private static final class Acc {
        final Signature signature;
        final Waivers.Waiver waiver;
        int count;
        final TreeSet<Long> seeds = new TreeSet<>();
        Divergence shortest;

        Acc(Divergence d, Waivers.Waiver waiver) {
            this.signature = d.signature();
            this.waiver = waiver;
        }

        void add(Divergence d) {
            count++;
            seeds.add(d.seed());
            if (shortest == null || d.actionIndex() < shortest.actionIndex()) shortest = d;
        }

        Row row() {
            return new Row(signature, count, seeds.size(), seeds.first(), shortest.seed(), shortest.actionIndex() + 1,
                    shortestCommand(shortest), waiver);
        }
    }

    private static final Pattern ACTIONS = Pattern.compile(" --actions \\d+");

    /**
     * The command that reaches {@code d} in the fewest actions: its seed's reproduce command with the
     * action budget cut to the diverging action (a seed's actions do not depend on the budget); a
     * divergence found at the end of the seed needs the whole seed.
     */
    static String shortestCommand(Divergence d) {
        Matcher m = ACTIONS.matcher(d.reproduce());
        if (d.signature().key().startsWith("end of seed") || !m.find()) return d.reproduce();
        return m.replaceFirst(" --actions " + (d.actionIndex() + 1));
    }

    /** The table as the terminal shows it at the end of run, check and merge. */
    public String render() {
        if (rows.isEmpty() && waivers.isEmpty()) return "";
        StringBuilder b = new StringBuilder();
        b.append(String.format("failure signatures: %d failing, %d waived%n", failing().size(), waived().size()));
        for (Row r : rows) {
            b.append(String.format("  %s %s%n", r.signature().id(), r.signature().key()));
            b.append(String.format("      %s%d divergence(s) in %d seed(s), first seed %d; shortest: seed %d, %d actions%n",
                    r.waiver() == null ? "" : "WAIVED (" + r.waiver().tracking() + ") ", r.count(), r.seeds(),
                    r.firstSeed(), r.shortestSeed(), r.shortestActions()));
            b.append("      says:      ").append(r.signature().says()).append('\n');
            b.append("      reproduce: ").append(r.reproduce()).append('\n');
        }
        for (WaiverUse w : waivers) {
            b.append(String.format("  waiver %s (%s): %s%n", w.waiver().match(), w.waiver().tracking(),
                    w.matched() == 0 ? "STALE: matched nothing" : "matched " + w.matched()));
        }
        return b.toString();
    }

    /** The table as summary.json holds it ({@code signatures}, {@code waivers}). */
    public void toJson(ObjectMapper json, ObjectNode root) {
        ArrayNode sigs = root.putArray("signatures");
        for (Row r : rows) {
            ObjectNode n = sigs.addObject();
            n.put("id", r.signature().id());
            n.put("key", r.signature().key());
            n.put("says", r.signature().says());
            n.put("status", r.waiver() == null ? "failing" : "waived");
            if (r.waiver() != null) n.put("waiver", r.waiver().tracking());
            n.put("count", r.count());
            n.put("seeds", r.seeds());
            n.put("first_seed", r.firstSeed());
            ObjectNode s = n.putObject("shortest");
            s.put("seed", r.shortestSeed());
            s.put("actions", r.shortestActions());
            s.put("reproduce", r.reproduce());
        }
        if (waivers.isEmpty()) return;
        ArrayNode ws = root.putArray("waivers");
        for (WaiverUse w : waivers) {
            ObjectNode n = ws.addObject();
            if (w.waiver().signature() != null) n.put("signature", w.waiver().signature());
            else n.put("pattern", w.waiver().pattern());
            n.put("reason", w.waiver().reason());
            n.put("tracking", w.waiver().tracking());
            n.put("matched", w.matched());
            n.put("stale", w.matched() == 0);
        }
    }
}
