package dev.lockstep.refmodel.cache;

import dev.lockstep.refmodel.TranslationContext;
import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.Translator;
import dev.lockstep.refmodel.TaggedEntries;
import dev.lockstep.refmodel.command.InvalidationListener;
import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.mem.LongKeyMap;
import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The permitted-outcome model of IOMMU caching (spec: "Caching in-memory data structures", and the
 * IOTINVAL note: "an implementation may use any translation for an address that was valid at any time
 * since the most recent IOTINVAL that subsumes that address").
 *
 * <p>It keeps the history of every memory word software (and the IOMMU's A/D updates) wrote, and the
 * invalidations that completed (an IODIR/IOTINVAL followed by a completed IOFENCE.C). For a
 * translation it re-runs the translator over every combination of versions of the entries the walk
 * reads: an entry (DDT entry, DC, PDT entry, PC, PTE, MSI PTE, with the tag of its role) may take any
 * version it had since the last completed invalidation covering that tag, provided that version was
 * valid (V=1: entries with V=0 are never cached); the current version is always allowed (a fresh
 * read). An outcome only an older version would give is not permitted.
 *
 * <p>Limits: the V bit of an old version is read in fctl.BE byte order (DC.tc.SBE is not known here);
 * the history is kept until reset (no pruning); at most {@link #MAX_COMBINATIONS} combinations are
 * explored per translation, beyond which it throws. Versions are contents only: a word that starts
 * answering an access fault or corrupted data is not an older version of itself, and only entries the
 * current walk reaches are explored, so an entry cached before such an error (or cached below a
 * non-leaf entry that now fails) is not permitted once the error is there. Stimulus that injects memory
 * errors therefore invalidates the caches (and fences) right after, as software repairing memory would.
 */
public final class CachingModel implements InvalidationListener {

    public static final int MAX_COMBINATIONS = 4096;

    private final PhysicalMemory memory;
    private final RegisterFile regs;
    private final Translator translator;
    private final EffectSink sink;

    /** Sequence number of the latest write; versions and invalidations are ordered by it. */
    private long seq;
    private final LongKeyMap<WordHistory> history = new LongKeyMap<>(256);
    private final List<Invalidation> pending = new ArrayList<>();
    private final List<Invalidation> completed = new ArrayList<>();
    private long staleHits;
    private long checkedTranslations;

    private final TranslationContext liveContext;

    public CachingModel(PhysicalMemory memory, RegisterFile regs, Translator translator, EffectSink sink) {
        this.memory = memory;
        this.regs = regs;
        this.translator = translator;
        this.sink = sink;
        this.liveContext = new TranslationContext(new LiveMemory(), regs);
    }

    /** After reset the caches hold nothing: only current contents are permitted. */
    public void reset() {
        history.clear();
        pending.clear();
        completed.clear();
        firstOutcome = null;
    }

    /** The context the facade translates in: current memory; A/D stores are applied and reported. */
    public TranslationContext liveContext() { return liveContext; }

    /** Translations that matched only through an older (stale but legal) version. */
    public long staleHits() { return staleHits; }

    /** Translations checked against the permitted set. */
    public long checkedTranslations() { return checkedTranslations; }

    /** A software store of an 8-byte word: remembered as a new version of that word. */
    public void softwareWrite64(long pa, long value) {
        recordWrite(pa & ~7L, value);
        memory.store64(pa & ~7L, value);
    }

    /**
     * The IOMMU under check chose another permitted A/D update of {@code pa} than the model's walk made
     * (e.g. a speculative A): its value becomes the word's current version.
     */
    public void adoptAdUpdate(long pa, long value) {
        long w = pa & ~7L;
        if (memory.load64(w) == value) return;
        recordWrite(w, value);
        memory.store64(w, value);
    }

    private void recordWrite(long word, long value) {
        firstOutcome = null;
        WordHistory h = history.get(word);
        if (h == null) {
            h = new WordHistory(memory.load64(word));
            history.put(word, h);
        }
        h.add(++seq, value);
    }

    // ------------------------------------------------------------------ invalidations

    @Override
    public void iotinvalVma(boolean gv, int gscid, boolean pscv, int pscid, boolean av, long addr, boolean nl, boolean s) {
        pending.add(new Invalidation(Invalidation.VMA, gv, gscid, pscv, pscid, av, addr, nl, s, 0, 0, seq));
    }

    @Override
    public void iotinvalGvma(boolean gv, int gscid, boolean av, long addr, boolean nl, boolean s) {
        pending.add(new Invalidation(Invalidation.GVMA, gv, gscid, false, 0, av, addr, nl, s, 0, 0, seq));
    }

    @Override
    public void iodirInvalDdt(boolean dv, int did) {
        pending.add(new Invalidation(Invalidation.DDT, dv, 0, false, 0, false, 0, false, false, did, 0, seq));
    }

    @Override
    public void iodirInvalPdt(int did, int pid) {
        pending.add(new Invalidation(Invalidation.PDT, true, 0, false, 0, false, 0, false, false, did, pid, seq));
    }

    @Override
    public void fenceCompleted() {
        completed.addAll(pending);
        pending.clear();
    }

    // ------------------------------------------------------------------ permitted outcomes

    /**
     * One permitted way the IOMMU may translate a request now: the outcome, whether it relies on an older
     * version of some cached structure ({@code stale}), and the words its A/D updates would store.
     */
    public record Candidate(TranslationOutcome outcome, boolean stale, Set<Long> stores, Map<Long, Long> overrides,
                            AdChoices adChoices) {
        /** A candidate whose A/D updates leave the IOMMU no choice. */
        public Candidate(TranslationOutcome outcome, boolean stale, Set<Long> stores, Map<Long, Long> overrides) {
            this(outcome, stale, stores, overrides, AdChoices.NONE);
        }
    }

    /**
     * Where the spec lets the IOMMU choose the A/D updates of one way of translating a request (see
     * {@link dev.lockstep.refmodel.pagetable.PageTableWalker}), by 8-byte word, bits in memory byte order:
     * {@code maySet}, bits it may set beyond the walk's own updates; {@code ifPerformed}, bits the walk
     * sets that are required only when the request is performed (it succeeds and grants a permission);
     * {@code stored}, the value the walk stored in each word it updated (over the versions it read).
     */
    public record AdChoices(Map<Long, Long> maySet, Map<Long, Long> ifPerformed, Map<Long, Long> stored) {
        public static final AdChoices NONE = new AdChoices(Map.of(), Map.of(), Map.of());
    }

    /**
     * Every permitted combination of structure versions for {@code request}, the one with the current
     * memory contents first. No side effects. Checkers pick the one the DUT's answer matches and
     * {@link #commit} it: one exploration per translation.
     */
    public List<Candidate> candidates(TranslationRequest request) {
        List<Leaf> leaves = explore(request);
        List<Candidate> out = new ArrayList<>(leaves.size());
        for (Leaf l : leaves) out.add(new Candidate(l.outcome, !l.overrides.isEmpty(), l.stores, l.overrides, l.adChoices));
        return out;
    }

    /**
     * Performs {@code request} as candidate {@code c}: its A/D stores reach memory as atomic ORs. Called
     * right after {@link #candidates} for the same request, with the model unchanged in between.
     */
    public TranslationOutcome commit(TranslationRequest request, Candidate c, TaggedEntries trace) {
        checkedTranslations++;
        if (c.stale()) staleHits++;
        if (!c.stale() && c.stores().isEmpty() && c.outcome() == firstOutcome) {
            // The walk of the current contents that candidates() just made, and it stores nothing:
            // walking again would read the same words and give the same outcome.
            trace.copyFrom(firstTrace);
            return c.outcome();
        }
        trace.clear();
        return translator.translate(request, new TranslationContext(new OverlayMemory(c.overrides(), true), regs), trace);
    }

    /**
     * While {@link #retiredCandidates} explores: versions a completed invalidation retired are explored as
     * well, each entry's retirement kept here by the entry's address; null otherwise.
     */
    private Map<Long, Retirement> retirements;

    /** An outcome the spec forbids because it uses a version an invalidation retired, and that retirement. */
    public record RetiredCandidate(TranslationOutcome outcome, Retirement retirement) {}

    /**
     * The outcomes of {@code request} that only versions retired by a completed invalidation (and its
     * IOFENCE.C) give: what an IOMMU gives whose cache kept an entry the invalidation covers. For telling
     * what a divergence is; the spec permits none of them. Only the newest retired version of an entry is
     * offered, and not a PTE's that maps the same page as now with other flags. No side effects.
     */
    public List<RetiredCandidate> retiredCandidates(TranslationRequest request) {
        Map<Long, Retirement> found = new HashMap<>();
        retirements = found;
        List<Leaf> leaves;
        try {
            leaves = explore(request);
        } catch (IllegalStateException tooMany) {
            return List.of(); // more combinations than the model explores: nothing to tell
        } finally {
            firstOutcome = null; // the exploration's first walk is not the one commit() may reuse
            retirements = null;
        }
        List<RetiredCandidate> out = new ArrayList<>();
        for (Leaf l : leaves) {
            for (Map.Entry<Long, Retirement> r : found.entrySet()) {
                if (l.overrides.containsKey(r.getKey())) {
                    out.add(new RetiredCandidate(l.outcome, r.getValue()));
                    break;
                }
            }
        }
        return out;
    }

    /**
     * The outcome of {@code request} over the current memory with {@code overrides} (8-byte words by address,
     * memory byte order): what other contents would give, for telling what a divergence is. No side effects.
     */
    public TranslationOutcome outcomeWith(TranslationRequest request, Map<Long, Long> overrides) {
        firstOutcome = null;
        return translator.translate(request, new TranslationContext(new OverlayMemory(overrides, false), regs),
                new TaggedEntries());
    }

    /** Every outcome the spec permits now for {@code request}. No side effects. */
    public Set<TranslationOutcome> permittedOutcomes(TranslationRequest request) {
        Set<TranslationOutcome> out = new LinkedHashSet<>();
        for (Leaf l : explore(request)) out.add(l.outcome);
        return out;
    }

    /** Whether {@code observed} is permitted now for {@code request}. No side effects. */
    public boolean isPermitted(TranslationRequest request, TranslationOutcome observed) {
        return permittedOutcomes(request).contains(observed);
    }

    /**
     * Performs {@code request} as the versions that give {@code observed} (preferring current contents),
     * with A/D stores applied to memory as atomic ORs; null if no permitted version gives it.
     */
    public TranslationOutcome translateAs(TranslationRequest request, TranslationOutcome observed, TaggedEntries trace) {
        return translateAs(request, observed, trace, stores -> true);
    }

    /**
     * Like {@link #translateAs(TranslationRequest, TranslationOutcome, TaggedEntries)}, choosing among the
     * structure versions that give {@code observed} the first whose A/D stores (the set of word addresses
     * it would update) {@code storesMatch} accepts, or else the first that gives it. Old and new versions
     * of a PTE can give the same translation and differ only in whether A/D must be set, so the DUT's
     * memory writes decide which one it used.
     */
    public TranslationOutcome translateAs(TranslationRequest request, TranslationOutcome observed, TaggedEntries trace,
                                          java.util.function.Predicate<Set<Long>> storesMatch) {
        checkedTranslations++;
        Leaf chosen = null;
        for (Leaf l : explore(request)) {
            if (!l.outcome.equals(observed)) continue;
            if (chosen == null) chosen = l;
            if (storesMatch.test(l.stores)) {
                chosen = l;
                break;
            }
        }
        if (chosen == null) return null;
        if (!chosen.overrides.isEmpty()) staleHits++;
        trace.clear();
        return translator.translate(request, new TranslationContext(new OverlayMemory(chosen.overrides, true), regs), trace);
    }

    /** One combination of structure versions: its overrides, the outcome and the words its A/D updates store. */
    private record Leaf(Map<Long, Long> overrides, TranslationOutcome outcome, Set<Long> stores, AdChoices adChoices) { }

    private List<Leaf> explore(TranslationRequest request) {
        List<Leaf> leaves = new ArrayList<>(1);
        explore(request, Map.of(), Set.of(), leaves);
        return leaves;
    }

    /** The trace of the first walk of an exploration (current contents), reused: most requests need no other. */
    private final TaggedEntries firstTrace = new TaggedEntries();
    /** The outcome of that walk, by identity: {@link #commit} reuses the walk when the candidate is its outcome. */
    private TranslationOutcome firstOutcome;

    private void explore(TranslationRequest request, Map<Long, Long> overrides, Set<Long> decided, List<Leaf> leaves) {
        if (leaves.size() >= MAX_COMBINATIONS) {
            throw new IllegalStateException("caching model: more than " + MAX_COMBINATIONS
                    + " permitted structure-version combinations for " + request);
        }
        TaggedEntries trace = decided.isEmpty() ? firstTrace : new TaggedEntries();
        trace.clear();
        OverlayMemory sandbox = new OverlayMemory(overrides, false);
        TranslationOutcome o = translator.translate(request, new TranslationContext(sandbox, regs), trace);
        if (decided.isEmpty()) firstOutcome = o;
        if (sandbox.staleAdUpdate()) return;
        for (int i = 0; i < trace.size(); i++) {
            long base = trace.pa(i);
            if (!decided.isEmpty() && decided.contains(base)) continue;
            List<long[]> versions = versions(trace, i);
            if (versions.size() <= 1) continue;
            for (long[] v : versions) {
                Map<Long, Long> ov = new HashMap<>(overrides);
                if (v != versions.get(0)) { // the current version needs no override
                    for (int w = 0; w < v.length; w++) ov.put(base + 8L * w, v[w]);
                }
                Set<Long> d = new HashSet<>(decided);
                d.add(base);
                explore(request, ov, d, leaves);
            }
            return;
        }
        leaves.add(new Leaf(overrides, o, sandbox.storedWords(), sandbox.adChoices()));
    }

    /**
     * Distinct permitted contents of trace entry {@code i}, the current one first. A version that was
     * current during [t, end) may still be cached unless a completed invalidation issued at or after
     * {@code end} covers it (judged with the version's own leaf and global bits); versions with V=0 are
     * never cached.
     */
    List<long[]> versions(TaggedEntries trace, int i) {
        long base = trace.pa(i) & ~7L;
        int words = Math.max(1, (trace.bytes(i) + 7) / 8);
        if (onlyCurrentVersion(base, words)) return ONLY_CURRENT;
        // The times at which the entry's words changed, with -1 for "before the first recorded write".
        int n = 0;
        for (int w = 0; w < words; w++) {
            WordHistory h = history.get(base + 8L * w);
            if (h == null) continue;
            if (n + h.n + 1 > seqBuffer.length) seqBuffer = java.util.Arrays.copyOf(seqBuffer, 2 * (n + h.n + 1));
            System.arraycopy(h.seqs, 0, seqBuffer, n, h.n);
            n += h.n;
        }
        if (n == 0) return ONLY_CURRENT;
        long[] times = seqBuffer;
        times[n++] = -1L;
        java.util.Arrays.sort(times, 0, n);
        // Built only once an older version qualifies: most entries have none (their old contents had V=0
        // or were invalidated since), and this runs for every entry of every walk a checker explores.
        List<long[]> out = null;
        long newestRetired = Long.MIN_VALUE; // for retiredCandidates: the newest version an invalidation retired
        Invalidation retiring = null;
        int retiredFlags = 0;
        for (int k = 0; k < n - 1; k++) {
            long t = times[k];
            long end = times[k + 1];
            if (end == t) continue;
            long word0 = wordAt(base, t);
            long first = regs.bigEndian() ? Long.reverseBytes(word0) : word0;
            if ((first & 1) == 0) continue; // V=0 entries are never cached
            int flags = versionFlags(trace, i, first);
            Invalidation retiredBy = invalidatedSince(trace, i, flags, end);
            if (retiredBy != null) {
                if (retirements != null) {
                    newestRetired = t;
                    retiring = retiredBy;
                    retiredFlags = flags;
                }
                continue;
            }
            out = withVersion(out, base, words, t);
        }
        if (retiring != null && !onlyFlagsDiffer(trace.role(i), base, newestRetired)) {
            // Only the newest retired version: the one a cache that kept its entry across the invalidation
            // holds (an older one would have been replaced by it), which also bounds the exploration.
            int before = out == null ? 0 : out.size();
            out = withVersion(out, base, words, newestRetired);
            if (out.size() > before) retirements.putIfAbsent(base, Retirement.of(trace.role(i), retiredFlags,
                    trace.regionLog2(i), retiring));
        }
        return out == null ? ONLY_CURRENT : out;
    }

    /**
     * Whether the PTE at {@code base} as it was from time {@code t} maps the page its current contents map
     * (valid, same PPN) and differs only in its flags: an answer that version gives is as well the current
     * entry with one of its checks skipped, so it does not tell a stale cache.
     */
    private boolean onlyFlagsDiffer(int role, long base, long t) {
        if (role != TaggedEntries.S1_PTE && role != TaggedEntries.G_PTE) return false;
        long old = wordAt(base, t);
        long now = memory.load64(base);
        if (regs.bigEndian()) {
            old = Long.reverseBytes(old);
            now = Long.reverseBytes(now);
        }
        long ppn = ((1L << 44) - 1) << 10;
        return (now & 1) != 0 && (old & ppn) == (now & ppn);
    }

    /** {@code out} (created with the current contents first when null) with the entry's version from time {@code t}, unless it holds it. */
    private List<long[]> withVersion(List<long[]> out, long base, int words, long t) {
        long[] v = new long[words];
        for (int w = 0; w < words; w++) v[w] = wordAt(base + 8L * w, t);
        if (out == null) {
            long[] current = new long[words];
            for (int w = 0; w < words; w++) current[w] = memory.load64(base + 8L * w);
            out = new ArrayList<>();
            out.add(current);
        }
        for (long[] o : out) if (java.util.Arrays.equals(o, v)) return out;
        out.add(v);
        return out;
    }

    /** Scratch for {@link #versions}: the change times of an entry's words. */
    private long[] seqBuffer = new long[16];

    /** The word at {@code pa} as it was from time {@code t} on (its current value if it has no history). */
    private long wordAt(long pa, long t) {
        WordHistory h = history.get(pa);
        return h == null ? memory.load64(pa) : h.valueAt(t);
    }

    /** The trace flags of entry {@code i} as they would be for a cached version whose first dword is {@code first}. */
    private static int versionFlags(TaggedEntries trace, int i, long first) {
        int flags = trace.flags(i);
        int role = trace.role(i);
        if (role == TaggedEntries.S1_PTE || role == TaggedEntries.G_PTE) {
            flags = (first & 0xa) != 0 ? flags | TaggedEntries.LEAF : flags & ~TaggedEntries.LEAF;
            if (role == TaggedEntries.S1_PTE && (first & 0x20) != 0) flags |= TaggedEntries.GLOBAL;
        }
        return flags;
    }

    /** The latest completed invalidation issued at or after {@code since} that covers entry {@code i} with {@code flags}, or null. */
    private Invalidation invalidatedSince(TaggedEntries trace, int i, int flags, long since) {
        for (int k = completed.size() - 1; k >= 0; k--) {
            Invalidation inv = completed.get(k);
            if (inv.seq() < since) break;
            if (inv.covers(trace, i, flags)) return inv;
        }
        return null;
    }

    /** What {@link #versions} answers when only the current contents can be used (nothing to override). */
    private static final List<long[]> ONLY_CURRENT = List.of(new long[0]);

    /**
     * The common case, answered without building versions: no word of the entry was ever written since
     * reset, or each was written once, the first word (with V) last, over a V=0 first word. Then every
     * earlier state of the entry had V=0, which is never cached.
     */
    private boolean onlyCurrentVersion(long base, int words) {
        WordHistory first = history.get(base);
        if (first == null) {
            for (int w = 1; w < words; w++) if (history.get(base + 8L * w) != null) return false;
            return true;
        }
        if (first.n != 1 || (first.initial & 1) != 0) return false;
        long seq = first.firstSeq();
        for (int w = 1; w < words; w++) {
            WordHistory h = history.get(base + 8L * w);
            if (h != null && (h.n != 1 || h.firstSeq() > seq)) return false;
        }
        return !regs.bigEndian();
    }

    // ------------------------------------------------------------------ memory views

    /** Current memory; stores (A/D updates) are applied, remembered as versions and reported. */
    private final class LiveMemory implements PhysicalMemory {
        @Override public int status(long pa) { return memory.status(pa); }
        @Override public long load64(long pa) { return memory.load64(pa); }
        @Override public void store64(long pa, long value) {
            recordWrite(pa & ~7L, value);
            memory.store64(pa, value);
            sink.memoryWrite(EffectSink.WRITE_AD_UPDATE, pa, 8, value);
        }
    }

    /**
     * Memory with some words replaced by older versions. In a sandbox ({@code live}=false) stores go to
     * a private buffer; live, a store to an overridden word sets only the bits it adds (an atomic OR of
     * A/D onto the current value) and is applied and reported.
     */
    private final class OverlayMemory implements PhysicalMemory {
        private final Map<Long, Long> overrides;
        private final boolean live;
        /** Words this walk stored, created on the first store (most walks store nothing). */
        private Map<Long, Long> buffer;

        OverlayMemory(Map<Long, Long> overrides, boolean live) {
            this.overrides = overrides;
            this.live = live;
        }

        @Override public int status(long pa) { return memory.status(pa); }

        @Override public long load64(long pa) {
            long w = pa & ~7L;
            if (buffer == null && overrides.isEmpty()) return memory.load64(w); // the common case, unboxed
            Long b = buffer == null ? null : buffer.get(w);
            if (b != null) return b;
            Long o = overrides.get(w);
            return o != null ? o : memory.load64(w);
        }

        /**
         * Whether this walk set A/D in an old version of a PTE that memory no longer holds as a valid entry
         * with the same permissions. Such an outcome is not one the IOMMU may give: the A/D update must
         * atomically check that the PTE in memory is valid and grants the access (Priv: Svadu, "the PTE
         * update must ... atomically check that the PTE is valid and grants sufficient permissions"), so
         * the hardware would walk the new PTE instead.
         */
        boolean staleAdUpdate() { return staleAdUpdate; }

        /** The words this (sandboxed) walk stored to. */
        Set<Long> storedWords() { return buffer == null ? Set.of() : Set.copyOf(buffer.keySet()); }

        /** What the walk reported of the IOMMU's choices in its A/D updates (sandbox only). */
        private Map<Long, Long> maySet;
        private Map<Long, Long> ifPerformed;

        @Override public void adLatitude(long pa, long bits, int kind) {
            if (live) return;
            if (kind == PhysicalMemory.AD_MAY_SET) {
                if (maySet == null) maySet = new HashMap<>();
                maySet.merge(pa & ~7L, bits, (a, b) -> a | b);
            } else {
                if (ifPerformed == null) ifPerformed = new HashMap<>();
                ifPerformed.merge(pa & ~7L, bits, (a, b) -> a | b);
            }
        }

        AdChoices adChoices() {
            if (maySet == null && ifPerformed == null && buffer == null) return AdChoices.NONE;
            return new AdChoices(maySet == null ? Map.of() : Map.copyOf(maySet),
                    ifPerformed == null ? Map.of() : Map.copyOf(ifPerformed),
                    buffer == null ? Map.of() : Map.copyOf(buffer));
        }

        private boolean staleAdUpdate;

        @Override public void store64(long pa, long value) {
            long w = pa & ~7L;
            if (!live) {
                Long old = overrides.get(w);
                if (old != null) {
                    long now = memory.load64(w);
                    if ((now & 1) == 0 || ((now ^ old) & 0x1eL) != 0) staleAdUpdate = true;
                }
                if (buffer == null) buffer = new HashMap<>();
                buffer.put(w, value);
                return;
            }
            Long o = overrides.get(w);
            long v = o == null ? value : memory.load64(w) | (value & ~o);
            if (buffer == null) buffer = new HashMap<>();
            buffer.put(w, value);
            recordWrite(w, v);
            memory.store64(w, v);
            sink.memoryWrite(EffectSink.WRITE_AD_UPDATE, w, 8, v);
        }
    }

    /** The versions of one memory word: its value before the first recorded write, then each write. */
    private static final class WordHistory {
        private final long initial;
        private long[] seqs = new long[2];
        private long[] values = new long[2];
        private int n;

        WordHistory(long initial) { this.initial = initial; }

        void add(long s, long v) {
            if (n == seqs.length) {
                seqs = java.util.Arrays.copyOf(seqs, n * 2);
                values = java.util.Arrays.copyOf(values, n * 2);
            }
            seqs[n] = s;
            values[n] = v;
            n++;
        }

        long firstSeq() { return seqs[0]; }

        long valueAt(long t) {
            long v = initial;
            for (int i = 0; i < n && seqs[i] <= t; i++) v = values[i];
            return v;
        }

    }
}
