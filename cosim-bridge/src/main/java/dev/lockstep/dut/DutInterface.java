package dev.lockstep.dut;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.stimulus.Action;
import java.util.ArrayList;
import java.util.List;

/**
 * What a DUT's interface can carry: the request kinds it can be sent and the completion fields it can
 * report. A library built by {@code lockstep build} says so in its build id ({@code axi:translated=0,ats=1,...},
 * from the wrapper's declaration file, docs/axi-wrapper.md); any other library carries everything (the
 * native ports of {@code lockstep_dut.h}).
 */
public record DutInterface(boolean translated, boolean ats, boolean cxl, boolean pageRequests, boolean dsv,
                           boolean messages, boolean cause, boolean pbmt, boolean poison) {

    public static final DutInterface FULL = new DutInterface(true, true, true, true, true, true, true, true, true);

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
                m.getOrDefault("cause", false), m.getOrDefault("pbmt", false), m.getOrDefault("poison", false));
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
