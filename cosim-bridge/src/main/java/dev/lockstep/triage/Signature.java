package dev.lockstep.triage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.Ttyp;
import java.util.List;

/**
 * The failure signature of a divergence: what was compared, the field(s) that differ, and the model's
 * path class (for a translation, the rule of the translation process that decided, and the outcome
 * expected versus observed), with nothing that depends on the seed (no address, tag, cycle or value).
 * The same bug gives the same key in every seed and run; the key is what waivers match.
 *
 * <p>{@code key} is a path of '/'-separated parts, e.g.
 * {@code translation/untranslated/PTE_U_SUPERVISOR: page fault not given}; {@code id} is a short
 * stable name for it (the first 8 hex digits of its SHA-256); {@code says} is one line in the spec's
 * words of what is wrong.
 */
public record Signature(String key, String says) {

    public Signature {
        if (key == null || key.isBlank()) throw new IllegalArgumentException("empty signature key");
        says = says == null ? "" : says;
    }

    /** The short stable name of the key: "S-" and 8 hex digits of its SHA-256. */
    public String id() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return String.format("S-%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "S-xxxxxxxx key", as reports print it. */
    @Override
    public String toString() { return id() + " " + key; }

    /** A key of parts joined by '/', each part stripped of '/' so the structure stays readable. */
    public static String key(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (p == null || p.isEmpty()) continue;
            if (b.length() > 0) b.append('/');
            b.append(p.replace('/', '|'));
        }
        return b.toString();
    }

    /** The differing field names, comma-separated in the order compared (the fields are the spec's names). */
    public static String fields(List<String> names) {
        return names.isEmpty() ? "-" : String.join(",", names);
    }

    /**
     * A translation whose completion differs: the request's class, the model's path class (the rule of
     * the translation process that decided, its outcome class against the DUT's) and, when both are
     * successes, the fields that differ. A page fault is the same bug whether a read, write or execute
     * met it, so causes are taken by class ({@link #causeClass}); the access type stays where the rule
     * depends on it (permissions, A/D).
     */
    public static Signature translation(int ttyp, List<String> fields, String rule, String expected,
                                        String observed, String ruleText) {
        String request = requestClass(ttyp, rule.equals("PTE_PERMISSION") || rule.equals("PTE_A_OR_D_CLEAR"));
        boolean bothSucceeded = expected.startsWith("success") && observed.startsWith("success");
        // The page size of the model's walk tells apart wrong successes; when the outcome itself differs it
        // would only split one bug by the pages the seeds happen to map.
        if (!bothSucceeded) expected = expected.replaceAll(" \\((superpage|4 KiB page)\\)", "");
        // When the model's deciding rule is a fault the DUT did not give, and the DUT went on with the walk
        // (a success, or an access, page or guest-page fault further on), the bug is that the rule was not
        // applied; what came after depends on the seed's page tables, so it stays out of the key. A DUT that
        // stopped elsewhere (a device- or process-context cause) keeps its cause, as does a success the
        // model gives: that is the rule the DUT applied wrongly.
        boolean wentOn = observed.startsWith("success") || !observed.startsWith("cause ");
        String outcome = expected.startsWith("success") || !wentOn ? expected + " -> " + observed
                : expected + " not given";
        return new Signature(key("translation", request, rule + ": " + outcome, bothSucceeded ? fields(fields) : null),
                Ttyp.name(ttyp) + ": " + ruleText + " gives " + expected + ", the DUT gave " + observed
                        + (bothSucceeded ? " with other " + fields(fields) : ""));
    }

    /** A request type by class: untranslated, translated, ATS translation request, PCIe message (and access). */
    public static String requestClass(int ttyp, boolean withAccess) {
        String access = !withAccess ? "" : Ttyp.isWrite(ttyp) ? " write" : Ttyp.isExec(ttyp) ? " execute" : " read";
        if (Ttyp.isUntranslated(ttyp)) return "untranslated" + access;
        if (Ttyp.isTranslated(ttyp)) return "translated" + access;
        if (ttyp == Ttyp.ATS_TRANSLATION) return "ATS translation request";
        return Ttyp.name(ttyp);
    }

    /**
     * A fault cause by the spec's class where the access type only picks the number (access, page and
     * guest-page faults of instruction, load and store); any other cause by its number and name.
     */
    public static String causeClass(int cause) {
        switch (cause) {
            case 1: case 5: case 7: return "access fault";
            case 12: case 13: case 15: return "page fault";
            case 20: case 21: case 23: return "guest-page fault";
            default: return "cause " + cause + " (" + Cause.name(cause) + ")";
        }
    }
}
