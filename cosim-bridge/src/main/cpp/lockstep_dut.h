/*
 * lockstep_dut.h: the C ABI between Lockstep (Java, JNA direct mapping) and any DUT.
 *
 * Every DUT, the built-in Verilated RTL IOMMU or a team's own, is a shared library exporting
 * exactly these functions. Only primitives, C strings and caller-owned buffers cross the boundary,
 * so JNA direct mapping needs no Structure. The clock runs on the C++ side: Java calls
 * lockstep_run() and gets back a buffer of event records, never one call per cycle.
 *
 * Threading: a handle must only be used from the thread that opened it (Verilator evaluates a
 * model on the thread that created it).
 *
 * Errors: functions returning int32_t return 0 (or a count >= 0) on success and a negative
 * LOCKSTEP_E* code on failure; lockstep_last_error() then says what happened. An RTL $fatal, $stop
 * or $finish never aborts the process: it becomes LOCKSTEP_EFATAL.
 */
#ifndef LOCKSTEP_DUT_H
#define LOCKSTEP_DUT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LOCKSTEP_ABI_VERSION 3

/* Return codes. */
#define LOCKSTEP_OK 0
#define LOCKSTEP_EARG (-1)    /* bad argument (offset, size, handle) */
#define LOCKSTEP_EFATAL (-2)  /* the RTL called $fatal/$stop/$finish or Verilator hit a fatal error */
#define LOCKSTEP_EHANG (-3)   /* the DUT did not answer within the cycle budget */
#define LOCKSTEP_ESTATE (-4)  /* call not allowed now (e.g. after a fatal error) */

/* Event records written by lockstep_run(): LOCKSTEP_EVENT_WORDS uint64_t words each.
 *   w[0] = kind, w[1] = cycle at which the event was observed; w[2..7] depend on kind. */
#define LOCKSTEP_EVENT_WORDS 8

/* Translation completion:
 *   w[2] = tag[15:0] | status[17:16] << 16 | R << 20 | W << 21 | X << 22 | U << 23 | G << 24
 *          | PBMT[1:0] << 25 | S << 27 | Priv << 28 | cause[11:0] << 32
 *   R, W, X, U, G, S and Priv are the ATS translation completion's fields (0 for other requests);
 *   Priv (ABI 2) is the completion's Privilege Mode: the request's Priv when it had a PASID, else 0.
 *   w[3] = physical address (untranslated/translated requests) or translated address (ATS)
 *   status: 0 success, 1 fault (abort for untranslated/translated; Unsupported Request for ATS),
 *           2 Completer Abort (ATS only).
 *   cause: the fault cause code reported alongside the completion (0 when none); a sideband the
 *          checker compares in addition to the fault record in memory. */
#define LOCKSTEP_EV_COMPLETION 1
/* IOMMU memory write (a store or the result of an AMO), after it reached the memory image:
 *   w[2] = address (8-byte aligned), w[3] = 64-bit data, w[4] = byte strobe[7:0] | op << 8
 *   op: 1 write, 2 AMO OR (w[3] is the value written back). */
#define LOCKSTEP_EV_MEM_WRITE 2
/* Interrupt wire edge: w[2] = wire index, w[3] = new level (0 or 1). */
#define LOCKSTEP_EV_IRQ 3
/* A message the RTL printed ($display): text available through lockstep_last_message(). */
#define LOCKSTEP_EV_MESSAGE 4
/* An outbound PCIe message the IOMMU sent to a device (ABI 2), from ATS.INVAL or ATS.PRGR, or (ABI 3) the
 * automatic response to a Page Request the IOMMU could not queue:
 *   w[2] = type[1:0] | PV << 2 | DSV << 3 | RID[15:0] << 16 | DSEG[7:0] << 32 | PID[19:0] << 40
 *   w[3] = payload
 *   type 0: "Invalidation Request"; payload = the ATS.INVAL command's dw1 (the PCIe invalidation
 *           payload: address and S, global bit).
 *   type 1: "Page Request Group Response"; payload = PRG index[8:0] << 32 | response code[3:0] << 44
 *           (the ATS.PRGR dw1 layout), other bits 0.
 * The built-in harness plays the devices: it answers each Invalidation Request with an
 * "Invalidation Completion" a few cycles later; a DUT is idle only once every invalidation it sent
 * has completed. */
#define LOCKSTEP_EV_MESSAGE_OUT 5
#define LOCKSTEP_MSG_INVALIDATION_REQUEST 0
#define LOCKSTEP_MSG_PAGE_REQUEST_GROUP_RESPONSE 1
/* The DUT is idle: nothing outstanding. Always the last record of its lockstep_run() call. */
#define LOCKSTEP_EV_IDLE 15

/* Translation request types: the fault record's TTYP encoding (spec: Fault/Event-Queue record). */
#define LOCKSTEP_TTYP_UNTRANSLATED_EXEC 1
#define LOCKSTEP_TTYP_UNTRANSLATED_READ 2
#define LOCKSTEP_TTYP_UNTRANSLATED_WRITE 3
#define LOCKSTEP_TTYP_TRANSLATED_EXEC 5
#define LOCKSTEP_TTYP_TRANSLATED_READ 6
#define LOCKSTEP_TTYP_TRANSLATED_WRITE 7
#define LOCKSTEP_TTYP_ATS 8

/* Request flags. */
#define LOCKSTEP_REQ_PRIV 1u  /* supervisor privilege (only meaningful with a process_id) */
#define LOCKSTEP_REQ_NW 2u    /* ATS: no-write requested */
#define LOCKSTEP_REQ_EXEC 4u  /* ATS: execute requested */

/* Memory error kinds for lockstep_mem_error(). */
#define LOCKSTEP_MEMERR_NONE 0
#define LOCKSTEP_MEMERR_ACCESS 1     /* access fault (PMA/PMP violation) */
#define LOCKSTEP_MEMERR_CORRUPT 2    /* data corruption (poisoned data) */

int32_t lockstep_abi_version(void);
/* A string that identifies the DUT build (design name, source hash, Verilator version). */
const char *lockstep_build_id(void);

/* config: "key=value" pairs separated by ';' (e.g. "mem_latency=4;waves=/tmp/x.vcd").
 * Returns a handle > 0, or 0 on failure (then lockstep_last_error(0) says why). */
int64_t lockstep_open(const char *config);
void lockstep_close(int64_t h);
const char *lockstep_last_error(int64_t h);
const char *lockstep_last_message(int64_t h);

/* Resets the DUT with the planted bugs `mutant` selects (0 = none); clears the memory image.
 * `mutant` packs up to four planted-bug ids, one per byte from bits [7:0] up (a zero byte is an empty
 * slot), so a single id is its own value as before: 0x00030f01 selects bugs 1, 15 and 3 together. The
 * built-in RTL tests each bug with iommu_pkg::mutant_on(mutant, ID); a DUT without planted bugs gets 0. */
int32_t lockstep_reset(int64_t h, int32_t mutant);

/* Register accesses (size 4 or 8, offset aligned to size). The harness runs the clock until the
 * register port answers; events produced meanwhile are kept for the next lockstep_run(). */
int32_t lockstep_mmio_read(int64_t h, int32_t offset, int32_t size, int64_t *value);
int32_t lockstep_mmio_write(int64_t h, int32_t offset, int32_t size, int64_t value);

/* The DUT's memory image, written and read by software (not reported as IOMMU writes). */
int32_t lockstep_mem_write(int64_t h, int64_t addr, const uint8_t *data, int32_t len);
int32_t lockstep_mem_read(int64_t h, int64_t addr, uint8_t *data, int32_t len);
/* Makes accesses by the IOMMU to the 8-byte word at addr fail with `kind` (LOCKSTEP_MEMERR_*). */
int32_t lockstep_mem_error(int64_t h, int64_t addr, int32_t kind);

/* Queues a translation request; it enters the DUT during the next lockstep_run(). */
int32_t lockstep_submit(int64_t h, int32_t tag, int32_t device_id, int32_t process_valid,
                        int32_t process_id, int64_t iova, int32_t ttyp, int32_t flags);

/* Queues an inbound PCIe "Page Request" message (ABI 3; PRI, spec: "PCIe ATS Page Request handling")
 * from device_id, with a PASID when process_valid (process_id); flags: LOCKSTEP_REQ_PRIV (Privilege
 * Mode Requested) and LOCKSTEP_REQ_EXEC (Execute Requested), meaningful with a PASID. payload is the
 * message's page-request record dw1: R [0], W [1], L (Last) [2], PRG index [11:3], page address
 * [63:12]; a Stop Marker is L=1, R=W=0 with a PASID. It enters the DUT during the next lockstep_run().
 * The IOMMU answers with nothing directly: a page-request record write at pqt, a fault record (TTYP 9,
 * iotval 0x04), an automatic Page Request Group Response (LOCKSTEP_EV_MESSAGE_OUT type 1) or nothing.
 * A DUT without capabilities.ATS may ignore it. */
int32_t lockstep_page_request(int64_t h, int32_t device_id, int32_t process_valid, int32_t process_id,
                              int32_t flags, int64_t payload);

/* Runs the clock for at most max_cycles, until the DUT is idle (nothing queued or outstanding) or
 * `capacity` event records are written to `events`. Returns the number of records written. */
int32_t lockstep_run(int64_t h, int64_t max_cycles, int64_t *events, int32_t capacity);

/* Cycles simulated since open. */
int64_t lockstep_cycles(int64_t h);

/* Waveform dump (VCD) of the cycles from now on to `path`; an empty path stops dumping.
 * Returns LOCKSTEP_EARG when the build has no trace support. */
int32_t lockstep_trace(int64_t h, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_DUT_H */
