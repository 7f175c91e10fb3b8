package dev.lockstep.stimulus;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Devices with their own domains stream DMA; software detaches one while a window is in flight: its DC's
 * tc = 0 (V=0), IODIR.INVAL_DDT (for the device, or every device on odd rounds), IOTINVAL.VMA of its PSCID
 * and IOFENCE.C in one doorbell. Requests accepted after the fence completed must fault with 258 (DDT
 * entry not valid); then, in the next window, the device is attached to a new domain (the DC's fields,
 * tc with V=1 last, IODIR.INVAL_DDT, IOFENCE.C) while its requests are in flight again (spec: "Changing
 * device directory table entry").
 */
final class DetachRace {
    private final RaceKit k;
    private final int[] ids = new int[5];
    private final RaceKit.Domain[] domains = new RaceKit.Domain[5];

    DetachRace(RaceKit k) { this.k = k; }

    void plan() {
        k.bringUp(7);
        k.then(() -> {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = k.newDeviceId();
                domains[i] = k.domain();
                domains[i].mapSmall(3);
                k.attach(ids[i], 1, domains[i]);
            }
            for (int i = 0; i < 2; i++) traffic(-1);
        });
        for (int round = 0; round < RaceStimulus.ROUNDS; round++) {
            int r = round;
            k.then(() -> race(r));
            if (round % 4 == 3) k.consumeFaults();
        }
        k.consumeFaults();
    }

    /** A window of requests from every device, more from device index {@code victim} when it is >= 0. */
    private List<Action.Translate> requests(int victim) {
        List<Action.Translate> reqs = new ArrayList<>();
        for (int i = 0; i < k.depth; i++) {
            int d = victim >= 0 && i % 2 == 0 ? victim : k.random.nextInt(ids.length);
            List<long[]> pages = domains[d].pages;
            reqs.add(k.request(ids[d], k.readOrWrite(), k.inPage(pages.get(k.random.nextInt(pages.size())))));
        }
        return reqs;
    }

    private void traffic(int victim) { k.window(requests(victim), 0, () -> { }); }

    private void race(int round) {
        int v = round % ids.length;
        int id = ids[v];
        RaceKit.Domain old = domains[v];
        boolean all = round % 2 == 1;
        traffic(-1);
        k.window(requests(v), k.gap(round), () -> {
            k.driver.memory.store(k.dcAddress(id), 0, "DC tc of device 0x" + Integer.toHexString(id) + ": V=0 (detach)");
            k.post(new long[][] {Commands.iodirInvalDdt(!all, id),
                    Commands.iotinval(false, false, 0, true, old.pscid, false, 0, false, false), k.fence()},
                    new String[] {all ? "IODIR.INVAL_DDT all" : "IODIR.INVAL_DDT", "IOTINVAL.VMA PSCID " + old.pscid,
                            "IOFENCE.C"});
        });
        k.driver.read(RegisterFile.CQH, 4);
        traffic(v);
        // Attach to a new domain (the same IOVAs, other pages) while the device's requests are in flight.
        RaceKit.Domain next = k.domain();
        for (long[] p : old.pages) next.map(p[0], 0, RaceKit.RW);
        domains[v] = next;
        k.window(requests(v), k.gap(round + RaceStimulus.ROUNDS / 4), () -> {
            k.driver.storeDeviceContext(k.dcAddress(id), new long[] {1, 0, next.ta(), next.fsc()}, id);
            k.post(new long[][] {Commands.iodirInvalDdt(true, id), k.fence()},
                    new String[] {"IODIR.INVAL_DDT", "IOFENCE.C"});
        });
        k.driver.read(RegisterFile.CQH, 4);
        traffic(v);
    }
}
