package dev.lockstep.dut;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.List;

/**
 * What a DUT's interface can carry: the request kinds it can be sent, the completion fields it can
 * report, and the registers whose moves it reports as events ({@code cqHead}: LOCKSTEP_EV_CQ_HEAD;
 * {@code fqTail}, {@code pqTail}: LOCKSTEP_EV_QUEUE_TAIL). A library built by {@code lockstep build} says so
 * in its build id ({@code axi:translated=0,ats=1,...}, from the wrapper's declaration file,
 * docs/axi-wrapper.md; a key it lacks is a signal it lacks); any other library carries everything (the
 * native ports of {@code lockstep_dut.h}).
 */
public record DutInterface(boolean translated, boolean ats, boolean cxl, boolean pageRequests, boolean dsv,
                           boolean messages, boolean cause, boolean pbmt, boolean poison,
                           boolean cqHead, boolean fqTail, boolean pqTail, boolean busRegisters) {

    public static final DutInterface FULL = new DutInterface(true, true, true, true, true, true, true, true, true,
            true, true, true, false);

    /**
     * An interface that reports every register move (the events are the C ABI's, not the bus's) and whose register
     * writes take effect at the cycle of the call.
     */
    public DutInterface(boolean translated, boolean ats, boolean cxl, boolean pageRequests, boolean dsv,
                        boolean messages, boolean cause, boolean pbmt, boolean poison) {
        this(translated, ats, cxl, pageRequests, dsv, messages, cause, pbmt, poison, true, true, true, false);
    }

    /**
     * Why a window may not race register writes other than the cqt doorbell against requests on this DUT, or null
     * when it may. Behind the AXI harness ({@code busRegisters}) a register write is a transaction on the
     * programming port that takes cycles while the requests in flight go on, so it takes effect some cycles after
     * the call; a window's points place each software group's stores and register writes at one cycle
     * (docs/concurrency.md, section 15). A cqt write may land late (the commands it makes available are fetched
     * after it, and fences are followed by cqh); an fqh, fqcsr or pqcsr write may not.
     */
    public String registerRaceRefusal() {
        return busRegisters ? "on this DUT a register write is a programming-port transaction that takes cycles while "
                + "requests are in flight, and a window's software group takes effect at one cycle: only memory "
                + "stores and the cqt doorbell race requests here" : null;
    }

    private static final String MARK = " axi:";

    /** The interface a build id announces; {@link #FULL} when it announces none. */
    public static DutInterface of(String buildId) {
        int at = buildId == null ? -1 : buildId.indexOf(MARK);
        if (at < 0) return FULL;
        String[] kv = buildId.substring(at + MARK.length()).split("[\\s]")[0].split(",");
        java.util.Map<String, Boolean> m = new java.util.HashMap<>();
        for (String s : kv) {
            int eq = s.indexOf('=');
            if (eq > 0) m.put(s.substring(0, eq), s.substring(eq + 1).equals("1"));
        }
        return new DutInterface(m.getOrDefault("translated", false), m.getOrDefault("ats", false),
                m.getOrDefault("ats_cxl", false), m.getOrDefault("page_requests", false),
                m.getOrDefault("page_request_dsv", false), m.getOrDefault("messages", false),
                m.getOrDefault("cause", false), m.getOrDefault("pbmt", false), m.getOrDefault("poison", false),
                m.getOrDefault("cqh", false), m.getOrDefault("fqt", false), m.getOrDefault("pqt", false), true);
    }

    /** Whether {@code a} can be sent to this DUT at all (register and memory actions always can). */
    public boolean expresses(Action a) {
        if (a instanceof Action.Translate t) {
            if (t.ttyp() == Ttyp.ATS_TRANSLATION) return ats && (cxl || !t.cxl());
            if (t.ttyp() >= Ttyp.TRANSLATED_EXEC && t.ttyp() <= Ttyp.TRANSLATED_WRITE) return translated;
            return true;
        }
        // Without the DSV signal every Page Request is one with a valid destination segment (as before ABI 4).
        if (a instanceof Action.PageRequest p) return pageRequests && (dsv || p.dsv());
        if (a instanceof Action.Window w) {
            for (Action r : w.requests()) if (!expresses(r)) return false;
            for (Action r : w.pageRequests()) if (!expresses(r)) return false;
        }
        return true;
    }

    /** The memory-error kind the DUT is given for {@code kind}: without poison, corruption reads as an access fault. */
    public int memoryErrorKind(int kind) { return kind == 2 && !poison ? 1 : kind; }

    /** What this DUT's bus does not report, for the run's output ("" when everything is observable). */
    public String notObservable() {
        List<String> n = new ArrayList<>();
        if (!cause) n.add("the cause of a faulting completion (its fault record in memory is compared)");
        if (!pbmt) n.add("the PBMT of a completion");
        if (!messages) n.add("outbound PCIe messages");
        // Without these ports the harness reports no such events, and the order checks built on them do not apply.
        if (!cqHead) n.add("when cqh moves (an IOFENCE.C's completion against the Invalidation Completions and "
                + "the requests around it)");
        if (!fqTail || !pqTail) {
            n.add("when " + (!fqTail && !pqTail ? "fqt and pqt move" : !fqTail ? "fqt moves" : "pqt moves")
                    + " (a queue's records written before its tail)");
        }
        return String.join("; ", n);
    }

    /** The request kinds this DUT cannot be sent ("" when it can be sent all). */
    public String cannotSend() {
        List<String> n = new ArrayList<>();
        if (!translated) n.add("translated requests");
        if (!ats) n.add("ATS translation requests");
        else if (!cxl) n.add("ATS translation requests from CXL devices");
        if (!pageRequests) n.add("Page Requests");
        else if (!dsv) n.add("Page Requests without a destination segment");
        return String.join(", ", n);
    }
}
