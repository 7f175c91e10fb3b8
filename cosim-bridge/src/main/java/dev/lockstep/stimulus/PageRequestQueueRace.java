package dev.lockstep.stimulus;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.ArrayList;
import java.util.List;

/**
 * A device with ATS and PRI (DC.tc EN_ATS, EN_PRI) sends ATS translation requests, some to pages it has
 * not mapped (Success with R=W=0, after which a device sends Page Requests), and Page Requests (L=0, L=1,
 * Stop Markers) behind them; while a window of them is in flight software clears pqen, or resizes the
 * queue and sets pqen again (pqb written while the queue is off and idle: spec, pqb: "first disable the
 * page-request-queue by clearing pqen and wait for both pqcsr.busy and pqon to be 0"). Each Page Request
 * of a window meets the queue as it was (on, or off) or as it is after the pqcsr write ("The IOMMU may
 * respond to Page Request messages received when page-request-queue is off or in the process of being
 * turned off"; a queue turned on "may take some time to be active"): queued, Response Failure for L=1 and
 * the others discarded, or, in a queue they fill, Success until pqof. After each window more Page
 * Requests meet the queue as it now is, and software consumes the records and clears pqof (spec: "PCIe ATS
 * Page Request handling", pqcsr).
 */
final class PageRequestQueueRace {
    private final RaceKit k;
    private int id;
    private RaceKit.Domain dm;
    private long unmapped;
    private int pid;
    private int log2;

    PageRequestQueueRace(RaceKit k) { this.k = k; }

    void plan() {
        k.bringUp(6);
        k.then(() -> {
            log2 = 2;
            k.driver.setupPageRequestQueue(log2, true);
            dm = k.domain();
            dm.mapSmall(3);
            id = k.newDeviceId();
            k.attach(id, 1 | (1L << 1) | (1L << 2) | (k.random.nextBoolean() ? 1L << 6 : 0), dm); // V, EN_ATS, EN_PRI, PRPR
            unmapped = k.region(3);
            pid = 1 + k.random.nextInt(0xfffff);
        });
        for (int round = 0; round < RaceStimulus.ROUNDS / 2; round++) {
            int r = round;
            k.then(() -> {
                List<Action.PageRequest> first = pageRequests(3);
                racingWindow(2 * r, first, () -> k.driver.write(RegisterFile.PQCSR, 4, 0));
                k.driver.read(RegisterFile.PQCSR, 4);
                emit(pageRequests(3));
                k.driver.read(RegisterFile.PQCSR, 4);
                // Off and idle: a new base and size (pqh 0) and enabled again, while requests are in flight.
                int size = 1 + k.random.nextInt(3);
                long base = k.driver.allocator.allocate(16L << size, Math.max(4096, 16L << size));
                List<Action.PageRequest> second = pageRequests((1 << size) + 1);
                racingWindow(2 * r + 1, second, () -> {
                    k.driver.write(RegisterFile.PQB, 8, ((base >>> 12) << 10) | (size - 1));
                    k.driver.write(RegisterFile.PQH, 4, 0);
                    k.driver.write(RegisterFile.PQCSR, 4, RegisterFile.QCSR_EN | RegisterFile.QCSR_IE);
                });
                log2 = size;
                k.driver.read(RegisterFile.PQCSR, 4);
                emit(pageRequests((1 << log2) + 2));
                k.driver.read(RegisterFile.PQT, 4);
                k.driver.read(RegisterFile.PQCSR, 4);
                k.driver.read(RegisterFile.IPSR, 4);
            });
            k.then(() -> {
                // Software consumes the records and clears pqof (RW1C) and pip.
                k.driver.write(RegisterFile.PQH, 4, k.reg(RegisterFile.PQT));
                long on = k.reg(RegisterFile.PQCSR) & (RegisterFile.QCSR_EN | RegisterFile.QCSR_IE);
                k.driver.write(RegisterFile.PQCSR, 4, on | RegisterFile.QCSR_OF | RegisterFile.QCSR_MF);
                k.driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_PIP);
                k.driver.read(RegisterFile.PQCSR, 4);
            });
        }
    }

    /** ATS translation requests, with No Write or not, half of them to pages the device has not mapped. */
    private List<Action.Translate> atsRequests() {
        List<Action.Translate> reqs = new ArrayList<>();
        for (int i = 0; i < k.depth; i++) {
            long iova = i % 2 == 0 ? unmapped + ((long) k.random.nextInt(64) << 12)
                    : k.inPage(dm.pages.get(k.random.nextInt(dm.pages.size())));
            reqs.add(new Action.Translate(k.driver.nextTag(), id, false, 0, false, Ttyp.ATS_TRANSLATION, iova,
                    k.random.nextBoolean(), false));
        }
        return reqs;
    }

    /**
     * A window of ATS requests and {@code pages} with the pqcsr change {@code software}. Every other window races
     * the ATS requests (the depth of them, the change at the race's sweeping gap for {@code step}); the others
     * race the Page Requests: none, with the change around the first one's handling, or fewer ATS requests, which
     * an IOMMU may serve first, with the change anywhere from before the first Page Request is handled to after
     * the last (each takes tens of cycles to be queued or answered), so that some windows split them.
     */
    private void racingWindow(int step, List<Action.PageRequest> pages, Runnable software) {
        List<Action.Translate> ats = atsRequests();
        if (k.random.nextBoolean()) {
            k.window(ats, pages, k.gap(step), software);
        } else {
            if (k.random.nextBoolean()) {
                // Page Requests alone: the first is taken, checked against the device context and written about
                // 40-60 cycles after the submission on the built-in DUT; the change lands anywhere in that.
                k.window(List.of(), pages, 36 + k.random.nextInt(24), software);
            } else {
                int n = 1 + k.random.nextInt(ats.size());
                k.window(ats.subList(0, n), pages, 30 + k.random.nextInt(60 * pages.size()), software);
            }
        }
    }

    private void emit(List<Action.PageRequest> pages) {
        for (Action.PageRequest p : pages) k.driver.emit(p);
    }

    /** {@code n} Page Requests for unmapped pages (L=1 mostly, some L=0), a Stop Marker among them. */
    private List<Action.PageRequest> pageRequests(int n) {
        List<Action.PageRequest> pages = new ArrayList<>(n);
        int stop = k.random.nextInt(n);
        for (int i = 0; i < n; i++) {
            boolean pv = k.random.nextBoolean();
            long payload;
            if (i == stop) {
                pv = true;
                payload = ((long) k.random.nextInt(512) << 3) | 4;                 // Stop Marker: L=1, R=W=0
            } else {
                long page = unmapped + ((long) k.random.nextInt(64) << 12);
                payload = page | ((long) k.random.nextInt(512) << 3) | (k.random.nextInt(4) != 0 ? 4 : 0)
                        | (1 + k.random.nextInt(3));
            }
            pages.add(new Action.PageRequest(id, pv, pv ? pid : 0, false, false, payload, k.random.nextInt(3) != 0));
        }
        return pages;
    }
}
