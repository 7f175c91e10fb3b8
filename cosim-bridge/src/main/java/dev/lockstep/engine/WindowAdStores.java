package dev.lockstep.engine;

import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The A/D updates of a window's requests (docs/concurrency.md, sections 8, 15 and 19): each request's updates as
 * committed at its point; a PTE word the window's software groups store has a version before the first store and
 * one after each, and the DUT's A/D stores to it between two of its stores (by cycle) are judged against the
 * updates of the requests linearized between those groups' first points, on the version of that segment. What the
 * DUT stored also puts a request later: an update of a rewritten PTE made after its store was made on the new
 * version.
 */
final class WindowAdStores {
    private final SeedContext seed;
    private final ModelWalk walks;
    private int index;
    private WindowPoints points;
    /** The A/D updates of each request committed, with the point it was committed at. */
    private final List<AdUpdates> ads = new ArrayList<>();
    private final List<Integer> adPoints = new ArrayList<>();
    /**
     * The PTE words the A/D updates of requests linearized before a store of the window to them write, each with the
     * group of that store.
     */
    private final Map<Long, Integer> claimedBefore = new HashMap<>();

    WindowAdStores(SeedContext seed, ModelWalk walks) {
        this.seed = seed;
        this.walks = walks;
    }

    /** A new window, action {@code index}, over {@code points}. */
    void start(int index, WindowPoints points) {
        this.index = index;
        this.points = points;
        ads.clear();
        adPoints.clear();
        claimedBefore.clear();
    }

    /**
     * A request committed at {@code point} with updates {@code ad}; {@code claims}: its updates before a store still
     * to come are the ones the DUT made there (a request committed late, at an earlier point it fitted, claims none).
     */
    void committed(AdUpdates ad, int point, boolean claims) {
        ads.add(ad);
        adPoints.add(point);
        if (!claims) return;
        for (long word : ad.words()) {
            int next = points.nextStore(word, point);
            if (next >= 0) claimedBefore.put(word, next);
        }
    }

    /**
     * At {@code point}, the last before group {@code g}'s stores: the DUT's A/D stores to each word {@code g} stores,
     * made before its store (since the store of an earlier group, if one rewrote it too), against the updates of the
     * requests linearized in that segment; null when permitted.
     */
    Finding checkBefore(int g, int point) {
        for (long word : points.storedBy(g)) {
            int previous = points.previousStore(word, point);
            Finding f = checkAd(AdUpdates.merge(committedIn(previous < 0 ? 0 : points.first(previous), point)).only(x -> x == word),
                    previous < 0 ? Long.MIN_VALUE : points.applied(previous), points.applied(g) - 1);
            if (f != null) return f;
        }
        return null;
    }

    /** After every point: each stored word's A/D stores after its last store, on the version that store made. */
    Finding checkAfterLastStores() {
        for (long word : points.stored()) {
            List<Integer> stores = points.storesOf(word);
            int last = stores.get(stores.size() - 1);
            Finding f = checkAd(AdUpdates.merge(committedIn(points.first(last), points.end())).only(x -> x == word),
                    points.applied(last), Long.MAX_VALUE);
            if (f != null) return f;
        }
        return null;
    }

    /** The updates of words the window does not store: compared with the rest of what the window did. */
    AdUpdates rest() { return AdUpdates.merge(ads).only(word -> !points.stored().contains(word)); }

    /**
     * Whether what the DUT stored puts request {@code t}, fitting as {@code m} at {@code point}, at a later one:
     * {@code later} are the words stores still to come rewrite. A request whose walk reads a rewritten PTE, which the
     * DUT updated after the store, did that update on the new version; so may a fault decided past it (a first-stage
     * leaf updated before the G stage of the final GPA faults, Priv "Two-Stage Address Translation"). Not a word
     * this request's own update before the store accounts for: the update after it is another request's.
     */
    boolean putsLater(Action.Translate t, CompletionCheck.Permitted p, CompletionCheck.Match m, Set<Long> later, int point) {
        Set<Long> unexplained = new HashSet<>(later);
        for (long word : AdUpdates.of(m.chosen(), seed.memory).words()) {
            int previous = points.previousStore(word, point);
            if (later.contains(word) && !claimed(word, point) && writtenBetween(word,
                    previous < 0 ? Long.MIN_VALUE : points.applied(previous), points.nextStoreCycle(word, point))) {
                unexplained.remove(word);
            }
        }
        return updatesStoredWordAfter(m, later, point) || leafUpdatedAfter(t, p, unexplained, point);
    }

    /** The A/D updates committed at points {@code from..to}. */
    private List<AdUpdates> committedIn(int from, int to) {
        List<AdUpdates> in = new ArrayList<>();
        for (int k = 0; k < ads.size(); k++) if (adPoints.get(k) >= from && adPoints.get(k) <= to) in.add(ads.get(k));
        return in;
    }

    /**
     * Whether a walk of {@code t} the model permits reads a PTE word the window's store rewrites and the DUT
     * wrote that word after the store: an A/D update made on the new version, so the request is after it.
     * The walks are the one from memory and those from each cached device or process context a candidate
     * uses (a request may take its DC from the DDT cache and walk the page tables). A walk that faults is
     * not counted at the PTE it ended at: it makes no update there.
     */
    private boolean leafUpdatedAfter(Action.Translate t, CompletionCheck.Permitted p, Set<Long> stored, int point) {
        DutObservations obs = seed.observed;
        Set<Long> writtenAfter = new HashSet<>();
        for (int i = 0; i < obs.writes; i++) {
            long a = obs.writeAddr[i] & ~7L;
            if (stored.contains(a) && obs.writeCycle[i] >= points.nextStoreCycle(a, point)) writtenAfter.add(a);
        }
        if (writtenAfter.isEmpty()) return false;
        Set<Map<Long, Long>> contexts = new HashSet<>();
        contexts.add(Map.of());
        for (dev.lockstep.refmodel.cache.CachingModel.Candidate c : p.candidates()) contexts.add(c.overrides());
        for (Map<Long, Long> overrides : contexts) {
            dev.lockstep.refmodel.translate.Outcome o = overrides.isEmpty() ? walks.of(t.request())
                    : walks.of(t.request(), overrides);
            if (o == null) continue;
            int reads = o.trace().readCount() - (o.isSuccess() ? 0 : 1);
            for (int r = 0; r < reads; r++) if (writtenAfter.contains(o.trace().readAddress(r) & ~7L)) return true;
        }
        return false;
    }

    /**
     * Whether {@code m}'s A/D updates of a PTE word the window's store rewrites are not what the DUT did
     * before the store (it made none there before it, or one before that a request linearized before already
     * accounts for and one after): the request then performed them on the new version, so it is after the store.
     */
    private boolean updatesStoredWordAfter(CompletionCheck.Match m, Set<Long> stored, int point) {
        if (stored.isEmpty()) return false;
        DutObservations o = seed.observed;
        for (long word : AdUpdates.of(m.chosen(), seed.memory).words()) {
            if (!stored.contains(word)) continue;
            long applied = points.nextStoreCycle(word, point);
            long since = points.previousStore(word, point) < 0 ? Long.MIN_VALUE
                    : points.applied(points.previousStore(word, point));
            boolean before = false;
            boolean after = false;
            for (int i = 0; i < o.writes; i++) {
                if ((o.writeAddr[i] & ~7L) != word || o.writeCycle[i] < since) continue;
                if (o.writeCycle[i] >= applied) after = true;
                else before = true;
            }
            // An update before the store that an earlier request already accounts for, and one after it: this
            // request's is the one after.
            if (!before || after && claimed(word, point)) return true;
        }
        return false;
    }

    /** Whether a request linearized earlier accounts for an A/D update of {@code word} before its next store after {@code point}. */
    private boolean claimed(long word, int point) {
        Integer g = claimedBefore.get(word);
        return g != null && g == points.nextStore(word, point);
    }

    /** Whether the DUT wrote PTE word {@code word} in cycles {@code from} to {@code before} - 1. */
    private boolean writtenBetween(long word, long from, long before) {
        DutObservations o = seed.observed;
        for (int i = 0; i < o.writes; i++) {
            if ((o.writeAddr[i] & ~7L) == word && o.writeCycle[i] >= from && o.writeCycle[i] < before) return true;
        }
        return false;
    }

    /** The DUT's A/D stores in cycles {@code from..to} against {@code ad}; null when permitted. */
    private Finding checkAd(AdUpdates ad, long from, long to) {
        if (ad.isEmpty()) return null;
        List<AdUpdates.Choice> chosen = new ArrayList<>(0);
        MemoryWriteCheck.Mismatch m = ad.check(seed.effects, seed.observed, seed.model.caching(), chosen, from, to);
        if (m != null) return EffectCheck.memoryWriteFinding(m);
        for (AdUpdates.Choice c : chosen) seed.observer.choice(index, c.text());
        return null;
    }
}
