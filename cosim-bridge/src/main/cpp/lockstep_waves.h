// lockstep_waves.h: the waveform dump both harnesses share (lockstep_trace, lockstep_trace_marker).
//
// Format: the library writes the one format its model was Verilated for: VCD (verilator --trace) or,
// compiled with -DLOCKSTEP_TRACE_FST, FST (--trace-fst); Verilator 5.006 builds a model for one of them.
// Time: cycle N since the seed's reset spans [N ns, N+1 ns): the inputs and outputs the harness samples
// in cycle N are shown from N ns (clk low), the clock rises at N.5 ns and the state after that edge is
// shown from there. So an event or a divergence reported at cycle N is at N ns in GTKWave.
// Scope: a second, tiny model (lockstep_scope.sv) traced into the same file as `lockstep`, holding
// action_index, divergences and divergence; the harness drives it only when Java marks an action
// boundary while tracing (lockstep_trace_marker), so nothing of it runs when no waveform is written.
#ifndef LOCKSTEP_WAVES_H
#define LOCKSTEP_WAVES_H

#include <cstdint>
#include <memory>
#include <string>

#include "Vlockstep_scope.h"
#include "verilated.h"
#ifdef LOCKSTEP_TRACE_FST
#include "verilated_fst_c.h"
#else
#include "verilated_vcd_c.h"
#endif

namespace lockstep_harness {

template <class Model>
class Waves {
public:
#ifdef LOCKSTEP_TRACE_FST
    using Writer = VerilatedFstC;
    static constexpr const char *kFormat = "FST";
#else
    using Writer = VerilatedVcdC;
    static constexpr const char *kFormat = "VCD";
#endif

    explicit Waves(VerilatedContext *ctx) : scope_(new Vlockstep_scope(ctx, "lockstep")) { scope_->eval(); }
    ~Waves() {
        if (writer_) writer_->close();
    }

    // The cycle count right after a reset: waveform time counts from the last reset before a dump starts.
    void reset_done(uint64_t cycles) {
        if (!writer_) base_ = cycles;
    }

    // Starts a dump of `top` (and the scope) to `path`, in the format its name asks for (.fst: FST,
    // anything else: VCD). Returns "" or why not.
    std::string start(Model *top, const char *path, uint64_t now) {
        stop(now);
        const std::string p = path ? path : "";
        if (p.empty()) return "";
        const bool fst = p.size() >= 4 && lower(p.substr(p.size() - 4)) == ".fst";
        if (fst != (std::string(kFormat) == "FST")) {
            return std::string("this DUT library writes ") + kFormat + " waveforms only (its model was Verilated with " +
                   (fst ? "--trace" : "--trace-fst") + "); " + (fst ? "FST" : "VCD") + " was asked for: " + p;
        }
        writer_.reset(new Writer);
        top->trace(writer_.get(), 99);
        scope_->trace(writer_.get(), 99);
        writer_->set_time_unit("100ps");
        writer_->set_time_resolution("100ps");
        writer_->open(p.c_str());
        if (!writer_->isOpen()) {
            writer_.reset();
            return "cannot open waveform file " + p;
        }
        dumped_ = false;
        return "";
    }

    // Ends the dump; what the scope was last set to is written at the current cycle first, so a
    // divergence marked after the last clock edge is still in the file.
    void stop(uint64_t now) {
        if (!writer_) return;
        if (marked_) dump(time(now));
        writer_->close();
        writer_.reset();
        marked_ = false;
    }

    // The scope's values from the current cycle on (shown from its first dump).
    void mark(int32_t action_index, int32_t divergences) {
        if (!writer_) return;
        scope_->action_index = static_cast<uint32_t>(action_index);
        scope_->divergences = static_cast<uint16_t>(divergences < 0 ? 0 : divergences > 0xffff ? 0xffff : divergences);
        scope_->eval();
        marked_ = true;
    }

    // Cycle `cycle`, clock low: what the harness drove and sampled for the coming edge.
    void low(uint64_t cycle) {
        if (writer_) dump(time(cycle));
    }
    // Cycle `cycle`, after its rising edge.
    void high(uint64_t cycle) {
        if (writer_) dump(time(cycle) + 5);
    }

private:
    uint64_t time(uint64_t cycle) const { return (cycle - base_) * 10; }  // in 100 ps: cycle N at N ns

    void dump(uint64_t t) {
        if (dumped_ && t <= last_) return;  // nothing new since the last dump
        writer_->dump(t);
        dumped_ = true;
        last_ = t;
        marked_ = false;
    }

    static std::string lower(std::string s) {
        for (char &c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        return s;
    }

    std::unique_ptr<Vlockstep_scope> scope_;
    std::unique_ptr<Writer> writer_;
    uint64_t base_ = 0;
    uint64_t last_ = 0;
    bool dumped_ = false;
    bool marked_ = false;
};

}  // namespace lockstep_harness

#endif  // LOCKSTEP_WAVES_H
