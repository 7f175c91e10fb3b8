package dev.lockstep.engine;

import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.mem.OverlayMemory;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Translator;

/**
 * The model's walk of a request over memory as it is now, without any effect on the model (its stores go
 * to an overlay): the trace a divergence report shows, and the rule that decided, for its signature.
 */
final class ModelWalk {
    private final SeedContext seed;
    /** Why the last walk failed, when it did. */
    private String walkFailure;

    ModelWalk(SeedContext seed) {
        this.seed = seed;
    }

    /** The walk for {@code req}, or null if it failed ({@link #explain} then says why). */
    Outcome of(TranslationRequest req) {
        return of(req, java.util.Map.of());
    }

    /** The walk for {@code req} over memory with {@code overrides} (old values of cached words); null if it failed. */
    Outcome of(TranslationRequest req, java.util.Map<Long, Long> overrides) {
        try {
            OverlayMemory overlay = new OverlayMemory(seed.memory);
            for (java.util.Map.Entry<Long, Long> e : overrides.entrySet()) overlay.replace(e.getKey(), e.getValue());
            Translator t = new Translator(seed.config, overlay);
            Request r = new Request(req.deviceId(), req.pv(), req.processId(), req.iova(), req.ttyp(), req.priv(),
                    req.noWrite(), req.execRequested(), req.cxl());
            return t.translate(r, seed.model.registers().ddtp(), seed.model.registers().fctl());
        } catch (RuntimeException e) {
            walkFailure = e.getMessage();
            return null;
        }
    }

    /** A walk as text, or why there is none. */
    String explain(Outcome walk) {
        return walk != null ? walk.toString() : "walk trace unavailable: " + walkFailure;
    }
}
