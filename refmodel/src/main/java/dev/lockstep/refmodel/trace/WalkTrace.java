package dev.lockstep.refmodel.trace;

import dev.lockstep.refmodel.fault.Cause;
import dev.lockstep.refmodel.mem.PhysicalMemory;

/**
 * The explanation of one translation: every memory word read, in order, with its physical address,
 * the value read (after byte-order conversion), its {@link Role}, its level in the structure and the
 * memory status; every memory write the translation made (A/D updates); and the {@link Rule} that
 * ended the walk.
 *
 * <p>The trace is machine-readable through the indexed getters (a model of permitted outcomes under
 * caching re-runs a translation over an overlay memory that replaces some of these words) and
 * printable with {@link #toString()}. It is reused: {@link #clear()} resets it without allocating,
 * and the human-readable text is built only when asked for.
 *
 * <p>Levels: the page-table level {@code i} of the privileged spec's algorithm for PTEs, the
 * directory level {@code i} for DDT/PDT non-leaf entries, 0 for DC/PC/MSI PTE words (the address
 * tells which doubleword).
 */
public final class WalkTrace {

    /** Enough for the worst walk (3-level DDT, PD20 and Sv57 each over Sv57x4, MSI, A/D re-walks). */
    public static final int MAX_READS = 256;
    public static final int MAX_WRITES = 16;

    private final long[] readAddress = new long[MAX_READS];
    private final long[] readValue = new long[MAX_READS];
    /**
     * Role, level, status and size of each read, one byte each (see {@link #meta}): a read is recorded
     * with three array stores instead of six, which matters on the walk's hot path (about 60 reads
     * per worst-case translation).
     */
    private final int[] readMeta = new int[MAX_READS];
    private int reads;

    private final long[] writeAddress = new long[MAX_WRITES];
    private final long[] writeValue = new long[MAX_WRITES];
    private final byte[] writeSize = new byte[MAX_WRITES];
    private final byte[] writeRole = new byte[MAX_WRITES];
    private int writes;

    private Rule rule = Rule.NONE;
    private int ruleLevel = -1;
    private int ruleCause;

    /** Forgets everything recorded. */
    public void clear() {
        reads = 0;
        writes = 0;
        rule = Rule.NONE;
        ruleLevel = -1;
        ruleCause = 0;
    }

    void recordRead(long pa, long value, int role, int level, int status, int size) {
        if (reads == MAX_READS) throw new IllegalStateException("walk trace overflow: more than " + MAX_READS + " reads");
        readAddress[reads] = pa;
        readValue[reads] = value;
        readMeta[reads] = meta(role, level, status, size);
        reads++;
    }

    /** Forgets the reads recorded after the first {@code count}: a walk that starts over. */
    public void truncateReads(int count) {
        if (count < 0 || count > reads) throw new IndexOutOfBoundsException(count + " of " + reads);
        reads = count;
    }

    /** Packs the four small fields of a read into one int, a byte each (read back sign-extended, as bytes). */
    private static int meta(int role, int level, int status, int size) {
        return (role & 0xff) | (level & 0xff) << 8 | (status & 0xff) << 16 | size << 24;
    }

    private static int metaByte(int meta, int index) { return (byte) (meta >>> (index * 8)); }

    void recordWrite(long pa, long value, int role, int size) {
        if (writes == MAX_WRITES) throw new IllegalStateException("walk trace overflow: more than " + MAX_WRITES + " writes");
        writeAddress[writes] = pa;
        writeValue[writes] = value;
        writeRole[writes] = (byte) role;
        writeSize[writes] = (byte) size;
        writes++;
    }

    /** Records the rule that ended (or completed) the walk, the level it fired at (-1: none) and the cause (0: success). */
    public void decide(Rule rule, int level, int cause) {
        this.rule = rule;
        this.ruleLevel = level;
        this.ruleCause = cause;
    }

    public int readCount() { return reads; }
    public long readAddress(int i) { check(i, reads); return readAddress[i]; }
    /** The value read, as interpreted (byte order already applied); 0 when the read faulted. */
    public long readValue(int i) { check(i, reads); return readValue[i]; }
    public int readRole(int i) { check(i, reads); return metaByte(readMeta[i], 0); }
    public int readLevel(int i) { check(i, reads); return metaByte(readMeta[i], 1); }
    /** {@link PhysicalMemory#OK}, {@link PhysicalMemory#ACCESS_FAULT} or {@link PhysicalMemory#DATA_CORRUPTION}. */
    public int readStatus(int i) { check(i, reads); return metaByte(readMeta[i], 2); }
    /** Access width in bytes: 8, or 4 for Sv32/Sv32x4 PTEs. */
    public int readSize(int i) { check(i, reads); return metaByte(readMeta[i], 3); }

    public int writeCount() { return writes; }
    public long writeAddress(int i) { check(i, writes); return writeAddress[i]; }
    /** The value written as interpreted (before byte-order conversion to memory). */
    public long writeValue(int i) { check(i, writes); return writeValue[i]; }
    public int writeRole(int i) { check(i, writes); return writeRole[i]; }
    public int writeSize(int i) { check(i, writes); return writeSize[i]; }

    public Rule rule() { return rule; }
    public int ruleLevel() { return ruleLevel; }
    public int ruleCause() { return ruleCause; }

    /** Copies another trace into this one (for keeping an outcome past the translator's next call). */
    public void copyFrom(WalkTrace o) {
        System.arraycopy(o.readAddress, 0, readAddress, 0, o.reads);
        System.arraycopy(o.readValue, 0, readValue, 0, o.reads);
        System.arraycopy(o.readMeta, 0, readMeta, 0, o.reads);
        System.arraycopy(o.writeAddress, 0, writeAddress, 0, o.writes);
        System.arraycopy(o.writeValue, 0, writeValue, 0, o.writes);
        System.arraycopy(o.writeRole, 0, writeRole, 0, o.writes);
        System.arraycopy(o.writeSize, 0, writeSize, 0, o.writes);
        reads = o.reads;
        writes = o.writes;
        rule = o.rule;
        ruleLevel = o.ruleLevel;
        ruleCause = o.ruleCause;
    }

    /** The one-line description of the deciding rule, e.g. "PTE.V=0 at level 2 -> cause 13 (Read page fault) [Priv ...]". */
    public String decision() {
        StringBuilder sb = new StringBuilder(rule.text());
        if (ruleLevel >= 0) sb.append(" at level ").append(ruleLevel);
        sb.append(" -> ");
        if (ruleCause == 0) sb.append("no fault"); else sb.append("cause ").append(ruleCause).append(" (").append(Cause.name(ruleCause)).append(')');
        sb.append(" [").append(rule.specReference()).append(']');
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < reads; i++) {
            sb.append(String.format("read  %-18s level %d  pa=0x%016x  value=0x%016x  %s%n", Role.name(readRole(i)),
                    readLevel(i), readAddress[i], readValue[i], statusName(readStatus(i))));
        }
        for (int i = 0; i < writes; i++) {
            sb.append(String.format("write %-18s          pa=0x%016x  value=0x%016x  (%d bytes)%n", Role.name(writeRole[i]),
                    writeAddress[i], writeValue[i], writeSize[i]));
        }
        sb.append(decision());
        return sb.toString();
    }

    private static String statusName(int s) {
        return s == PhysicalMemory.OK ? "ok" : s == PhysicalMemory.ACCESS_FAULT ? "ACCESS FAULT" : "DATA CORRUPTION";
    }

    private static void check(int i, int n) {
        if (i < 0 || i >= n) throw new IndexOutOfBoundsException(i + " of " + n);
    }
}
