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
     *
     * <p>{@code fieldClasses}: the differing fields as {@link #fieldClass} gives them; {@code ruleCause}:
     * the cause of the model's deciding rule (0: success); {@code observedCause}: the DUT's fault cause (0:
     * it gave no fault).
     */
    public static Signature translation(int ttyp, List<String> fieldClasses, String rule, int ruleCause,
                                        String expected, String observed, int observedCause, String ruleText) {
        return translation(ttyp, fieldClasses, rule, ruleCause, false, false, expected, observed, observedCause, ruleText);
    }

    /**
     * {@code firstStageDone}: the model's walk got past the first stage (a success, an MSI translation, or
     * a guest-page fault on the final GPA rather than on an implicit access); {@code passedThrough}: the
     * DUT completed with the request's own address, untranslated, where the model translated or faulted.
     */
    public static Signature translation(int ttyp, List<String> fieldClasses, String rule, int ruleCause,
                                        boolean firstStageDone, boolean passedThrough, String expected,
                                        String observed, int observedCause, String ruleText) {
        TranslationStep ruleStep = TranslationStep.ofRule(rule);
        TranslationStep dutStep = observedCause == 0 ? TranslationStep.COMPLETED
                : TranslationStep.ofCause(observedCause, ruleStep, ruleCause);
        // A DUT that answers with the address it was given skipped the translation (or the stage) the model
        // applied; what the model found there depends on the seed's tables.
        if (passedThrough && ruleStep.compareTo(TranslationStep.ADDRESS_TRANSLATION) >= 0) {
            return new Signature(key("translation", requestClass(ttyp, false), "the DUT completed with the address "
                    + "untranslated where the model translated it"),
                    Ttyp.name(ttyp) + ": the DUT gave the request's own address back untranslated; " + ruleText
                            + " gives " + expected);
        }
        // A first-stage page fault where the model's walk got past the first stage: the DUT's first stage is
        // wrong, whatever the model's walk met after it.
        boolean pageFault = observedCause == 12 || observedCause == 13 || observedCause == 15;
        if (pageFault && firstStageDone) {
            return new Signature(key("translation", requestClass(ttyp, false), "first stage: page fault where the "
                    + "model went on"), Ttyp.name(ttyp) + ": the DUT gave a page fault in the first stage, which the "
                    + "model's walk got past (" + ruleText + " gives " + expected + ")");
        }
        // The DUT stopped at a step the model went through: the bug is in that step, and where the model
        // went on to (its later rule, the request's type) depends on the seed's tables, not on the bug.
        if (TranslationStep.stoppedBefore(dutStep, observedCause, ruleStep, ruleCause)) {
            return new Signature(key("translation", dutStep.toString(), observed + " where the model went on"),
                    Ttyp.name(ttyp) + ": the DUT stopped at the " + dutStep + " step with " + observed
                            + ", where the model went on (" + ruleText + " gives " + expected + ")");
        }
        boolean bothSucceeded = expected.startsWith("success") && observed.startsWith("success");
        // An ATS Success with R=W=0 grants no access (spec: "PCIe ATS translation request handling", how a
        // fault is answered): it has no page, so the page size and the translated address are not its class.
        if (bothSucceeded && observed.startsWith("success --")) {
            fieldClasses = fieldClasses.stream().filter(f -> !f.startsWith("translated address")).toList();
        }
        // Likewise where the model grants no access: the attributes of a page it does not give follow from that.
        if (bothSucceeded && expected.startsWith("success --") && fieldClasses.contains("R/W/X")) {
            fieldClasses = List.of("R/W/X");
        }
        if (bothSucceeded) {
            // The address's class (another page, or bits within the page) says what the page size would; the
            // permissions of an ATS success are its class only where they are what differs.
            expected = expected.replaceAll(" \\((superpage|4 KiB page)\\)", "");
            if (!fieldClasses.contains("R/W/X")) {
                expected = expected.replaceAll("^success [-RWX]{3}", "success");
                observed = observed.replaceAll("^success [-RWX]{3}", "success");
            }
        }
        // Completion attributes set by rules of their own (PCIe ATS Priv, CXL.io, U) are not decided by the
        // walk: the walk's rule would only split one bug by where the seed's translation ended.
        if (bothSucceeded && !fieldClasses.isEmpty() && fieldClasses.stream().allMatch(Signature::isAttribute)) {
            return new Signature(key("translation", requestClass(ttyp, false), "completion " + fields(fieldClasses)),
                    Ttyp.name(ttyp) + ": completion " + fields(fieldClasses) + " differ from the spec's rule for them");
        }
        // The request's type matters where the rule looks at it: the walk's permission checks, the
        // completion's format (a success), and the checks of which requests a context allows (cause 260);
        // a device- or process-context rule applies alike to every request.
        // A page-table rule (the walk's checks of addresses and PTEs, either stage) applies alike to every
        // request that walks: only the access the permission check checks (read, write, execute) is its
        // class. The A/D rule comes split by the bit it found clear (PTE_A_CLEAR, PTE_D_CLEAR), which says
        // the access already.
        boolean typed = ruleStep.compareTo(TranslationStep.ADDRESS_TRANSLATION) >= 0
                || ruleCause == Cause.TRANSACTION_TYPE_DISALLOWED;
        boolean access = rule.equals("PTE_PERMISSION") || rule.equals("PTE_A_OR_D_CLEAR");
        // (An ATS translation request's TTYP does not say which access it asks for: it keeps its class.)
        String request = !typed ? null : !isWalkRule(rule) ? requestClass(ttyp, access) : !access ? null
                : ttyp == Ttyp.ATS_TRANSLATION ? requestClass(ttyp, false)
                : requestClass(ttyp, true).replaceFirst("^(un)?translated ", "");
        // The page size of the model's walk tells apart wrong successes; when the outcome itself differs it
        // would only split one bug by the pages the seeds happen to map.
        if (!bothSucceeded) expected = expected.replaceAll(" \\((superpage|4 KiB page)\\)", "");
        // When the model's deciding rule is a fault the DUT did not give, and the DUT went on with the walk
        // (a success, or an access, page or guest-page fault further on), the bug is that the rule was not
        // applied; what came after depends on the seed's page tables, so it stays out of the key. A DUT that
        // stopped elsewhere (a device- or process-context cause) keeps its cause, as does a success the
        // model gives: that is the rule the DUT applied wrongly.
        boolean wentOn = observed.startsWith("success") || !observed.startsWith("cause ");
        // A PTE check the DUT did not apply is one bug in whichever stage the seed's walk met it: both stages
        // apply the same checks to their PTEs (Priv, "Virtual Address Translation Process" and its G-stage
        // use), so a checker shared by the stages is wrong in both, and the stage stays out of the key.
        String missed = rule.startsWith("PTE_") && (expected.equals("page fault") || expected.equals("guest-page fault"))
                ? "page or guest-page fault" : expected;
        String outcome = expected.startsWith("success") || !wentOn ? expected + " -> " + observed
                : missed + " not given";
        return new Signature(key("translation", request, rule + ": " + outcome, bothSucceeded ? fields(fieldClasses) : null),
                Ttyp.name(ttyp) + ": " + ruleText + " gives " + expected + ", the DUT gave " + observed
                        + (bothSucceeded ? " with other " + fields(fieldClasses) : ""));
    }

    /** A rule of the page-table walk (address checks and PTE checks, first stage or G stage). */
    private static boolean isWalkRule(String rule) {
        return rule.startsWith("PTE_") || rule.equals("IOVA_NOT_CANONICAL") || rule.equals("GPA_TOO_WIDE");
    }

    /** ATS completion fields that rules other than the walk's decide. */
    private static boolean isAttribute(String fieldClass) {
        return fieldClass.startsWith("Priv ") || fieldClass.startsWith("CXL.io ") || fieldClass.startsWith("U ");
    }

    /**
     * A differing field as a signature names it: its name, and for a one-bit field also its values, which
     * are its meaning (set or clear) rather than seed data.
     */
    public static String fieldClass(String field, String bits, long expected, long observed) {
        boolean flag = !bits.contains(":");
        return flag ? field + " " + expected + "->" + observed : field;
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
