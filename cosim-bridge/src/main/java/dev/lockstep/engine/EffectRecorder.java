package dev.lockstep.engine;

import dev.lockstep.refmodel.effect.EffectSink;

/**
 * Collects the model's observable effects of one action (IOMMU memory writes, interrupt wire edges)
 * in reusable arrays, for comparison with what the DUT did.
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

    void clear() {
        writes = 0;
        edges = 0;
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
