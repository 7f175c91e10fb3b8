package dev.lockstep.engine;

import dev.lockstep.refmodel.effect.EffectSink;

/**
 * Collects the model's observable effects of one action (IOMMU memory writes, interrupt wire edges,
 * outbound PCIe messages) in reusable arrays, for comparison with what the DUT did. Messages are kept
 * in the ABI's event layout ({@code lockstep_dut.h}, LOCKSTEP_EV_MESSAGE_OUT).
 */
final class EffectRecorder implements EffectSink {

    int writes;
    int[] writeKind = new int[64];
    long[] writePa = new long[64];
    int[] writeSize = new int[64];
    long[] writeValue = new long[64];
    int edges;
    int[] edgeVector = new int[16];
    boolean[] edgeLevel = new boolean[16];
    int messages;
    long[] messageHeader = new long[8];
    long[] messagePayload = new long[8];

    void clear() {
        writes = 0;
        edges = 0;
        messages = 0;
    }

    @Override
    public void atsInvalidationRequest(int rid, boolean dsv, int dseg, boolean pv, int pid, long payload) {
        message(MessageCheck.header(dev.lockstep.dut.Dut.MSG_INVALIDATION_REQUEST, rid, dsv, dseg, pv, pid), payload);
    }

    @Override
    public void pageRequestGroupResponse(int rid, boolean dsv, int dseg, boolean pv, int pid, int prgIndex,
                                         int responseCode, boolean automatic) {
        message(MessageCheck.header(dev.lockstep.dut.Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE, rid, dsv, dseg, pv, pid),
                MessageCheck.prgrPayload(prgIndex, responseCode));
    }

    private void message(long header, long payload) {
        if (messages == messageHeader.length) {
            messageHeader = java.util.Arrays.copyOf(messageHeader, messages * 2);
            messagePayload = java.util.Arrays.copyOf(messagePayload, messages * 2);
        }
        messageHeader[messages] = header;
        messagePayload[messages] = payload;
        messages++;
    }

    @Override
    public void memoryWrite(int kind, long pa, int size, long value) {
        if (writes == writeKind.length) {
            writeKind = java.util.Arrays.copyOf(writeKind, writes * 2);
            writePa = java.util.Arrays.copyOf(writePa, writes * 2);
            writeSize = java.util.Arrays.copyOf(writeSize, writes * 2);
            writeValue = java.util.Arrays.copyOf(writeValue, writes * 2);
        }
        writeKind[writes] = kind;
        writePa[writes] = pa;
        writeSize[writes] = size;
        writeValue[writes] = value;
        writes++;
    }

    @Override
    public void interruptWire(int vector, boolean asserted) {
        if (edges == edgeVector.length) {
            edgeVector = java.util.Arrays.copyOf(edgeVector, edges * 2);
            edgeLevel = java.util.Arrays.copyOf(edgeLevel, edges * 2);
        }
        edgeVector[edges] = vector;
        edgeLevel[edges] = asserted;
        edges++;
    }

    static String kindName(int kind) {
        switch (kind) {
            case WRITE_FAULT_RECORD: return "fault record";
            case WRITE_PAGE_REQUEST: return "page-request record";
            case WRITE_IOFENCE: return "IOFENCE.C data";
            case WRITE_MSI: return "IOMMU MSI";
            case WRITE_AD_UPDATE: return "A/D update";
            default: return "write";
        }
    }
}
