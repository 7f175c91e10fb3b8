/*
 * A deliberately faulty DUT library for the failure-handling tests: a register file of one ddtp-like
 * register whose misbehaviour is chosen by the open() config string:
 *   crash_on_write=1   a register write dereferences a null pointer (SIGSEGV)
 *   hang_on_write=1    a register write never returns
 *   abort_on_reset=1   reset calls abort()
 * Built with -DOMIT_RUN it lacks lockstep_run, to test the missing-symbol message; with -DABI4 it is an
 * ABI 4 library (no lockstep_trace_marker), which Lockstep still drives.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lockstep_dut.h"

static int crash_on_write, hang_on_write, abort_on_reset;
static int64_t regs[512];
static int64_t cycles;

#ifdef ABI4
int32_t lockstep_abi_version(void) { return 4; }
#else
int32_t lockstep_abi_version(void) { return LOCKSTEP_ABI_VERSION; }
int32_t lockstep_trace_marker(int64_t h, int32_t a, int32_t d) { (void)h; (void)a; (void)d; return 0; }
#endif
const char *lockstep_build_id(void) { return "faulty_dut"; }
int64_t lockstep_open(const char *config) {
    crash_on_write = strstr(config, "crash_on_write=1") != NULL;
    hang_on_write = strstr(config, "hang_on_write=1") != NULL;
    abort_on_reset = strstr(config, "abort_on_reset=1") != NULL;
    return 1;
}
void lockstep_close(int64_t h) { (void)h; }
const char *lockstep_last_error(int64_t h) { (void)h; return "faulty_dut error"; }
const char *lockstep_last_message(int64_t h) { (void)h; return ""; }
int32_t lockstep_reset(int64_t h, int32_t mutant) {
    (void)h; (void)mutant;
    if (abort_on_reset) abort();
    memset(regs, 0, sizeof regs);
    regs[0] = 0x1f817460610LL;
    regs[1] = 2; /* fctl.WSI */
    return 0;
}
int32_t lockstep_mmio_read(int64_t h, int32_t offset, int32_t size, int64_t *value) {
    (void)h;
    int64_t v = regs[offset / 8];
    if (size == 4) v = (offset & 4) ? (int64_t)((uint64_t)v >> 32) : (v & 0xffffffffLL);
    *value = v;
    cycles += 2;
    return 0;
}
int32_t lockstep_mmio_write(int64_t h, int32_t offset, int32_t size, int64_t value) {
    (void)h; (void)size;
    if (crash_on_write) {
        volatile int *p = NULL;
        *p = 1;
    }
    while (hang_on_write) { }
    if (offset == 16) regs[2] = value & 0x3ffffffffffc00LL; /* only Off sticks */
    cycles += 2;
    return 0;
}
int32_t lockstep_mem_write(int64_t h, int64_t a, const uint8_t *d, int32_t n) { (void)h; (void)a; (void)d; (void)n; return 0; }
int32_t lockstep_mem_read(int64_t h, int64_t a, uint8_t *d, int32_t n) { (void)h; (void)a; memset(d, 0, (size_t)n); return 0; }
int32_t lockstep_mem_error(int64_t h, int64_t a, int32_t k) { (void)h; (void)a; (void)k; return 0; }
int32_t lockstep_submit(int64_t h, int32_t t, int32_t d, int32_t pv, int32_t p, int64_t i, int32_t ty, int32_t f) {
    (void)h; (void)t; (void)d; (void)pv; (void)p; (void)i; (void)ty; (void)f;
    return 0;
}
int32_t lockstep_page_request(int64_t h, int32_t d, int32_t pv, int32_t p, int32_t f, int64_t payload) {
    (void)h; (void)d; (void)pv; (void)p; (void)f; (void)payload;
    return 0;
}
#ifndef OMIT_RUN
int32_t lockstep_run(int64_t h, int64_t max_cycles, int64_t *events, int32_t capacity) {
    (void)h; (void)max_cycles; (void)capacity;
    memset(events, 0, LOCKSTEP_EVENT_WORDS * 8);
    events[0] = LOCKSTEP_EV_IDLE;
    events[1] = cycles;
    return 1;
}
#endif
int64_t lockstep_cycles(int64_t h) { (void)h; return cycles; }
int32_t lockstep_trace(int64_t h, const char *p) { (void)h; (void)p; return LOCKSTEP_EARG; }
