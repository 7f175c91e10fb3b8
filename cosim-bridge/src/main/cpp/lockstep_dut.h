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

/* ABI 5 adds lockstep_trace_marker and fixes what lockstep_trace writes (format by extension, time in
 * seed cycles); Lockstep still drives ABI 4 libraries, whose waveforms are VCD without the lockstep scope.
 * ABI 6 adds the events LOCKSTEP_EV_ACCEPT and LOCKSTEP_EV_CQ_HEAD, which let Lockstep keep several
 * requests outstanding together (--overlap, docs/concurrency.md); ABI 4 and 5 libraries are driven
 * serialized (overlap 1) and need neither.
 * ABI 7 adds the events LOCKSTEP_EV_QUEUE_TAIL (fqt and pqt moves: data before tail) and
 * LOCKSTEP_EV_INVAL_COMPLETION (the Invalidation Completions reaching the IOMMU: an IOFENCE.C waits for
 * those of the ATS.INVALs before it); Lockstep still drives ABI 4 to 6 libraries, without those checks. */
#define LOCKSTEP_ABI_VERSION 7

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
 *          | PBMT[1:0] << 25 | S << 27 | Priv << 28 | CXL.io << 29 | cause[11:0] << 32
 *   R, W, X, U, G, S, Priv and CXL.io are the ATS translation completion's fields (0 for other
 *   requests and for ATS completions other than Success);
 *   Priv (ABI 2) is the completion's Privilege Mode: the request's Priv when it had a PASID, else 0.
 *   CXL.io (ABI 4) is the completion's CXL.io bit (spec: "PCIe ATS translation request handling",
 *   "the setting of the Priv, N, CXL.io, Global, and AMA fields"): 0 unless the request carried
 *   LOCKSTEP_REQ_CXL; for a CXL type 1/2 device 1 when the address was determined to be an MSI, else
 *   1 when DC.tc.T2GPA=1, else 1 when the resolved memory type (Svpbmt) is NC or IO. Where the spec
 *   leaves it UNSPECIFIED (memory type PMA, no Svpbmt, other cases) the checker accepts 0 and 1.
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
/* Interrupt wire edge: w[2] = wire index, w[3] = new level (0 or 1).
 * The wires are the wired-signalled interrupts (fctl.WSI=1; none with WSI=0): wire v is high while
 * some ipsr bit (cip, fip, pmip, pip) whose icvec field selects vector v is set, low otherwise (spec:
 * ipsr, icvec). Report every change of level, in order, once it happened; a wire that drops and rises
 * again before it is sampled has no edge (the model reports levels, not pulses). The wires are low
 * after lockstep_reset (no event). At most 16 wires. Edges of one action are compared in order with
 * the model's, so a DUT must not report idle while an edge its last action causes is still to come. */
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
 * The devices are on the DUT's side of this ABI, and Lockstep's model takes every Invalidation
 * Request as answered (refmodel AtsDevices.ALWAYS_COMPLETE), so a DUT library plays the devices: for
 * each Invalidation Request the IOMMU sends, exactly one "Invalidation Completion" message comes back
 * to it, from the function the request went to (RID, and DSEG when DSV=1), with the ITAG the IOMMU
 * gave that request and a Completion Count of 1 (each request completes in one message). The built-in
 * harness does this 64 cycles after the request (6 before ABI 7; longer than its IOMMU takes to fetch the
 * next command, so an IOFENCE.C right behind an ATS.INVAL waits), in order (its RTL's port is a pulse per
 * completion), and (ABI 7) reports each as LOCKSTEP_EV_INVAL_COMPLETION; the AXI harness does it after 6
 * cycles (its setting inval_latency) and reports each too (docs/axi-wrapper.md).
 * An IOFENCE.C after an ATS.INVAL completes once the completions arrived, and a DUT reports idle only
 * once every invalidation it sent has completed. Page Request Group Responses get no answer. */
#define LOCKSTEP_EV_MESSAGE_OUT 5
#define LOCKSTEP_MSG_INVALIDATION_REQUEST 0
#define LOCKSTEP_MSG_PAGE_REQUEST_GROUP_RESPONSE 1
/* ABI 6: the IOMMU took the request with tag w[2] from its request interface (valid and ready) at cycle
 * w[1]. Exactly one per submitted request, before its completion. A request may be held between
 * lockstep_submit and its acceptance; it reads nothing for the request before it. */
#define LOCKSTEP_EV_ACCEPT 6
/* ABI 6: cqh changed to w[2] at cycle w[1], each change in order (not the return to 0 at reset). An
 * IOFENCE.C completes when cqh passes it (spec: "IOMMU Command-queue Fence commands"); the checker needs
 * the cycle, and reading cqh over MMIO every cycle is out of the question. */
#define LOCKSTEP_EV_CQ_HEAD 7
/* ABI 7: a queue's tail changed to w[3] at cycle w[1]; w[2] is the queue, LOCKSTEP_QUEUE_FAULT (fqt) or
 * LOCKSTEP_QUEUE_PAGE_REQUEST (pqt). Each change in order: the IOMMU moving the tail past a record it
 * wrote, and an enable (fqen or pqen 0->1) that sets a nonzero tail to 0 (not the return to 0 at reset; an
 * enable that finds the tail at 0 changes nothing and reports nothing). A level, like LOCKSTEP_EV_CQ_HEAD:
 * w[1] is the first cycle a register read sees the new tail. "The producer of data must ensure that the
 * data written to a queue and the tail update are ordered such that the consumer that observes an update
 * to the tail register must also observe all data produced into the queue" (spec: "In-memory queue
 * interface"): the checker requires each LOCKSTEP_EV_MEM_WRITE of the records a move covers to carry an
 * earlier cycle (a record's last doubleword written at an edge of cycle c: the tail seen at c+1 at the
 * earliest). Without the event a tail read over MMIO after the run cannot tell when the tail moved. */
#define LOCKSTEP_EV_QUEUE_TAIL 8
#define LOCKSTEP_QUEUE_FAULT 1
#define LOCKSTEP_QUEUE_PAGE_REQUEST 2
/* ABI 7: an "Invalidation Completion" message from a device was handed to the IOMMU at cycle w[1] (the
 * edge that delivers it, like a memory response; the harness plays the devices, see
 * LOCKSTEP_EV_MESSAGE_OUT): w[2] = its RID[15:0] (the function the Invalidation Request went to), w[3] =
 * its ITAG vector (bit i: ITAG i completed), w[4] = its Completion Count. Every Invalidation Request the
 * IOMMU sends (LOCKSTEP_EV_MESSAGE_OUT type 0) gets exactly one, in the order of the requests, so the n-th
 * INVAL_COMPLETION since reset answers the n-th Invalidation Request. The built-in RTL's message port
 * carries no ITAG: its harness numbers the requests itself, the n-th (from 0) since reset ITAG n mod 32,
 * and sends one completion per request, w[3] = 1 << ITAG, w[4] = 1. "The IOFENCE.C is guaranteed to not
 * complete before all previously fetched commands were executed and completed. A previously fetched ATS
 * command to invalidate device ATC does not complete until either the request times out or a valid
 * response is received from the device" (spec: "IOMMU PCIe ATS commands"): the checker requires the
 * completions of the ATS.INVALs fetched before an IOFENCE.C to carry an earlier cycle than the
 * LOCKSTEP_EV_CQ_HEAD that passes the IOFENCE.C (and than its write and interrupt). */
#define LOCKSTEP_EV_INVAL_COMPLETION 9
/* Ordering (ABI 6): events are reported in cycle order. A call made between two lockstep_run calls while
 * lockstep_cycles() returns t (lockstep_mem_write, lockstep_mmio_write, lockstep_submit) takes effect at
 * the start of cycle t, before its clock edge. What the DUT does at a clock edge (ACCEPT, COMPLETION,
 * MEM_WRITE, MESSAGE_OUT, and in ABI 7 INVAL_COMPLETION) carries the cycle of that edge: cycle < t happened
 * before the call, cycle >= t after it (a memory access of cycle t sees a store made at t). A level change
 * (IRQ, CQ_HEAD, and in ABI 7 QUEUE_TAIL) carries the first cycle the new level is seen in: cycle <= t
 * happened before the call, later ones after it. Lockstep may queue several
 * lockstep_submit calls before one lockstep_run (at most its overlap depth outstanding, tags unique among
 * outstanding requests), then lockstep_page_request calls (Page Requests sent behind them, in that order),
 * run some cycles, apply stores and register writes while they are in flight (in one or more groups: a
 * group after the first not before LOCKSTEP_EV_CQ_HEAD showed cqh past the commands the groups before it
 * made available, which end with an IOFENCE.C; see docs/concurrency.md, section 19), and run until idle;
 * completions may come in any order. Page Requests are taken to be handled in the order they were sent
 * (the records of one device's Page Requests reach the queue in arrival order: a Stop Marker follows the
 * requests it stops), each either before the stores and register writes or after them. */
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

/* Request flags (lockstep_submit, lockstep_page_request).
 * Without a PASID (process_valid = 0) a request carries no process_id, no Privilege Mode Requested
 * and no Execute Requested (spec: "Execute requested must be explicitly associated with the request
 * (e.g., using a PCIe PASID). When not explicitly requested, the default must be 0"; "For requests
 * without a process_id the privilege mode must be User"): Lockstep then passes process_id = 0 and
 * neither LOCKSTEP_REQ_PRIV nor LOCKSTEP_REQ_EXEC, and a DUT may treat those inputs as don't-care. */
#define LOCKSTEP_REQ_PRIV 1u  /* Privilege Mode Requested: supervisor (only with a process_id) */
#define LOCKSTEP_REQ_NW 2u    /* ATS translation request: No Write requested */
#define LOCKSTEP_REQ_EXEC 4u  /* ATS translation request, Page Request: Execute Requested (only with a process_id) */
/* ABI 4, ATS translation requests: the Root Port's indication that the requesting endpoint is a CXL
 * type 1 or type 2 device (spec: "Device Translation Request interface" / "ATS interface"); it only
 * decides the completion's CXL.io bit. Lockstep sets it for ATS translation requests only. */
#define LOCKSTEP_REQ_CXL 8u
/* ABI 4, Page Requests: the message came with a valid destination segment number, device_id[23:16]
 * (DSV). An automatic Page Request Group Response then goes with DSV=1 and DSEG = device_id[23:16];
 * without it with DSV=0, and its DSEG is ignored ("If the DSV operand is 0, then the DSEG operand is
 * ignored", spec: ATS.PRGR). Before ABI 4 every Page Request was taken to have DSV=1. */
#define LOCKSTEP_REQ_DSV 16u

/* Memory error kinds for lockstep_mem_error(). An error stays on the word until it is set to NONE.
 *   ACCESS: every IOMMU access to the word fails (a load returns no data, a store or AMO is not
 *           performed): the IOMMU reports the access fault of what it accessed (e.g. cause 257, 5,
 *           or fqmf/cqmf/pqmf for a queue or fence write).
 *   CORRUPT: loads (and the read of an AMO) return poisoned data: the IOMMU reports the data-corruption
 *           cause of the structure it read (268-274); an AMO is then not performed. A plain store to
 *           the word completes normally (poison is a property of the data read, the golden model fails
 *           a store only on an access fault) and the word keeps answering poisoned data to loads.
 *           Lockstep marks only structure words the IOMMU reads as corrupt, never a queue slot or an
 *           IOFENCE.C/MSI target. */
#define LOCKSTEP_MEMERR_NONE 0
#define LOCKSTEP_MEMERR_ACCESS 1     /* access fault (PMA/PMP violation) */
#define LOCKSTEP_MEMERR_CORRUPT 2    /* data corruption (poisoned data) */

int32_t lockstep_abi_version(void);
/* A string that identifies the DUT build (design name, source hash, Verilator version). */
const char *lockstep_build_id(void);

/* config: "key=value" pairs separated by ';' (e.g. "mem_latency=4"). A library refuses keys it does not
 * know and malformed values (the built-in harness does), rather than ignoring a misspelt setting.
 * Returns a handle > 0, or 0 on failure (then lockstep_last_error(0) says why). */
int64_t lockstep_open(const char *config);
void lockstep_close(int64_t h);
const char *lockstep_last_error(int64_t h);
const char *lockstep_last_message(int64_t h);

/* Resets the DUT with the planted bugs `mutant` selects (0 = none); clears the memory image and every
 * lockstep_mem_error, drops queued requests and pending events: afterwards the registers hold their
 * reset values, the wires are low and nothing is outstanding (the built-in harness holds reset 8 cycles).
 * (ABI 4) `mutant` packs up to four planted-bug ids, one per byte from bits [7:0] up (a zero byte is an empty
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

/* Queues a translation request; it enters the DUT during the next lockstep_run().
 * ttyp: LOCKSTEP_TTYP_*. Every type may come with or without a PASID (process_valid): untranslated,
 * translated and ATS translation requests alike; without one, process_id is 0 and the flags hold
 * neither PRIV nor EXEC (see the request flags). flags: LOCKSTEP_REQ_PRIV, and for ATS translation
 * requests only LOCKSTEP_REQ_NW, LOCKSTEP_REQ_EXEC and LOCKSTEP_REQ_CXL. Every request gets exactly
 * one LOCKSTEP_EV_COMPLETION with its tag before the DUT reports idle. An ABI 4 or 5 library is sent one
 * request at a time, the DUT run until idle before the next action; an ABI 6 library may get several
 * outstanding together (see "Ordering" above). */
int32_t lockstep_submit(int64_t h, int32_t tag, int32_t device_id, int32_t process_valid,
                        int32_t process_id, int64_t iova, int32_t ttyp, int32_t flags);

/* Queues an inbound PCIe "Page Request" message (ABI 3; PRI, spec: "PCIe ATS Page Request handling")
 * from device_id, with a PASID when process_valid (process_id); flags: LOCKSTEP_REQ_PRIV (Privilege
 * Mode Requested) and LOCKSTEP_REQ_EXEC (Execute Requested), only with a PASID, and (ABI 4)
 * LOCKSTEP_REQ_DSV (a valid destination segment, see its definition). payload is the
 * message's page-request record dw1: R [0], W [1], L (Last) [2], PRG index [11:3], page address
 * [63:12]; a Stop Marker is L=1, R=W=0 with a PASID. It enters the DUT during the next lockstep_run().
 * The IOMMU answers with nothing directly: a page-request record write at pqt, a fault record (TTYP 9,
 * iotval 0x04), an automatic Page Request Group Response (LOCKSTEP_EV_MESSAGE_OUT type 1) or nothing.
 * A DUT without capabilities.ATS may ignore it. */
int32_t lockstep_page_request(int64_t h, int32_t device_id, int32_t process_valid, int32_t process_id,
                              int32_t flags, int64_t payload);

/* Runs the clock for at most max_cycles, until the DUT is idle (nothing queued or outstanding) or
 * `capacity` event records are written to `events`. Returns the number of records written.
 * Idle means: every queued request and page request was taken and completed, every IOMMU memory
 * write has reached the memory image and been reported, no Invalidation Completion is outstanding,
 * and status that follows an action (e.g. an ipsr bit and its wire) has settled; the built-in harness
 * waits for its RTL's idle output to stay high 4 cycles in a row. Lockstep calls again (with the
 * rest of its cycle budget) when the buffer filled up; a DUT that never gets idle is a hang. */
int32_t lockstep_run(int64_t h, int64_t max_cycles, int64_t *events, int32_t capacity);

/* Cycles simulated since open. */
int64_t lockstep_cycles(int64_t h);

/* Waveform dump of the cycles from now on to `path`; an empty path stops dumping (and closes the file).
 * (ABI 5) The format is the file's extension: FST for ".fst", VCD otherwise. A library that cannot write
 * that format (the built-in harnesses write the one their model was Verilated for: --trace or
 * --trace-fst) returns LOCKSTEP_EARG and lockstep_last_error() names the format; it never writes another
 * format under the name asked for. Time (ABI 5): cycle N counted from the lockstep_reset before the dump
 * started is at N ns, the cycle numbers event records and Lockstep's reports carry relative to that reset
 * (the built-in harnesses: clock low from N ns showing what is sampled at the coming edge, rising edge at
 * N.5 ns; timescale 100ps). A dump runs within one DUT instance and ends at lockstep_close at the latest.
 * Returns LOCKSTEP_EARG when the build has no trace support or the file cannot be written. */
int32_t lockstep_trace(int64_t h, const char *path);

/* (ABI 5) While a waveform is being dumped: from the current cycle on, the dump's top-level `lockstep`
 * scope shows action_index[31:0] (the action being applied; the seed's action count during the end-of-seed
 * comparison), divergences[15:0] (divergences reported so far in the seed) and divergence (high from the
 * first one on). Lockstep calls it only while tracing, at the start of each action and when it reports a
 * divergence, right after the DUT call that showed it: the marker then rises at the divergence's reported
 * cycle. Without a dump it does nothing and returns LOCKSTEP_OK. */
int32_t lockstep_trace_marker(int64_t h, int32_t action_index, int32_t divergences);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_DUT_H */
