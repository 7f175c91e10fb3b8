package dev.lockstep.refmodel.msi;

import dev.lockstep.refmodel.effect.EffectSink;
import dev.lockstep.refmodel.effect.ImplicitMemory;
import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.mem.PhysicalMemory;

/**
 * Recording an incoming MSI in a memory-resident interrupt file (MRIF), when the IOMMU does it itself
 * (IOMMU "Process to translate addresses of MSIs", note: "In MRIF mode, the Advanced Interrupt
 * Architecture Specification defines the operation to store the incoming MSIs into the destination MRIF
 * and to generate the notice MSI. These operations may be performed by the IOMMU itself or the IOMMU may
 * provide the destination MRIF address, the notice MSI address, and the notice MSI data value to the
 * I/O bridge"; "a MSI write with data value D requires the IOMMU to set the interrupt-pending bit for
 * interrupt identity D in the MRIF").
 *
 * <p>MRIF layout (RISC-V AIA, memory-resident interrupt files): 512 bytes; for identities 64k..64k+63
 * the interrupt-pending bits are the doubleword at offset 16k and the interrupt-enable bits the
 * doubleword at offset 16k+8 (bit i of each for identity 64k+i). An MSI with data D:
 * <ol>
 * <li>D not a valid identity (0, or 2048 and above): nothing is stored and no notice is sent. Model
 *     choice from the AIA as understood here: an MRIF mirrors an IMSIC interrupt file, where identity 0
 *     is never a valid interrupt and a write of an identity the file does not implement is ignored;
 *     the 512 bytes hold identities 1..2047 only.</li>
 * <li>Sets pending bit D: with capabilities.AMO_MRIF=1 ("Atomic updates to MRIF is supported") as an
 *     atomic OR; with AMO_MRIF=0 as a read-modify-write of the doubleword. The IOMMU spec defines no
 *     other meaning for AMO_MRIF=0, so the model's read-modify-write is a choice: it is not atomic with
 *     respect to harts updating the same MRIF.</li>
 * <li>Reads the enable doubleword; if enable bit D is 1, sends the notice MSI: a 32-bit write of NID to
 *     the notice address.</li>
 * </ol>
 * An access fault (PMA/PMP, or an address beyond capabilities.PAS) on any of these accesses, the
 * notice MSI included, is cause 264 "MRIF access fault"; corrupted (poisoned) data read is cause 271
 * "MSI MRIF data corruption". The notice MSI is part of the AIA MRIF operation named above; cause 273
 * "IOMMU MSI write access fault" is only for the IOMMU's own interrupts ("If an access fault is detected
 * on a MSI write using msi_addr_x, then the IOMMU reports a IOMMU MSI write access fault (cause 273)",
 * registers, msi_cfg_tbl). A pending bit already set stays set when a later step faults.
 *
 * <p>Accesses use fctl.BE byte order like the IOMMU's other accesses for MSI generation (model choice:
 * the IOMMU's endianness table does not list the MRIF). Every store is reported to the EffectSink
 * ({@link EffectSink#WRITE_MRIF_AMO_OR}, {@link EffectSink#WRITE_MRIF}, {@link EffectSink#WRITE_MRIF_NOTICE}).
 */
public final class MrifDelivery {

    /** Size of an MRIF in bytes (AIA). */
    public static final int MRIF_BYTES = 512;
    /** The largest interrupt identity an MRIF holds. */
    public static final int MAX_IDENTITY = 2047;

    /** What became of one MSI. */
    public enum Result {
        /** The data is not a valid interrupt identity: nothing stored, no notice. */
        DISCARDED_INVALID_IDENTITY(0),
        /** Pending bit set; enable bit 0, no notice. */
        PENDING_SET(0),
        /** Pending bit set; enable bit 1, notice MSI sent. */
        NOTICE_SENT(0),
        /** Cause 264. */
        ACCESS_FAULT(Cause.MRIF_ACCESS_FAULT),
        /** Cause 271. */
        DATA_CORRUPTION(Cause.MRIF_DATA_CORRUPTION);

        private final int cause;

        Result(int cause) { this.cause = cause; }

        /** The fault cause, 0 when none. */
        public int cause() { return cause; }
    }

    private final ImplicitMemory memory;
    private final boolean atomic;

    /** @param atomic capabilities.AMO_MRIF: set the pending bit with an atomic OR */
    public MrifDelivery(ImplicitMemory memory, boolean atomic) {
        this.memory = memory;
        this.atomic = atomic;
    }

    /** Whether {@code data} is an interrupt identity an MRIF holds (1..2047). */
    public static boolean isValidIdentity(long data) { return data >= 1 && data <= MAX_IDENTITY; }

    /** Offset in the MRIF of the interrupt-pending doubleword of {@code identity}. */
    public static int pendingOffset(int identity) { return (identity / 64) * 16; }

    /** Offset in the MRIF of the interrupt-enable doubleword of {@code identity}. */
    public static int enableOffset(int identity) { return pendingOffset(identity) + 8; }

    /**
     * Records the MSI with data {@code data} (32 bits, zero-extended) in the MRIF at {@code mrifAddress}
     * and sends the notice MSI {@code noticeData} to {@code noticeAddress} if the interrupt is enabled.
     */
    public Result deliver(long mrifAddress, long noticeAddress, int noticeData, long data) {
        if (!isValidIdentity(data)) return Result.DISCARDED_INVALID_IDENTITY;
        int identity = (int) data;
        long bit = 1L << (identity % 64);
        long pending = mrifAddress + pendingOffset(identity);
        long enable = mrifAddress + enableOffset(identity);

        Result r = check(pending);
        if (r != null) return r;
        if (atomic) {
            memory.amoOr64(EffectSink.WRITE_MRIF_AMO_OR, pending, bit);
        } else {
            memory.store64(EffectSink.WRITE_MRIF, pending, memory.load64(pending) | bit);
        }

        r = check(enable);
        if (r != null) return r;
        if ((memory.load64(enable) & bit) == 0) return Result.PENDING_SET;
        if (!memory.store32(EffectSink.WRITE_MRIF_NOTICE, noticeAddress, noticeData)) return Result.ACCESS_FAULT;
        return Result.NOTICE_SENT;
    }

    /** The fault an access to the doubleword at {@code pa} meets, or null when it completes normally. */
    private Result check(long pa) {
        switch (memory.status(pa)) {
            case PhysicalMemory.OK: return null;
            case PhysicalMemory.DATA_CORRUPTION: return Result.DATA_CORRUPTION;
            default: return Result.ACCESS_FAULT;
        }
    }
}
