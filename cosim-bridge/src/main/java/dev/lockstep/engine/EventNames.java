package dev.lockstep.engine;

import dev.lockstep.dut.Dut;

/** Human-readable descriptions of DUT event records. */
final class EventNames {
    private EventNames() {}

    static String describe(long[] ev, int base) {
        switch ((int) ev[base]) {
            case Dut.EV_COMPLETION:
                return String.format("translation completion tag %d status %d cause %d pa 0x%x",
                        ev[base + 2] & 0xffff, (ev[base + 2] >>> 16) & 3, (ev[base + 2] >>> 32) & 0xfff, ev[base + 3]);
            case Dut.EV_MEM_WRITE:
                return String.format("IOMMU memory write 0x%x = 0x%x (strobe 0x%x)", ev[base + 2], ev[base + 3],
                        ev[base + 4] & 0xff);
            case Dut.EV_IRQ:
                return String.format("interrupt line %d -> %d", ev[base + 2], ev[base + 3]);
            default:
                return "event kind " + ev[base];
        }
    }
}
