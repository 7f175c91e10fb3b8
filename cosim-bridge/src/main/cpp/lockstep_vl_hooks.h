/*
 * Force-included into every translation unit of the Verilated model and of verilated.cpp
 * (g++ -include), so that RTL output reaches the harness instead of the process's stdout.
 * The matching definitions are in verilator_harness.cpp.
 */
#ifndef LOCKSTEP_VL_HOOKS_H
#define LOCKSTEP_VL_HOOKS_H
#ifdef __cplusplus
extern "C" {
#endif
/* Replaces printf for Verilator's VL_PRINTF: $display text goes into the DUT's message log. */
int vlhook_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
#ifdef __cplusplus
}
#endif
#define VL_PRINTF vlhook_printf
#endif
