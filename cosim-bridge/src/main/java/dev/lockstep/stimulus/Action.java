package dev.lockstep.stimulus;

import dev.lockstep.dut.Dut;
import dev.lockstep.refmodel.fault.Ttyp;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of stimulus, applied to the model and the DUT alike: what software does (register
 * accesses, stores to memory), what a device does (translation requests) and what the platform does
 * (a memory word that starts failing). Records, so that logs can hold them and replay them.
 */
public sealed interface Action permits Action.RegisterRead, Action.RegisterWrite, Action.MemoryWrite,
        Action.MemoryError, Action.Translate, Action.PageRequest, Action.Window {

    /** A one-line description for reports, e.g. {@code write ddtp (0x10, 8 B) = 0x...}. */
    String describe();

    record RegisterRead(int offset, int size) implements Action {
        @Override
        public String describe() {
            return String.format("read %s (0x%x, %d B)", RegisterNames.name(offset), offset, size);
        }
    }

    record RegisterWrite(int offset, int size, long value) implements Action {
        @Override
        public String describe() {
            return String.format("write %s (0x%x, %d B) = 0x%x", RegisterNames.name(offset), offset, size, value);
        }
    }

    /** Software stores the 8-byte little-endian word {@code value} at {@code pa}; {@code what} says why. */
    record MemoryWrite(long pa, long value, String what) implements Action {
        @Override
        public String describe() {
            return String.format("store [0x%x] = 0x%016x (%s)", pa, value, what);
        }
    }

    /** IOMMU accesses to the 8-byte word at {@code pa} fail from now on (1 access fault, 2 corruption, 0 heal). */
    record MemoryError(long pa, int kind) implements Action {
        @Override
        public String describe() {
            String k = kind == 1 ? "access fault" : kind == 2 ? "data corruption" : "no error";
            return String.format("memory word 0x%x now answers %s", pa, k);
        }
    }

    /**
     * A translation request; {@code noWrite} and {@code execRequested} are the "No Write" and "Execute
     * Requested" fields of a PCIe ATS translation request, {@code cxl} the Root Port's indication that its
     * device is a CXL type 1/2 device (false for any other type). Without a PASID a request carries no
     * process_id, privilege or Execute Requested ("Execute requested must be explicitly associated with
     * the request (e.g., using a PCIe PASID). When not explicitly requested, the default must be 0"; "For
     * requests without a process_id the privilege mode must be User"): they are 0 here, as sent.
     */
    record Translate(int tag, int deviceId, boolean pv, int processId, boolean priv, int ttyp, long iova,
                     boolean noWrite, boolean execRequested, boolean cxl) implements Action {

        public Translate {
            if (!pv) {
                processId = 0;
                priv = false;
                execRequested = false;
            }
        }

        /** A request other than an ATS translation request with No Write or Execute Requested. */
        public Translate(int tag, int deviceId, boolean pv, int processId, boolean priv, int ttyp, long iova) {
            this(tag, deviceId, pv, processId, priv, ttyp, iova, false, false, false);
        }

        /** A request from a device that is not a CXL type 1/2 device. */
        public Translate(int tag, int deviceId, boolean pv, int processId, boolean priv, int ttyp, long iova,
                         boolean noWrite, boolean execRequested) {
            this(tag, deviceId, pv, processId, priv, ttyp, iova, noWrite, execRequested, false);
        }

        /** The request flags of lockstep_dut.h for it. */
        public int flags() {
            return (priv ? Dut.REQ_PRIV : 0) | (noWrite ? Dut.REQ_NW : 0) | (execRequested ? Dut.REQ_EXEC : 0)
                    | (cxl ? Dut.REQ_CXL : 0);
        }

        /**
         * The model's request for this action: every field the action carries (and a log records) reaches
         * it, No Write and Execute Requested included, so that the engine, {@code check} and {@code explain}
         * judge the same request.
         */
        public dev.lockstep.refmodel.TranslationRequest request() {
            return new dev.lockstep.refmodel.TranslationRequest(deviceId, pv, processId, priv, ttyp, iova,
                    dev.lockstep.refmodel.TranslationRequest.NO_DATA, noWrite, execRequested, cxl);
        }

        /**
         * The translation process's request for this action, for walk traces: the same fields, with
         * process_id and Priv taken as 0 without a PASID (they are don't-care there).
         */
        public dev.lockstep.refmodel.translate.Request walkRequest() {
            return new dev.lockstep.refmodel.translate.Request(deviceId, pv, pv ? processId : 0, iova, ttyp, pv && priv,
                    noWrite, execRequested, cxl);
        }

        @Override
        public String describe() {
            return String.format("translate tag %d: device 0x%x%s%s %s%s%s%s iova 0x%x", tag, deviceId,
                    pv ? String.format(" pid 0x%x", processId) : "", priv ? " S-mode" : "", Ttyp.name(ttyp),
                    noWrite ? " no-write" : "", execRequested ? " exec-requested" : "", cxl ? " CXL" : "", iova);
        }
    }

    /**
     * A device's PCIe "Page Request" message (spec: "PCIe ATS Page Request handling"): with a PASID when
     * {@code pv}, Privilege Mode Requested and Execute Requested; {@code payload} is the page-request
     * record's dw1: R [0], W [1], L (Last) [2], PRG index [11:3], page address [63:12]. A Stop Marker is
     * L=1 and R=W=0 with a PASID. {@code dsv}: the message came with a valid destination segment number
     * (device_id[23:16]), so an automatic response goes to that segment. Without a PASID there is no
     * process_id, privilege or Execute Requested (0 here, as sent).
     */
    record PageRequest(int deviceId, boolean pv, int processId, boolean priv, boolean exec, long payload,
                       boolean dsv) implements Action {
        public PageRequest {
            if (!pv) {
                processId = 0;
                priv = false;
                exec = false;
            }
        }

        /** A Page Request with a valid destination segment (DSV=1). */
        public PageRequest(int deviceId, boolean pv, int processId, boolean priv, boolean exec, long payload) {
            this(deviceId, pv, processId, priv, exec, payload, true);
        }

        /** The request flags of lockstep_dut.h for it. */
        public int flags() {
            return (priv ? Dut.REQ_PRIV : 0) | (exec ? Dut.REQ_EXEC : 0) | (dsv ? Dut.REQ_DSV : 0);
        }

        public boolean last() { return (payload & 4) != 0; }

        public boolean stopMarker() { return pv && last() && (payload & 3) == 0; }

        @Override
        public String describe() {
            return String.format("%s: device 0x%x%s%s%s PRG index %d%s%s%s page 0x%x",
                    stopMarker() ? "Stop Marker" : "Page Request", deviceId,
                    pv ? String.format(" pid 0x%x", processId) : "", pv && priv ? " S-mode" : "",
                    pv && exec ? " exec" : "", (payload >>> 3) & 0x1ff, (payload & 1) != 0 ? " R" : "",
                    (payload & 2) != 0 ? " W" : "", last() ? " L" : "", payload & ~0xfffL) + (dsv ? "" : " (no DSV)");
        }
    }

    /**
     * Overlapping traffic (docs/concurrency.md): the {@code requests} (distinct tags) are submitted in order,
     * request i {@code arrivals.get(i)} cycles after the window's start (the first at its start; all at once
     * when every arrival is 0), and the {@code pageRequests} right after those of the start, in that cycle and
     * in order, so several are outstanding together; {@code gap} cycles after the start, while some may still
     * be in flight, software applies {@code during} (stores and register writes, e.g. a PTE change and the cqt
     * write that makes IOTINVAL and IOFENCE.C available, or a pqcsr write that turns the page-request queue
     * off); a request whose arrival is after the gap is submitted after them. Each step is taken at its cycle,
     * or earlier when the DUT becomes idle before it; then the DUT runs until idle. A window is one action:
     * its completions may come in any order, each request may see the structures as they were before
     * {@code during} or after it, as the spec's caching rules permit for the cycles it was outstanding, and
     * its Page Requests are handled in arrival order, a prefix before {@code during} and the rest after.
     *
     * <p>{@code later} are further software groups (docs/concurrency.md, section 19), each {@code gap} cycles
     * after the window's start and after the one before it, while requests may stay outstanding across them. A
     * group is applied at its cycle, or later, once the IOMMU has passed every command the groups before it made
     * available (cqh at their tail), so that those commands are executed and, with an IOFENCE.C last, completed
     * before the group's stores. A window with Page Requests has one group.
     */
    record Window(List<Translate> requests, List<Integer> arrivals, int gap, List<Action> during,
                  List<PageRequest> pageRequests, List<Software> later) implements Action {
        public Window {
            requests = List.copyOf(requests);
            arrivals = List.copyOf(arrivals);
            during = List.copyOf(during);
            pageRequests = List.copyOf(pageRequests);
            later = List.copyOf(later);
            if (!later.isEmpty()) {
                if (during.isEmpty()) throw new IllegalArgumentException("a window with later software groups has software actions at its gap");
                if (!pageRequests.isEmpty()) {
                    throw new IllegalArgumentException("a window with Page Requests has one software group, not "
                            + (1 + later.size()));
                }
                int previous = gap;
                for (int g = 1; g <= later.size(); g++) {
                    if (later.get(g - 1).gap() <= previous) {
                        throw new IllegalArgumentException("a window's software groups come at increasing gaps (group "
                                + g + " at " + later.get(g - 1).gap() + ", the one before at " + previous + ")");
                    }
                    previous = later.get(g - 1).gap();
                }
            }
            if (requests.isEmpty() && pageRequests.isEmpty()) {
                throw new IllegalArgumentException("a window holds at least one request");
            }
            if (gap < 0) throw new IllegalArgumentException("a window's gap is a number of cycles >= 0");
            if (arrivals.size() != requests.size()) {
                throw new IllegalArgumentException("a window has one arrival per request: " + arrivals.size()
                        + " arrivals for " + requests.size() + " requests");
            }
            for (int i = 0; i < arrivals.size(); i++) {
                int previous = i == 0 ? 0 : arrivals.get(i - 1);
                if (i == 0 ? arrivals.get(0) != 0 : arrivals.get(i) < previous) {
                    throw new IllegalArgumentException("a window's arrivals start at 0 and never decrease (request "
                            + i + " at " + arrivals.get(i) + ")");
                }
            }
            java.util.Set<Integer> tags = new java.util.HashSet<>();
            for (Translate t : requests) {
                if (!tags.add(t.tag())) throw new IllegalArgumentException("tag " + t.tag() + " twice in one window");
            }
            List<Action> software = new ArrayList<>(during);
            for (Software g : later) software.addAll(g.during());
            for (Action a : software) {
                if (!(a instanceof MemoryWrite) && !(a instanceof RegisterWrite)) {
                    throw new IllegalArgumentException("a window applies only stores and register writes, not "
                            + a.describe());
                }
            }
        }

        /** A window with one software group. */
        public Window(List<Translate> requests, List<Integer> arrivals, int gap, List<Action> during,
                      List<PageRequest> pageRequests) {
            this(requests, arrivals, gap, during, pageRequests, List.of());
        }

        /** A window whose requests are all submitted at its start. */
        public Window(List<Translate> requests, int gap, List<Action> during, List<PageRequest> pageRequests) {
            this(requests, java.util.Collections.nCopies(requests.size(), 0), gap, during, pageRequests);
        }

        /** Software actions applied together {@code gap} cycles after a window's start (or later, see {@link Window}). */
        public record Software(int gap, List<Action> during) {
            public Software {
                during = List.copyOf(during);
                if (during.isEmpty()) throw new IllegalArgumentException("a window's later software group has actions");
            }
        }

        /** The software groups: the first ({@code gap}, {@code during}), then {@code later}; none when {@code during} is empty. */
        public List<Software> groups() {
            if (during.isEmpty()) return List.of();
            List<Software> all = new ArrayList<>(1 + later.size());
            all.add(new Software(gap, during));
            all.addAll(later);
            return all;
        }

        /** Every software action of the window, group after group. */
        public List<Action> software() {
            if (later.isEmpty()) return during;
            List<Action> all = new ArrayList<>(during);
            for (Software s : later) all.addAll(s.during());
            return all;
        }

        /** A window of translation requests only, all submitted at its start. */
        public Window(List<Translate> requests, int gap, List<Action> during) {
            this(requests, gap, during, List.of());
        }

        /** Whether request {@code i} is submitted after the first software group (its arrival is past the gap). */
        public boolean submittedAfter(int i) { return !during.isEmpty() && arrivals.get(i) > gap; }

        /** Whether request {@code i} is submitted after software group {@code g} (of {@link #groups}). */
        public boolean submittedAfter(int i, int g) { return arrivals.get(i) > (g == 0 ? gap : later.get(g - 1).gap()); }

        /** Whether some request arrives after the window's start. */
        public boolean staggered() { return !arrivals.isEmpty() && arrivals.get(arrivals.size() - 1) > 0; }

        /**
         * What is done, in order, and at which cycle after the window's start: the requests arriving at 0, the
         * Page Requests, then the later requests and the software actions by cycle (a request arriving at the
         * gap before the software actions).
         */
        public List<Step> schedule() {
            List<Step> steps = new ArrayList<>();
            int i = 0;
            while (i < requests.size() && arrivals.get(i) == 0) steps.add(new Step(Step.REQUEST, i++, 0));
            for (int p = 0; p < pageRequests.size(); p++) steps.add(new Step(Step.PAGE_REQUEST, p, 0));
            while (i < requests.size() && arrivals.get(i) <= gap) steps.add(new Step(Step.REQUEST, i, arrivals.get(i++)));
            steps.add(new Step(Step.SOFTWARE, 0, gap));
            for (int g = 0; g < later.size(); g++) {
                int at = later.get(g).gap();
                while (i < requests.size() && arrivals.get(i) <= at) steps.add(new Step(Step.REQUEST, i, arrivals.get(i++)));
                steps.add(new Step(Step.SOFTWARE, g + 1, at));
            }
            while (i < requests.size()) steps.add(new Step(Step.REQUEST, i, arrivals.get(i++)));
            return steps;
        }

        /**
         * One step of a window's {@link #schedule}: request or Page Request {@code index}, or software group
         * {@code index}, {@code at} cycles after the window's start (a software group after the first: or later).
         */
        public record Step(int kind, int index, int at) {
            public static final int REQUEST = 0;
            public static final int PAGE_REQUEST = 1;
            public static final int SOFTWARE = 2;
        }

        @Override
        public String describe() {
            StringBuilder b = new StringBuilder("window of ").append(requests.size()).append(" request(s):");
            for (int i = 0; i < requests.size(); i++) {
                b.append(" [").append(requests.get(i).describe());
                if (arrivals.get(i) > 0) b.append(", ").append(arrivals.get(i)).append(" cycles in");
                b.append(']');
            }
            if (!pageRequests.isEmpty()) {
                b.append(" and ").append(pageRequests.size()).append(" page request(s):");
                for (PageRequest p : pageRequests) b.append(" [").append(p.describe()).append(']');
            }
            for (Software g : groups()) {
                b.append("; ").append(g.gap()).append(" cycles later:");
                for (Action a : g.during()) b.append(" [").append(a.describe()).append(']');
            }
            return b.toString();
        }
    }
}
