package dev.lockstep.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.dut.Dut;
import dev.lockstep.log.LogFormat.FieldException;

/**
 * A DUT event record ({@link Dut#run}: 8 words, layout in lockstep_dut.h) as a log record with named
 * fields, and back. Only the events the checker uses are logged: completions, IOMMU memory writes,
 * interrupt edges, outbound PCIe messages, the acceptance of a request and the changes of cqh (ABI 6, schema
 * version 2: they place each request's window, docs/concurrency.md), the moves of the fault and page-request
 * queues' tails and the Invalidation Completions reaching the IOMMU (ABI 7, optional records of schema version 2:
 * "data before tail", and fences after the completions of the ATS.INVALs before them), and the idle marker that
 * ends a run.
 */
final class EventJson {
    private EventJson() {}

    /** Whether event kind {@code kind} is part of the log. */
    static boolean logged(long kind) {
        return kind == Dut.EV_COMPLETION || kind == Dut.EV_MEM_WRITE || kind == Dut.EV_IRQ
                || kind == Dut.EV_MESSAGE_OUT || kind == Dut.EV_ACCEPT || kind == Dut.EV_CQ_HEAD
                || kind == Dut.EV_QUEUE_TAIL || kind == Dut.EV_INVAL_COMPLETION || kind == Dut.EV_IDLE;
    }

    /** The record for the event at {@code ev[base..]}, with {@code cycle} (relative to the seed's reset). */
    static ObjectNode write(long[] ev, int base, long cycle) {
        int kind = (int) ev[base];
        long w2 = ev[base + 2];
        ObjectNode n;
        switch (kind) {
            case Dut.EV_COMPLETION:
                n = LogFormat.record(LogFormat.COMPLETION);
                n.put("cycle", cycle);
                n.put("tag", w2 & 0xffff);
                n.put("status", (w2 >>> 16) & 3);
                n.put("cause", (w2 >>> 32) & 0xfff);
                n.put("pa", LogFormat.hex(ev[base + 3]));
                n.put("r", bit(w2, 20));
                n.put("w", bit(w2, 21));
                n.put("x", bit(w2, 22));
                n.put("u", bit(w2, 23));
                n.put("g", bit(w2, 24));
                n.put("pbmt", (w2 >>> 25) & 3);
                n.put("s", bit(w2, 27));
                n.put("priv", bit(w2, 28));
                if (bit(w2, 29)) n.put("cxl_io", true);
                return n;
            case Dut.EV_MEM_WRITE:
                n = LogFormat.record(LogFormat.MEM_WRITE);
                n.put("cycle", cycle);
                n.put("addr", LogFormat.hex(w2));
                n.put("data", LogFormat.hex(ev[base + 3]));
                n.put("strobe", LogFormat.hex(ev[base + 4] & 0xff));
                n.put("op", ((ev[base + 4] >>> 8) & 0xff) == 2 ? "amo_or" : "write");
                return n;
            case Dut.EV_IRQ:
                n = LogFormat.record(LogFormat.IRQ);
                n.put("cycle", cycle);
                n.put("line", w2);
                n.put("level", ev[base + 3] != 0 ? 1 : 0);
                return n;
            case Dut.EV_MESSAGE_OUT:
                n = LogFormat.record(LogFormat.MESSAGE);
                n.put("cycle", cycle);
                n.put("message", (w2 & 3) == Dut.MSG_INVALIDATION_REQUEST ? "invalidation_request"
                        : "page_request_group_response");
                n.put("rid", (w2 >>> 16) & 0xffff);
                n.put("dsv", bit(w2, 3));
                n.put("dseg", (w2 >>> 32) & 0xff);
                n.put("pv", bit(w2, 2));
                n.put("pid", (w2 >>> 40) & 0xfffff);
                n.put("payload", LogFormat.hex(ev[base + 3]));
                return n;
            case Dut.EV_ACCEPT:
                n = LogFormat.record(LogFormat.ACCEPT);
                n.put("cycle", cycle);
                n.put("tag", w2 & 0xffff);
                return n;
            case Dut.EV_CQ_HEAD:
                n = LogFormat.record(LogFormat.CQ_HEAD);
                n.put("cycle", cycle);
                n.put("value", LogFormat.hex(w2 & 0xffff_ffffL));
                return n;
            case Dut.EV_QUEUE_TAIL:
                n = LogFormat.record(LogFormat.QUEUE_TAIL);
                n.put("cycle", cycle);
                n.put("queue", w2 == Dut.QUEUE_FAULT ? LogFormat.QUEUE_FAULT : LogFormat.QUEUE_PAGE_REQUEST);
                n.put("value", LogFormat.hex(ev[base + 3] & 0xffff_ffffL));
                return n;
            case Dut.EV_INVAL_COMPLETION:
                n = LogFormat.record(LogFormat.INVAL_COMPLETION);
                n.put("cycle", cycle);
                n.put("rid", w2 & 0xffff);
                n.put("itag", LogFormat.hex(ev[base + 3] & 0xffff_ffffL));
                n.put("count", ev[base + 4] & 7);
                return n;
            case Dut.EV_IDLE:
                n = LogFormat.record(LogFormat.IDLE);
                n.put("cycle", cycle);
                return n;
            default:
                throw new IllegalArgumentException("event kind " + kind + " is not logged");
        }
    }

    /**
     * The 8-word event record of a log record of type {@code type}; word 1 (the cycle) is {@code lastCycle}
     * when the record has no cycle.
     */
    static long[] read(String type, JsonNode n, long lastCycle) throws FieldException {
        long[] ev = new long[Dut.EVENT_WORDS];
        ev[1] = cycle(n, lastCycle);
        switch (type) {
            case LogFormat.COMPLETION:
                ev[0] = Dut.EV_COMPLETION;
                long status = LogFormat.range(n, "status", 0, 2);
                ev[2] = LogFormat.unsigned(n, "tag", ActionJson.TAG_BITS) | status << 16
                        | flag(n, "r", 20) | flag(n, "w", 21) | flag(n, "x", 22) | flag(n, "u", 23) | flag(n, "g", 24)
                        | LogFormat.unsigned(n, "pbmt", 2, 0) << 25 | flag(n, "s", 27) | flag(n, "priv", 28)
                        | flag(n, "cxl_io", 29)
                        | LogFormat.unsigned(n, "cause", 12, 0) << 32;
                ev[3] = LogFormat.integer(n, "pa", 0);
                return ev;
            case LogFormat.MEM_WRITE:
                ev[0] = Dut.EV_MEM_WRITE;
                ev[2] = ActionJson.word(n, "addr");
                ev[3] = LogFormat.integer(n, "data");
                String op = LogFormat.choice(n, "op", "write", "write", "amo_or");
                ev[4] = LogFormat.unsigned(n, "strobe", 8, 0xff) | (op.equals("amo_or") ? 2L : 1L) << 8;
                return ev;
            case LogFormat.IRQ:
                ev[0] = Dut.EV_IRQ;
                // the interrupt vectors (icvec civ/fiv/pmiv/piv) are 4 bits: 16 wires at most
                ev[2] = LogFormat.unsigned(n, "line", 4);
                ev[3] = LogFormat.unsigned(n, "level", 1);
                return ev;
            case LogFormat.MESSAGE:
                ev[0] = Dut.EV_MESSAGE_OUT;
                String m = LogFormat.choice(n, "message", null, "invalidation_request", "page_request_group_response");
                long kind = m.equals("invalidation_request") ? Dut.MSG_INVALIDATION_REQUEST
                        : Dut.MSG_PAGE_REQUEST_GROUP_RESPONSE;
                ev[2] = kind | flag(n, "pv", 2) | flag(n, "dsv", 3) | LogFormat.unsigned(n, "rid", 16) << 16
                        | LogFormat.unsigned(n, "dseg", 8, 0) << 32
                        | LogFormat.unsigned(n, "pid", ActionJson.PROCESS_ID_BITS, 0) << 40;
                ev[3] = LogFormat.integer(n, "payload", 0);
                return ev;
            case LogFormat.ACCEPT:
                ev[0] = Dut.EV_ACCEPT;
                ev[2] = LogFormat.unsigned(n, "tag", ActionJson.TAG_BITS);
                return ev;
            case LogFormat.CQ_HEAD:
                ev[0] = Dut.EV_CQ_HEAD;
                ev[2] = LogFormat.unsigned(n, "value", 32); // cqh is a 32-bit register
                return ev;
            case LogFormat.QUEUE_TAIL:
                ev[0] = Dut.EV_QUEUE_TAIL;
                String queue = LogFormat.choice(n, "queue", null, LogFormat.QUEUE_FAULT, LogFormat.QUEUE_PAGE_REQUEST);
                ev[2] = queue.equals(LogFormat.QUEUE_FAULT) ? Dut.QUEUE_FAULT : Dut.QUEUE_PAGE_REQUEST;
                ev[3] = LogFormat.unsigned(n, "value", 32); // fqt and pqt are 32-bit registers
                return ev;
            case LogFormat.INVAL_COMPLETION:
                ev[0] = Dut.EV_INVAL_COMPLETION;
                ev[2] = LogFormat.unsigned(n, "rid", 16);
                ev[3] = LogFormat.unsigned(n, "itag", 32);  // the ITAG vector: bit i, ITAG i completed
                ev[4] = LogFormat.unsigned(n, "count", 3);  // the Completion Count: 0 encodes 8
                return ev;
            case LogFormat.IDLE:
                ev[0] = Dut.EV_IDLE;
                return ev;
            default:
                throw new IllegalArgumentException("not an event record: " + type);
        }
    }

    /** A record's cycle (0..2^63-1), or the previous record's when it has none. */
    static long cycle(JsonNode n, long lastCycle) throws FieldException {
        return LogFormat.range(n, "cycle", 0, Long.MAX_VALUE, lastCycle);
    }

    private static boolean bit(long w, int b) { return ((w >>> b) & 1) != 0; }

    private static long flag(JsonNode n, String field, int b) throws FieldException {
        return LogFormat.bool(n, field, false) ? 1L << b : 0;
    }
}
