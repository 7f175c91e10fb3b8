package dev.lockstep.stimulus;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.ArrayList;
import java.util.List;

/**
 * A device with ATS and PRI (DC.tc EN_ATS, EN_PRI) sends ATS translation requests, some to pages it has
 * not mapped (Success with R=W=0, after which a device sends Page Requests); while a window of them is in
 * flight software clears pqen, or sets it again after resizing the queue (pqb written while it is off:
 * spec, pqb: "first disable the page-request-queue by clearing pqen and wait for both pqcsr.busy and pqon
 * to be 0"). After each window the device's Page Requests (L=0, L=1, Stop Markers) meet the queue as it
 * now is: off (Response Failure for L=1, the others discarded), or on with a small queue that they fill
 * until pqof (Success responses, Stop Markers discarded), which software consumes and clears (spec:
 * "PCIe ATS Page Request handling", pqcsr). A window carries no Page Requests: they follow it.
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
                k.window(atsRequests(), k.gap(2 * r), () -> k.driver.write(RegisterFile.PQCSR, 4, 0));
                k.driver.read(RegisterFile.PQCSR, 4);
                pageRequests(3);
                k.driver.read(RegisterFile.PQCSR, 4);
                // Off and idle: a new base and size (pqh 0), then enabled again while requests are in flight.
                log2 = 1 + k.random.nextInt(3);
                long base = k.driver.allocator.allocate(16L << log2, Math.max(4096, 16L << log2));
                k.driver.write(RegisterFile.PQB, 8, ((base >>> 12) << 10) | (log2 - 1));
                k.driver.write(RegisterFile.PQH, 4, 0);
                k.window(atsRequests(), k.gap(2 * r + 1), () ->
                        k.driver.write(RegisterFile.PQCSR, 4, RegisterFile.QCSR_EN | RegisterFile.QCSR_IE));
                k.driver.read(RegisterFile.PQCSR, 4);
                pageRequests((1 << log2) + 2);
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

    /** {@code n} Page Requests for unmapped pages (L=1 mostly, some L=0), a Stop Marker among them. */
    private void pageRequests(int n) {
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
            k.driver.emit(new Action.PageRequest(id, pv, pv ? pid : 0, false, false, payload, k.random.nextInt(3) != 0));
        }
    }
}
