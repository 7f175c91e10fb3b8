package dev.lockstep.stimulus;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Windows of concurrent faults (devices with an invalid DC: 258; a paging device's unmapped addresses:
 * page faults), every record distinct, into a fault queue smaller than a window (2^k slots, 2^k - 1
 * usable, fewer than the depth), so that it fills and overflows inside one window: the first record
 * that finds it full sets fqof and it and all later ones are discarded (spec: "Fault/Event-Queue"). On
 * even rounds software drains after the window (fqh = fqt, fqof cleared, fip acknowledged); on odd ones
 * the window starts with the queue full and fqof set, and software drains and clears fqof while its
 * faults are in flight, so records are discarded before the clear and written after it.
 */
final class FaultQueueRace {
    private final RaceKit k;
    private final int[] blocked = new int[2];
    private int paging;
    private RaceKit.Domain dm;
    private long unmapped;

    FaultQueueRace(RaceKit k) { this.k = k; }

    void plan() {
        int log2 = Math.max(1, 31 - Integer.numberOfLeadingZeros(k.depth));
        k.bringUp(Math.min(log2, k.config.fqLog2SzMax() + 1));
        k.then(() -> {
            for (int i = 0; i < blocked.length; i++) {
                blocked[i] = k.newDeviceId();
                k.driver.storeDeviceContext(k.dcAddress(blocked[i]), new long[] {0, 0, 0, 0}, blocked[i]);
            }
            dm = k.domain();
            dm.mapSmall(2);
            paging = k.newDeviceId();
            k.attach(paging, 1, dm);
            unmapped = k.region(3);
        });
        for (int round = 0; round < RaceStimulus.ROUNDS; round++) {
            int r = round;
            k.then(() -> {
                k.window(faults(), 0, () -> { });
                status();
            });
            // Odd rounds: the next window starts with the queue full and fqof set; software drains what it
            // read and clears fqof while that window's faults are in flight.
            if (round % 2 == 1) k.then(() -> racingDrain(r));
            drain();
        }
    }

    /**
     * {@code depth} requests that fault, each with a record of its own (iotval = its address): 258 after a
     * DDT walk, a page fault after a first-stage walk, and the quick ones, found at the cached DC (cause
     * 260: a translated request without EN_ATS, a PASID without PDTV), whose records reach the queue
     * while it is still writing an earlier one.
     */
    private List<Action.Translate> faults() {
        List<Action.Translate> reqs = new ArrayList<>();
        for (int i = 0; i < k.depth; i++) {
            long offset = k.random.nextInt(512) * 8L;
            switch (k.random.nextInt(4)) {
                case 0 -> reqs.add(k.request(blocked[k.random.nextInt(blocked.length)], k.readOrWrite(), k.dataPage(12) + offset));
                case 1 -> reqs.add(k.request(paging, k.readOrWrite(), unmapped + ((long) k.random.nextInt(1 << 9) << 12) + offset));
                case 2 -> reqs.add(k.request(paging, Ttyp.TRANSLATED_READ + k.random.nextInt(2), k.dataPage(12) + offset));
                default -> reqs.add(new Action.Translate(k.driver.nextTag(), paging, true, 1 + k.random.nextInt(0xfffff),
                        false, k.readOrWrite(), k.dataPage(12) + offset));
            }
        }
        return reqs;
    }

    private void status() {
        k.driver.read(RegisterFile.FQT, 4);
        k.driver.read(RegisterFile.FQCSR, 4);
        k.driver.read(RegisterFile.IPSR, 4);
    }

    /** Software consumes the records it read and clears fqof (RW1C) and fip, after the window. */
    private void drain() {
        k.then(() -> {
            k.driver.write(RegisterFile.FQH, 4, k.reg(RegisterFile.FQT));
            k.driver.write(RegisterFile.FQCSR, 4, k.driver.fqControl() | RegisterFile.QCSR_OF);
            k.driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_FIP);
            k.driver.read(RegisterFile.FQCSR, 4);
        });
    }

    /** A window whose faults race the drain of the records software read (fqh = fqt) and the clear of fqof. */
    private void racingDrain(int round) {
        long tail = k.reg(RegisterFile.FQT);
        k.window(faults(), k.gap(round / 2), () -> {
            k.driver.write(RegisterFile.FQH, 4, tail);
            k.driver.write(RegisterFile.FQCSR, 4, k.driver.fqControl() | RegisterFile.QCSR_OF);
            k.driver.write(RegisterFile.IPSR, 4, RegisterFile.IPSR_FIP);
        });
        status();
    }
}
