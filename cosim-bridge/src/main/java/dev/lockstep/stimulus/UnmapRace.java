package dev.lockstep.stimulus;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.ArrayList;
import java.util.List;

/**
 * A device streams DMA to a set of mapped pages (4 KiB pages and a 2 MiB superpage, each cached by both
 * walkers first) and to cold pages that make the IOMMU walk; software unmaps one hot page while a window
 * is in flight: PTE V=0, IOTINVAL.VMA (the page's address, inside the superpage, or PSCID-wide) and
 * IOFENCE.C in one doorbell. A request accepted before the fence completed may use the old or the new
 * PTE; the next window's, all accepted after it, must fault (spec: "IOMMU Page-Table cache invalidation
 * commands", IOFENCE.C). The page is then mapped again (V=0 is never cached: no invalidation needed).
 * Then, where the IOMMU has a G stage, rounds on a two-stage domain whose victim is a page no request used
 * before, so that the window's requests walk it: between their read of its first-stage leaf and their
 * IOTLB fill lies the G-stage walk of the final GPA, and the unmap's IOTINVAL, swept over the walks with
 * longer gaps, executes inside it; a fill the invalidation did not cancel answers the requests after the
 * fence from the old PTE.
 */
final class UnmapRace {
    private final RaceKit k;
    private RaceKit.Domain dm;
    private int id;
    private final List<long[]> hot = new ArrayList<>();
    private final List<long[]> cold = new ArrayList<>();
    private int nextCold;
    private RaceKit.Domain nested;
    private int nestedId;
    private long nestedBase;
    /**
     * The two-stage rounds sweep gaps of 40 to 167 cycles in steps of 2 (a nested walk is 12 to 20 memory
     * reads, and the window where the invalidation lands inside the final G-stage walk is a few cycles wide).
     */
    private static final int NESTED_ROUNDS = 64;
    private static final int NESTED_GAP_MIN = 40;

    UnmapRace(RaceKit k) { this.k = k; }

    void plan() {
        k.bringUp(6);
        k.then(() -> {
            dm = k.domain();
            id = k.newDeviceId();
            long base = k.region(0);
            for (int i = 0; i < 5; i++) hot.add(dm.map(base + ((long) i << 12), 0, RaceKit.RW));
            long[] huge = dm.map(k.region(1), 1, RaceKit.RW);
            if (huge != null) hot.add(huge);
            long coldBase = k.region(2);
            for (int i = 0; i < 12; i++) cold.add(dm.map(coldBase + ((long) i << 12), 0, RaceKit.RW));
            k.attach(id, 1, dm);
            warm();
        });
        for (int round = 0; round < RaceStimulus.ROUNDS; round++) {
            int r = round;
            k.then(() -> race(r));
            if (round % 4 == 3) k.consumeFaults();
        }
        k.consumeFaults();
        if (k.depth >= 4) {
            for (int round = 0; round < FENCE_ROUNDS; round++) {
                int r = round;
                k.then(() -> throughFence(r));
                if (round % 4 == 3) k.consumeFaults();
            }
            k.consumeFaults();
            for (int round = 0; round < REMAP_ROUNDS; round++) {
                int r = round;
                k.then(() -> remapInOneWindow(r));
                if (round % 4 == 3) k.consumeFaults();
            }
            k.consumeFaults();
        }
        if (!k.twoStage()) return;
        k.then(() -> {
            nested = k.twoStageDomain();
            nestedId = k.newDeviceId();
            nestedBase = k.region(3);
            k.attach(nestedId, 1, nested);
        });
        for (int round = 0; round < NESTED_ROUNDS; round++) {
            int r = round;
            k.then(() -> nestedRace(r));
            if (round % 4 == 3) k.consumeFaults();
        }
        k.consumeFaults();
    }

    /** A fresh page of the two-stage domain walked by every request of a window and unmapped while they walk. */
    private void nestedRace(int round) {
        long[] victim = nested.map(nestedBase + ((long) round << 12), 0, RaceKit.RW);
        List<Action.Translate> reqs = new ArrayList<>();
        for (int i = 0; i < k.depth; i++) reqs.add(k.request(nestedId, k.readOrWrite(), k.inPage(victim)));
        k.window(reqs, NESTED_GAP_MIN + 2 * round + (k.gap(0) & 1), () -> {
            k.driver.memory.store(victim[1], k.driver.memory.load(victim[1]) & ~PageTable.V,
                    "unmap 0x" + Long.toHexString(victim[0]));
            k.post(new long[][] {Commands.iotinval(false, true, victim[0], true, nested.pscid, true, nested.gscid, false,
                    false), k.fence()}, new String[] {"IOTINVAL.VMA GV page", "IOFENCE.C"});
        });
        k.driver.read(RegisterFile.CQH, 4);
        List<Action.Translate> after = new ArrayList<>();
        for (int i = 0; i < k.depth; i++) after.add(k.request(nestedId, k.readOrWrite(), k.inPage(victim)));
        k.window(after, 0, () -> { });
    }

    /** Windows that make every hot page cached by both walkers. */
    private void warm() {
        for (long[] p : hot) {
            List<Action.Translate> reqs = new ArrayList<>();
            for (int i = 0; i < k.depth; i++) reqs.add(k.request(id, Ttyp.UNTRANSLATED_READ, k.inPage(p)));
            k.window(reqs, 0, () -> { });
        }
    }

    private void race(int round) {
        long[] victim = hot.get(round % hot.size());
        List<Action.Translate> reqs = new ArrayList<>();
        for (int i = 0; i < k.depth; i++) {
            long[] p = i % 2 == 0 ? victim : k.random.nextBoolean() ? cold.get(k.random.nextInt(cold.size()))
                    : hot.get(k.random.nextInt(hot.size()));
            reqs.add(k.request(id, k.readOrWrite(), k.inPage(p)));
        }
        boolean wide = victim[2] == 12 && k.random.nextInt(4) == 0;
        long addr = invalidationAddress(victim);
        // Every third round DMA goes on: the last request, to the victim, arrives after the unmap, swept from
        // before the fence completes to after it (docs/concurrency.md, section 18); at depth 4 and more two
        // requests to cold pages arrive before it, one right after the unmap and one while the fence waits, so
        // that the walkers are busy across the invalidation and with a request the fence did not find in flight.
        int gap = k.gap(round);
        List<Integer> arrivals = new ArrayList<>(java.util.Collections.nCopies(reqs.size(), 0));
        if (round % 3 == 2 && reqs.size() > 1) {
            reqs.set(reqs.size() - 1, k.request(id, k.readOrWrite(), k.inPage(victim)));
            arrivals.set(reqs.size() - 1, gap + 1 + 12 * (round / 3));
            if (reqs.size() > 3) {
                // Two cold pages (taken in turn, so that they walk): one right after the unmap, one while the
                // fence waits.
                int n = reqs.size();
                reqs.set(n - 3, k.request(id, k.readOrWrite(), k.inPage(cold.get(nextCold++ % cold.size()))));
                reqs.set(n - 2, k.request(id, k.readOrWrite(), k.inPage(cold.get(nextCold++ % cold.size()))));
                arrivals.set(n - 3, gap + 1);
                arrivals.set(n - 2, gap + 7 + 4 * ((round / 3) % 8));
                arrivals.set(n - 1, Math.max(arrivals.get(n - 2), gap + 1 + 12 * (round / 3)));
            }
        }
        Runnable unmap = unmap(victim, addr, wide);
        long[] second = round % 3 == 1 && reqs.size() > 1 ? hot.get((round + 1) % hot.size()) : null;
        if (second != null && second != victim) {
            unmapTwo(round, reqs, arrivals, gap, unmap, second);
        } else {
            k.window(reqs, arrivals, List.of(), gap, unmap);
            second = null;
        }
        k.driver.read(RegisterFile.CQH, 4);
        if (second != null) {
            k.driver.memory.store(second[1], k.driver.memory.load(second[1]) | PageTable.V,
                    "map again 0x" + Long.toHexString(second[0]));
        }
        // After the fence: the unmapped page faults on every walker; the others still translate.
        List<Action.Translate> after = new ArrayList<>();
        for (int i = 0; i < k.depth; i++) {
            after.add(k.request(id, k.readOrWrite(), k.inPage(i % 2 == 0 || k.depth == 2 && i == 1 ? victim
                    : hot.get(k.random.nextInt(hot.size())))));
        }
        k.window(after, 0, () -> { });
        long pte = k.driver.memory.load(victim[1]) | PageTable.V;
        if (k.random.nextBoolean()) pte = (pte & 0x3ffL) | ((k.dataPage((int) victim[2]) >>> 12) << 10);
        mapAgain(round, victim, pte);
    }

    /** Rounds of {@link #remapInOneWindow}. */
    private static final int REMAP_ROUNDS = 8;

    /**
     * One window unmaps a hot page and maps it again while the device keeps using it (docs/concurrency.md, section
     * 19): the first group clears V and makes IOTINVAL.VMA and IOFENCE.C available; the second, 30 to 72 cycles
     * later and once the fence completed, stores the same PTE valid again, at its old frame or a new one (V=0 to
     * V=1: no invalidation needed). The device's requests to the page arrive before the unmap, between the groups
     * (after the fence: they must fault) and after the second group (they must translate, to the new frame).
     */
    private void remapInOneWindow(int round) {
        long[] victim = hot.get(round % hot.size());
        int gap = 48 + 2 * (round % 4);
        int laterGap = gap + 30 + 6 * round;
        long pte = k.driver.memory.load(victim[1]);
        long again = round % 2 == 0 ? pte : (pte & 0x3ffL) | ((k.dataPage((int) victim[2]) >>> 12) << 10);
        List<Action.Translate> reqs = new ArrayList<>();
        reqs.add(k.request(id, k.readOrWrite(), k.inPage(victim)));
        reqs.add(k.request(id, k.readOrWrite(), k.inPage(cold.get(nextCold++ % cold.size()))));
        reqs.add(k.request(id, k.readOrWrite(), k.inPage(victim)));
        reqs.add(k.request(id, k.readOrWrite(), k.inPage(victim)));
        long addr = invalidationAddress(victim);
        k.window(reqs, List.of(0, gap + 1, gap + 26, laterGap + 1 + 3 * (round % 3)), List.of(gap, laterGap),
                List.of(unmap(victim, addr, false),
                        () -> k.driver.memory.store(victim[1], again | PageTable.V, "map again 0x" + Long.toHexString(victim[0]))));
        k.driver.read(RegisterFile.CQH, 4);
    }

    /** Rounds of {@link #throughFence}: a grid of arrival offsets, twice. */
    private static final int FENCE_ROUNDS = 24;

    /**
     * DMA continues through the fence (docs/concurrency.md, sections 2 and 18): a hot page is used and unmapped
     * (V=0, IOTINVAL.VMA for the page, IOFENCE.C) 48 to 54 cycles into the window, once the first request is done;
     * requests to two cold pages arrive right after the unmap and 15 to 23 cycles after it, while the fence waits,
     * and the device's request to the unmapped page 14 to 32 cycles after that: accepted after the fence
     * completed, it must fault, whichever walkers are still busy. Then the page is mapped again (V=0 to V=1: no
     * invalidation needed).
     */
    private void throughFence(int round) {
        long[] victim = hot.get(round % hot.size());
        int gap = 48 + 2 * (round % 4);
        int second = 15 + 4 * ((round / 4) % 3);
        int last = second + 14 + 6 * ((round / 12) % 2) + 6 * (round % 2) + 6 * ((round / 2) % 2);
        List<Action.Translate> reqs = new ArrayList<>();
        reqs.add(k.request(id, k.readOrWrite(), k.inPage(victim)));
        reqs.add(k.request(id, k.readOrWrite(), k.inPage(cold.get(nextCold++ % cold.size()))));
        reqs.add(k.request(id, k.readOrWrite(), k.inPage(cold.get(nextCold++ % cold.size()))));
        reqs.add(k.request(id, k.readOrWrite(), k.inPage(victim)));
        k.window(reqs, List.of(0, gap + 1, gap + second, gap + last), List.of(), gap,
                unmap(victim, invalidationAddress(victim), false));
        k.driver.read(RegisterFile.CQH, 4);
        k.driver.memory.store(victim[1], k.driver.memory.load(victim[1]) | PageTable.V,
                "map again 0x" + Long.toHexString(victim[0]));
    }

    /**
     * DMA continues while software unmaps two pages one after the other (docs/concurrency.md, section 19): the
     * window's {@code unmap} group, then, 24 to 80 cycles later and once the IOMMU passed its fence, a second group
     * unmapping {@code second} (PTE V=0, IOTINVAL.VMA for the page, IOFENCE.C). The last request goes to
     * {@code second} after the second group, the one before it (at depth 4 and more) to the victim between the
     * groups: accepted after a group's fence completed, each must fault.
     */
    private void unmapTwo(int round, List<Action.Translate> reqs, List<Integer> arrivals, int gap, Runnable unmap,
                          long[] second) {
        int last = reqs.size() - 1;
        int laterGap = gap + 24 + 8 * ((round / 3) % 8);
        reqs.set(last, k.request(id, k.readOrWrite(), k.inPage(second)));
        arrivals.set(last, laterGap + 1 + 4 * (round % 4));
        if (reqs.size() > 3) {
            reqs.set(last - 1, k.request(id, k.readOrWrite(), k.inPage(hot.get(round % hot.size()))));
            arrivals.set(last - 1, gap + 1 + 2 * (round % 8));
        }
        k.window(reqs, arrivals, List.of(gap, laterGap), List.of(unmap, unmap(second, invalidationAddress(second), false)));
    }

    /**
     * The address an IOTINVAL.VMA for {@code page} names: the page's, or, for the superpage, an address inside it
     * other than its base (drawn from the seed).
     */
    private long invalidationAddress(long[] page) {
        return page[2] > 12 ? page[0] + ((1L + k.random.nextInt(511)) << 12) : page[0];
    }

    /**
     * Software unmaps {@code page} of the first-stage domain: PTE V=0, then IOTINVAL.VMA of {@code addr} (or of the
     * whole PSCID when {@code wide}) and IOFENCE.C in one doorbell.
     */
    private Runnable unmap(long[] page, long addr, boolean wide) {
        return () -> {
            k.driver.memory.store(page[1], k.driver.memory.load(page[1]) & ~PageTable.V, "unmap 0x" + Long.toHexString(page[0]));
            k.post(new long[][] {Commands.iotinval(false, !wide, addr, true, dm.pscid, false, 0, false, false), k.fence()},
                    new String[] {wide ? "IOTINVAL.VMA PSCID " + dm.pscid : "IOTINVAL.VMA page", "IOFENCE.C"});
        };
    }

    /**
     * The page is mapped again (a PTE from V=0 to V=1 needs no invalidation: section 5) while the device retries
     * the address that faulted: the request before the store may fault, the same request sent again after the
     * store, while the first may still walk, must not (docs/concurrency.md, section 18). The store sweeps the end
     * of the first request's walk (16 to 38 cycles in), the retry 1 to 5 cycles after it; a cold page keeps the
     * other walker busy. The retry follows the first request directly, as a device's requests reach the IOMMU
     * in order.
     */
    private void mapAgain(int round, long[] victim, long pte) {
        long retry = k.inPage(victim);
        int ttyp = k.readOrWrite();
        int gap = 16 + 2 * (round % 12);
        List<Action.Translate> reqs = new ArrayList<>();
        reqs.add(k.request(id, ttyp, retry));
        if (k.depth > 2) reqs.add(k.request(id, k.readOrWrite(), k.inPage(cold.get(k.random.nextInt(cold.size())))));
        reqs.add(k.request(id, ttyp, retry));
        List<Integer> arrivals = new ArrayList<>(java.util.Collections.nCopies(reqs.size(), 0));
        arrivals.set(reqs.size() - 1, gap + 1 + 2 * ((round / 12) % 3));
        k.window(reqs, arrivals, List.of(), gap, () -> k.driver.memory.store(victim[1], pte,
                "map again 0x" + Long.toHexString(victim[0])));
    }
}
