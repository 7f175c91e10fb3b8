package dev.lockstep.refmodel.fault;

/**
 * One fault-queue record (spec: "Fault/Event-Queue", 32 bytes): CAUSE[11:0], PID[31:12], PV[32],
 * PRIV[33], TTYP[39:34], DID[63:40], custom[95:64], reserved[127:96], iotval[191:128],
 * iotval2[255:192].
 */
public record FaultRecord(int cause, int ttyp, int deviceId, boolean pv, int processId, boolean priv,
                          long iotval, long iotval2) {

    /** iotval2 bit 0: the guest-page fault came from an implicit access of the first stage. */
    public static final long IOTVAL2_IMPLICIT = 1;
    /** iotval2 bit 1: that implicit access was a write (an A/D update). */
    public static final long IOTVAL2_IMPLICIT_WRITE = 2;

    /** The record's first doubleword. */
    public long dword0() {
        return (cause & 0xfffL)
                | ((processId & 0xfffffL) << 12)
                | ((pv ? 1L : 0L) << 32)
                | ((priv ? 1L : 0L) << 33)
                | ((ttyp & 0x3fL) << 34)
                | ((deviceId & 0xffffffL) << 40);
    }

    /** The four doublewords of the record as the IOMMU writes them (before byte-order swapping). */
    public long[] dwords() {
        return new long[] {dword0(), 0, iotval, iotval2};
    }

    /** Decodes a record from its four doublewords. */
    public static FaultRecord decode(long dw0, long dw2, long dw3) {
        return new FaultRecord((int) (dw0 & 0xfff), (int) ((dw0 >>> 34) & 0x3f), (int) (dw0 >>> 40),
                ((dw0 >>> 32) & 1) != 0, (int) ((dw0 >>> 12) & 0xfffff), ((dw0 >>> 33) & 1) != 0, dw2, dw3);
    }
}
