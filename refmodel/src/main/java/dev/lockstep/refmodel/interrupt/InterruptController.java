package dev.lockstep.refmodel.interrupt;

import static dev.lockstep.refmodel.regs.RegisterFile.*;

import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.effect.ImplicitMemory;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.fault.FaultRecord;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.function.Consumer;

/**
 * ipsr and interrupt signalling (spec: Registers, "ipsr", "icvec", "msi_cfg_tbl").
 *
 * <p>ipsr bits are set by level conditions (cip: cie and any of fence_w_ip, cmd_ill, cmd_to, cqmf;
 * fip: fie and fqof or fqmf; pip: pie and pqof or pqmf) and by events (fip/pip: a new record; pmip: an
 * OF 0-to-1 overflow). A bit cleared by software while its level condition still holds is set again
 * (spec: "If the conditions to set that bit are still present ... transitions again from 0->1").
 *
 * <p>With fctl.WSI=1 each ipsr bit drives the wire its icvec field selects; wire edges are reported
 * when a wire's level changes (a clear immediately followed by re-assertion leaves the level as it
 * was and reports nothing). With fctl.WSI=0 each 0-to-1 transition of an ipsr bit sends the MSI of
 * its vector's msi_cfg_tbl entry, or marks the vector pending while msi_vec_ctl.M=1; clearing M sends
 * a pending MSI. A failed MSI store reports cause 273 with TTYP 0 and iotval = msi_addr.
 */
public final class InterruptController {

    private final RegisterFile regs;
    private final ImplicitMemory memory;
    private final EffectSink sink;
    private Consumer<FaultRecord> faultReporter = r -> { };
    private int lastIpsr;
    private int wires;
    private int msiPending;

    public InterruptController(RegisterFile regs, ImplicitMemory memory, EffectSink sink) {
        this.regs = regs;
        this.memory = memory;
        this.sink = sink;
    }

    /** Where a failed MSI write reports its cause-273 record (the fault queue). */
    public void setFaultReporter(Consumer<FaultRecord> reporter) { this.faultReporter = reporter; }

    public void reset() {
        lastIpsr = 0;
        wires = 0;
        msiPending = 0;
    }

    /** Wires currently asserted (bit v = wire of vector v). */
    public int wires() { return wires; }

    /** Vectors whose MSI is pending behind msi_vec_ctl.M=1. */
    public int msiPending() { return msiPending; }

    /** Software wrote ipsr: bits it cleared may transition again from 0 to 1. */
    public void afterIpsrWrite() {
        lastIpsr &= regs.ipsr();
        update();
    }

    /** A new record was produced in the fault queue. */
    public void faultRecordProduced() {
        if ((regs.fqcsr() & QCSR_IE) != 0) regs.hwSetIpsrBits(IPSR_FIP);
        update();
    }

    /** A new message was produced in the page-request queue. */
    public void pageRequestProduced() {
        if ((regs.pqcsr() & QCSR_IE) != 0) regs.hwSetIpsrBits(IPSR_PIP);
        update();
    }

    /** An HPM OF bit went from 0 to 1 because its counter overflowed. */
    public void counterOverflowed() {
        regs.hwSetIpsrBits(IPSR_PMIP);
        update();
    }

    /** Software wrote msi_vec_ctl of {@code vector}: a pending MSI goes out when M is 0. */
    public void vectorControlWritten(int vector) {
        if ((regs.msiVecCtl(vector) & MSI_VEC_CTL_M) == 0 && (msiPending & (1 << vector)) != 0) {
            msiPending &= ~(1 << vector);
            sendMsi(vector);
        }
    }

    /**
     * Takes the wires as the current ipsr drives them, without signalling: after registers were adopted
     * from an implementation ({@code RegisterFile.adopt}), whose wires are in that state already.
     */
    public void resync() {
        lastIpsr = regs.ipsr() & 0xf;
        int w = 0;
        if (regs.wsi()) {
            for (int bit = 0; bit < 4; bit++) {
                if ((lastIpsr & (1 << bit)) != 0) w |= 1 << regs.vectorOf(bit);
            }
        }
        wires = w;
    }

    /** Applies the level conditions to ipsr and signals every change. */
    public void update() {
        int set = 0;
        int cq = regs.cqcsr();
        if ((cq & CQCSR_CIE) != 0 && (cq & CQCSR_ERRORS) != 0) set |= IPSR_CIP;
        int fq = regs.fqcsr();
        if ((fq & QCSR_IE) != 0 && (fq & (QCSR_MF | QCSR_OF)) != 0) set |= IPSR_FIP;
        if (regs.capabilities().ats()) {
            int pq = regs.pqcsr();
            if ((pq & QCSR_IE) != 0 && (pq & (QCSR_MF | QCSR_OF)) != 0) set |= IPSR_PIP;
        }
        regs.hwSetIpsrBits(set);
        signal();
    }

    private void signal() {
        int ipsr = regs.ipsr() & 0xf;
        int rising = ipsr & ~lastIpsr;
        lastIpsr = ipsr;
        int newWires = 0;
        if (regs.wsi()) {
            for (int bit = 0; bit < 4; bit++) {
                if ((ipsr & (1 << bit)) != 0) newWires |= 1 << regs.vectorOf(bit);
            }
        }
        int changed = newWires ^ wires;
        wires = newWires;
        for (int v = 0; changed != 0; v++, changed >>>= 1) {
            if ((changed & 1) != 0) sink.interruptWire(v, (newWires & (1 << v)) != 0);
        }
        if (!regs.wsi()) {
            for (int bit = 0; bit < 4; bit++) {
                if ((rising & (1 << bit)) != 0) msi(regs.vectorOf(bit));
            }
        }
    }

    private void msi(int vector) {
        if ((regs.msiVecCtl(vector) & MSI_VEC_CTL_M) != 0) {
            msiPending |= 1 << vector;
        } else {
            sendMsi(vector);
        }
    }

    private void sendMsi(int vector) {
        long addr = regs.msiAddr(vector);
        if (!memory.store32(EffectSink.WRITE_MSI, addr, regs.msiData(vector))) {
            // spec: msi_cfg_tbl, "IOMMU MSI write access fault" (cause 273), TTYP 0, iotval = msi_addr_x.
            faultReporter.accept(new FaultRecord(Cause.MSI_WRITE_ACCESS_FAULT, 0, 0, false, 0, false, addr, 0));
        }
    }
}
