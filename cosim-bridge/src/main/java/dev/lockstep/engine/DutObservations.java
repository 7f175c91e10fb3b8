package dev.lockstep.engine;

import dev.lockstep.dut.Dut;

/** What the DUT did during one action: completions, IOMMU memory writes, interrupt edges and outbound messages, in order. */
final class DutObservations {

    int completions;
    long[] completionWord = new long[8];
    long[] completionPa = new long[8];
    long[] completionCycle = new long[8];
    int writes;
    long[] writeAddr = new long[64];
    long[] writeData = new long[64];
    int[] writeStrobe = new int[64];
    long[] writeCycle = new long[64];
    int edges;
    int[] edgeLine = new int[16];
    boolean[] edgeLevel = new boolean[16];
    long[] edgeCycle = new long[16];
    int messages;
    long[] messageHeader = new long[8];
    long[] messagePayload = new long[8];
    long[] messageCycle = new long[8];
    /** ABI 6: the tags the IOMMU took from its request interface, and when. */
    int accepts;
    int[] acceptTag = new int[8];
    long[] acceptCycle = new long[8];
    /** ABI 6: each change of cqh, and when. */
    int cqHeads;
    long[] cqHeadValue = new long[8];
    long[] cqHeadCycle = new long[8];

    /** ABI 7: each move of a queue's tail (queue, new value), and when software could first read it. */
    int tails;
    int[] tailQueue = new int[8];
    long[] tailValue = new long[8];
    long[] tailCycle = new long[8];
    /** ABI 7: each Invalidation Completion that reached the IOMMU: RID, ITAG vector, and when. */
    int invalCompletions;
    int[] invalRid = new int[8];
    long[] invalItags = new long[8];
    long[] invalCycle = new long[8];

    void clear() {
        tails = 0;
        invalCompletions = 0;
        completions = 0;
        accepts = 0;
        cqHeads = 0;
        writes = 0;
        edges = 0;
        messages = 0;
    }

    boolean isEmpty() { return completions == 0 && writes == 0 && edges == 0 && messages == 0; }

    /** The observations of logged events (words as {@code Dut.run} reports them, one event each). */
    static DutObservations of(java.util.List<long[]> events) {
        DutObservations o = new DutObservations();
        for (long[] ev : events) o.add(ev, 1);
        return o;
    }

    /** Takes the records of one lockstep_run() call; returns true once the DUT reported idle. */
    boolean add(long[] ev, int n) {
        boolean idle = false;
        for (int i = 0; i < n; i++) {
            int b = i * Dut.EVENT_WORDS;
            switch ((int) ev[b]) {
                case Dut.EV_COMPLETION:
                    if (completions == completionWord.length) growCompletions();
                    completionWord[completions] = ev[b + 2];
                    completionPa[completions] = ev[b + 3];
                    completionCycle[completions] = ev[b + 1];
                    completions++;
                    break;
                case Dut.EV_MEM_WRITE:
                    if (writes == writeAddr.length) growWrites();
                    writeAddr[writes] = ev[b + 2];
                    writeData[writes] = ev[b + 3];
                    writeStrobe[writes] = (int) (ev[b + 4] & 0xff);
                    writeCycle[writes] = ev[b + 1];
                    writes++;
                    break;
                case Dut.EV_IRQ:
                    if (edges == edgeLine.length) growEdges();
                    edgeLine[edges] = (int) ev[b + 2];
                    edgeLevel[edges] = ev[b + 3] != 0;
                    edgeCycle[edges] = ev[b + 1];
                    edges++;
                    break;
                case Dut.EV_MESSAGE_OUT:
                    if (messages == messageHeader.length) {
                        messageHeader = java.util.Arrays.copyOf(messageHeader, messages * 2);
                        messagePayload = java.util.Arrays.copyOf(messagePayload, messages * 2);
                        messageCycle = java.util.Arrays.copyOf(messageCycle, messages * 2);
                    }
                    messageHeader[messages] = ev[b + 2];
                    messagePayload[messages] = ev[b + 3];
                    messageCycle[messages] = ev[b + 1];
                    messages++;
                    break;
                case Dut.EV_ACCEPT:
                    if (accepts == acceptTag.length) {
                        acceptTag = java.util.Arrays.copyOf(acceptTag, accepts * 2);
                        acceptCycle = java.util.Arrays.copyOf(acceptCycle, accepts * 2);
                    }
                    acceptTag[accepts] = (int) (ev[b + 2] & 0xffff);
                    acceptCycle[accepts] = ev[b + 1];
                    accepts++;
                    break;
                case Dut.EV_CQ_HEAD:
                    if (cqHeads == cqHeadValue.length) {
                        cqHeadValue = java.util.Arrays.copyOf(cqHeadValue, cqHeads * 2);
                        cqHeadCycle = java.util.Arrays.copyOf(cqHeadCycle, cqHeads * 2);
                    }
                    cqHeadValue[cqHeads] = ev[b + 2] & 0xffffffffL;
                    cqHeadCycle[cqHeads] = ev[b + 1];
                    cqHeads++;
                    break;
                case Dut.EV_QUEUE_TAIL:
                    if (tails == tailQueue.length) {
                        tailQueue = java.util.Arrays.copyOf(tailQueue, tails * 2);
                        tailValue = java.util.Arrays.copyOf(tailValue, tails * 2);
                        tailCycle = java.util.Arrays.copyOf(tailCycle, tails * 2);
                    }
                    tailQueue[tails] = (int) ev[b + 2];
                    tailValue[tails] = ev[b + 3] & 0xffffffffL;
                    tailCycle[tails] = ev[b + 1];
                    tails++;
                    break;
                case Dut.EV_INVAL_COMPLETION:
                    if (invalCompletions == invalRid.length) {
                        invalRid = java.util.Arrays.copyOf(invalRid, invalCompletions * 2);
                        invalItags = java.util.Arrays.copyOf(invalItags, invalCompletions * 2);
                        invalCycle = java.util.Arrays.copyOf(invalCycle, invalCompletions * 2);
                    }
                    invalRid[invalCompletions] = (int) (ev[b + 2] & 0xffff);
                    invalItags[invalCompletions] = ev[b + 3] & 0xffffffffL;
                    invalCycle[invalCompletions] = ev[b + 1];
                    invalCompletions++;
                    break;
                case Dut.EV_IDLE:
                    idle = true;
                    break;
                default:
                    break;
            }
        }
        return idle;
    }

    /** The cycle the IOMMU accepted request {@code tag}, or -1 when it reported none. */
    long acceptCycle(int tag) {
        for (int i = 0; i < accepts; i++) if (acceptTag[i] == tag) return acceptCycle[i];
        return -1;
    }

    /** The first cycle at or after {@code from} at which cqh became {@code value}, or -1. */
    long cqHeadReached(long value, long from) {
        for (int i = 0; i < cqHeads; i++) if (cqHeadValue[i] == value && cqHeadCycle[i] >= from) return cqHeadCycle[i];
        return -1;
    }

    /** Removes the IOMMU writes {@code drop} selects (by index), keeping the others in order. */
    void removeWrites(java.util.function.IntPredicate drop) {
        int kept = 0;
        for (int i = 0; i < writes; i++) {
            if (drop.test(i)) continue;
            writeAddr[kept] = writeAddr[i];
            writeData[kept] = writeData[i];
            writeStrobe[kept] = writeStrobe[i];
            writeCycle[kept] = writeCycle[i];
            kept++;
        }
        writes = kept;
    }

    static int tag(long w) { return (int) (w & 0xffff); }
    static int status(long w) { return (int) ((w >>> 16) & 3); }
    static int cause(long w) { return (int) ((w >>> 32) & 0xfff); }
    static int pbmt(long w) { return (int) ((w >>> 25) & 3); }
    static boolean priv(long w) { return ((w >>> 28) & 1) != 0; }
    /** The ATS completion's CXL.io bit (ABI 4). */
    static boolean cxlIo(long w) { return ((w >>> 29) & 1) != 0; }

    private void growCompletions() {
        int n = completions * 2;
        completionWord = java.util.Arrays.copyOf(completionWord, n);
        completionPa = java.util.Arrays.copyOf(completionPa, n);
        completionCycle = java.util.Arrays.copyOf(completionCycle, n);
    }

    private void growWrites() {
        int n = writes * 2;
        writeAddr = java.util.Arrays.copyOf(writeAddr, n);
        writeData = java.util.Arrays.copyOf(writeData, n);
        writeStrobe = java.util.Arrays.copyOf(writeStrobe, n);
        writeCycle = java.util.Arrays.copyOf(writeCycle, n);
    }

    private void growEdges() {
        int n = edges * 2;
        edgeLine = java.util.Arrays.copyOf(edgeLine, n);
        edgeLevel = java.util.Arrays.copyOf(edgeLevel, n);
        edgeCycle = java.util.Arrays.copyOf(edgeCycle, n);
    }
}
