package dev.lockstep.engine;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.ddt.DeviceContext;
import dev.lockstep.refmodel.trace.Role;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.triage.Signature;
import dev.lockstep.triage.TranslationStep;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Names a translation divergence by the mistake that explains it: an outcome the spec forbids that a
 * specific wrong IOMMU gives, asked of the model without effects. Where one fits, it is the divergence's
 * class, whatever the rule the model's own walk ended at (which depends on how the seed wrote its tables):
 * <ul>
 *   <li>a cached entry kept across the invalidation and IOFENCE.C that covered it (the newest version the
 *       invalidation retired gives the DUT's answer);</li>
 *   <li>an MSI address not recognized (the G stage's answer for the GPA, as if the device had no MSI page
 *       table, is the DUT's).</li>
 * </ul>
 */
final class MistakeProbes {
    private final SeedContext seed;

    MistakeProbes(SeedContext seed) { this.seed = seed; }

    /**
     * The signature of the mistake that explains the DUT's completion {@code word} for {@code req}, or null;
     * {@code walk}: the model's walk of the current contents (null if it failed); {@code dutAnswer}: whether
     * an outcome matches the DUT's completion.
     */
    Signature classify(TranslationRequest req, Outcome walk, long word, Predicate<TranslationOutcome> dutAnswer) {
        if (walk == null) return null;
        Signature s = stale(req, walk, word, dutAnswer);
        return s != null ? s : msiNotRecognized(req, walk, dutAnswer);
    }

    /**
     * A version an invalidation retired explains the answer: the DUT kept a cached entry the invalidation
     * covered (spec, IOTINVAL.VMA: previous stores "are observed by the IOMMU before all subsequent implicit
     * reads"; IOFENCE.C: its completion "guarantees that all previous commands fetched from the CQ have been
     * completed and committed").
     */
    private Signature stale(TranslationRequest req, Outcome walk, long word, Predicate<TranslationOutcome> dutAnswer) {
        // A success (its address and permissions) tells a cached version apart, and so does a fault at a step
        // past the one the model stopped at (the DUT used other contents there); a fault at the model's step
        // or before it that an old version would give is as well one the DUT gets wrong for reasons of its own.
        if (DutObservations.status(word) != 0) {
            TranslationStep ruleStep = TranslationStep.ofRule(walk.trace().rule().name());
            int dutCause = DutObservations.cause(word);
            if (TranslationStep.ofCause(dutCause, ruleStep, walk.trace().ruleCause()).compareTo(ruleStep) <= 0) return null;
        }
        for (CachingModel.RetiredCandidate r : seed.model.retiredCandidates(req)) {
            if (!dutAnswer.test(r.outcome())) continue;
            return new Signature(Signature.key("translation", "stale " + r.retirement()),
                    "the DUT's completion is what a " + r.retirement() + " gives: a cached entry the invalidation "
                            + "covers was used after the fence completed");
        }
        return null;
    }

    /**
     * The model recognized an MSI address (spec: "MSI address translation", the GPA matches the DC's
     * msi_addr_pattern under msi_addr_mask) and the DUT's answer is what the G stage gives for that GPA:
     * the DUT translated it as an ordinary address. Asked of the model with the DC's msiptp Off.
     */
    private Signature msiNotRecognized(TranslationRequest req, Outcome walk, Predicate<TranslationOutcome> dutAnswer) {
        if (!walk.trace().rule().name().startsWith("MSI_")) return null;
        long dc = -1;
        for (int i = 0; i < walk.trace().readCount(); i++) {
            if (walk.trace().readRole(i) != Role.DC) continue;
            long a = walk.trace().readAddress(i);
            if (dc < 0 || a < dc) dc = a;
        }
        if (dc < 0) return null;
        TranslationOutcome asGpa = seed.model.outcomeWith(req, Map.of(dc + 8L * DeviceContext.MSIPTP, 0L));
        if (asGpa == null || !dutAnswer.test(asGpa)) return null;
        return new Signature(Signature.key("translation", "MSI address translated as an ordinary GPA"),
                "the DUT's completion is what the G stage gives for a GPA the device context's msi_addr_mask and "
                        + "msi_addr_pattern make an MSI address: it was not recognized as one");
    }
}
