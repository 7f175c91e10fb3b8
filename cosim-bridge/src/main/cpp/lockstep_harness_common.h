/*
 * lockstep_harness_common.h: what every harness behind lockstep_dut.h shares (the native Verilator
 * harness and the generic AXI harness): the queued requests, event records, the RTL-error exception
 * and the DUT's sparse memory image with the byte copies of lockstep_mem_write/lockstep_mem_read.
 */
#ifndef LOCKSTEP_HARNESS_COMMON_H
#define LOCKSTEP_HARNESS_COMMON_H

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockstep_dut.h"

namespace lockstep_harness {

// Thrown by the Verilator hooks ($fatal, $stop, internal fatal errors) and caught at the API
// boundary, so an RTL error unwinds out of eval() instead of aborting the process.
struct RtlFatal {
    std::string message;
};

struct TranslationRequest {
    uint16_t tag;
    uint32_t device_id;
    bool process_valid;
    uint32_t process_id;
    uint64_t iova;
    uint8_t ttyp;
    uint32_t flags;
};

struct PageRequest {
    uint32_t device_id;
    bool process_valid;
    uint32_t process_id;
    uint32_t flags;
    uint64_t payload;
};

struct Event {
    uint64_t w[LOCKSTEP_EVENT_WORDS];
};

/** The byte mask of an 8-bit write strobe. */
inline uint64_t strobe_mask(uint8_t strobe) {
    uint64_t m = 0;
    for (int i = 0; i < 8; i++)
        if (strobe & (1u << i)) m |= 0xffull << (8 * i);
    return m;
}

// Sparse memory image: 4 KiB pages of 8-byte words, created on first write.
class MemoryImage {
public:
    uint64_t load(uint64_t addr) const {
        auto it = pages_.find(addr >> 12);
        return it == pages_.end() ? 0 : it->second[(addr >> 3) & 511];
    }
    void store(uint64_t addr, uint64_t value) {
        auto &page = pages_[addr >> 12];
        if (page.empty()) page.assign(512, 0);
        page[(addr >> 3) & 511] = value;
    }
    void clear() { pages_.clear(); }

    /** The words of page number {@code pn}, or null if it was never written. */
    const std::vector<uint64_t> *page(uint64_t pn) const {
        auto it = pages_.find(pn);
        return it == pages_.end() ? nullptr : &it->second;
    }

    /** Software's store of len bytes at any alignment: word by word, one lookup per 8 bytes. */
    void write_bytes(uint64_t addr, const uint8_t *data, int32_t len) {
        for (int32_t i = 0; i < len;) {
            const uint64_t a = addr + i;
            const uint64_t word = a & ~7ull;
            uint64_t w = load(word);
            for (int b = static_cast<int>(a & 7); b < 8 && i < len; b++, i++) {
                w = (w & ~(0xffull << (8 * b))) | (static_cast<uint64_t>(data[i]) << (8 * b));
            }
            store(word, w);
        }
    }

    /** len bytes from addr: page by page, one lookup per page (the end-of-seed checks read whole pages). */
    void read_bytes(uint64_t addr, uint8_t *data, int32_t len) const {
        for (int32_t i = 0; i < len;) {
            const uint64_t a = addr + i;
            const std::vector<uint64_t> *words = page(a >> 12);
            const int32_t end = i + static_cast<int32_t>(std::min<uint64_t>(len - i, 4096 - (a & 4095)));
            for (uint64_t b = a; i < end; b++, i++) {
                const uint64_t w = words ? (*words)[(b >> 3) & 511] : 0;
                data[i] = static_cast<uint8_t>(w >> (8 * (b & 7)));
            }
        }
    }

private:
    std::unordered_map<uint64_t, std::vector<uint64_t>> pages_;
};

}  // namespace lockstep_harness

#endif /* LOCKSTEP_HARNESS_COMMON_H */
