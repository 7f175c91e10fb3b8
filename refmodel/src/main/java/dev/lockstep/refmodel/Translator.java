package dev.lockstep.refmodel;

/**
 * The translation process (spec: "Process to translate an IOVA"), as the facade uses it. It reads
 * memory only through {@code ctx.memory()}, records every structure word it reads in {@code trace}
 * (with its role and cache tag), and performs its A/D updates through {@code ctx.memory()}.
 *
 * <p>The translation package implements the full process
 * ({@link dev.lockstep.refmodel.translate.ProcessTranslator}, or {@link Iommu#withTranslationProcess});
 * this port keeps the software-visible side independent of it.
 */
@FunctionalInterface
public interface Translator {
    TranslationOutcome translate(TranslationRequest request, TranslationContext ctx, TaggedEntries trace);
}
