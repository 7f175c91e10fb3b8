package dev.lockstep.engine;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.cache.CachingModel;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The A/D updates one way of translating a request permits, word by word, and the check of the DUT's
 * stores against them. The walk's own updates are required when the request is performed; the spec
 * lets the IOMMU make others or leave some out (the choices {@link CachingModel.AdChoices} lists, from
 * Priv "PTE A/D updates": "Updates of the A bit may be performed as a result of speculation, even if the
 * associated memory access ultimately is not performed", "updates to the D bit in G-stage PTEs may be
 * performed by an implicit access to a VS-stage PTE, if the G-stage PTE provides write permission",
 * "Implementations are of course still permitted to perform both A and D bit updates only in an exact
 * manner"). A DUT store to such a word must keep the bits already set, add every required bit, add
 * only permitted bits and add at least one; no store is fine when nothing is required. The DUT's choice
 * is taken into the model's memory, so the end-of-seed images agree.
 */
final class AdUpdates {

    /** One PTE word: its value before the action, the bits the IOMMU must set, and those it may. */
    record Word(long base, long required, long allowed) {
        boolean accepts(long value) {
            return (value & base) == base && (value & ~(base | allowed)) == 0 && (required & ~value) == 0
                    && value != base;
        }
    }

    /** What the DUT chose for one word where the spec let it choose. */
    enum Choice {
        SPECULATIVE_A("A/D: speculative A set"),
        G_STAGE_D_BY_IMPLICIT_ACCESS("A/D: G-stage D set by an implicit access"),
        LEFT_OUT_OF_UNPERFORMED_REQUEST("A/D: update left out of a request not performed");

        private final String text;

        Choice(String text) { this.text = text; }

        /** The coverage bin that counts it. */
        String text() { return text; }
    }

    static final AdUpdates NONE = new AdUpdates(new TreeMap<>(), Map.of());

    private final TreeMap<Long, Word> words;
    private final Map<Long, Long> modelBits;

    private AdUpdates(TreeMap<Long, Word> words, Map<Long, Long> modelBits) {
        this.words = words;
        this.modelBits = modelBits;
    }

    /**
     * The A/D words of candidate {@code c} over {@code memory} as it is before the candidate is committed.
     * A request is performed when its translation succeeds and grants a permission (an ATS Success with
     * R=W=0 is not).
     */
    static AdUpdates of(CachingModel.Candidate c, PhysicalMemory memory) {
        CachingModel.AdChoices ch = c.adChoices();
        if (ch.stored().isEmpty() && ch.maySet().isEmpty()) return NONE;
        TranslationOutcome o = c.outcome();
        boolean performed = !o.fault() && o.permissions() != 0;
        // D is exact: the walk's D of a first-stage leaf is required only when the request is performed
        // with write permission (an ATS completion whose G stage denies W grants no write).
        boolean writes = performed && (o.permissions() & TranslationOutcome.W) != 0;
        TreeMap<Long, Word> words = new TreeMap<>();
        Map<Long, Long> model = new TreeMap<>();
        for (Map.Entry<Long, Long> e : ch.stored().entrySet()) {
            long w = e.getKey();
            long seen = c.overrides().getOrDefault(w, memory.load64(w));
            model.put(w, e.getValue() & ~seen);
        }
        java.util.Set<Long> all = new java.util.TreeSet<>(model.keySet());
        all.addAll(ch.maySet().keySet());
        for (long w : all) {
            long base = memory.load64(w);
            long bits = model.getOrDefault(w, 0L);
            long ifPerformed = ch.ifPerformed().getOrDefault(w, 0L);
            long required = writes ? bits : performed ? bits & ~(ifPerformed & D_BITS) : bits & ~ifPerformed;
            long allowed = bits | ch.maySet().getOrDefault(w, 0L);
            words.put(w, new Word(base, required & ~base, allowed & ~base));
        }
        return new AdUpdates(words, model);
    }

    /**
     * Among {@code candidates} (each giving the DUT's completion), the first whose A/D updates the DUT's
     * stores show, or null. The DUT's A/D stores are its writes to the PTE words some candidate may
     * update, told by address: its other writes during a translation (a fault record, an IOMMU MSI, an
     * MRIF update and its notice MSI) are not A/D updates, wherever they land.
     */
    static CachingModel.Candidate chooseByStores(List<CachingModel.Candidate> candidates, DutObservations observed,
                                                 PhysicalMemory memory) {
        List<AdUpdates> ads = new ArrayList<>(candidates.size());
        java.util.Set<Long> pteWords = new java.util.HashSet<>();
        for (CachingModel.Candidate c : candidates) {
            AdUpdates ad = of(c, memory);
            ads.add(ad);
            pteWords.addAll(ad.words());
        }
        java.util.Set<Long> stores = new java.util.HashSet<>();
        for (int i = 0; i < observed.writes; i++) {
            long a = observed.writeAddr[i] & ~7L;
            if (pteWords.contains(a)) stores.add(a);
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (ads.get(i).words().containsAll(stores) && ads.get(i).fits(observed)) return candidates.get(i);
        }
        return null;
    }

    /** The first of {@code candidates} whose A/D updates the DUT's stores permit, or null. */
    static CachingModel.Candidate chooseConsistent(List<CachingModel.Candidate> candidates, DutObservations observed,
                                                   PhysicalMemory memory) {
        for (CachingModel.Candidate c : candidates) if (of(c, memory).fits(observed)) return c;
        return null;
    }

    boolean isEmpty() { return words.isEmpty(); }

    /** The words this translation may update. */
    java.util.Set<Long> words() { return words.keySet(); }

    /** Whether the DUT's stores to these words (in {@code observed}) are all permitted. */
    boolean fits(DutObservations observed) {
        for (Map.Entry<Long, Word> e : words.entrySet()) {
            Long v = dutValue(observed, e.getKey(), e.getValue().base, Long.MIN_VALUE, Long.MAX_VALUE);
            if (v == null ? e.getValue().required != 0 : !e.getValue().accepts(v)) return false;
        }
        return true;
    }

    /**
     * Checks the DUT's stores to these words, then removes them from both sides' lists of writes (the
     * rest is compared word for word) and stores the DUT's values into the model's {@code memory}; null
     * when every store is permitted, else the first that is not. {@code chosen} gets the choices made.
     */
    MemoryWriteCheck.Mismatch check(EffectRecorder effects, DutObservations observed, CachingModel caching,
                                    List<Choice> chosen) {
        return check(effects, observed, caching, chosen, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * {@link #check} on the DUT's stores made in cycles {@code from..to} only: in a window, a PTE that
     * software rewrites while requests are in flight is updated on the version before the store by the
     * stores before it and on the new version by those after (docs/concurrency.md, section 8).
     */
    MemoryWriteCheck.Mismatch check(EffectRecorder effects, DutObservations observed, CachingModel caching,
                                    List<Choice> chosen, long from, long to) {
        for (Map.Entry<Long, Word> e : words.entrySet()) {
            long w = e.getKey();
            Word want = e.getValue();
            Long got = dutValue(observed, w, want.base, from, to);
            if (got == null ? want.required != 0 : !want.accepts(got)) {
                return mismatch(w, want, got);
            }
        }
        for (Map.Entry<Long, Word> e : words.entrySet()) {
            long w = e.getKey();
            Word want = e.getValue();
            Long got = dutValue(observed, w, want.base, from, to);
            long value = got == null ? want.base : got;
            long model = modelBits.getOrDefault(w, 0L) & ~want.base;
            long added = value & ~want.base;
            long extra = added & ~model;
            if (extra != 0) chosen.add(dBit(extra) ? Choice.G_STAGE_D_BY_IMPLICIT_ACCESS : Choice.SPECULATIVE_A);
            if ((model & ~added) != 0) chosen.add(Choice.LEFT_OUT_OF_UNPERFORMED_REQUEST);
            removeWrites(effects, observed, w, from, to);
            caching.adoptAdUpdate(w, value);
        }
        return null;
    }

    /**
     * Where a PTE's D bit (bit 7) lies in a memory word, for either byte order and PTE size: bit 7 or 39
     * little-endian, bit 63 or 31 (byte 7 or 3, bit 7) big-endian. No A bit (6, 38, 62, 30) is among them.
     */
    private static final long D_BITS = 1L << 7 | 1L << 39 | 1L << 63 | 1L << 31;

    /** Whether A/D {@code bits} (memory order) hold a D bit. */
    private static boolean dBit(long bits) {
        return (bits & D_BITS) != 0;
    }

    /** The DUT's final value of word {@code w} over {@code base}, or null if it did not write it. */
    private static Long dutValue(DutObservations observed, long w, long base, long from, long to) {
        Long v = null;
        for (int i = 0; i < observed.writes; i++) {
            if ((observed.writeAddr[i] & ~7L) != w || observed.writeCycle[i] < from || observed.writeCycle[i] > to) continue;
            long mask = MemoryWriteCheck.strobeMask(observed.writeStrobe[i]);
            long cur = v == null ? base : v;
            v = (cur & ~mask) | (observed.writeData[i] & mask);
        }
        return v;
    }

    private static void removeWrites(EffectRecorder effects, DutObservations observed, long w, long from, long to) {
        int kept = 0;
        for (int i = 0; i < effects.writes; i++) {
            if ((effects.writePa[i] & ~7L) == w) continue;
            effects.writeKind[kept] = effects.writeKind[i];
            effects.writePa[kept] = effects.writePa[i];
            effects.writeSize[kept] = effects.writeSize[i];
            effects.writeValue[kept] = effects.writeValue[i];
            kept++;
        }
        effects.writes = kept;
        observed.removeWrites(i -> (observed.writeAddr[i] & ~7L) == w && observed.writeCycle[i] >= from
                && observed.writeCycle[i] <= to);
    }

    /**
     * The A/D updates of several requests performed together (a window): per word, the bits any of them
     * requires or permits, over the word as the first of them found it. Two requests through one PTE
     * may both set A, or one store may set what both need (an IOMMU need not update a bit already set).
     */
    static AdUpdates merge(List<AdUpdates> all) {
        TreeMap<Long, Word> words = new TreeMap<>();
        Map<Long, Long> model = new TreeMap<>();
        for (AdUpdates a : all) {
            for (Map.Entry<Long, Word> e : a.words.entrySet()) {
                Word w = e.getValue();
                Word had = words.get(e.getKey());
                words.put(e.getKey(), had == null ? w
                        : new Word(had.base, (had.required | w.required) & ~had.base, (had.allowed | w.allowed) & ~had.base));
            }
            for (Map.Entry<Long, Long> e : a.modelBits.entrySet()) model.merge(e.getKey(), e.getValue(), (x, y) -> x | y);
        }
        return words.isEmpty() ? NONE : new AdUpdates(words, model);
    }

    /** These updates restricted to the words {@code keep} selects. */
    AdUpdates only(java.util.function.LongPredicate keep) {
        TreeMap<Long, Word> w = new TreeMap<>();
        for (Map.Entry<Long, Word> e : words.entrySet()) if (keep.test(e.getKey())) w.put(e.getKey(), e.getValue());
        return w.isEmpty() ? NONE : new AdUpdates(w, modelBits);
    }

    private static MemoryWriteCheck.Mismatch mismatch(long w, Word want, Long got) {
        List<Divergence.FieldMismatch> f = new ArrayList<>();
        long expected = want.base | want.required;
        if (got == null) {
            return new MemoryWriteCheck.Mismatch(String.format("missing IOMMU memory write: A/D update to 0x%x", w),
                    List.of(new Divergence.FieldMismatch("data", "63:0", expected, 0)), RULE + "; the DUT wrote nothing there",
                    "missing " + EffectRecorder.kindName(dev.lockstep.refmodel.effect.EffectSink.WRITE_AD_UPDATE));
        }
        f.add(new Divergence.FieldMismatch("data", "63:0", expected, got));
        String detail;
        if ((got & want.base) != want.base) detail = "it cleared bits that were set";
        else if ((want.required & ~got) != 0) detail = String.format("it left out required bits 0x%x", want.required & ~got);
        else if (got == want.base) detail = "it stored the PTE unchanged";
        else detail = String.format("it set bits 0x%x the spec does not permit here (permitted: 0x%x)",
                got & ~(want.base | want.allowed), want.allowed);
        return new MemoryWriteCheck.Mismatch(String.format("IOMMU memory write (A/D update) to 0x%x", w), f,
                RULE + "; " + detail, EffectRecorder.kindName(dev.lockstep.refmodel.effect.EffectSink.WRITE_AD_UPDATE));
    }

    static final String RULE = "with SADE/GADE=1 the IOMMU sets A (and D for writes) atomically in the leaf PTE of a "
            + "performed access; A may also be set speculatively in a leaf whose own checks passed, and G-stage D by an "
            + "implicit access to a VS-stage PTE if the G-stage PTE grants write (spec: DC tc.SADE/GADE; Priv Svadu)";
}
