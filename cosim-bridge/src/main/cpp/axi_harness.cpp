// Generic AXI harness behind lockstep_dut.h (docs/axi-wrapper.md): drives a user's wrapper through the
// shim top `lockstep_axi_shim` that `lockstep build` generates from the wrapper's declaration file. The
// shim exposes every port of the convention at its widest, with absent optional signals tied off, so
// this one source compiles against any wrapper; what the wrapper declared comes in through the
// generated header lockstep_axi_decl.h (LS_* macros). The harness is the register-programming software
// (s_prog), the devices (s_dev, ats_*, pr_req_*, ats_inv_cpl_valid), the memory behind the translated
// output (m_out) and the system memory (m_mem), and it watches the optional observation ports (cqh, fqt,
// pqt). The clock runs here; Java calls in once per action. Several device requests may be outstanding
// (C ABI 6 and 7: acceptance, cqh, queue tails and Invalidation Completions are reported as events).
#include "lockstep_dut.h"
#include "lockstep_harness_common.h"
#include "lockstep_waves.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "Vlockstep_axi_shim.h"
#include "lockstep_axi_decl.h"
#include "verilated.h"

namespace {

using namespace lockstep_harness;

// splitmix64: the bus timing (latency, backpressure, reordering) is drawn from it, reseeded at every
// reset from the open() config's axi_seed, so the same seed and build give the same cycles.
class Rng {
public:
    void seed(uint64_t s) { s_ = s; }
    uint64_t next() {
        uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint32_t below(uint32_t n) { return n <= 1 ? 0 : static_cast<uint32_t>(next() % n); }
    bool percent(uint32_t p) { return below(100) < p; }

private:
    uint64_t s_ = 1;
};

struct Timing {
    int latency_min = 1;
    int latency_max = 8;
    int stall_percent = 20;  // a cycle in which a ready or a response valid is held back
    int inval_latency = 64;  // cycles from an Invalidation Request to its Invalidation Completion (as the native harness)
};

// The address of beat `i` of an AXI burst (AMBA AXI4 A3.4.1: INCR, FIXED, WRAP).
uint64_t beat_address(uint64_t addr, uint8_t len, uint8_t size, uint8_t burst, int i) {
    const uint64_t bytes = 1ull << size;
    if (burst == 0) return addr;  // FIXED
    const uint64_t aligned = addr & ~(bytes - 1);
    if (burst == 2) {             // WRAP: len+1 is 2, 4, 8 or 16
        const uint64_t total = bytes * (static_cast<uint64_t>(len) + 1);
        const uint64_t lower = addr & ~(total - 1);
        return lower + ((addr - lower + i * bytes) % total);
    }
    return i == 0 ? addr : aligned + i * bytes;  // INCR
}

// A read burst accepted by a slave port: its beats (data and response fixed when the AR was accepted).
struct ReadBurst {
    uint32_t id;
    uint64_t due;
    std::vector<uint64_t> data;
    std::vector<uint8_t> resp;
    std::vector<uint8_t> poison;
    size_t next = 0;
};

struct WriteBurst {
    uint32_t id;
    uint64_t addr;
    uint8_t len, size, burst, atop;
    int beats_done = 0;
    bool error = false;
    uint64_t old_value = 0;  // atomics: the data before the operation (first beat)
    uint64_t compare = 0;    // AtomicCompare: the compare value (its first beat)
    uint64_t seq = 0;        // m_out: the Forward record of its AW
};

// A device request the wrapper accepted on s_dev (AR or AW), by its AXI ID, until its response.
struct Outstanding {
    bool active = false;
    uint16_t tag = 0;
    uint64_t accepted = 0;     // cycle of the AR/AW handshake
    uint64_t ordinal = 0;      // accepts of its direction before it
    bool first_alone = false;  // nothing else of its direction was outstanding when it was accepted
};

// A transaction the wrapper forwarded on m_out (AR or AW), for matching completions to it.
struct Forward {
    uint64_t seq;
    uint64_t addr;
    uint8_t pbmt;
    uint64_t cycle;      // of its handshake
    int32_t token = -1;  // writes: the request tag its first W beat carried (-1: none yet, or no token)
};

// The Invalidation Completion a device sends back for an Invalidation Request (lockstep_dut.h,
// LOCKSTEP_EV_INVAL_COMPLETION): when it reaches the IOMMU, from which function, for which ITAG.
struct InvalidationCompletion {
    uint64_t due;
    uint16_t rid;
    uint8_t itag;
};

struct Response {
    uint32_t id;
    uint64_t due;
    uint8_t resp;
};

// Responses waiting per ID: in order within an ID, the harness picks among IDs (out of order).
template <typename T>
class PerId {
public:
    void push(const T &t) { q_[t.id].push_back(t); }
    bool empty() const { return q_.empty(); }
    void clear() { q_.clear(); }
    // The ID whose oldest entry is due, chosen among several by `rng`; -1 if none. Called every cycle:
    // counts, then walks to the chosen one, without allocating.
    int64_t pick(uint64_t now, Rng &rng) const {
        uint32_t ready = 0;
        for (const auto &kv : q_)
            if (!kv.second.empty() && kv.second.front().due <= now) ready++;
        if (ready == 0) return -1;
        uint32_t k = rng.below(ready);
        for (const auto &kv : q_) {
            if (kv.second.empty() || kv.second.front().due > now) continue;
            if (k-- == 0) return kv.first;
        }
        return -1;
    }
    T &front(uint32_t id) { return q_[id].front(); }
    void pop(uint32_t id) {
        auto it = q_.find(id);
        it->second.pop_front();
        if (it->second.empty()) q_.erase(it);
    }

private:
    std::map<uint32_t, std::deque<T>> q_;
};

class Dut {
public:
    Dut(const Timing &timing, uint64_t seed, int quiet_cycles)
        : timing_(timing), seed_(seed), quiet_window_(quiet_cycles) {
        ctx_.reset(new VerilatedContext);
        ctx_->traceEverOn(true);
        top_.reset(new Vlockstep_axi_shim(ctx_.get(), "dut"));
        waves_.reset(new Waves<Vlockstep_axi_shim>(ctx_.get()));
        rd_out_.resize(kDevIds);
        wr_out_.resize(kDevIds);
        ats_out_.assign(65536, 0);
    }

    std::string error;
    std::string message;
    bool failed = false;

    void reset(int mutant) {
        memory_.clear();
        mem_errors_.clear();
        dev_reads_.clear();
        dev_writes_.clear();
        ats_requests_.clear();
        page_requests_.clear();
        inv_cpl_due_.clear();
        inv_requests_ = 0;
        events_.clear();
        mem_reads_.clear();
        mem_writes_.clear();
        mem_b_.clear();
        out_reads_.clear();
        out_writes_.clear();
        out_b_.clear();
        std::fill(rd_out_.begin(), rd_out_.end(), Outstanding{});
        std::fill(wr_out_.begin(), wr_out_.end(), Outstanding{});
        std::fill(ats_out_.begin(), ats_out_.end(), 0);
        rd_count_ = wr_count_ = ats_count_ = 0;
        rd_accepts_ = wr_accepts_ = 0;
        wdata_due_.clear();
        head_w_sent_ = w_for_head_ = false;
        out_ar_log_.clear();
        out_aw_log_.clear();
        forward_seq_ = 0;
        causes_.clear();
        mem_active_read_ = out_active_read_ = mem_b_id_ = out_b_id_ = -1;
        mem_r_shown_ = out_r_shown_ = mem_b_shown_ = out_b_shown_ = false;
        rng_.seed(seed_);
        top_->mutant = static_cast<uint32_t>(mutant);
        top_->rst_n = 0;
        drive_idle_inputs();
        for (int i = 0; i < 16; i++) tick();
        top_->rst_n = 1;
        tick();
        irq_prev_ = top_->irq & irq_mask();
        // The registers' reset values are no change (lockstep_dut.h: "not the return to 0 at reset").
        cqh_prev_ = top_->cqh;
        fqt_prev_ = top_->fqt;
        pqt_prev_ = top_->pqt;
        quiet_ = 0;
        events_.clear();
        waves_->reset_done(cycles_);
    }

    // A register access: on a 32-bit port an 8-byte access is two 4-byte ones, high half first
    // (spec: "Memory-mapped register interface").
    int32_t mmio(bool write, int32_t offset, int32_t size, uint64_t wdata, uint64_t *rdata) {
        if (size == 8 && LS_PROG_DATA_WIDTH == 32) {
            uint64_t hi = 0, lo = 0;
            int32_t r = prog_access(write, offset + 4, 4, wdata >> 32, &hi);
            if (r != LOCKSTEP_OK) return r;
            r = prog_access(write, offset, 4, wdata & 0xffffffffull, &lo);
            if (rdata) *rdata = (hi << 32) | (lo & 0xffffffffull);
            return r;
        }
        return prog_access(write, offset, size, wdata, rdata);
    }

    // Each kind waits for its own channel (AR, AW, the ATS request port), in the order submitted.
    void submit(const TranslationRequest &r) {
        if (is_ats(r))
            ats_requests_.push_back(r);
        else if (is_write(r))
            dev_writes_.push_back(r);
        else
            dev_reads_.push_back(r);
    }
    void submit_page_request(const PageRequest &r) { page_requests_.push_back(r); }

    int32_t run(int64_t max_cycles, int64_t *out, int32_t capacity) {
        int32_t n = 0;
        for (int64_t c = 0;; c++) {
            while (!events_.empty() && n < capacity - 1) {
                std::memcpy(out + n * LOCKSTEP_EVENT_WORDS, events_.front().w, sizeof(Event));
                events_.pop_front();
                n++;
            }
            if (!events_.empty() || n >= capacity - 1) return n;
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
    static constexpr int kIdlePortCycles = 4;
    static constexpr int kItags = 32;  // PCIe ITAGs 0-31
    static constexpr uint8_t kOkay = 0, kSlverr = 2;
    static constexpr uint32_t kDevIds = 1u << LS_DEV_ID_WIDTH;
    // The W data of a device write: this mark and the request's tag in bits [15:0], so the m_out write
    // carrying it can be told from the others in flight (docs/axi-wrapper.md, "What the harness does").
    static constexpr uint64_t kWriteToken = 0x4c53000000000000ull;
    static constexpr uint64_t kTokenMask = 0xffffffffffff0000ull;

    static uint32_t irq_mask() { return LS_IRQ_WIDTH >= 32 ? 0xffffffffu : ((1u << LS_IRQ_WIDTH) - 1); }

    static std::string hex(uint64_t v) {
        char b[32];
        std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
        return b;
    }

    uint64_t latency() {
        return static_cast<uint64_t>(timing_.latency_min) +
               rng_.below(static_cast<uint32_t>(timing_.latency_max - timing_.latency_min + 1));
    }
    bool stall() { return rng_.percent(static_cast<uint32_t>(timing_.stall_percent)); }

    bool harness_busy() const {
        return !dev_reads_.empty() || !dev_writes_.empty() || !ats_requests_.empty() || !page_requests_.empty() ||
               !inv_cpl_due_.empty() || rd_count_ != 0 || wr_count_ != 0 || ats_count_ != 0 || !wdata_due_.empty() ||
               !mem_reads_.empty() || !mem_writes_.empty() || !mem_b_.empty() || !out_reads_.empty() ||
               !out_writes_.empty() || !out_b_.empty() || prog_busy_;
    }

    // Idle: the wrapper's idle port for a few cycles in a row (so status registered a cycle later
    // settles), or without it a quiet window with no VALID on any port; and nothing outstanding here.
    bool idle() const {
        if (harness_busy()) return false;
        return quiet_ >= (LS_IDLE_PORT ? kIdlePortCycles : quiet_window_);
    }

    void drive_idle_inputs() {
        top_->s_prog_awvalid = 0;
        top_->s_prog_wvalid = 0;
        top_->s_prog_arvalid = 0;
        top_->s_prog_bready = 0;
        top_->s_prog_rready = 0;
        top_->s_dev_awvalid = 0;
        top_->s_dev_wvalid = 0;
        top_->s_dev_arvalid = 0;
        top_->s_dev_bready = 1;
        top_->s_dev_rready = 1;
        top_->ats_req_valid = 0;
        top_->ats_cpl_ready = 1;
        top_->pr_req_valid = 0;
        top_->msg_ready = 1;
        top_->ats_inv_cpl_valid = 0;
        top_->m_mem_arready = 0;
        top_->m_mem_awready = 0;
        top_->m_mem_wready = 0;
        top_->m_mem_rvalid = 0;
        top_->m_mem_bvalid = 0;
        top_->m_out_arready = 0;
        top_->m_out_awready = 0;
        top_->m_out_wready = 0;
        top_->m_out_rvalid = 0;
        top_->m_out_bvalid = 0;
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

    // ------------------------------------------------------------ programming port (master)

    int32_t prog_access(bool write, int32_t offset, int32_t size, uint64_t wdata, uint64_t *rdata) {
        const uint64_t addr = static_cast<uint64_t>(LS_PROG_BASE) + static_cast<uint64_t>(offset);
        const unsigned lane = LS_PROG_DATA_WIDTH == 64 ? (offset & 4) : 0;
        prog_busy_ = true;
        bool addr_done = false, data_done = !write, resp = false;
        for (int budget = 0; budget < kRegisterBudget; budget++) {
            if (write) {
                top_->s_prog_awvalid = !addr_done;
                top_->s_prog_awaddr = addr;
                top_->s_prog_awprot = 0;
                top_->s_prog_awid = 0;
                top_->s_prog_awlen = 0;
                top_->s_prog_awsize = size == 8 ? 3 : 2;
                top_->s_prog_awburst = 1;
                top_->s_prog_wvalid = !data_done;
                top_->s_prog_wdata = size == 8 ? wdata : (wdata & 0xffffffffull) << (8 * lane);
                top_->s_prog_wstrb = size == 8 ? 0xff : (0xfu << lane);
                top_->s_prog_wlast = 1;
                top_->s_prog_bready = 1;
            } else {
                top_->s_prog_arvalid = !addr_done;
                top_->s_prog_araddr = addr;
                top_->s_prog_arprot = 0;
                top_->s_prog_arid = 0;
                top_->s_prog_arlen = 0;
                top_->s_prog_arsize = size == 8 ? 3 : 2;
                top_->s_prog_arburst = 1;
                top_->s_prog_rready = 1;
            }
            tick();
            if (prog_aw_fire_ || prog_ar_fire_) addr_done = true;
            if (prog_w_fire_) data_done = true;
            if (addr_done && data_done && (prog_b_fire_ || prog_r_fire_)) resp = true;
            if (resp) {
                top_->s_prog_awvalid = 0;
                top_->s_prog_wvalid = 0;
                top_->s_prog_arvalid = 0;
                top_->s_prog_bready = 0;
                top_->s_prog_rready = 0;
                prog_busy_ = false;
                if (rdata) {
                    uint64_t v = prog_rdata_;
                    *rdata = size == 8 ? v : (v >> (8 * lane)) & 0xffffffffull;
                }
                return LOCKSTEP_OK;
            }
        }
        top_->s_prog_awvalid = 0;
        top_->s_prog_wvalid = 0;
        top_->s_prog_arvalid = 0;
        prog_busy_ = false;
        error = std::string("programming port s_prog did not answer a ") + (write ? "write" : "read") +
                " of offset 0x" + hex(offset) + " within " + std::to_string(kRegisterBudget) + " cycles";
        return LOCKSTEP_EHANG;
    }

    // ------------------------------------------------------------ device requests (master)

    static bool is_ats(const TranslationRequest &r) { return r.ttyp == LOCKSTEP_TTYP_ATS; }
    static bool is_write(const TranslationRequest &r) {
        return r.ttyp == LOCKSTEP_TTYP_UNTRANSLATED_WRITE || r.ttyp == LOCKSTEP_TTYP_TRANSLATED_WRITE;
    }
    static uint32_t axi_id(uint32_t tag) { return tag & (kDevIds - 1); }

    // The oldest read on AR, the oldest write on AW (with its W beat), the oldest ATS translation request
    // on ats_req: each channel in submission order, each held until its handshake (a VALID once raised
    // stays: AMBA AXI4, "Handshake process"). AXI orders only the responses of one ID (AMBA AXI4, "Transaction
    // ordering"), so a request whose ID is outstanding in its direction waits for that ID's response: every
    // response then names one request.
    void drive_device_requests(bool in_reset) {
        top_->s_dev_awvalid = 0;
        top_->s_dev_wvalid = 0;
        top_->s_dev_arvalid = 0;
        top_->ats_req_valid = 0;
        w_for_head_ = false;
        if (in_reset) return;
        if (!dev_reads_.empty() && !rd_out_[axi_id(dev_reads_.front().tag)].active) {
            const TranslationRequest &r = dev_reads_.front();
            top_->s_dev_arvalid = 1;
            top_->s_dev_arid = axi_id(r.tag);
            top_->s_dev_araddr = r.iova;
            top_->s_dev_arlen = 0;
            top_->s_dev_arsize = 3;
            top_->s_dev_arburst = 1;
            top_->s_dev_arprot = prot(r);
            top_->s_dev_armmusid = r.device_id;
            top_->s_dev_armmussidv = r.process_valid;
            top_->s_dev_armmussid = r.process_id;
            top_->s_dev_armmuatst = translated(r);
        }
        bool aw_shown = false;
        if (!dev_writes_.empty() && !wr_out_[axi_id(dev_writes_.front().tag)].active) {
            const TranslationRequest &r = dev_writes_.front();
            aw_shown = true;
            top_->s_dev_awvalid = 1;
            top_->s_dev_awid = axi_id(r.tag);
            top_->s_dev_awaddr = r.iova;
            top_->s_dev_awlen = 0;
            top_->s_dev_awsize = 3;
            top_->s_dev_awburst = 1;
            top_->s_dev_awprot = prot(r);
            top_->s_dev_awmmusid = r.device_id;
            top_->s_dev_awmmussidv = r.process_valid;
            top_->s_dev_awmmussid = r.process_id;
            top_->s_dev_awmmuatst = translated(r);
        }
        // W beats go in the order of their AWs (AXI4 has no WID): the oldest accepted write whose beat is
        // still to go, else the beat of the write whose AW is shown, together with it.
        if (!wdata_due_.empty() || (aw_shown && !head_w_sent_)) {
            w_for_head_ = wdata_due_.empty();
            const uint16_t tag = w_for_head_ ? dev_writes_.front().tag : wdata_due_.front();
            top_->s_dev_wvalid = 1;
            top_->s_dev_wdata = kWriteToken | tag;
            top_->s_dev_wstrb = 0xff;
            top_->s_dev_wlast = 1;
        }
        if (!ats_requests_.empty()) {
            // ATS translation requests on the side channel (native signals); completed by ats_cpl_tag.
            const TranslationRequest &r = ats_requests_.front();
            top_->ats_req_valid = 1;
            top_->ats_req_tag = r.tag;
            top_->ats_req_did = r.device_id;
            top_->ats_req_pv = r.process_valid;
            top_->ats_req_pid = r.process_id;
            top_->ats_req_priv = (r.flags & LOCKSTEP_REQ_PRIV) != 0;
            top_->ats_req_nw = (r.flags & LOCKSTEP_REQ_NW) != 0;
            top_->ats_req_exe = (r.flags & LOCKSTEP_REQ_EXEC) != 0;
            top_->ats_req_iova = r.iova;
            top_->ats_req_cxl = (r.flags & LOCKSTEP_REQ_CXL) != 0;
        }
    }

    static bool translated(const TranslationRequest &r) {
        return r.ttyp >= LOCKSTEP_TTYP_TRANSLATED_EXEC && r.ttyp <= LOCKSTEP_TTYP_TRANSLATED_WRITE;
    }
    static uint8_t prot(const TranslationRequest &r) {
        const bool exec = r.ttyp == LOCKSTEP_TTYP_UNTRANSLATED_EXEC || r.ttyp == LOCKSTEP_TTYP_TRANSLATED_EXEC;
        return ((r.flags & LOCKSTEP_REQ_PRIV) ? 1 : 0) | (exec ? 4 : 0);
    }

    // The handshakes of the device channels this cycle (before the edge): acceptances first, so a request
    // accepted and answered in one cycle has its LOCKSTEP_EV_ACCEPT before its completion.
    void sample_device_requests() {
        if (top_->s_dev_arvalid && top_->s_dev_arready) {
            const TranslationRequest r = dev_reads_.front();
            dev_reads_.pop_front();
            accept(rd_out_[axi_id(r.tag)], r.tag, rd_count_, rd_accepts_);
        }
        if (top_->s_dev_wvalid && top_->s_dev_wready) {
            if (w_for_head_)
                head_w_sent_ = true;
            else
                wdata_due_.pop_front();
        }
        if (top_->s_dev_awvalid && top_->s_dev_awready) {
            const TranslationRequest r = dev_writes_.front();
            dev_writes_.pop_front();
            if (!head_w_sent_) wdata_due_.push_back(r.tag);
            head_w_sent_ = false;
            accept(wr_out_[axi_id(r.tag)], r.tag, wr_count_, wr_accepts_);
        }
        if (top_->ats_req_valid && top_->ats_req_ready) {
            const uint16_t tag = ats_requests_.front().tag;
            ats_requests_.pop_front();
            push_event(LOCKSTEP_EV_ACCEPT, tag, 0, 0);
            if (!ats_out_[tag]) ats_count_++;
            ats_out_[tag] = 1;
        }
        if (LS_CAUSE_PORT && top_->obs_cause_valid) causes_.push_back(static_cast<uint16_t>(top_->obs_cause & 0xfff));
        if (top_->s_dev_bvalid && top_->s_dev_bready) complete_device_request(true, top_->s_dev_bid, top_->s_dev_bresp, 0);
        if (top_->s_dev_rvalid && top_->s_dev_rready)
            complete_device_request(false, top_->s_dev_rid, top_->s_dev_rresp, top_->s_dev_rdata);
        if (top_->ats_cpl_valid && top_->ats_cpl_ready) sample_ats_completion();
    }

    // LOCKSTEP_EV_ACCEPT at the AR/AW handshake: the wrapper took the request from the device.
    void accept(Outstanding &o, uint16_t tag, int &count, uint64_t &accepts) {
        push_event(LOCKSTEP_EV_ACCEPT, tag, 0, 0);
        o.active = true;
        o.tag = tag;
        o.accepted = cycles_;
        o.ordinal = accepts++;
        o.first_alone = count == 0;
        count++;
    }

    // The oldest cause obs_cause pulsed and no error response took yet (0 without the port).
    uint64_t next_cause() {
        if (!LS_CAUSE_PORT || causes_.empty()) return 0;
        const uint64_t c = causes_.front();
        causes_.pop_front();
        return c;
    }

    // The response (R or B on s_dev) of the request outstanding on its ID is that request's completion:
    // OKAY with the PA the wrapper forwarded on m_out (matched as docs/axi-wrapper.md says), or an error
    // response (a fault; its cause from obs_cause when the wrapper has the port). A response on an ID with
    // nothing outstanding completes with that ID as its tag, so the checker reports it as a wrong completion.
    void complete_device_request(bool write, uint32_t id, uint8_t resp, uint64_t rdata) {
        const bool fault = resp != kOkay;
        const uint64_t cause = fault ? next_cause() : 0;
        Outstanding &o = (write ? wr_out_ : rd_out_)[axi_id(id)];
        uint64_t pa = 0;
        uint8_t pbmt = 0;
        uint16_t tag = static_cast<uint16_t>(id);
        if (o.active) {
            tag = o.tag;
            if (!fault) pa = write ? write_pa(o, &pbmt) : read_pa(o, rdata, &pbmt);
            o.active = false;
            int &count = write ? wr_count_ : rd_count_;
            // Nothing of this direction outstanding: no later request can be matched to a forward before it.
            if (--count == 0) (write ? out_aw_log_ : out_ar_log_).clear();
        } else if (!fault) {
            pa = write ? ~0ull : rdata;
        }
        const uint64_t pb = (!fault && LS_OUT_PBMT) ? pbmt : 0;
        const uint64_t w2 = tag | (static_cast<uint64_t>(fault ? 1 : 0) << 16) | (pb << 25) | (cause << 32);
        push_event(LOCKSTEP_EV_COMPLETION, w2, pa, 0);
    }

    bool alone(const Outstanding &o, uint64_t accepts) const { return o.first_alone && accepts == o.ordinal + 1; }

    // A read's PA: its R data, when that is the address of an m_out read accepted since the request's AR
    // (the memory behind m_out answers with the beat's address, and the wrapper passes the data through);
    // else, the request alone in flight, the first m_out read since its AR; else none (all ones).
    uint64_t read_pa(const Outstanding &o, uint64_t rdata, uint8_t *pbmt) {
        for (auto it = out_ar_log_.begin(); it != out_ar_log_.end(); ++it) {
            if (it->cycle >= o.accepted && it->addr == rdata) return claim(out_ar_log_, it, pbmt);
        }
        if (alone(o, rd_accepts_)) {
            for (auto it = out_ar_log_.begin(); it != out_ar_log_.end(); ++it)
                if (it->cycle >= o.accepted) return claim(out_ar_log_, it, pbmt);
        }
        return ~0ull;
    }

    // A write's PA: the address of the m_out write whose first W beat carried the request's token; else,
    // alone in flight, the first m_out write since its AW; else none (all ones).
    uint64_t write_pa(const Outstanding &o, uint8_t *pbmt) {
        for (auto it = out_aw_log_.begin(); it != out_aw_log_.end(); ++it) {
            if (it->cycle >= o.accepted && it->token == o.tag) return claim(out_aw_log_, it, pbmt);
        }
        if (alone(o, wr_accepts_)) {
            for (auto it = out_aw_log_.begin(); it != out_aw_log_.end(); ++it)
                if (it->cycle >= o.accepted) return claim(out_aw_log_, it, pbmt);
        }
        return ~0ull;
    }

    static uint64_t claim(std::deque<Forward> &log, std::deque<Forward>::iterator it, uint8_t *pbmt) {
        const uint64_t pa = it->addr;
        *pbmt = it->pbmt & 3;
        log.erase(it);
        return pa;
    }

    void sample_ats_completion() {
        const bool fault = (top_->ats_cpl_status & 3) != 0;
        const uint64_t cause = fault ? next_cause() : 0;
        const uint16_t tag = top_->ats_cpl_tag;
        uint64_t w2 = static_cast<uint64_t>(tag) | (static_cast<uint64_t>(top_->ats_cpl_status & 3) << 16) |
                      (static_cast<uint64_t>(top_->ats_cpl_r & 1) << 20) | (static_cast<uint64_t>(top_->ats_cpl_w & 1) << 21) |
                      (static_cast<uint64_t>(top_->ats_cpl_x & 1) << 22) | (static_cast<uint64_t>(top_->ats_cpl_u & 1) << 23) |
                      (static_cast<uint64_t>(top_->ats_cpl_g & 1) << 24) | (static_cast<uint64_t>(top_->ats_cpl_s & 1) << 27) |
                      (static_cast<uint64_t>(top_->ats_cpl_priv & 1) << 28) | (cause << 32);
        w2 |= static_cast<uint64_t>(top_->ats_cpl_cxl & 1) << 29;  // CXL.io (ABI 4)
        push_event(LOCKSTEP_EV_COMPLETION, w2, top_->ats_cpl_addr, 0);
        if (ats_out_[tag]) {
            ats_out_[tag] = 0;
            ats_count_--;
        }
    }

    // An outbound message; the device answers an Invalidation Request with an Invalidation Completion
    // inval_latency cycles later (every device completes), from the request's RID, for the ITAG the
    // request is numbered with: the n-th Invalidation Request since reset gets ITAG n mod 32 (the message
    // port carries no ITAG; ats_inv_cpl_valid is a pulse per completion, in order).
    void sample_message() {
        const uint64_t type = top_->msg_prgr ? LOCKSTEP_MSG_PAGE_REQUEST_GROUP_RESPONSE : LOCKSTEP_MSG_INVALIDATION_REQUEST;
        const uint64_t w2 = type | (static_cast<uint64_t>(top_->msg_pv & 1) << 2) |
                            (static_cast<uint64_t>(top_->msg_dsv & 1) << 3) |
                            (static_cast<uint64_t>(top_->msg_rid & 0xffff) << 16) |
                            (static_cast<uint64_t>(top_->msg_dseg & 0xff) << 32) |
                            (static_cast<uint64_t>(top_->msg_pid & 0xfffff) << 40);
        push_event(LOCKSTEP_EV_MESSAGE_OUT, w2, top_->msg_payload, 0);
        if (!top_->msg_prgr) {
            inv_cpl_due_.push_back(InvalidationCompletion{cycles_ + static_cast<uint64_t>(timing_.inval_latency),
                                                          static_cast<uint16_t>(top_->msg_rid & 0xffff),
                                                          static_cast<uint8_t>(inv_requests_ % kItags)});
            inv_requests_++;
        }
    }

    // ------------------------------------------------------------ memory slaves (m_mem, m_out)

    // What an IOMMU access to word `a` meets: 0 none, else the injected error kind.
    uint8_t error_at(uint64_t a) const {
        auto it = mem_errors_.find(a & ~7ull);
        return it == mem_errors_.end() ? 0 : it->second;
    }

    // An AR accepted on m_mem: every beat's data and response are taken now.
    void accept_mem_read(uint32_t id, uint64_t addr, uint8_t len, uint8_t size, uint8_t burst) {
        ReadBurst b{id, cycles_ + latency(), {}, {}, {}};
        for (int i = 0; i <= len; i++) {
            const uint64_t a = beat_address(addr, len, size, burst, i);
            const uint8_t e = error_at(a);
            const bool poison = e == LOCKSTEP_MEMERR_CORRUPT && LS_MEM_POISON;
            // Without a poison signal a corrupted word reads as an access fault (docs/axi-wrapper.md).
            const bool fail = e == LOCKSTEP_MEMERR_ACCESS || (e == LOCKSTEP_MEMERR_CORRUPT && !LS_MEM_POISON);
            b.data.push_back(fail ? 0 : memory_.load(a));
            b.resp.push_back(fail ? kSlverr : kOkay);
            b.poison.push_back(poison);
        }
        mem_reads_.push(b);
    }

    // One W beat on m_mem: strobed bytes are stored exactly (each beat one MEM_WRITE event), or the
    // AtomicLoad/Swap/Compare/Store operation of AWATOP applied.
    void accept_mem_write_beat(WriteBurst &w, uint64_t wdata, uint8_t wstrb) {
        const uint64_t a = beat_address(w.addr, w.len, w.size, w.burst, w.beats_done);
        const uint64_t word = a & ~7ull;
        const uint8_t strobe = wstrb & 0xff;
        w.beats_done++;
        if (w.atop == 0x31 && w.len == 1) {
            // AtomicCompare of doublewords: 16 bytes out, the compare value at AWADDR (the first beat,
            // INCR or WRAP) and the swap value in the other half (AMBA AXI5, "Atomic transactions"); the
            // doubleword at AWADDR takes the swap value if it equals the compare value, and its old value
            // goes back on R. Reported like the native port's compare and swap: an AMO when it changed.
            const uint64_t target = w.addr & ~7ull;
            if (w.beats_done == 1) {
                w.compare = wdata;
                return;
            }
            if (error_at(target) != 0) {
                w.error = true;
                return;
            }
            const uint64_t m = strobe_mask(strobe);
            const uint64_t old = memory_.load(target);
            w.old_value = old;
            if ((old & m) == (w.compare & m)) {
                const uint64_t v = (old & ~m) | (wdata & m);
                memory_.store(target, v);
                if (v != old) push_event(LOCKSTEP_EV_MEM_WRITE, target, v, strobe | (2u << 8));
            }
            return;
        }
        if (error_at(a) != 0) {
            w.error = true;
            return;
        }
        const uint64_t m = strobe_mask(strobe);
        const uint64_t old = memory_.load(word);
        if (w.atop == 0) {
            const uint64_t v = (old & ~m) | (wdata & m);
            memory_.store(word, v);
            if (strobe != 0) push_event(LOCKSTEP_EV_MEM_WRITE, word, v, strobe | (1u << 8));
            return;
        }
        if (w.beats_done == 1) w.old_value = old;
        const unsigned type = (w.atop >> 4) & 3;  // 1 AtomicStore, 2 AtomicLoad, 3 Swap/Compare
        const unsigned op = w.atop & 7;
        uint64_t v = old;
        const int lo = __builtin_ctz(strobe ? strobe : 1) * 8;
        const int bits = __builtin_popcount(strobe) * 8;
        auto field = [&](uint64_t x) { return bits >= 64 ? x : (x >> lo) & ((1ull << bits) - 1); };
        auto sext = [&](uint64_t x) { return bits >= 64 ? static_cast<int64_t>(x) : static_cast<int64_t>(x << (64 - bits)) >> (64 - bits); };
        const uint64_t o = field(old), d = field(wdata);
        uint64_t r = o;
        if (type == 1 || type == 2) {
            switch (op) {
                case 0: r = o + d; break;                                         // ADD
                case 1: r = o & ~d; break;                                        // CLR
                case 2: r = o ^ d; break;                                         // EOR
                case 3: r = o | d; break;                                         // SET
                case 4: r = sext(o) > sext(d) ? o : d; break;                     // SMAX
                case 5: r = sext(o) < sext(d) ? o : d; break;                     // SMIN
                case 6: r = o > d ? o : d; break;                                 // UMAX
                default: r = o < d ? o : d; break;                                // UMIN
            }
        } else if (w.atop == 0x30) {
            r = d;  // AtomicSwap
        }
        v = (old & ~m) | ((r << lo) & m);
        memory_.store(word, v);
        // An AtomicLoad SET is the A/D update (an AMO OR); any other atomic is reported as a write.
        const unsigned kind = (type == 2 && op == 3) ? 2u : 1u;
        if (v != old || kind == 1) push_event(LOCKSTEP_EV_MEM_WRITE, word, v, strobe | (kind << 8));
    }

    void drive_slaves() {
        // m_mem: ready with backpressure; R and B from the due heads of their IDs.
        top_->m_mem_arready = !stall();
        top_->m_mem_awready = !stall();
        top_->m_mem_wready = !mem_writes_.empty() && !stall();
        drive_reads(mem_reads_, mem_active_read_, true);
        drive_b(mem_b_, mem_b_id_, true);
        // m_out: the memory behind the translated output; it answers OKAY with the PA as read data.
        top_->m_out_arready = !stall();
        top_->m_out_awready = !stall();
        top_->m_out_wready = !out_writes_.empty() && !stall();
        drive_reads(out_reads_, out_active_read_, false);
        drive_b(out_b_, out_b_id_, false);
    }

    // AXI: a VALID once raised stays until its handshake, so a stall only delays a beat not yet shown.
    void drive_reads(PerId<ReadBurst> &q, int64_t &active, bool mem) {
        bool &shown = mem ? mem_r_shown_ : out_r_shown_;
        if (active < 0 && !stall()) active = q.pick(cycles_, rng_);
        const bool valid = active >= 0 && (shown || !stall());
        shown = valid;
        if (valid) {
            ReadBurst &b = q.front(static_cast<uint32_t>(active));
            if (mem) {
                top_->m_mem_rvalid = 1;
                top_->m_mem_rid = b.id;
                top_->m_mem_rdata = b.data[b.next];
                top_->m_mem_rresp = b.resp[b.next];
                top_->m_mem_rlast = b.next + 1 == b.data.size();
                top_->m_mem_rpoison = b.poison[b.next];
            } else {
                top_->m_out_rvalid = 1;
                top_->m_out_rid = b.id;
                top_->m_out_rdata = b.data[b.next];
                top_->m_out_rresp = kOkay;
                top_->m_out_rlast = b.next + 1 == b.data.size();
            }
        } else if (mem) {
            top_->m_mem_rvalid = 0;
        } else {
            top_->m_out_rvalid = 0;
        }
    }

    void drive_b(PerId<Response> &q, int64_t &chosen, bool mem) {
        bool &shown = mem ? mem_b_shown_ : out_b_shown_;
        if (!shown) chosen = stall() ? -1 : q.pick(cycles_, rng_);
        shown = chosen >= 0;
        if (mem) {
            top_->m_mem_bvalid = chosen >= 0;
            if (chosen >= 0) {
                top_->m_mem_bid = q.front(static_cast<uint32_t>(chosen)).id;
                top_->m_mem_bresp = q.front(static_cast<uint32_t>(chosen)).resp;
            }
        } else {
            top_->m_out_bvalid = chosen >= 0;
            if (chosen >= 0) {
                top_->m_out_bid = q.front(static_cast<uint32_t>(chosen)).id;
                top_->m_out_bresp = kOkay;
            }
        }
    }

    // After the rising edge's inputs are sampled: the handshakes of this cycle on both slaves.
    // After the rising edge's inputs are sampled: this cycle's handshakes on m_mem.
    void sample_mem() {
        if (top_->m_mem_rvalid && top_->m_mem_rready) {
            advance_read(mem_reads_, mem_active_read_);
            mem_r_shown_ = false;
        }
        if (top_->m_mem_bvalid && top_->m_mem_bready && mem_b_id_ >= 0) {
            mem_b_.pop(static_cast<uint32_t>(mem_b_id_));
            mem_b_shown_ = false;
            mem_b_id_ = -1;
        }
        // W before AW in this order: a W beat is accepted only for an AW accepted in an earlier cycle.
        if (top_->m_mem_wvalid && top_->m_mem_wready && !mem_writes_.empty()) {
            WriteBurst &w = mem_writes_.front();
            accept_mem_write_beat(w, top_->m_mem_wdata, top_->m_mem_wstrb);
            if (top_->m_mem_wlast || w.beats_done > w.len) finish_mem_write(w);
        }
        if (top_->m_mem_arvalid && top_->m_mem_arready)
            accept_mem_read(top_->m_mem_arid, top_->m_mem_araddr, top_->m_mem_arlen, top_->m_mem_arsize,
                            top_->m_mem_arburst);
        if (top_->m_mem_awvalid && top_->m_mem_awready) {
            WriteBurst w{static_cast<uint32_t>(top_->m_mem_awid), top_->m_mem_awaddr, static_cast<uint8_t>(top_->m_mem_awlen),
                         static_cast<uint8_t>(top_->m_mem_awsize), static_cast<uint8_t>(top_->m_mem_awburst),
                         static_cast<uint8_t>(LS_MEM_ATOP ? top_->m_mem_awatop : 0)};
            mem_writes_.push_back(w);
        }
    }

    // This cycle's handshakes on m_out, before the device responses of the same cycle are matched: each
    // forwarded AR and AW is noted (address, PBMT, cycle) and so is the token a write's first W beat carries.
    void sample_out() {
        if (top_->m_out_rvalid && top_->m_out_rready) {
            advance_read(out_reads_, out_active_read_);
            out_r_shown_ = false;
        }
        if (top_->m_out_bvalid && top_->m_out_bready && out_b_id_ >= 0) {
            out_b_.pop(static_cast<uint32_t>(out_b_id_));
            out_b_shown_ = false;
            out_b_id_ = -1;
        }
        if (top_->m_out_wvalid && top_->m_out_wready && !out_writes_.empty()) {
            WriteBurst &w = out_writes_.front();
            // AXI4 has no WID: the beats follow the AWs' order, so this is the first beat of the oldest AW's burst.
            if (w.beats_done == 0 && (top_->m_out_wdata & kTokenMask) == kWriteToken) {
                for (Forward &f : out_aw_log_)
                    if (f.seq == w.seq) f.token = static_cast<int32_t>(top_->m_out_wdata & 0xffff);
            }
            w.beats_done++;
            if (top_->m_out_wlast || w.beats_done > w.len) {
                out_b_.push(Response{w.id, cycles_ + latency(), kOkay});
                out_writes_.pop_front();
            }
        }
        if (top_->m_out_arvalid && top_->m_out_arready) {
            out_ar_log_.push_back(Forward{forward_seq_++, top_->m_out_araddr, static_cast<uint8_t>(top_->m_out_arpbmt & 3), cycles_});
            ReadBurst b{static_cast<uint32_t>(top_->m_out_arid), cycles_ + latency(), {}, {}, {}};
            for (int i = 0; i <= top_->m_out_arlen; i++) {
                b.data.push_back(beat_address(top_->m_out_araddr, top_->m_out_arlen, top_->m_out_arsize,
                                              top_->m_out_arburst, i));
                b.resp.push_back(kOkay);
                b.poison.push_back(0);
            }
            out_reads_.push(b);
        }
        if (top_->m_out_awvalid && top_->m_out_awready) {
            const uint64_t seq = forward_seq_++;
            out_aw_log_.push_back(Forward{seq, top_->m_out_awaddr, static_cast<uint8_t>(top_->m_out_awpbmt & 3), cycles_});
            WriteBurst w{static_cast<uint32_t>(top_->m_out_awid), top_->m_out_awaddr,
                         static_cast<uint8_t>(top_->m_out_awlen), 3, 1, 0};
            w.seq = seq;
            out_writes_.push_back(w);
        }
    }

    void finish_mem_write(WriteBurst &w) {
        const uint8_t resp = w.error ? kSlverr : kOkay;
        mem_b_.push(Response{w.id, cycles_ + latency(), resp});
        // AtomicLoad, Swap and Compare also return the old value on R, with the AW's ID.
        const unsigned type = (w.atop >> 4) & 3;
        if (w.atop != 0 && type != 1) {
            ReadBurst b{w.id, cycles_ + latency(), {w.error ? 0 : w.old_value}, {resp}, {0}};
            mem_reads_.push(b);
        }
        mem_writes_.pop_front();
    }

    void advance_read(PerId<ReadBurst> &q, int64_t &active) {
        if (active < 0) return;
        ReadBurst &b = q.front(static_cast<uint32_t>(active));
        if (++b.next == b.data.size()) {
            q.pop(static_cast<uint32_t>(active));
            active = -1;
        }
    }

    // ------------------------------------------------------------ the clock

    void tick() {
        const bool in_reset = !top_->rst_n;
        drive_device_requests(in_reset);
        if (!in_reset && !page_requests_.empty()) {
            const PageRequest &p = page_requests_.front();
            top_->pr_req_valid = 1;
            top_->pr_req_did = p.device_id;
            top_->pr_req_pv = p.process_valid;
            top_->pr_req_pid = p.process_id;
            top_->pr_req_priv = (p.flags & LOCKSTEP_REQ_PRIV) != 0;
            top_->pr_req_exec = (p.flags & LOCKSTEP_REQ_EXEC) != 0;
            top_->pr_req_payload = p.payload;
            top_->pr_req_dsv = (p.flags & LOCKSTEP_REQ_DSV) != 0;
        } else {
            top_->pr_req_valid = 0;
        }
        if (in_reset) {
            drive_idle_inputs();
        } else {
            drive_slaves();
        }
        // Invalidation Completions from the devices, one per cycle, each once it is due.
        const bool inv_cpl = !in_reset && !inv_cpl_due_.empty() && inv_cpl_due_.front().due <= cycles_;
        top_->ats_inv_cpl_valid = inv_cpl;
        top_->clk = 0;
        top_->eval();
        waves_->low(cycles_);

        prog_aw_fire_ = top_->s_prog_awvalid && top_->s_prog_awready;
        prog_w_fire_ = top_->s_prog_wvalid && top_->s_prog_wready;
        prog_ar_fire_ = top_->s_prog_arvalid && top_->s_prog_arready;
        prog_b_fire_ = top_->s_prog_bvalid && top_->s_prog_bready;
        prog_r_fire_ = top_->s_prog_rvalid && top_->s_prog_rready;
        prog_rdata_ = top_->s_prog_rdata;
        bool any_valid = false;
        if (!in_reset) {
            sample_out();
            sample_device_requests();
            if (top_->pr_req_valid && top_->pr_req_ready) page_requests_.pop_front();
            if (top_->msg_valid && top_->msg_ready) sample_message();
            if (inv_cpl) {
                // The edge that delivers it (lockstep_dut.h, LOCKSTEP_EV_INVAL_COMPLETION): one completion
                // for one ITAG, Completion Count 1.
                const InvalidationCompletion &ic = inv_cpl_due_.front();
                push_event(LOCKSTEP_EV_INVAL_COMPLETION, ic.rid, 1ull << ic.itag, 1);
            }
            sample_mem();
            any_valid = top_->m_mem_arvalid || top_->m_mem_awvalid || top_->m_mem_wvalid || top_->m_out_arvalid ||
                        top_->m_out_awvalid || top_->m_out_wvalid || top_->s_dev_rvalid || top_->s_dev_bvalid ||
                        top_->ats_cpl_valid || top_->msg_valid || top_->s_prog_rvalid || top_->s_prog_bvalid;
        }
        top_->clk = 1;
        top_->eval();
        waves_->high(cycles_);
        top_->clk = 0;
        top_->eval();
        cycles_++;
        if (inv_cpl) inv_cpl_due_.pop_front();

        if (LS_IDLE_PORT)
            quiet_ = top_->idle ? quiet_ + 1 : 0;
        else
            quiet_ = any_valid ? 0 : quiet_ + 1;
        const uint32_t irq = top_->irq & irq_mask();
        if (!in_reset && irq != irq_prev_) {
            for (int i = 0; i < LS_IRQ_WIDTH; i++) {
                if (((irq ^ irq_prev_) >> i) & 1) push_event(LOCKSTEP_EV_IRQ, i, (irq >> i) & 1, 0);
            }
        }
        irq_prev_ = irq;
        // Levels sampled after the edge, each change with the first cycle it is seen in (lockstep_dut.h,
        // "Ordering"); reset is not watched, so its return to 0 is no event.
        if (!in_reset) {
            if (LS_CQH_PORT) watch(LOCKSTEP_EV_CQ_HEAD, 0, top_->cqh, cqh_prev_);
            if (LS_FQT_PORT) watch(LOCKSTEP_EV_QUEUE_TAIL, LOCKSTEP_QUEUE_FAULT, top_->fqt, fqt_prev_);
            if (LS_PQT_PORT) watch(LOCKSTEP_EV_QUEUE_TAIL, LOCKSTEP_QUEUE_PAGE_REQUEST, top_->pqt, pqt_prev_);
        }
    }

    // CQ_HEAD carries the new cqh in w[2]; QUEUE_TAIL the queue in w[2] and the new tail in w[3].
    void watch(uint64_t kind, uint64_t queue, uint32_t value, uint32_t &prev) {
        if (value != prev) {
            if (kind == LOCKSTEP_EV_CQ_HEAD)
                push_event(kind, value, 0, 0);
            else
                push_event(kind, queue, value, 0);
        }
        prev = value;
    }

    Timing timing_;
    uint64_t seed_;
    int quiet_window_;
    Rng rng_;
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vlockstep_axi_shim> top_;
    std::unique_ptr<Waves<Vlockstep_axi_shim>> waves_;  // after top_: the dump closes before the model goes
    MemoryImage memory_;
    std::unordered_map<uint64_t, uint8_t> mem_errors_;
    // Submitted requests not yet taken, per channel, in submission order.
    std::deque<TranslationRequest> dev_reads_, dev_writes_, ats_requests_;
    std::deque<PageRequest> page_requests_;
    std::deque<InvalidationCompletion> inv_cpl_due_;  // the devices' Invalidation Completions still to come, in order
    uint64_t inv_requests_ = 0;                       // Invalidation Requests sent since reset (their ITAGs)
    std::deque<Event> events_;
    // Device requests the wrapper took, by AXI ID (one per ID and direction), and ATS requests by tag.
    std::vector<Outstanding> rd_out_, wr_out_;
    std::vector<uint8_t> ats_out_;
    int rd_count_ = 0, wr_count_ = 0, ats_count_ = 0;
    uint64_t rd_accepts_ = 0, wr_accepts_ = 0;  // since reset, for the "alone in flight" rule
    std::deque<uint16_t> wdata_due_;  // tags of writes whose AW went and whose W beat did not, in AW order
    bool head_w_sent_ = false;        // the W beat of the write whose AW is shown went first
    bool w_for_head_ = false;         // this cycle's W beat is that write's
    std::deque<Forward> out_ar_log_, out_aw_log_;  // forwards not matched to a completion yet
    uint64_t forward_seq_ = 0;
    std::deque<uint16_t> causes_;  // obs_cause pulses not taken by an error response yet
    PerId<ReadBurst> mem_reads_, out_reads_;
    std::deque<WriteBurst> mem_writes_, out_writes_;
    PerId<Response> mem_b_, out_b_;
    int64_t mem_active_read_ = -1, out_active_read_ = -1, mem_b_id_ = -1, out_b_id_ = -1;
    bool mem_r_shown_ = false, out_r_shown_ = false, mem_b_shown_ = false, out_b_shown_ = false;
    uint64_t cycles_ = 0;
    uint32_t irq_prev_ = 0;
    uint32_t cqh_prev_ = 0, fqt_prev_ = 0, pqt_prev_ = 0;
    int quiet_ = 0;
    bool prog_busy_ = false;
    bool prog_aw_fire_ = false, prog_w_fire_ = false, prog_ar_fire_ = false, prog_b_fire_ = false,
         prog_r_fire_ = false;
    uint64_t prog_rdata_ = 0;
};

thread_local Dut *t_current = nullptr;
thread_local std::string t_open_error;

Dut *dut_of(int64_t h) { return reinterpret_cast<Dut *>(h); }

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

// The integer value of `key` in a "k=v;k=v" config, `dflt` when absent; false when malformed.
bool parse_int(const std::string &config, const char *key, long long dflt, long long *out) {
    const std::string k = std::string(key) + "=";
    size_t p = 0;
    *out = dflt;
    while ((p = config.find(k, p)) != std::string::npos) {
        if (p == 0 || config[p - 1] == ';') {
            const char *s = config.c_str() + p + k.size();
            char *end = nullptr;
            *out = std::strtoll(s, &end, 0);
            return end != s && (*end == 0 || *end == ';');
        }
        p += k.size();
    }
    return true;
}

std::string printed_tail() {
    if (!t_current || t_current->message.empty()) return "";
    std::string m = t_current->message;
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    if (m.size() > 600) m = "..." + m.substr(m.size() - 600);
    return " -- RTL printed: " + m;
}

}  // namespace

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

// ABI 7: several device requests outstanding, each acceptance and Invalidation Completion reported, and
// cqh, fqt and pqt moves from the observation ports a wrapper declares (without a port, none of its events:
// the build id's axi: part says which, and the checks that need them do not apply).
int32_t lockstep_abi_version(void) { return LOCKSTEP_ABI_VERSION; }

const char *lockstep_build_id(void) { return LOCKSTEP_BUILD_ID; }

// Settings: axi_seed (bus timing), mem_latency_min/mem_latency_max (cycles), stall_percent
// (backpressure), quiet_cycles (the idle rule without an idle port), inval_latency (cycles from an
// Invalidation Request to its Invalidation Completion).
int64_t lockstep_open(const char *config) {
    const std::string cfg = config ? config : "";
    // Every key must be one of these (a mistyped one is refused, never ignored).
    static const char *const kKeys[] = {"axi_seed",     "mem_latency_min", "mem_latency_max",
                                        "stall_percent", "quiet_cycles",    "inval_latency"};
    for (size_t p = 0; p < cfg.size();) {
        size_t end = cfg.find(';', p);
        if (end == std::string::npos) end = cfg.size();
        const std::string item = cfg.substr(p, end - p);
        p = end + 1;
        if (item.empty()) continue;
        const std::string key = item.substr(0, item.find('='));
        bool known = false;
        for (const char *k : kKeys) known = known || key == k;
        if (!known) {
            t_open_error = "unknown setting '" + key + "' (known: axi_seed, mem_latency_min, mem_latency_max, "
                           "stall_percent, quiet_cycles, inval_latency)";
            return 0;
        }
    }
    long long seed, lmin, lmax, stall, quiet, inval;
    Timing t;
    if (!parse_int(cfg, "axi_seed", 1, &seed) || !parse_int(cfg, "mem_latency_min", t.latency_min, &lmin) ||
        !parse_int(cfg, "mem_latency_max", t.latency_max, &lmax) ||
        !parse_int(cfg, "stall_percent", t.stall_percent, &stall) || !parse_int(cfg, "quiet_cycles", 64, &quiet) ||
        !parse_int(cfg, "inval_latency", t.inval_latency, &inval)) {
        t_open_error = "malformed setting in '" + cfg + "' (expected key=integer;...)";
        return 0;
    }
    if (lmin < 1 || lmax < lmin || lmax > 1000) {
        t_open_error = "mem_latency_min/mem_latency_max must satisfy 1 <= min <= max <= 1000";
        return 0;
    }
    if (stall < 0 || stall > 90) {
        t_open_error = "stall_percent must be 0..90";
        return 0;
    }
    if (quiet < 2 || quiet > 100000) {
        t_open_error = "quiet_cycles must be 2..100000";
        return 0;
    }
    if (inval < 1 || inval > 1000) {
        t_open_error = "inval_latency must be 1..1000";
        return 0;
    }
    t.latency_min = static_cast<int>(lmin);
    t.latency_max = static_cast<int>(lmax);
    t.stall_percent = static_cast<int>(stall);
    t.inval_latency = static_cast<int>(inval);
    try {
        Dut *d = new Dut(t, static_cast<uint64_t>(seed), static_cast<int>(quiet));
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
    if (!LS_MUTANT_PORT && mutant != 0) return LOCKSTEP_EARG;  // up to four planted-bug ids, one per byte
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
    const bool translated = ttyp >= LOCKSTEP_TTYP_TRANSLATED_EXEC && ttyp <= LOCKSTEP_TTYP_TRANSLATED_WRITE;
    const bool untranslated = ttyp >= LOCKSTEP_TTYP_UNTRANSLATED_EXEC && ttyp <= LOCKSTEP_TTYP_UNTRANSLATED_WRITE;
    return guarded(h, [&](Dut *d) {
        // A request the wrapper's interface cannot carry is refused, never sent as something else.
        if (!(untranslated || (translated && LS_TRANSLATED) || (ttyp == LOCKSTEP_TTYP_ATS && LS_ATS))) {
            d->error = "request type " + std::to_string(ttyp) + " cannot be expressed on this wrapper's interface "
                       "(its declaration file has no " + (translated ? "s_dev.translated" : ttyp == 8 ? "ats" : "such request") + ")";
            return LOCKSTEP_EARG;
        }
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
        if (!LS_PAGE_REQUESTS) {
            d->error = "this wrapper declares no page_requests port";
            return LOCKSTEP_EARG;
        }
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
