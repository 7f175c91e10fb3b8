package dev.lockstep.engine;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.stimulus.Action;
import dev.lockstep.triage.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a translation completion that no permitted outcome explains is reported: the differing fields,
 * the permitted set as the rule, and the signature's seed-independent classes of both sides.
 */
final class CompletionReport {
    private CompletionReport() {}

    /**
     * The signature of a translation whose completion differs: the request type, the fields, and the
     * model's path class: the rule of the translation process that decided and its outcome (over memory
     * as it is now, or as the permitted candidate {@code want} saw it), against the class of what the DUT
     * answered ({@code observedCause}: its fault cause, 0 for none; {@code passedThrough}: it completed
     * with the request's own address).
     */
    static Signature signature(Action.Translate t, Outcome walk, List<String> fields, TranslationOutcome want,
                               String expectedClass, String observedClass, int observedCause, boolean passedThrough) {
        int wantCause = want.fault() ? want.record().cause() : 0;
        if (walk == null) {
            return Signature.translation(t.ttyp(), fields, "NO_WALK", wantCause, false, passedThrough, expectedClass,
                    observedClass, observedCause, "the model's walk");
        }
        dev.lockstep.refmodel.trace.WalkTrace w = walk.trace();
        // An ATS Success granting no access is how a walk's fault is answered: against a DUT that granted
        // access, its class is that fault.
        if (!want.fault() && t.ttyp() == dev.lockstep.refmodel.fault.Ttyp.ATS_TRANSLATION && w.ruleCause() != 0
                && observedClass.startsWith("success") && !observedClass.startsWith("success --")
                && (want.permissions() & (TranslationOutcome.R | TranslationOutcome.W)) == 0) {
            wantCause = w.ruleCause();
            expectedClass = Signature.causeClass(wantCause);
        }
        boolean guestPageFault = wantCause == 20 || wantCause == 21 || wantCause == 23;
        // iotval2 bit 0: the guest-page fault was on an implicit access (a first-stage PTE), not the final GPA.
        boolean firstStageDone = !want.fault() && w.rule() != dev.lockstep.refmodel.trace.Rule.NONE
                || w.rule().name().startsWith("MSI_") || guestPageFault && (want.record().iotval2() & 1) == 0;
        return Signature.translation(t.ttyp(), fields, ruleClass(w), wantCause, firstStageDone, passedThrough,
                expectedClass, observedClass, observedCause, w.rule().text() + " [" + w.rule().specReference() + "]");
    }

    /**
     * The deciding rule's name, the A/D rule split by the bit it found clear (Priv, translation step 9: "if
     * pte.a = 0, or if the original memory access is a store and pte.d = 0"): a missing A check is one bug
     * for reads and writes, a missing D check one for stores and for ATS requests that ask for write.
     */
    private static String ruleClass(dev.lockstep.refmodel.trace.WalkTrace w) {
        if (w.rule() != dev.lockstep.refmodel.trace.Rule.PTE_A_OR_D_CLEAR) return w.rule().name();
        for (int i = w.readCount() - 1; i >= 0; i--) {
            int role = w.readRole(i);
            if (role != dev.lockstep.refmodel.trace.Role.FIRST_STAGE_PTE && role != dev.lockstep.refmodel.trace.Role.G_STAGE_PTE) continue;
            return (w.readValue(i) & 0x40) == 0 ? "PTE_A_CLEAR" : "PTE_D_CLEAR";
        }
        return w.rule().name();
    }

    /**
     * The differing completion fields as a signature names them ({@link Divergence#fieldClasses}), an
     * address by the part of it that differs: the page number (the leaf's PPN: another page) or only bits
     * within the page the model's walk ended on (the part the IOVA gives, e.g. of a superpage).
     */
    static List<String> fieldClasses(List<Divergence.FieldMismatch> fields, TranslationOutcome want) {
        List<String> classes = Divergence.fieldClasses(fields);
        for (int i = 0; i < fields.size(); i++) {
            Divergence.FieldMismatch f = fields.get(i);
            if (!f.field().equals("PA") && !f.field().equals("translated address")) continue;
            int shift = Math.min(63, Math.max(12, want.pageShift()));
            boolean otherPage = ((f.expected() ^ f.observed()) >>> shift) != 0;
            classes.set(i, f.field() + (otherPage ? " page number" : " within the page"));
        }
        return classes;
    }

    /**
     * The DUT completed a translation with the request's own address (the page of the IOVA), where the
     * model faulted or translated it elsewhere: it skipped a translation the model applied.
     */
    static boolean passedThrough(Action.Translate t, TranslationOutcome want, long word, long pa) {
        if (DutObservations.status(word) != 0 || (pa >>> 12) != (t.iova() >>> 12)) return false;
        return want.fault() || (want.pa() >>> 12) != (t.iova() >>> 12);
    }

    /**
     * A model outcome as a seed-independent class: success or the fault's cause; for an ATS translation
     * request a success with its R/W/X, which are what the ATS completion rules decide.
     */
    static String outcomeClass(TranslationOutcome o, boolean ats) {
        if (o.fault()) return Signature.causeClass(o.record().cause());
        // The size of the page the walk ended on is part of its path: a superpage leaf or a 4 KiB one.
        String page = o.pageShift() > 12 ? " (superpage)" : " (4 KiB page)";
        return ats ? "success " + permissions(o.permissions()) + page : "success" + page;
    }

    /** A DUT completion as a seed-independent class, like {@link #outcomeClass}. */
    static String completionClass(long word, boolean ats) {
        if (DutObservations.status(word) != 0) return Signature.causeClass(DutObservations.cause(word));
        return ats ? "success " + permissions((int) ((word >>> 20) & 7)) : "success";
    }

    private static String permissions(int rwx) {
        return ((rwx & TranslationOutcome.R) != 0 ? "R" : "-") + ((rwx & TranslationOutcome.W) != 0 ? "W" : "-")
                + ((rwx & TranslationOutcome.X) != 0 ? "X" : "-");
    }

    /** The fields of an untranslated or translated request's completion that differ from {@code want}. */
    static List<Divergence.FieldMismatch> fields(TranslationOutcome want, long word, long pa) {
        List<Divergence.FieldMismatch> f = new ArrayList<>();
        int status = DutObservations.status(word);
        int wantStatus = want.fault() ? 1 : 0;
        if ((status != 0) != want.fault()) f.add(new Divergence.FieldMismatch("status", "-", wantStatus, status));
        int wantCause = want.fault() ? want.record().cause() : 0;
        if (DutObservations.cause(word) != wantCause) {
            f.add(new Divergence.FieldMismatch("cause", "11:0", wantCause, DutObservations.cause(word)));
        }
        if (!want.fault() && status == 0 && pa != want.pa()) f.add(new Divergence.FieldMismatch("PA", "63:0", want.pa(), pa));
        if (!want.fault() && status == 0 && DutObservations.pbmt(word) != want.pbmt()) {
            f.add(new Divergence.FieldMismatch("PBMT", "1:0", want.pbmt(), DutObservations.pbmt(word)));
        }
        if (f.isEmpty()) f.add(new Divergence.FieldMismatch("completion", "-", 0, word));
        return f;
    }

    /** The permitted outcomes as the rule of the report. */
    static String permittedText(List<CachingModel.Candidate> permitted) {
        Set<String> items = new TreeSet<>();
        for (CachingModel.Candidate c : permitted) {
            TranslationOutcome o = c.outcome();
            items.add(o.fault() ? "fault cause " + o.record().cause() + " (" + Cause.name(o.record().cause()) + ")"
                    : o.toString());
        }
        return "the spec permits " + (items.size() == 1 ? "only " : "any of (cached structures may be old or new "
                + "until invalidated) ") + String.join(" | ", items);
    }
}
