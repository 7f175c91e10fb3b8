package dev.lockstep.refmodel;

/**
 * The structure entries one translation read, in order, with the role each played and the tag it
 * would be cached under (spec: "Caching": DDT by device_id, PDT by device_id and process_id, first
 * stage by GSCID, PSCID and IOVA, second stage and MSI PT by GSCID and GPA). Reused across
 * translations: {@link #clear()} then record; no allocation once grown.
 *
 * <p>Built from the translation process's explanation ({@link dev.lockstep.refmodel.trace.WalkTrace}:
 * every word read, with its value and the rule that decided), one entry per structure entry rather
 * than per word, for the caching model and the performance counters.
 */
public final class TaggedEntries {

    /** Non-leaf DDT entry (8 bytes), tag: device_id. */
    public static final int DDTE = 1;
    /** Device context (32 or 64 bytes), tag: device_id. */
    public static final int DC = 2;
    /** Non-leaf PDT entry (8 bytes), tag: device_id, process_id. */
    public static final int PDTE = 3;
    /** Process context (16 bytes), tag: device_id, process_id. */
    public static final int PC = 4;
    /** First-stage PTE, tag: GSCID (if the second stage is not Bare), PSCID, IOVA. */
    public static final int S1_PTE = 5;
    /** Second-stage PTE, tag: GSCID, GPA. */
    public static final int G_PTE = 6;
    /** MSI page-table entry (16 bytes), tag: GSCID, GPA. */
    public static final int MSI_PTE = 7;

    /** Flag: the PTE is a leaf. */
    public static final int LEAF = 1;
    /** Flag: the first-stage mapping is global (G=1 on the path). */
    public static final int GLOBAL = 2;
    /** Flag: the first-stage entry belongs to a VM address space (second stage not Bare: GSCID valid). */
    public static final int GV = 4;
    /** Flags bits 15:8: log2 of the address region the entry maps (12 for a 4 KiB leaf, 21 for a 2 MiB one). */
    public static final int REGION_SHIFT = 8;

    /** Flags for a PTE that maps a region of 2^{@code log2} bytes. */
    public static int region(int log2) { return (log2 & 0xff) << REGION_SHIFT; }

    /** log2 of the region entry {@code i} maps (12 if the translator did not say). */
    public int regionLog2(int i) {
        int r = (flags[i] >>> REGION_SHIFT) & 0xff;
        return r == 0 ? 12 : r;
    }

    private int n;
    private long[] pa = new long[16];
    private int[] bytes = new int[16];
    private int[] role = new int[16];
    private int[] deviceId = new int[16];
    private int[] processId = new int[16];
    private int[] gscid = new int[16];
    private int[] pscid = new int[16];
    private long[] address = new long[16];
    private int[] flags = new int[16];

    private boolean gscidValid, pscidValid;
    private int gscidValue, pscidValue;

    public void clear() {
        n = 0;
        gscidValid = pscidValid = false;
    }

    /**
     * Records one entry read: {@code address} is the IOVA (S1_PTE) or the GPA (G_PTE, MSI_PTE) it was
     * read for, else 0.
     */
    public void read(long entryPa, int entryBytes, int entryRole, int did, int pid, int gscidTag, int pscidTag,
                     long addr, int entryFlags) {
        if (n == pa.length) grow();
        pa[n] = entryPa;
        bytes[n] = entryBytes;
        role[n] = entryRole;
        deviceId[n] = did;
        processId[n] = pid;
        gscid[n] = gscidTag;
        pscid[n] = pscidTag;
        address[n] = addr;
        flags[n] = entryFlags;
        n++;
    }

    /** The soft-context IDs of the translation (for HPM filtering by GSCID/PSCID). */
    public void contextIds(boolean gscidValid, int gscid, boolean pscidValid, int pscid) {
        this.gscidValid = gscidValid;
        this.gscidValue = gscid;
        this.pscidValid = pscidValid;
        this.pscidValue = pscid;
    }

    public int size() { return n; }
    public long pa(int i) { return pa[i]; }
    public int bytes(int i) { return bytes[i]; }
    public int role(int i) { return role[i]; }
    public int deviceId(int i) { return deviceId[i]; }
    public int processId(int i) { return processId[i]; }
    public int gscid(int i) { return gscid[i]; }
    public int pscid(int i) { return pscid[i]; }
    public long address(int i) { return address[i]; }
    public int flags(int i) { return flags[i]; }
    public boolean gscidValid() { return gscidValid; }
    public int gscid() { return gscidValue; }
    public boolean pscidValid() { return pscidValid; }
    public int pscid() { return pscidValue; }

    /** Whether any entry of {@code entryRole} was read. */
    public boolean hasRole(int entryRole) {
        for (int i = 0; i < n; i++) if (role[i] == entryRole) return true;
        return false;
    }

    /** Makes this trace a copy of {@code o}. */
    public void copyFrom(TaggedEntries o) {
        while (pa.length < o.n) grow();
        System.arraycopy(o.pa, 0, pa, 0, o.n);
        System.arraycopy(o.bytes, 0, bytes, 0, o.n);
        System.arraycopy(o.role, 0, role, 0, o.n);
        System.arraycopy(o.deviceId, 0, deviceId, 0, o.n);
        System.arraycopy(o.processId, 0, processId, 0, o.n);
        System.arraycopy(o.gscid, 0, gscid, 0, o.n);
        System.arraycopy(o.pscid, 0, pscid, 0, o.n);
        System.arraycopy(o.address, 0, address, 0, o.n);
        System.arraycopy(o.flags, 0, flags, 0, o.n);
        n = o.n;
        gscidValid = o.gscidValid;
        pscidValid = o.pscidValid;
        gscidValue = o.gscidValue;
        pscidValue = o.pscidValue;
    }

    private void grow() {
        int c = pa.length * 2;
        pa = java.util.Arrays.copyOf(pa, c);
        bytes = java.util.Arrays.copyOf(bytes, c);
        role = java.util.Arrays.copyOf(role, c);
        deviceId = java.util.Arrays.copyOf(deviceId, c);
        processId = java.util.Arrays.copyOf(processId, c);
        gscid = java.util.Arrays.copyOf(gscid, c);
        pscid = java.util.Arrays.copyOf(pscid, c);
        address = java.util.Arrays.copyOf(address, c);
        flags = java.util.Arrays.copyOf(flags, c);
    }
}
