// Verilator harness behind lockstep_dut.h: drives the native ports of the Verilated top
// `lockstep_iommu` (rtl-stubs/README.md), serves its memory port from a sparse memory image and
// turns what it observes into event records. The clock runs here; Java calls in once per action.
#include "lockstep_dut.h"
#include "lockstep_harness_common.h"
#include "lockstep_waves.h"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "Vlockstep_iommu.h"
#include "verilated.h"

#ifndef LOCKSTEP_BUILD_ID
#define LOCKSTEP_BUILD_ID "lockstep_iommu (unversioned build)"
#endif

namespace {

using namespace lockstep_harness;

struct MemoryAccess {
    uint64_t due_cycle;
    uint64_t rdata;
    uint8_t err;
};

// The Invalidation Completion a device sends back for an Invalidation Request (lockstep_dut.h,
// LOCKSTEP_EV_INVAL_COMPLETION): when it reaches the IOMMU, from which function, for which ITAG.
struct InvalidationCompletion {
    uint64_t due_cycle;
    uint16_t rid;
    uint8_t itag;
};

class Dut {
public:
    explicit Dut(int mem_latency) : mem_latency_(mem_latency) {
        ctx_.reset(new VerilatedContext);
        ctx_->traceEverOn(true);
        top_.reset(new Vlockstep_iommu(ctx_.get(), "dut"));
        waves_.reset(new Waves<Vlockstep_iommu>(ctx_.get()));
    }

    std::string error;
    std::string message;
    bool failed = false;

    void reset(int mutant) {
        memory_.clear();
        mem_errors_.clear();
        requests_.clear();
        page_requests_.clear();
        mem_inflight_.clear();
        inv_cpl_due_.clear();
        inv_requests_ = 0;
        events_.clear();
        reg_busy_ = false;
        top_->mutant = static_cast<uint32_t>(mutant); // up to four planted-bug ids, one per byte
        top_->rst_n = 0;
        drive_idle_inputs();
        for (int i = 0; i < 8; i++) tick();
        top_->rst_n = 1;
        tick();
        irq_prev_ = top_->irq;
        cqh_prev_ = top_->cq_head;
        fqt_prev_ = top_->fq_tail;
        pqt_prev_ = top_->pq_tail;
        events_.clear();
        waves_->reset_done(cycles_);
    }

    int32_t mmio(bool write, int32_t offset, int32_t size, uint64_t wdata, uint64_t *rdata) {
        top_->reg_req_valid = 1;
        top_->reg_req_write = write;
        top_->reg_req_offset = static_cast<uint16_t>(offset);
        top_->reg_req_size8 = size == 8;
        top_->reg_req_wdata = wdata;
        reg_busy_ = true;
        bool accepted = false;
        for (int budget = 0; budget < kRegisterBudget; budget++) {
            tick();
            if (sampled_reg_fire_) {
                accepted = true;
                top_->reg_req_valid = 0;
            }
            if (accepted && sampled_reg_rsp_) {
                reg_busy_ = false;
                if (rdata) *rdata = sampled_reg_rdata_;
                return LOCKSTEP_OK;
            }
        }
        top_->reg_req_valid = 0;
        reg_busy_ = false;
        error = std::string("register port did not answer a ") + (write ? "write" : "read") + " of offset 0x" +
                hex(offset) + " within " + std::to_string(kRegisterBudget) + " cycles";
        return LOCKSTEP_EHANG;
    }

    void submit(const TranslationRequest &r) { requests_.push_back(r); }
    void submit_page_request(const PageRequest &r) { page_requests_.push_back(r); }

    int32_t run(int64_t max_cycles, int64_t *out, int32_t capacity) {
        int32_t n = 0;
        for (int64_t c = 0;; c++) {
            while (!events_.empty() && n < capacity - 1) {
                std::memcpy(out + n * LOCKSTEP_EVENT_WORDS, events_.front().w, sizeof(Event));
                events_.pop_front();
                n++;
            }
            if (!events_.empty() || n >= capacity - 1) return n;  // buffer full: caller calls again
            if (idle()) {
                Event e{};
                e.w[0] = LOCKSTEP_EV_IDLE;
                e.w[1] = cycles_;
                std::memcpy(out + n * LOCKSTEP_EVENT_WORDS, e.w, sizeof(Event));
                return n + 1;
            }
            if (c >= max_cycles) return n;
            tick();
        }
    }

    MemoryImage &memory() { return memory_; }
    void set_mem_error(uint64_t addr, int kind) {
        if (kind == LOCKSTEP_MEMERR_NONE)
            mem_errors_.erase(addr & ~7ull);
        else
            mem_errors_[addr & ~7ull] = static_cast<uint8_t>(kind);
    }
    uint64_t cycles() const { return cycles_; }

    // "" or why the waveform cannot be written (lockstep_waves.h).
    std::string start_trace(const char *path) { return waves_->start(top_.get(), path, cycles_); }
    void mark_trace(int32_t action_index, int32_t divergences) { waves_->mark(action_index, divergences); }

private:
    static constexpr int kRegisterBudget = 10000;
    static constexpr int kIdleCycles = 4;
    // Cycles from an Invalidation Request to its Invalidation Completion: longer than the IOMMU takes to
    // fetch the next command, so an IOFENCE.C right behind an ATS.INVAL finds it outstanding.
    static constexpr uint64_t kInvalidationLatency = 64;
    static constexpr int kItags = 32;  // PCIe ITAGs 0-31

    static std::string hex(uint64_t v) {
        char b[32];
        std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
        return b;
    }

    // Idle once the DUT has said so for kIdleCycles cycles in a row, with nothing queued or in flight
    // on the harness side: status a DUT registers a cycle after its last action (e.g. an ipsr bit set
    // from an error bit) settles within that window.
    bool idle() const {
        return quiet_cycles_ >= kIdleCycles && requests_.empty() && page_requests_.empty() && mem_inflight_.empty() && inv_cpl_due_.empty() &&
               !reg_busy_;
    }

    void drive_idle_inputs() {
        top_->reg_req_valid = 0;
        top_->tr_req_valid = 0;
        top_->pr_req_valid = 0;
        top_->tr_cpl_ready = 1;
        top_->mem_req_ready = 1;
        top_->mem_rsp_valid = 0;
        top_->mem_rsp_rdata = 0;
        top_->mem_rsp_err = 0;
        top_->msg_ready = 1;
        top_->ats_inv_cpl_valid = 0;
    }

    void push_event(uint64_t kind, uint64_t a, uint64_t b, uint64_t c) {
        Event e{};
        e.w[0] = kind;
        e.w[1] = cycles_;
        e.w[2] = a;
        e.w[3] = b;
        e.w[4] = c;
        events_.push_back(e);
    }

    // A queue tail (fqt, pqt) sampled after the edge, like cqh: an event at each change, carrying the first
    // cycle the new value is seen in (not the return to 0 at reset, which tick() does not watch).
    void watch_tail(uint64_t queue, uint32_t value, uint32_t &prev) {
        if (value != prev) push_event(LOCKSTEP_EV_QUEUE_TAIL, queue, value, 0);
        prev = value;
    }

    // One clock cycle: drive this cycle's inputs, settle, sample the handshakes that fire at the
    // rising edge, then clock.
    void tick() {
        const bool in_reset = !top_->rst_n;
        // Translation request port: present the oldest queued request.
        if (!in_reset && !requests_.empty()) {
            const TranslationRequest &r = requests_.front();
            top_->tr_req_valid = 1;
            top_->tr_req_tag = r.tag;
            top_->tr_req_did = r.device_id;
            top_->tr_req_pv = r.process_valid;
            top_->tr_req_pid = r.process_id;
            top_->tr_req_iova = r.iova;
            top_->tr_req_ttyp = r.ttyp;
            top_->tr_req_priv = (r.flags & LOCKSTEP_REQ_PRIV) != 0;
            top_->tr_req_nw = (r.flags & LOCKSTEP_REQ_NW) != 0;
            top_->tr_req_exe = (r.flags & LOCKSTEP_REQ_EXEC) != 0;
            top_->tr_req_cxl = (r.flags & LOCKSTEP_REQ_CXL) != 0;
        } else {
            top_->tr_req_valid = 0;
        }
        // Page Request message port: the oldest queued message.
        if (!in_reset && !page_requests_.empty()) {
            const PageRequest &p = page_requests_.front();
            top_->pr_req_valid = 1;
            top_->pr_req_did = p.device_id;
            top_->pr_req_pv = p.process_valid;
            top_->pr_req_pid = p.process_id;
            top_->pr_req_priv = (p.flags & LOCKSTEP_REQ_PRIV) != 0;
            top_->pr_req_exec = (p.flags & LOCKSTEP_REQ_EXEC) != 0;
            top_->pr_req_dsv = (p.flags & LOCKSTEP_REQ_DSV) != 0;
            top_->pr_req_payload = p.payload;
        } else {
            top_->pr_req_valid = 0;
        }
        // Memory responses: in order, each no earlier than its due cycle.
        if (!mem_inflight_.empty() && mem_inflight_.front().due_cycle <= cycles_) {
            top_->mem_rsp_valid = 1;
            top_->mem_rsp_rdata = mem_inflight_.front().rdata;
            top_->mem_rsp_err = mem_inflight_.front().err;
        } else {
            top_->mem_rsp_valid = 0;
        }
        // Invalidation Completions from the devices, one per cycle, each once it is due.
        const bool inv_cpl = !in_reset && !inv_cpl_due_.empty() && inv_cpl_due_.front().due_cycle <= cycles_;
        top_->ats_inv_cpl_valid = inv_cpl;
        top_->clk = 0;
        top_->eval();
        waves_->low(cycles_);

        sampled_reg_fire_ = top_->reg_req_valid && top_->reg_req_ready;
        sampled_reg_rsp_ = top_->reg_rsp_valid;
        sampled_reg_rdata_ = top_->reg_rsp_rdata;
        const bool tr_fire = top_->tr_req_valid && top_->tr_req_ready;
        const bool pr_fire = top_->pr_req_valid && top_->pr_req_ready;
        const bool cpl_fire = top_->tr_cpl_valid && top_->tr_cpl_ready;
        const bool mem_fire = top_->mem_req_valid && top_->mem_req_ready;
        const bool rsp_fire = top_->mem_rsp_valid;
        const bool msg_fire = top_->msg_valid && top_->msg_ready;
        if (!in_reset) {
            if (tr_fire) push_event(LOCKSTEP_EV_ACCEPT, top_->tr_req_tag, 0, 0);
            if (cpl_fire) sample_completion();
            if (msg_fire) sample_message();
            if (mem_fire) accept_memory_request();
            if (inv_cpl) {
                const InvalidationCompletion &ic = inv_cpl_due_.front();
                push_event(LOCKSTEP_EV_INVAL_COMPLETION, ic.rid, 1ull << ic.itag, 1);
            }
        }
        top_->clk = 1;
        top_->eval();
        waves_->high(cycles_);
        top_->clk = 0;
        top_->eval();
        cycles_++;

        if (tr_fire) requests_.pop_front();
        if (pr_fire) page_requests_.pop_front();
        if (rsp_fire) mem_inflight_.pop_front();
        if (inv_cpl) inv_cpl_due_.pop_front();
        // Interrupt lines are sampled after the edge, so a level change is seen in the cycle it happens
        // (and before the DUT is reported idle).
        quiet_cycles_ = top_->idle ? quiet_cycles_ + 1 : 0;
        const uint32_t irq = top_->irq;
        if (!in_reset && irq != irq_prev_) {
            for (int i = 0; i < 16; i++) {
                if (((irq ^ irq_prev_) >> i) & 1) push_event(LOCKSTEP_EV_IRQ, i, (irq >> i) & 1, 0);
            }
        }
        irq_prev_ = irq;
        const uint32_t cqh = top_->cq_head;
        if (!in_reset && cqh != cqh_prev_) push_event(LOCKSTEP_EV_CQ_HEAD, cqh, 0, 0);
        cqh_prev_ = cqh;
        if (!in_reset) {
            watch_tail(LOCKSTEP_QUEUE_FAULT, top_->fq_tail, fqt_prev_);
            watch_tail(LOCKSTEP_QUEUE_PAGE_REQUEST, top_->pq_tail, pqt_prev_);
        }
    }

    void sample_completion() {
        uint64_t w2 = static_cast<uint64_t>(top_->tr_cpl_tag) | (static_cast<uint64_t>(top_->tr_cpl_status & 3) << 16) |
                      (static_cast<uint64_t>(top_->tr_cpl_r) << 20) | (static_cast<uint64_t>(top_->tr_cpl_w) << 21) |
                      (static_cast<uint64_t>(top_->tr_cpl_x) << 22) | (static_cast<uint64_t>(top_->tr_cpl_u) << 23) |
                      (static_cast<uint64_t>(top_->tr_cpl_g) << 24) |
                      (static_cast<uint64_t>(top_->tr_cpl_pbmt & 3) << 25) |
                      (static_cast<uint64_t>(top_->tr_cpl_s) << 27) |
                      (static_cast<uint64_t>(top_->tr_cpl_priv) << 28) |
                      (static_cast<uint64_t>(top_->tr_cpl_cxl_io) << 29) |
                      (static_cast<uint64_t>(top_->tr_cpl_cause & 0xfff) << 32);
        push_event(LOCKSTEP_EV_COMPLETION, w2, top_->tr_cpl_pa, 0);
    }

    // An outbound message; the device answers an Invalidation Request with an Invalidation
    // Completion after kInvalidationLatency cycles (every device completes), from the request's RID, for
    // the ITAG the request is numbered with: the n-th Invalidation Request since reset gets ITAG n mod 32
    // (the RTL's message port carries no ITAG; its completion input is a pulse retiring the oldest).
    void sample_message() {
        const uint64_t type = top_->msg_prgr ? LOCKSTEP_MSG_PAGE_REQUEST_GROUP_RESPONSE : LOCKSTEP_MSG_INVALIDATION_REQUEST;
        const uint64_t w2 = type | (static_cast<uint64_t>(top_->msg_pv & 1) << 2) |
                            (static_cast<uint64_t>(top_->msg_dsv & 1) << 3) |
                            (static_cast<uint64_t>(top_->msg_rid & 0xffff) << 16) |
                            (static_cast<uint64_t>(top_->msg_dseg & 0xff) << 32) |
                            (static_cast<uint64_t>(top_->msg_pid & 0xfffff) << 40);
        push_event(LOCKSTEP_EV_MESSAGE_OUT, w2, top_->msg_payload, 0);
        if (!top_->msg_prgr) {
            inv_cpl_due_.push_back(InvalidationCompletion{cycles_ + kInvalidationLatency,
                                                          static_cast<uint16_t>(top_->msg_rid & 0xffff),
                                                          static_cast<uint8_t>(inv_requests_ % kItags)});
            inv_requests_++;
        }
    }

    // The memory access takes effect when the request is accepted; the response follows after the
    // configured latency.
    void accept_memory_request() {
        const uint64_t addr = top_->mem_req_addr & ~7ull;
        const uint8_t op = top_->mem_req_op;
        const uint8_t strobe = top_->mem_req_wstrb;
        MemoryAccess a{cycles_ + static_cast<uint64_t>(mem_latency_), 0, 0};
        auto err = mem_errors_.find(addr);
        // An access fault fails every access; poisoned data fails loads and AMOs (their read), while a
        // plain store completes (lockstep_dut.h, LOCKSTEP_MEMERR_CORRUPT).
        if (err != mem_errors_.end() && (err->second == LOCKSTEP_MEMERR_ACCESS || op != 1)) {
            a.err = err->second;
        } else if (op == 0) {
            a.rdata = memory_.load(addr);
        } else if (op == 1) {
            const uint64_t m = strobe_mask(strobe);
            const uint64_t v = (memory_.load(addr) & ~m) | (top_->mem_req_wdata & m);
            memory_.store(addr, v);
            push_event(LOCKSTEP_EV_MEM_WRITE, addr, v, strobe | (1u << 8));
        } else if (op == 2) {
            const uint64_t old = memory_.load(addr);
            const uint64_t v = old | (top_->mem_req_wdata & strobe_mask(strobe));
            memory_.store(addr, v);
            a.rdata = old;
            if (v != old) push_event(LOCKSTEP_EV_MEM_WRITE, addr, v, strobe | (2u << 8));
        } else if (op == 3) {  // compare and swap (an A/D update checked against the PTE the walk read)
            const uint64_t old = memory_.load(addr);
            a.rdata = old;
            if (old == top_->mem_req_cmp) {
                const uint64_t m = strobe_mask(strobe);
                const uint64_t v = (old & ~m) | (top_->mem_req_wdata & m);
                memory_.store(addr, v);
                if (v != old) push_event(LOCKSTEP_EV_MEM_WRITE, addr, v, strobe | (2u << 8));
            }
        } else {
            a.err = LOCKSTEP_MEMERR_ACCESS;
        }
        mem_inflight_.push_back(a);
    }

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vlockstep_iommu> top_;
    std::unique_ptr<Waves<Vlockstep_iommu>> waves_;  // after top_: the dump closes before the model goes
    MemoryImage memory_;
    std::unordered_map<uint64_t, uint8_t> mem_errors_;
    std::deque<TranslationRequest> requests_;
    std::deque<PageRequest> page_requests_;
    std::deque<MemoryAccess> mem_inflight_;
    std::deque<InvalidationCompletion> inv_cpl_due_;  // the devices' Invalidation Completions still to come, in order
    uint64_t inv_requests_ = 0;                       // Invalidation Requests sent since reset (their ITAGs)
    std::deque<Event> events_;
    int mem_latency_;
    uint64_t cycles_ = 0;
    uint32_t irq_prev_ = 0;
    uint32_t cqh_prev_ = 0;
    uint32_t fqt_prev_ = 0;
    uint32_t pqt_prev_ = 0;
    bool reg_busy_ = false;
    int quiet_cycles_ = 0;
    bool sampled_reg_fire_ = false;
    bool sampled_reg_rsp_ = false;
    uint64_t sampled_reg_rdata_ = 0;
};

thread_local Dut *t_current = nullptr;  // the DUT being evaluated on this thread (for the hooks)
thread_local std::string t_open_error;

Dut *dut_of(int64_t h) { return reinterpret_cast<Dut *>(h); }

// Runs an API body with the RTL hooks pointed at `d`, converting RTL fatal errors and C++
// exceptions into error codes. After a fatal error only close() and last_error() are allowed.
template <typename F>
int32_t guarded(int64_t h, F body) {
    Dut *d = dut_of(h);
    if (!d) return LOCKSTEP_EARG;
    if (d->failed) {
        d->error = "DUT stopped after an earlier fatal error: " + d->error;
        return LOCKSTEP_ESTATE;
    }
    t_current = d;
    try {
        int32_t r = body(d);
        t_current = nullptr;
        return r;
    } catch (const RtlFatal &f) {
        d->failed = true;
        d->error = f.message;
    } catch (const std::exception &e) {
        d->failed = true;
        d->error = std::string("harness error: ") + e.what();
    }
    t_current = nullptr;
    return LOCKSTEP_EFATAL;
}

std::string location(const char *filename, int linenum) {
    return (filename && *filename) ? std::string(filename) + ":" + std::to_string(linenum) + ": " : std::string();
}

// lockstep_open's settings: "key=value" pairs separated by ';'. A key this harness does not know, or a
// malformed value, is refused with what was given, so a misspelt setting never passes unnoticed.
bool parse_config(const std::string &config, int &mem_latency, std::string &error) {
    size_t start = 0;
    while (start < config.size()) {
        size_t end = config.find(';', start);
        if (end == std::string::npos) end = config.size();
        const std::string item = config.substr(start, end - start);
        start = end + 1;
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        if (eq == std::string::npos) {
            error = "config '" + item + "': expected key=value";
            return false;
        }
        const std::string key = item.substr(0, eq);
        const std::string value = item.substr(eq + 1);
        if (key != "mem_latency") {
            error = "config key '" + key + "' is not known to the built-in harness (known: mem_latency)";
            return false;
        }
        char *rest = nullptr;
        errno = 0;
        const long v = std::strtol(value.c_str(), &rest, 10);
        if (value.empty() || *rest != '\0' || errno != 0 || v < 1 || v > 1000) {
            error = "config mem_latency='" + value + "': expected a whole number of cycles in 1..1000";
            return false;
        }
        mem_latency = static_cast<int>(v);
    }
    return true;
}

}  // namespace

namespace {
// What the RTL printed last (a $fatal prints its message before stopping), for the error text.
std::string printed_tail() {
    if (!t_current || t_current->message.empty()) return "";
    std::string m = t_current->message;
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    if (m.size() > 600) m = "..." + m.substr(m.size() - 600);
    return " -- RTL printed: " + m;
}
}  // namespace

// Verilator hooks (compiled with VL_USER_FATAL/STOP/FINISH): never abort the process.
void vl_fatal(const char *filename, int linenum, const char *hier, const char *msg) {
    (void)hier;
    throw RtlFatal{"RTL fatal error: " + location(filename, linenum) + (msg ? msg : "") + printed_tail()};
}
void vl_stop(const char *filename, int linenum, const char *hier) {
    (void)hier;
    throw RtlFatal{"RTL $stop/$fatal at " + location(filename, linenum) + printed_tail()};
}
void vl_finish(const char *filename, int linenum, const char *hier) {
    (void)hier;
    throw RtlFatal{"RTL $finish at " + location(filename, linenum) + printed_tail()};
}

extern "C" int vlhook_printf(const char *format, ...) {
    char buf[2048];
    va_list ap;
    va_start(ap, format);
    int n = std::vsnprintf(buf, sizeof buf, format, ap);
    va_end(ap);
    if (t_current) {
        if (t_current->message.size() < 65536) t_current->message += buf;
    } else {
        std::fputs(buf, stderr);
    }
    return n;
}

extern "C" {

int32_t lockstep_abi_version(void) { return LOCKSTEP_ABI_VERSION; }

const char *lockstep_build_id(void) { return LOCKSTEP_BUILD_ID; }

int64_t lockstep_open(const char *config) {
    const std::string cfg = config ? config : "";
    int latency = 3;
    if (!parse_config(cfg, latency, t_open_error)) return 0;
    try {
        Dut *d = new Dut(latency);
        t_current = d;
        d->reset(0);
        t_current = nullptr;
        return reinterpret_cast<int64_t>(d);
    } catch (const RtlFatal &f) {
        t_open_error = f.message;
    } catch (const std::exception &e) {
        t_open_error = std::string("cannot create the Verilated model: ") + e.what();
    }
    t_current = nullptr;
    return 0;
}

void lockstep_close(int64_t h) { delete dut_of(h); }

const char *lockstep_last_error(int64_t h) {
    Dut *d = dut_of(h);
    return d ? d->error.c_str() : t_open_error.c_str();
}

const char *lockstep_last_message(int64_t h) {
    Dut *d = dut_of(h);
    return d ? d->message.c_str() : "";
}

int32_t lockstep_reset(int64_t h, int32_t mutant) {
    return guarded(h, [&](Dut *d) {
        d->reset(mutant);
        d->message.clear();
        return LOCKSTEP_OK;
    });
}

int32_t lockstep_mmio_read(int64_t h, int32_t offset, int32_t size, int64_t *value) {
    if ((size != 4 && size != 8) || offset < 0 || offset + size > 4096 || (offset & (size - 1)) || !value)
        return LOCKSTEP_EARG;
    return guarded(h, [&](Dut *d) {
        uint64_t v = 0;
        int32_t r = d->mmio(false, offset, size, 0, &v);
        *value = static_cast<int64_t>(size == 4 ? (v & 0xffffffffull) : v);
        return r;
    });
}

int32_t lockstep_mmio_write(int64_t h, int32_t offset, int32_t size, int64_t value) {
    if ((size != 4 && size != 8) || offset < 0 || offset + size > 4096 || (offset & (size - 1)))
        return LOCKSTEP_EARG;
    return guarded(h, [&](Dut *d) {
        const uint64_t v = static_cast<uint64_t>(value);
        return d->mmio(true, offset, size, size == 4 ? (v & 0xffffffffull) : v, nullptr);
    });
}

int32_t lockstep_mem_write(int64_t h, int64_t addr, const uint8_t *data, int32_t len) {
    if (!data || len < 0) return LOCKSTEP_EARG;
    return guarded(h, [&](Dut *d) {
        d->memory().write_bytes(static_cast<uint64_t>(addr), data, len);
        return LOCKSTEP_OK;
    });
}

int32_t lockstep_mem_read(int64_t h, int64_t addr, uint8_t *data, int32_t len) {
    if (!data || len < 0) return LOCKSTEP_EARG;
    return guarded(h, [&](Dut *d) {
        d->memory().read_bytes(static_cast<uint64_t>(addr), data, len);
        return LOCKSTEP_OK;
    });
}

int32_t lockstep_mem_error(int64_t h, int64_t addr, int32_t kind) {
    if (kind < LOCKSTEP_MEMERR_NONE || kind > LOCKSTEP_MEMERR_CORRUPT) return LOCKSTEP_EARG;
    return guarded(h, [&](Dut *d) {
        d->set_mem_error(static_cast<uint64_t>(addr), kind);
        return LOCKSTEP_OK;
    });
}

int32_t lockstep_submit(int64_t h, int32_t tag, int32_t device_id, int32_t process_valid, int32_t process_id,
                        int64_t iova, int32_t ttyp, int32_t flags) {
    if (tag < 0 || tag > 0xffff || device_id < 0 || device_id > 0xffffff || process_id < 0 ||
        process_id > 0xfffff || ttyp < 0 || ttyp > 63)
        return LOCKSTEP_EARG;
    return guarded(h, [&](Dut *d) {
        d->submit(TranslationRequest{static_cast<uint16_t>(tag), static_cast<uint32_t>(device_id), process_valid != 0,
                                     static_cast<uint32_t>(process_id), static_cast<uint64_t>(iova),
                                     static_cast<uint8_t>(ttyp), static_cast<uint32_t>(flags)});
        return LOCKSTEP_OK;
    });
}

int32_t lockstep_page_request(int64_t h, int32_t device_id, int32_t process_valid, int32_t process_id,
                              int32_t flags, int64_t payload) {
    if (device_id < 0 || device_id > 0xffffff || process_id < 0 || process_id > 0xfffff) return LOCKSTEP_EARG;
    return guarded(h, [&](Dut *d) {
        d->submit_page_request(PageRequest{static_cast<uint32_t>(device_id), process_valid != 0,
                                           static_cast<uint32_t>(process_id), static_cast<uint32_t>(flags),
                                           static_cast<uint64_t>(payload)});
        return LOCKSTEP_OK;
    });
}

int32_t lockstep_run(int64_t h, int64_t max_cycles, int64_t *events, int32_t capacity) {
    if (!events || capacity < 2 || max_cycles < 0) return LOCKSTEP_EARG;
    return guarded(h, [&](Dut *d) { return d->run(max_cycles, events, capacity); });
}

int64_t lockstep_cycles(int64_t h) {
    Dut *d = dut_of(h);
    return d ? static_cast<int64_t>(d->cycles()) : 0;
}

int32_t lockstep_trace(int64_t h, const char *path) {
    return guarded(h, [&](Dut *d) {
        const std::string why = d->start_trace(path);
        if (why.empty()) return LOCKSTEP_OK;
        d->error = why;
        return LOCKSTEP_EARG;
    });
}

int32_t lockstep_trace_marker(int64_t h, int32_t action_index, int32_t divergences) {
    return guarded(h, [&](Dut *d) {
        d->mark_trace(action_index, divergences);
        return LOCKSTEP_OK;
    });
}

}  // extern "C"
