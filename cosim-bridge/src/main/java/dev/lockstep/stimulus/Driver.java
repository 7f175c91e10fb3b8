package dev.lockstep.stimulus;

import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.ArrayList;
import java.util.List;

/**
 * What the stimulus generators share: the software's view of memory and its page allocator, the actions
 * queued so far, request tags, and the driver's routines for the queues, the device directory and
 * commands (spec: "Software guidelines"). It draws no random numbers itself, so a generator's stream
 * depends only on its own choices.
 */
final class Driver {

    static final long STRUCTURES_BASE = 0x8000_0000L;
    static final long STRUCTURES_LIMIT = 0x1_0000_0000L;
    static final long DATA_BASE = 0x10_0000_0000L;

    final Capabilities caps;
    final List<Action> pending = new ArrayList<>();
    final SoftwareMemory memory = new SoftwareMemory(pending);
    final PageAllocator allocator = new PageAllocator(STRUCTURES_BASE, STRUCTURES_LIMIT);
    long cqBase;
    int cqEntries;
    int cqTail;
    long fqBase;
    int fqEntries;
    private int tag;

    Driver(Capabilities caps) { this.caps = caps; }

    void emit(Action a) { pending.add(a); }

    void read(int offset, int size) { emit(new Action.RegisterRead(offset, size)); }

    void write(int offset, int size, long value) { emit(new Action.RegisterWrite(offset, size, value)); }

    int nextTag() {
        tag = (tag + 1) & 0xffff;
        return tag;
    }

    /** An untranslated request without process_id, in U mode. */
    void translate(int deviceId, int ttyp, long iova) {
        emit(new Action.Translate(nextTag(), deviceId, false, 0, false, ttyp, iova));
    }

    /** WARL discovery of ddtp.iommu_mode from Off: write each mode, read back what stuck, return to Off. */
    void probeDdtpModes(int[] modes) {
        for (int m : modes) {
            write(RegisterFile.DDTP, 8, m);
            read(RegisterFile.DDTP, 8);
            write(RegisterFile.DDTP, 8, IommuMode.OFF.encoding);
        }
    }

    /** A fault queue of 2^log2 records at a new base: fqb, fqh = 0, fqen (and fie), read back fqcsr. */
    void setupFaultQueue(int log2, boolean fie) {
        fqEntries = 1 << log2;
        fqBase = allocateQueue(32, log2);
        write(RegisterFile.FQB, 8, queueBaseRegister(fqBase, log2));
        write(RegisterFile.FQH, 4, 0);
        fqControl = 1 | (fie ? 2 : 0);
        write(RegisterFile.FQCSR, 4, fqControl);
        read(RegisterFile.FQCSR, 4);
    }

    /**
     * A page-request queue of 2^log2 records at a new base (capabilities.ATS): pqb, pqh = 0, pqen (and
     * pie), read back pqcsr and pqt (spec: pqb, pqcsr; the queue must be off while its base is written).
     */
    void setupPageRequestQueue(int log2, boolean pie) {
        write(RegisterFile.PQB, 8, queueBaseRegister(allocateQueue(16, log2), log2));
        write(RegisterFile.PQH, 4, 0);
        write(RegisterFile.PQCSR, 4, 1 | (pie ? 2 : 0));
        read(RegisterFile.PQCSR, 4);
        read(RegisterFile.PQT, 4);
    }

    /** Memory for a queue of 2^log2 records of {@code recordBytes}, aligned to its size and at least a page (spec: xqb). */
    private long allocateQueue(int recordBytes, int log2) {
        long bytes = (long) recordBytes << log2;
        return allocator.allocate(bytes, Math.max(4096, bytes));
    }

    /** The cqb/fqb/pqb value of a queue of 2^log2 entries at {@code base}: PPN and LOG2SZ-1. */
    private static long queueBaseRegister(long base, int log2) {
        return ((base >>> 12) << 10) | (log2 - 1);
    }

    /** A command queue of 2^log2 commands at a new base: cqb, cqt = 0, cqen (and cie), read back cqcsr. */
    void setupCommandQueue(int log2, boolean cie) {
        cqEntries = 1 << log2;
        cqTail = 0;
        cqBase = allocateQueue(16, log2);
        write(RegisterFile.CQB, 8, queueBaseRegister(cqBase, log2));
        write(RegisterFile.CQT, 4, 0);
        cqControl = 1 | (cie ? 2 : 0);
        write(RegisterFile.CQCSR, 4, cqControl);
        read(RegisterFile.CQCSR, 4);
    }

    /**
     * cqcsr's cqen and cie as software set them. Writes that clear an error bit must keep them: they are
     * known here, whereas the model's register is read when actions are generated, before the queued ones
     * (e.g. the set-up itself) are applied.
     */
    int cqControl() { return cqControl; }

    /** fqcsr's fqen and fie as software set them (see {@link #cqControl()}). */
    int fqControl() { return fqControl; }

    private int cqControl;
    private int fqControl;

    /** Stores a command at cqt and advances cqt; returns the slot's address. */
    long command(long[] cmd, String what) {
        long slot = storeCommand(cmd, what);
        advanceTail();
        return slot;
    }

    /** Stores a command at cqt without making it visible to the IOMMU yet. */
    long storeCommand(long[] cmd, String what) {
        long slot = cqBase + (long) cqTail * 16;
        memory.store(slot, cmd[0], what + " dw0");
        memory.store(slot + 8, cmd[1], what + " dw1");
        return slot;
    }

    /** Stores {@code cmds} from cqt on and makes them visible to the IOMMU together, with one cqt write. */
    void commandsTogether(long[][] cmds, String[] whats) {
        for (int i = 0; i < cmds.length; i++) {
            storeCommand(cmds[i], whats[i]);
            cqTail = (cqTail + 1) % cqEntries;
        }
        write(RegisterFile.CQT, 4, cqTail);
    }

    void advanceTail() {
        cqTail = (cqTail + 1) % cqEntries;
        write(RegisterFile.CQT, 4, cqTail);
    }

    /** IOFENCE.C without AV or WSI (the driver's "sync"), then a read of cqh. */
    void sync() {
        command(Commands.iofenceC(false, 0, 0, false, false, false), "IOFENCE.C");
        read(RegisterFile.CQH, 4);
    }

    /** Device_id bits a directory mode covers (spec: "Device-directory-table"). */
    /** A device id valid in {@code mode} that is not in {@code used}, drawn from {@code random}; added to {@code used}. */
    int newDeviceId(IommuMode mode, java.util.SplittableRandom random, List<Integer> used) {
        int bits = deviceIdBits(mode);
        int id;
        do {
            id = random.nextInt(1 << bits);
        } while (used.contains(id));
        used.add(id);
        return id;
    }

    int deviceIdBits(IommuMode mode) {
        boolean ext = caps.extendedDeviceContext();
        switch (mode) {
            case LVL1: return ext ? 6 : 7;
            case LVL2: return ext ? 15 : 16;
            default: return 24;
        }
    }

    /**
     * Walks (building as needed) the device directory at {@code root} to the DC of {@code id}; each
     * non-leaf entry created is added to {@code created} (when not null).
     */
    long deviceContextAddress(IommuMode mode, long root, int id, List<Long> created) {
        boolean ext = caps.extendedDeviceContext();
        int leafBits = ext ? 6 : 7;
        int dcBytes = ext ? 64 : 32;
        long table = root;
        for (int level = mode.levels() - 1; level > 0; level--) {
            int shift = leafBits + 9 * (level - 1);
            long index = (id >>> shift) & 0x1ff;
            long entry = table + index * 8;
            long ddte = memory.load(entry);
            if ((ddte & 1) == 0) {
                long next = allocator.page();
                ddte = ((next >>> 12) << 10) | 1;
                memory.store(entry, ddte, "DDT non-leaf entry L" + level);
                if (created != null) created.add(entry);
            }
            table = ((ddte >>> 10) & ((1L << 44) - 1)) << 12;
        }
        return table + (long) (id & ((1 << leafBits) - 1)) * dcBytes;
    }

    /** Stores a DC (tc, iohgatp, ta, fsc and, in the extended format, msiptp, mask, pattern), tc last. */
    void storeDeviceContext(long address, long[] dc, int id) {
        int dwords = caps.extendedDeviceContext() ? 8 : 4;
        for (int i = dwords - 1; i >= 0; i--) {
            memory.store(address + 8L * i, i < dc.length ? dc[i] : 0,
                    "DC dw" + i + " of device 0x" + Integer.toHexString(id));
        }
    }
}
