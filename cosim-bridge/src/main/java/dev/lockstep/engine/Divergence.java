package dev.lockstep.engine;

import dev.lockstep.triage.Signature;
import java.util.List;

/**
 * The first point where the DUT and the golden model disagree, with everything needed to act on it:
 * which action at which cycle, what was compared, each differing field with its spec name, the rule
 * behind the expected value, the actions that led there and the command that reproduces it; and its
 * failure {@link Signature}, free of seed-specific values, by which triage groups divergences.
 */
public record Divergence(
        long seed,
        int actionIndex,
        long cycle,
        String action,
        String subject,
        List<FieldMismatch> fields,
        String rule,
        List<String> recentActions,
        String reproduce,
        String walk,
        String dutBuild,
        Signature signature) {

    /** This divergence with the model's walk trace attached (for divergences found on a translation). */
    public Divergence withWalk(String modelWalk) {
        return new Divergence(seed, actionIndex, cycle, action, subject, fields, rule, recentActions, reproduce,
                modelWalk, dutBuild, signature);
    }

    /** This divergence without its walk and leading actions: as waived divergences are kept. */
    public Divergence withoutContext() {
        return new Divergence(seed, actionIndex, cycle, action, subject, fields, rule, List.of(), reproduce,
                null, dutBuild, signature);
    }

    /**
     * One differing field: spec name, bit range, expected (model) and observed (DUT) values. Every report
     * prints a field's values in one base: codes and counts in decimal, as the spec writes them (cause
     * 258, TTYP 2) and as the model's walk and the signatures name them; bit patterns (addresses, data,
     * register fields, ids) in hex.
     */
    public record FieldMismatch(String field, String bits, long expected, long observed) {
        private static final java.util.Set<String> DECIMAL = java.util.Set.of("cause", "CAUSE", "TTYP", "status",
                "status (0 ok, 1 UR, 2 CA)", "completions", "last record write cycle", "messages", "range (log2 bytes)", "irq line",
                "message type (0 Invalidation Request, 1 Page Request Group Response)");

        /** Whether this field holds a code or a count (printed in decimal) rather than a bit pattern. */
        public boolean decimal() { return DECIMAL.contains(field); }

        /** {@code value} of this field as reports print it: decimal for codes and counts, else 0x-hex. */
        public String text(long value) { return decimal() ? Long.toString(value) : "0x" + Long.toHexString(value); }

        /** Reads back a value {@link #text} printed (summary.json): decimal, or hex with 0x. */
        public static long parse(String text) {
            return text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
        }

        /** Adds to {@code fields} the mismatch of {@code field} when {@code expected} and {@code observed} differ. */
        static void addIfDifferent(List<FieldMismatch> fields, String field, String bits, long expected, long observed) {
            if (expected != observed) fields.add(new FieldMismatch(field, bits, expected, observed));
        }
    }

    /**
     * The differing fields as a signature names them ({@link Signature#fieldClass}): a one-bit field (a
     * single bit position, or one of the completion's and record's flags) with its values, which are its
     * meaning, any other field by its name alone, its values being seed data.
     */
    public static List<String> fieldClasses(List<FieldMismatch> fields) {
        List<String> classes = new java.util.ArrayList<>(fields.size());
        for (FieldMismatch f : fields) {
            String bits = FLAGS.contains(f.field()) ? "0" : f.bits().equals("-") ? "-:-" : f.bits();
            classes.add(Signature.fieldClass(f.field(), bits, f.expected(), f.observed()));
        }
        return classes;
    }

    /** Flags whose bit position is not given as a number (ATS completion attributes, record flags). */
    private static final java.util.Set<String> FLAGS = java.util.Set.of("U", "Priv", "G", "CXL.io", "PV", "PRIV", "DSV");

    /** The report as a hardware engineer reads it on a terminal. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("DIVERGENCE at action #").append(actionIndex).append(", cycle ").append(cycle)
                .append(" (seed ").append(seed).append(")\n");
        b.append("  signature: ").append(signature).append('\n');
        b.append("  action:   ").append(action).append('\n');
        b.append("  compared: ").append(subject).append('\n');
        for (FieldMismatch f : fields) {
            b.append(String.format("    %-14s [%s]  expected %s  observed %s%n", f.field(), f.bits(),
                    f.text(f.expected()), f.text(f.observed())));
        }
        b.append("  rule:     ").append(rule).append('\n');
        if (walk != null) {
            b.append("  model walk:\n");
            for (String line : walk.split("\n")) b.append("    ").append(line).append('\n');
        }
        if (!recentActions.isEmpty()) {
            b.append("  leading actions:\n");
            for (String a : recentActions) b.append("    ").append(a).append('\n');
        }
        b.append("  dut:       ").append(dutBuild).append('\n');
        b.append("  reproduce: ").append(reproduce).append('\n');
        return b.toString();
    }
}
