// lockstep_log_tb: a SystemVerilog testbench around the built-in DUT (lockstep_iommu) that drives its
// own stimulus, as a driver would program an IOMMU, and writes the seed log with lockstep_log_pkg; then
// `bin/lockstep check LOG` judges it without the RTL (docs/sv-log-writer.md).
//
// The stimulus: the fault queue and the command queue enabled, a one-level device directory with two
// device contexts (Sv39 single stage, PSCID 5; Sv39x4 G stage only, GSCID 3), page tables with 4 KiB
// pages and a 2 MiB superpage; translations that succeed and that fault (read-only, D=0, X=0, not
// mapped, not canonical, guest-page faults, an access fault on a PTE), fault records consumed and the
// interrupt cleared; IOTINVAL.VMA (also inside a superpage), IOTINVAL.GVMA and IODIR.INVAL_DDT, each
// followed by IOFENCE.C, after the driver changed a PTE or a device context; PCIe ATS translation
// requests (No Write, Execute Requested, a PASID with Privilege), a translated request, ATS.INVAL (the
// device answers the Invalidation Request), Page Requests (queued, refused with an automatic response)
// and ATS.PRGR; one window (two translation requests and two Page Requests in flight together while
// software maps the page one of them reads); register reads.
//
// The memory port is served as the built-in harness serves it (an access takes effect when it is
// accepted, its response follows MEM_LATENCY cycles later, in order); Invalidation Requests are
// answered by the devices INV_CPL_LATENCY cycles later (each logged as an inval_completion record as it
// reaches the IOMMU). Cycles count from the release of reset. No queue_tail records: lockstep_iommu has no
// output that shows fqt or pqt move (the package's log_queue_tail is used by the window example only).
//
// Plusargs: +log=FILE (default sv-log.jsonl; a named pipe for `lockstep check FIFO`; "-" is standard
// output, which the simulator's own messages share), +mutant=ID|NAME (a planted bug of
// rtl-stubs/mutants.tsv, read from +mutants=FILE, default rtl-stubs/mutants.tsv), +seed=N (names the
// seed in the log; the stimulus is fixed), +window_log=FILE (a second log: window_example below),
// +window_group_error=N (writes one window that misuses log_window_group, case N of window_group_error, and
// stops at the package's error instead of running the stimulus).
`timescale 1ns/1ps
/* verilator lint_off BLKSEQ */
module lockstep_log_tb;
  import lockstep_log_pkg::*;

  localparam int MEM_LATENCY = 3;               // cycles from an accepted memory request to its response
  localparam int INV_CPL_LATENCY = 64;          // cycles from an Invalidation Request to its completion
  localparam int IDLE_CYCLES = 4;               // the DUT's idle output this long, nothing in flight: idle
  localparam longint unsigned BUDGET = 100000;  // cycles a run to idle may take before it is a hang

  // the DUT's pinned configuration (rtl-stubs/config.json)
  localparam logic [63:0] CAPABILITIES = 64'h1f8_1746_0610;

  // register offsets (spec: Memory-mapped register interface)
  localparam int CAPS = 0, FCTL = 8, DDTP = 16, CQB = 24, CQH = 32, CQT = 36, FQB = 40, FQH = 48,
                 FQT = 52, PQB = 56, PQH = 64, PQT = 68, CQCSR = 72, FQCSR = 76, PQCSR = 80, IPSR = 84,
                 ICVEC = 760;

  // where the driver puts its structures
  localparam logic [63:0] DDT = 64'h0010_0000, FQ = 64'h0030_0000, CQ = 64'h0031_0000,
                          FENCE_WORD = 64'h0032_0000, PQ = 64'h0033_0000;

  // ---------------- the DUT ----------------
  logic clk = 1'b0, rst_n = 1'b0;
  logic [31:0] mutant = 32'd0;
  always #5 clk = ~clk;

  logic        reg_req_valid = 1'b0, reg_req_ready, reg_req_write = 1'b0, reg_req_size8 = 1'b0;
  logic [11:0] reg_req_offset = 12'd0;
  logic [63:0] reg_req_wdata = 64'd0;
  logic        reg_rsp_valid;
  logic [63:0] reg_rsp_rdata;
  logic        tr_req_valid = 1'b0, tr_req_ready, tr_req_pv = 1'b0, tr_req_priv = 1'b0;
  logic        tr_req_nw = 1'b0, tr_req_exe = 1'b0, tr_req_cxl = 1'b0;
  logic [15:0] tr_req_tag = 16'd0;
  logic [23:0] tr_req_did = 24'd0;
  logic [19:0] tr_req_pid = 20'd0;
  logic [63:0] tr_req_iova = 64'd0;
  logic [5:0]  tr_req_ttyp = 6'd0;
  logic        pr_req_valid = 1'b0, pr_req_ready, pr_req_pv = 1'b0, pr_req_priv = 1'b0;
  logic        pr_req_exec = 1'b0, pr_req_dsv = 1'b0;
  logic [23:0] pr_req_did = 24'd0;
  logic [19:0] pr_req_pid = 20'd0;
  logic [63:0] pr_req_payload = 64'd0;
  logic        tr_cpl_valid, tr_cpl_ready = 1'b1;
  logic [15:0] tr_cpl_tag;
  logic [1:0]  tr_cpl_status, tr_cpl_pbmt;
  logic [11:0] tr_cpl_cause;
  logic [63:0] tr_cpl_pa;
  logic        tr_cpl_r, tr_cpl_w, tr_cpl_x, tr_cpl_u, tr_cpl_g, tr_cpl_s, tr_cpl_priv, tr_cpl_cxl_io;
  logic        msg_valid, msg_ready = 1'b1, msg_prgr, msg_dsv, msg_pv;
  logic [15:0] msg_rid;
  logic [7:0]  msg_dseg;
  logic [19:0] msg_pid;
  logic [63:0] msg_payload;
  logic        ats_inv_cpl_valid = 1'b0;
  logic        mem_req_valid, mem_req_ready = 1'b1;
  logic [1:0]  mem_req_op, mem_req_src;
  logic [63:0] mem_req_addr, mem_req_wdata, mem_req_cmp;
  logic [7:0]  mem_req_wstrb;
  logic [3:0]  mem_req_words;
  logic        mem_rsp_valid = 1'b0;
  logic [63:0] mem_rsp_rdata = 64'd0;
  logic [1:0]  mem_rsp_err = 2'd0;
  logic [15:0] irq;
  logic        idle;

  lockstep_iommu dut (.*);

  // the requester of a memory access and its burst length: not needed to serve it
  logic unused_mem_req;
  assign unused_mem_req = ^{mem_req_src, mem_req_words};

  // ---------------- memory model and monitors ----------------
  typedef struct {
    longint unsigned due;
    logic [63:0]     rdata;
    logic [1:0]      err;
  } mem_rsp_t;

  logic [63:0]     mem [longint unsigned];       // 8-byte words; a word never written reads 0
  memory_error_e   mem_err [longint unsigned];   // words whose IOMMU accesses fail
  mem_rsp_t        rsp_q[$];                     // accepted accesses awaiting their response
  longint unsigned inv_due[$];                   // cycles the devices' Invalidation Completions arrive
  logic [15:0]     inv_rid[$];                   // the requester id each of them comes from
  logic [31:0]     inv_itag[$];                  // and its ITAG vector: ITAG n mod 32 for the n-th request
  int unsigned     inv_sent = 0;                 // Invalidation Requests sent since reset
  longint unsigned cycle = 0;                    // DUT clock cycles since reset
  int              quiet = 0;                    // cycles the DUT's idle output has been high
  logic [15:0]     irq_seen = 16'd0;
  logic [31:0]     cq_head;                        // the DUT's cqh, as its port shows it
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0]     fq_tail, pq_tail;               // the DUT's fqt and pqt (ABI 7 ports; not logged here)
  /* verilator lint_on UNUSEDSIGNAL */
  logic [31:0]     cqh_seen = 32'd0;              // the command queue's head (the DUT's cqh register)
  // what the driver waits for, set by the monitor
  bit              reg_fired = 1'b0, reg_answered = 1'b0, tr_fired = 1'b0, pr_fired = 1'b0;
  logic [63:0]     reg_rdata = 64'd0;
  longint unsigned reg_cycle = 0;

  function automatic logic [63:0] load(logic [63:0] addr);
    longint unsigned a = longint'(addr & ~64'h7);
    return mem.exists(a) != 0 ? mem[a] : 64'd0;
  endfunction

  function automatic logic [63:0] strobe_mask(logic [7:0] strobe);
    logic [63:0] m = 64'd0;
    for (int i = 0; i < 8; i++) if (strobe[i]) m[8*i +: 8] = 8'hff;
    return m;
  endfunction

  // An accepted memory request takes effect now; an access fault fails every access, poisoned data
  // fails loads and AMOs while a plain store completes.
  function automatic void memory_access();
    longint unsigned a = longint'(mem_req_addr & ~64'h7);
    memory_error_e e = mem_err.exists(a) != 0 ? mem_err[a] : MEMORY_OK;
    mem_rsp_t r;
    logic [63:0] old = load(a), m = strobe_mask(mem_req_wstrb), v;
    r.due = cycle + longint'(MEM_LATENCY);
    r.rdata = 64'd0;
    r.err = 2'd0;
    if (e == MEMORY_ACCESS_FAULT || (e == MEMORY_DATA_CORRUPTION && mem_req_op != iommu_pkg::MOP_WRITE)) begin
      r.err = e == MEMORY_ACCESS_FAULT ? 2'd1 : 2'd2;
    end else if (mem_req_op == iommu_pkg::MOP_READ) begin
      r.rdata = old;
    end else if (mem_req_op == iommu_pkg::MOP_WRITE) begin
      v = (old & ~m) | (mem_req_wdata & m);
      mem[a] = v;
      log_mem_write(cycle, a, v, mem_req_wstrb, 1'b0);
    end else if (mem_req_op == iommu_pkg::MOP_AMOOR) begin
      v = old | (mem_req_wdata & m);
      mem[a] = v;
      r.rdata = old;
      if (v != old) log_mem_write(cycle, a, v, mem_req_wstrb, 1'b1);
    end else if (mem_req_op == iommu_pkg::MOP_CAS) begin     // an A/D update checked against the PTE read
      r.rdata = old;
      if (old == mem_req_cmp) begin
        v = (old & ~m) | (mem_req_wdata & m);
        mem[a] = v;
        if (v != old) log_mem_write(cycle, a, v, mem_req_wstrb, 1'b1);
      end
    end else begin
      r.err = 2'd1;
    end
    rsp_q.push_back(r);
  endfunction

  // Handshakes complete at the rising edge: what the DUT presents then is an event.
  always @(posedge clk) if (rst_n) begin
    if (tr_req_valid && tr_req_ready) log_accept(cycle, tr_req_tag);
    if (tr_cpl_valid && tr_cpl_ready)
      log_completion(cycle, tr_cpl_tag, tr_cpl_status, tr_cpl_cause, tr_cpl_pa, tr_cpl_r, tr_cpl_w, tr_cpl_x,
                     tr_cpl_u, tr_cpl_g, tr_cpl_pbmt, tr_cpl_s, tr_cpl_priv, tr_cpl_cxl_io);
    if (msg_valid && msg_ready) begin
      log_message(cycle, msg_prgr ? PAGE_REQUEST_GROUP_RESPONSE : INVALIDATION_REQUEST, msg_rid, msg_dsv,
                  msg_dseg, msg_pv, msg_pid, msg_payload);
      if (!msg_prgr) begin
        inv_due.push_back(cycle + longint'(INV_CPL_LATENCY));
        inv_rid.push_back(msg_rid);
        inv_itag.push_back(32'h1 << (inv_sent % 32));
        inv_sent = inv_sent + 1;
      end
    end
    if (mem_req_valid && mem_req_ready) memory_access();
    if (mem_rsp_valid) void'(rsp_q.pop_front());
    // The device's Invalidation Completion reaches the IOMMU at this edge: one message (Completion Count 1).
    // The DUT's message port carries no ITAG: the n-th Invalidation Request is taken as ITAG n mod 32, as the
    // built-in harness reports it (ITAGs of outstanding requests differ).
    if (ats_inv_cpl_valid) begin
      log_inval_completion(cycle, inv_rid.pop_front(), inv_itag.pop_front(), 3'd1);
      void'(inv_due.pop_front());
    end
    // (flags are or-ed in, not set under an if: Verilator 5.006 loses a flag only ever set to a constant)
    reg_fired = reg_fired | (reg_req_valid && reg_req_ready);
    reg_answered = reg_answered | reg_rsp_valid;
    if (reg_rsp_valid) begin
      reg_rdata = reg_rsp_rdata;
      reg_cycle = cycle + 1;   // the value is read at this edge, which ends the cycle
    end
    tr_fired = tr_fired | (tr_req_valid && tr_req_ready);
    pr_fired = pr_fired | (pr_req_valid && pr_req_ready);
    cycle++;
  end

  // After the edge: interrupt wires that changed, the idle count, and the responses due next edge.
  always @(negedge clk) if (rst_n) begin
    for (int i = 0; i < 16; i++) if (irq[i] != irq_seen[i]) log_irq(cycle, i, irq[i]);
    irq_seen = irq;
    if (cq_head != cqh_seen) log_cq_head(cycle, cq_head);
    cqh_seen = cq_head;
    quiet = idle ? quiet + 1 : 0;
    mem_rsp_valid = rsp_q.size() != 0 && rsp_q[0].due <= cycle;
    mem_rsp_rdata = mem_rsp_valid ? rsp_q[0].rdata : 64'd0;
    mem_rsp_err = mem_rsp_valid ? rsp_q[0].err : 2'd0;
    ats_inv_cpl_valid = inv_due.size() != 0 && inv_due[0] <= cycle;
  end

  // ---------------- a window's requests, waiting for the DUT's request ports ----------------
  typedef struct {
    logic [15:0]  tag;
    logic [23:0]  did;
    int unsigned  ttyp;
    logic [63:0]  iova;
  } win_tr_t;
  typedef struct {
    logic [23:0]  did;
    logic         dsv;
    logic [63:0]  payload;
  } win_pr_t;
  win_tr_t win_tr[$];                            // translation requests not yet taken, oldest first
  win_pr_t win_pr[$];                            // Page Requests not yet taken, oldest first
  bit      windowing = 1'b0;                     // a window's requests are being presented

  // As the built-in harness queues a window's requests: the oldest of each kind is on its port until
  // the DUT takes it (the monitor's flag), then the next one.
  function automatic void present_window();
    if (!windowing) return;
    if (tr_fired) void'(win_tr.pop_front());
    if (pr_fired) void'(win_pr.pop_front());
    tr_fired = 1'b0;
    pr_fired = 1'b0;
    tr_req_valid = win_tr.size() != 0;
    if (tr_req_valid) begin
      tr_req_tag = win_tr[0].tag;
      tr_req_did = win_tr[0].did;
      tr_req_pv = 1'b0;
      tr_req_pid = 20'd0;
      tr_req_priv = 1'b0;
      tr_req_ttyp = 6'(win_tr[0].ttyp);
      tr_req_iova = win_tr[0].iova;
      tr_req_nw = 1'b0;
      tr_req_exe = 1'b0;
    end
    pr_req_valid = win_pr.size() != 0;
    if (pr_req_valid) begin
      pr_req_did = win_pr[0].did;
      pr_req_pv = 1'b0;
      pr_req_pid = 20'd0;
      pr_req_priv = 1'b0;
      pr_req_exec = 1'b0;
      pr_req_dsv = win_pr[0].dsv;
      pr_req_payload = win_pr[0].payload;
    end
    windowing = tr_req_valid || pr_req_valid;
  endfunction

  // ---------------- driver: each action is logged, then applied ----------------

  // The driver changes its inputs after the monitors have seen the falling edge.
  task automatic step();
    @(negedge clk);
    #1;
    present_window();
  endtask

  function automatic bit dut_idle();
    return quiet >= IDLE_CYCLES && rsp_q.size() == 0 && inv_due.size() == 0 && !tr_req_valid && !pr_req_valid &&
           !reg_req_valid;
  endfunction

  task automatic hang(string what);
    log_dut_error(cycle, "hang", what);
    log_end("dut_hang", cycle);
    $fatal(1, "lockstep_log_tb: %s", what);
  endtask

  // Runs the DUT until it is idle and logs the idle record that ends its events.
  task automatic run_to_idle();
    longint unsigned start = cycle;
    while (!dut_idle()) begin
      if (cycle - start > BUDGET) hang($sformatf("the DUT was not idle within %0d cycles", BUDGET));
      step();
    end
    log_idle(cycle);
  endtask

  task automatic mmio(bit write, int unsigned offset, int unsigned size, logic [63:0] wdata,
                      output logic [63:0] rdata);
    longint unsigned start = cycle;
    reg_fired = 1'b0;
    reg_answered = 1'b0;
    reg_req_valid = 1'b1;
    reg_req_write = write;
    reg_req_offset = 12'(offset);
    reg_req_size8 = size == 8;
    reg_req_wdata = size == 4 ? wdata & 64'hffff_ffff : wdata;
    while (!(reg_fired && reg_answered)) begin
      if (cycle - start > BUDGET) hang($sformatf("the register port did not answer an access to 0x%0h", offset));
      step();
      if (reg_fired) reg_req_valid = 1'b0;
    end
    rdata = size == 4 ? reg_rdata & 64'hffff_ffff : reg_rdata;
  endtask

  task automatic reg_read(int unsigned offset, int unsigned size, output logic [63:0] value);
    log_register_read(cycle, offset, size);
    mmio(1'b0, offset, size, 64'd0, value);
    log_read(offset, size, value, reg_cycle);
  endtask

  task automatic reg_peek(int unsigned offset, int unsigned size);
    logic [63:0] unused_value;
    reg_read(offset, size, unused_value);
  endtask

  // A register write: the DUT's events until it is idle, then the read-back the checker compares.
  task automatic reg_write(int unsigned offset, int unsigned size, logic [63:0] value);
    logic [63:0] v, unused_rdata;
    log_register_write(cycle, offset, size, value);
    mmio(1'b1, offset, size, value, unused_rdata);
    run_to_idle();
    mmio(1'b0, offset, size, 64'd0, v);
    log_read(offset, size, v, reg_cycle);
  endtask

  // A store by software (the driver) to memory the IOMMU reads.
  function automatic void store(logic [63:0] pa, logic [63:0] value, string what);
    if (pa[2:0] != 3'd0) $fatal(1, "lockstep_log_tb: unaligned store to 0x%0h", pa);
    log_memory_write(cycle, pa, value, what);
    mem[longint'(pa)] = value;
  endfunction

  function automatic void memory_error(logic [63:0] pa, memory_error_e kind);
    log_memory_error(cycle, pa, kind);
    if (kind == MEMORY_OK) mem_err.delete(longint'(pa & ~64'h7));
    else mem_err[longint'(pa & ~64'h7)] = kind;
  endfunction

  logic [15:0] tag = 16'd0;

  // A device's translation request (ttyp 1-3 untranslated, 5-7 translated, 8 ATS translation request with
  // its No Write and Execute Requested); the DUT's events with its completion until it is idle.
  task automatic request(logic [23:0] device_id, logic pv, logic [19:0] process_id, logic priv,
                         int unsigned ttyp, logic [63:0] iova, logic no_write, logic exec_requested);
    longint unsigned start = cycle;
    tag = tag + 16'd1;
    log_translate(cycle, tag, device_id, pv, process_id, priv, ttyp, iova, no_write, exec_requested, 1'b0);
    tr_fired = 1'b0;
    tr_req_valid = 1'b1;
    tr_req_tag = tag;
    tr_req_did = device_id;
    tr_req_pv = pv;
    tr_req_pid = process_id;
    tr_req_iova = iova;
    tr_req_ttyp = 6'(ttyp);
    tr_req_priv = priv;
    tr_req_nw = no_write;
    tr_req_exe = exec_requested;
    while (!tr_fired) begin
      if (cycle - start > BUDGET) hang("the translation request port did not accept a request");
      step();
    end
    tr_req_valid = 1'b0;
    run_to_idle();
  endtask

  // An untranslated (1 exec, 2 read, 3 write) or translated request without a PASID.
  task automatic translate(logic [23:0] device_id, logic [63:0] iova, int unsigned ttyp);
    request(device_id, 1'b0, 20'd0, 1'b0, ttyp, iova, 1'b0, 1'b0);
  endtask

  // A PCIe ATS translation request without a PASID.
  task automatic ats(logic [23:0] device_id, logic [63:0] iova, logic no_write, logic exec_requested);
    request(device_id, 1'b0, 20'd0, 1'b0, 8, iova, no_write, exec_requested);
  endtask

  // A PCIe Page Request message (payload: the page-request record's dw1) with a destination segment;
  // the DUT's events until it is idle.
  task automatic page_request(logic [23:0] device_id, logic pv, logic [19:0] process_id, logic [63:0] payload);
    longint unsigned start = cycle;
    log_page_request(cycle, device_id, pv, process_id, 1'b0, 1'b0, payload, 1'b1);
    pr_fired = 1'b0;
    pr_req_valid = 1'b1;
    pr_req_did = device_id;
    pr_req_pv = pv;
    pr_req_pid = process_id;
    pr_req_priv = 1'b0;
    pr_req_exec = 1'b0;
    pr_req_dsv = 1'b1;
    pr_req_payload = payload;
    while (!pr_fired) begin
      if (cycle - start > BUDGET) hang("the page request port did not accept a message");
      step();
    end
    pr_req_valid = 1'b0;
    run_to_idle();
  endtask

  // A window (docs/log-format.md, "Windows"): window_begin, its requests (window_request,
  // window_page_request), then window() with what software does `gap` cycles after their submission.
  longint unsigned win_gap = 0;

  function automatic void window_begin(longint unsigned gap);
    win_gap = gap;
    log_window_begin(cycle, 32'(gap));
  endfunction

  // A translation request without a PASID (ttyp as for translate) ...
  function automatic void window_request(logic [23:0] device_id, logic [63:0] iova, int unsigned ttyp);
    win_tr_t r;
    tag = tag + 16'd1;
    r.tag = tag;
    r.did = device_id;
    r.ttyp = ttyp;
    r.iova = iova;
    log_window_request(tag, device_id, 1'b0, 20'd0, 1'b0, ttyp, iova, 1'b0, 1'b0, 1'b0);
    win_tr.push_back(r);
  endfunction

  // ... a Page Request without a PASID (payload: the page-request record's dw1), sent after them ...
  function automatic void window_page_request(logic [23:0] device_id, logic [63:0] payload, logic dsv);
    win_pr_t r;
    r.did = device_id;
    r.dsv = dsv;
    r.payload = payload;
    log_window_page_request(device_id, 1'b0, 20'd0, 1'b0, 1'b0, payload, dsv);
    win_pr.push_back(r);
  endfunction

  // ... and the window itself, as the engine drives one into the built-in harness: its requests all
  // submitted at the window's cycle; `gap` cycles later (earlier if the DUT is idle first: an idle record
  // there) software stores `value` at `pa`; the DUT's events until it is idle.
  task automatic window(logic [63:0] pa, logic [63:0] value, string what);
    longint unsigned stop = cycle + win_gap;
    if (pa[2:0] != 3'd0) $fatal(1, "lockstep_log_tb: unaligned store to 0x%0h", pa);
    log_window_store(pa, value, what);
    log_window_end();
    tr_fired = 1'b0;
    pr_fired = 1'b0;
    windowing = 1'b1;
    present_window();
    while (!dut_idle() && cycle < stop) step();
    if (dut_idle()) log_idle(cycle);
    mem[longint'(pa)] = value;
    run_to_idle();
  endtask

  // ---------------- the driver's structures ----------------
  localparam logic [63:0] V = 64'h1, R = 64'h2, W = 64'h4, X = 64'h8, U = 64'h10, A = 64'h40, D = 64'h80;
  localparam logic [63:0] MODE_SV39 = 64'd8 << 60;   // fsc.MODE Sv39, iohgatp.MODE Sv39x4

  logic [63:0] next_page = 64'h0020_0000;

  function automatic logic [63:0] alloc(logic [63:0] bytes);
    logic [63:0] p = (next_page + bytes - 64'd1) & ~(bytes - 64'd1);
    next_page = p + bytes;
    return p;
  endfunction

  function automatic logic [63:0] pte(logic [63:0] pa, logic [63:0] flags);
    return ((pa >> 12) << 10) | flags;
  endfunction

  // The index of `va` at `level` of an Sv39 (or, with x4, Sv39x4: an 11-bit root index) table.
  function automatic logic [63:0] index(logic [63:0] va, int level, bit x4);
    return (va >> (12 + 9 * level)) & ((x4 && level == 2) ? 64'h7ff : 64'h1ff);
  endfunction

  // The address of the PTE of `va` at `level`, allocating (and storing) the tables above it.
  function automatic logic [63:0] pte_addr(logic [63:0] root, logic [63:0] va, int level, bit x4);
    logic [63:0] table_pa = root;
    for (int l = 2; l > level; l--) begin
      logic [63:0] a = table_pa + index(va, l, x4) * 8;
      if ((load(a) & V) == 64'd0) store(a, pte(alloc(64'h1000), V), $sformatf("non-leaf PTE level %0d for 0x%0h", l, va));
      table_pa = (load(a) >> 10) << 12;
    end
    return table_pa + index(va, level, x4) * 8;
  endfunction

  function automatic void map(logic [63:0] root, logic [63:0] va, logic [63:0] pa, int level,
                              logic [63:0] flags, bit x4);
    store(pte_addr(root, va, level, x4), pte(pa, flags), $sformatf("leaf PTE level %0d: 0x%0h -> 0x%0h", level, va, pa));
  endfunction

  // An extended-format device context (MSI_FLAT: 64 bytes) in the one-level device directory; dw0 (tc,
  // with V) last, as a driver makes a context valid only once it is complete.
  function automatic void device_context(int unsigned device_id, logic [63:0] tc, logic [63:0] iohgatp,
                                         logic [63:0] ta, logic [63:0] fsc);
    logic [63:0] dc = DDT + 64'(device_id) * 64;
    for (int i = 7; i >= 4; i--) store(dc + 64'(i) * 8, 64'd0, $sformatf("DC dw%0d of device %0d", i, device_id));
    store(dc + 24, fsc, $sformatf("DC fsc of device %0d", device_id));
    store(dc + 16, ta, $sformatf("DC ta of device %0d", device_id));
    store(dc + 8, iohgatp, $sformatf("DC iohgatp of device %0d", device_id));
    store(dc, tc, $sformatf("DC tc of device %0d", device_id));
  endfunction

  // ---------------- the command queue ----------------
  int unsigned cq_tail = 0;
  localparam int CQ_LOG2SZ_M1 = 3;   // 16 entries

  function automatic void command(logic [63:0] dw0, logic [63:0] dw1, string what);
    store(CQ + 64'(cq_tail) * 16, dw0, {what, " dw0"});
    store(CQ + 64'(cq_tail) * 16 + 8, dw1, {what, " dw1"});
    cq_tail = (cq_tail + 1) % (1 << (CQ_LOG2SZ_M1 + 1));
  endfunction

  // spec: Command-Queue: IOTINVAL (opcode 1; func3 0 VMA, 1 GVMA), IOFENCE (2), IODIR (3)
  function automatic void iotinval(bit gvma, bit av, bit pscv, int unsigned pscid, bit gv, int unsigned gscid,
                                   logic [63:0] addr);
    command(64'd1 | (64'(gvma) << 7) | (64'(av) << 10) | (64'(pscid) << 12) | (64'(pscv) << 32) |
            (64'(gv) << 33) | (64'(gscid) << 44), (addr >> 12) << 10, gvma ? "IOTINVAL.GVMA" : "IOTINVAL.VMA");
  endfunction

  // IOFENCE.C with AV=1: the fence writes `data` (4 bytes) to `addr` once the commands before it are done.
  function automatic void iofence(logic [63:0] addr, logic [31:0] data);
    command(64'd2 | (64'd1 << 10) | (64'(data) << 32), addr >> 2, "IOFENCE.C");
  endfunction

  // ATS.INVAL (opcode 4, func3 0): an Invalidation Request to device `rid` (payload: the request's dw1).
  function automatic void ats_inval(int unsigned rid, logic [63:0] payload);
    command(64'd4 | (64'(rid) << 40), payload, "ATS.INVAL");
  endfunction

  // ATS.PRGR (opcode 4, func3 1): a Page Request Group Response of PRG index `prg` with `code`.
  function automatic void ats_prgr(int unsigned rid, int unsigned prg, int unsigned code);
    command(64'd4 | (64'd1 << 7) | (64'(rid) << 40), (64'(prg) << 32) | (64'(code) << 44), "ATS.PRGR");
  endfunction

  function automatic void iodir_inval_ddt(int unsigned device_id);
    command(64'd3 | (64'd1 << 33) | (64'(device_id) << 40), 64'd0, "IODIR.INVAL_DDT");
  endfunction

  // Lets the IOMMU run the commands stored since the last call (cqt), then reads cqh.
  task automatic run_commands();
    reg_write(CQT, 4, 64'(cq_tail));
    reg_peek(CQH, 4);
  endtask

  // ---------------- planted bugs: +mutant=ID or NAME, looked up in mutants.tsv ----------------
  function automatic void select_mutant(string wanted, string table_file, output int unsigned id,
                                        output string name);
    int f;
    string l, n;
    int unsigned i;
    id = 0;
    name = "none";
    if (wanted == "" || wanted == "0" || wanted == "none") return;
    f = $fopen(table_file, "r");
    if (f == 0) $fatal(1, "lockstep_log_tb: cannot read the planted bugs from %s (+mutants=FILE)", table_file);
    while ($fgets(l, f) != 0) begin
      if (l.len() == 0 || l[0] == "#") continue;
      if ($sscanf(l, "%d %s", i, n) == 2 && (n == wanted || $sformatf("%0d", i) == wanted)) begin
        id = i;
        name = n;
      end
    end
    $fclose(f);
    if (id == 0) $fatal(1, "lockstep_log_tb: +mutant=%s is no planted bug of %s", wanted, table_file);
  endfunction

  // ---------------- the seed ----------------
  string           log_file = "sv-log.jsonl", wanted = "", table_file = "rtl-stubs/mutants.tsv", mutant_name;
  longint          seed = 1;
  int unsigned     mutant_id;
  logic [63:0]     r1, g1, v, pdt, leaf;         // page-table roots of devices 1 and 2; a register value;
                                                 // device 5's process directory; a PTE's address
  longint unsigned words[$];

  // +window_log=FILE: a second, short log with a window action written by the package's window functions
  // (the RTL's stimulus above is serialized: one request at a time), and records of every ABI 6 and ABI 7
  // kind, for the tests of the writer.
  function automatic void window_example(string file);
    if (!log_open(file)) $fatal(1, "lockstep_log_tb: cannot write %s", file);
    log_header("lockstep_log_tb (lockstep_log_pkg)", "window example", "none",
               config_json(CAPABILITIES, 0, 2, "Off", "Off,Bare,1LVL,2LVL,3LVL", ""), seed, 0, "none",
               "window-example", 1);
    log_window_begin(100, 20);
    log_window_request(16'd1, 24'd1, 1'b0, 20'd0, 1'b0, 2, 64'h4020_1abc, 1'b0, 1'b0, 1'b0);
    log_window_request(16'd2, 24'd5, 1'b1, 20'd5, 1'b1, 8, 64'h4020_9010, 1'b1, 1'b1, 1'b0);
    log_window_store(64'h0020_1008, 64'h2000_14d7, "leaf PTE \"moved\"");
    log_window_register_write(CQT, 4, 64'd4);
    log_window_end();
    log_accept(100, 16'd1);
    log_accept(102, 16'd2);
    log_completion(108, 16'd1, 2'd1, 12'd13, 64'd0, 1'b0, 1'b0, 1'b0, 1'b0, 1'b0, 2'd0, 1'b0, 1'b0, 1'b0);
    log_completion(109, 16'd2, 2'd1, 12'd260, 64'd0, 1'b0, 1'b0, 1'b0, 1'b0, 1'b0, 2'd0, 1'b0, 1'b0, 1'b0);
    log_inval_completion(110, 16'd5, 32'h8000_0001, 3'd0);   // ITAGs 0 and 31, Completion Count 8
    log_queue_tail(111, FAULT_QUEUE, 32'd2);
    log_idle(112);   // idle before the gap ended (cycle 120): the store and the cqt write take effect here
    log_cq_head(118, 32'd4);
    log_queue_tail(121, PAGE_REQUEST_QUEUE, 32'hffff_ffff);
    log_idle(125);
    log_read(CQT, 4, 64'd4, 127);
    log_idle(127);
    // a staggered window: tag 4 arrives 30 cycles in, after the store 10 cycles in and after a later software
    // group 20 cycles in (a second PTE and a cqt write; its read-back follows the idle)
    log_window_begin(130, 10);
    log_window_request(16'd3, 24'd1, 1'b0, 20'd0, 1'b0, 2, 64'h4020_1ab0, 1'b0, 1'b0, 1'b0);
    log_window_request_at(30, 16'd4, 24'd1, 1'b0, 20'd0, 1'b0, 2, 64'h4020_1ab8, 1'b0, 1'b0, 1'b0);
    log_window_store(64'h0020_1008, 64'h2000_14d7, "leaf PTE again");
    log_window_group(20);
    log_window_store(64'h0020_1010, 64'h2000_18d7, "leaf PTE next");
    log_window_register_write(CQT, 4, 64'd6);
    log_window_end();
    log_accept(130, 16'd3);
    log_completion(138, 16'd3, 2'd1, 12'd13, 64'd0, 1'b0, 1'b0, 1'b0, 1'b0, 1'b0, 2'd0, 1'b0, 1'b0, 1'b0);
    log_accept(161, 16'd4);
    log_completion(169, 16'd4, 2'd1, 12'd13, 64'd0, 1'b0, 1'b0, 1'b0, 1'b0, 1'b0, 2'd0, 1'b0, 1'b0, 1'b0);
    log_cq_head(172, 32'd6);
    log_idle(174);
    log_read(CQT, 4, 64'd6, 176);
    log_idle(176);
    log_mem_word(64'h0020_1008, 64'h2000_14d7);
    log_mem_word(64'h0020_1010, 64'h2000_18d7);
    log_end("", 176);
  endfunction

  // +window_group_error=N: a window that breaks a rule of log_window_group; the package reports it ($error).
  function automatic void window_group_error(int unsigned bad, string file);
    if (!log_open(file)) $fatal(1, "lockstep_log_tb: cannot write %s", file);
    log_window_begin(100, 10);
    log_window_request(16'd1, 24'd1, 1'b0, 20'd0, 1'b0, 2, 64'h4020_1abc, 1'b0, 1'b0, 1'b0);
    if (bad == 4) log_window_page_request(24'd1, 1'b0, 20'd0, 1'b0, 1'b0, 64'h4020_3005, 1'b1);
    if (bad != 3) log_window_store(64'h0020_1008, 64'h2000_14d7, "leaf PTE");
    case (bad)
      1: log_window_group(10);                       // not after the window's gap
      2: begin                                       // not after the group before it
        log_window_group(20);
        log_window_register_write(CQT, 4, 64'd2);
        log_window_group(20);
      end
      3: log_window_group(20);                       // before any software action
      4: log_window_group(20);                       // with a Page Request
      5: log_window_group(20);                       // empty at log_window_end
      default: $fatal(1, "lockstep_log_tb: no window_group_error case %0d", bad);
    endcase
    log_window_end();
    log_close();
  endfunction

  string window_file;
  int unsigned group_error;

  initial begin
    void'($value$plusargs("log=%s", log_file));
    void'($value$plusargs("mutant=%s", wanted));
    void'($value$plusargs("mutants=%s", table_file));
    void'($value$plusargs("seed=%d", seed));
    select_mutant(wanted, table_file, mutant_id, mutant_name);
    if ($value$plusargs("window_group_error=%d", group_error)) begin
      window_group_error(group_error, log_file);
      $finish;
    end
    if (!log_open(log_file)) $fatal(1, "lockstep_log_tb: cannot write %s", log_file);
    log_header("lockstep_log_tb (lockstep_log_pkg)", "lockstep_iommu under lockstep_log_tb",
               "lockstep_iommu rtl-stubs, SystemVerilog testbench",
               config_json(CAPABILITIES, 0, 2, "Off", "Off,Bare,1LVL,2LVL,3LVL",
                           "\"cq_log2sz_max\":31,\"fq_log2sz_max\":31,\"pq_log2sz_max\":31"),
               seed, mutant_id, mutant_name, "sv-driver", 0);

    mutant = 32'(mutant_id);
    repeat (8) @(negedge clk);
    rst_n = 1'b1;
    irq_seen = irq;
    step();
    cycle = 0;   // cycles count from the first clock after reset, as the built-in harness counts them

    // What the IOMMU is, and its reset state.
    reg_peek(CAPS, 8);
    reg_peek(FCTL, 4);
    reg_peek(DDTP, 8);

    // Interrupt vectors (civ 1, fiv 2); the fault queue (16 records) and the command queue (16 commands).
    reg_write(ICVEC, 8, 64'h21);
    reg_write(FQB, 8, ((FQ >> 12) << 10) | 64'd3);
    reg_write(FQCSR, 4, 64'h3);   // fqen, fie
    reg_peek(FQCSR, 4);
    reg_write(CQB, 8, ((CQ >> 12) << 10) | 64'(CQ_LOG2SZ_M1));
    reg_write(CQCSR, 4, 64'h3);   // cqen, cie
    reg_peek(CQCSR, 4);

    // Device 1: Sv39, PSCID 5. 4 KiB pages: read/write, read-only, D=0; a 2 MiB superpage.
    r1 = alloc(64'h1000);
    map(r1, 64'h4020_1000, 64'h8000_5000, 0, V | R | W | U | A | D, 1'b0);
    map(r1, 64'h4020_2000, 64'h8000_6000, 0, V | R | U | A | D, 1'b0);
    map(r1, 64'h4020_6000, 64'h8000_a000, 0, V | R | W | U | A, 1'b0);
    map(r1, 64'h4020_3000, 64'h8000_7000, 0, V | R | X | U | A | D, 1'b0);
    map(r1, 64'h4040_0000, 64'h8060_0000, 1, V | R | W | U | A | D, 1'b0);
    device_context(1, V, 64'd0, 64'd5 << 12, MODE_SV39 | (r1 >> 12));
    // Device 2: G stage only, Sv39x4 (a 16 KiB root), GSCID 3. A read/write and a read-only guest page.
    g1 = alloc(64'h4000);
    map(g1, 64'h1_2345_6000, 64'h8000_9000, 0, V | R | W | U | A | D, 1'b1);
    map(g1, 64'h1_2345_7000, 64'h8000_b000, 0, V | R | U | A | D, 1'b1);
    device_context(2, V, MODE_SV39 | (64'd3 << 44) | (g1 >> 12), 64'd0, 64'd0);
    reg_write(DDTP, 8, ((DDT >> 12) << 10) | 64'd2);   // 1LVL

    // Translations of device 1: success, and each fault writes a fault record and raises fiv.
    translate(1, 64'h4020_1abc, 2);         // read
    translate(1, 64'h4020_1abc, 3);         // write
    translate(1, 64'h4020_2010, 3);         // write to a read-only page: store page fault (15)
    reg_peek(FQT, 4);
    reg_peek(IPSR, 4);
    translate(1, 64'h4051_2345, 2);         // inside the superpage
    translate(1, 64'h4020_6000, 3);         // store to D=0 (no hardware A/D): 15
    translate(1, 64'h4020_1000, 1);         // execute on X=0: instruction page fault (12)
    translate(1, 64'h4020_3040, 1);         // execute on X=1
    translate(1, 64'h7fff_0000, 2);         // not mapped: load page fault (13)
    translate(1, 64'h0000_0040_0020_1000, 2);  // not sign-extended from bit 38: 13
    // Device 2: guest physical addresses through the G stage.
    translate(2, 64'h1_2345_6789, 2);
    translate(2, 64'h1_2345_7008, 3);       // store guest-page fault (23)
    translate(3, 64'h1000, 2);              // device 3 has no valid context: 258

    // Software consumes the fault records and clears the pending interrupt.
    reg_read(FQT, 4, v);
    reg_write(FQH, 4, v);
    reg_write(IPSR, 4, 64'h2);              // fip is RW1C
    reg_peek(IPSR, 4);

    // A PTE changed, then IOTINVAL.VMA of that page and IOFENCE.C: the new mapping is seen.
    map(r1, 64'h4020_1000, 64'h8000_c000, 0, V | R | W | U | A | D, 1'b0);
    iotinval(1'b0, 1'b1, 1'b1, 5, 1'b0, 0, 64'h4020_1000);
    iofence(FENCE_WORD, 32'h5a5a_0001);
    run_commands();
    translate(1, 64'h4020_1abc, 2);

    // The superpage moved; the invalidation names an address inside it, not its base.
    map(r1, 64'h4040_0000, 64'h8080_0000, 1, V | R | W | U | A | D, 1'b0);
    iotinval(1'b0, 1'b1, 1'b1, 5, 1'b0, 0, 64'h4051_2000);
    iofence(FENCE_WORD + 8, 32'h5a5a_0002);
    run_commands();
    translate(1, 64'h4051_2345, 2);

    // A guest page moved: IOTINVAL.GVMA of GSCID 3 at that address.
    map(g1, 64'h1_2345_6000, 64'h8000_d000, 0, V | R | W | U | A | D, 1'b1);
    iotinval(1'b1, 1'b1, 1'b0, 0, 1'b1, 3, 64'h1_2345_6000);
    iofence(FENCE_WORD + 16, 32'h5a5a_0003);
    run_commands();
    translate(2, 64'h1_2345_6789, 2);

    // Device 1's context now has DTF (no fault records for its translation faults): IODIR.INVAL_DDT.
    store(DDT + 64, V | (64'd1 << 4), "DC tc of device 1: DTF");
    iodir_inval_ddt(1);
    iofence(FENCE_WORD + 24, 32'h5a5a_0004);
    run_commands();
    translate(1, 64'h4020_2010, 3);         // 15, without a record
    reg_peek(FQT, 4);

    // Reading a PTE fails: a new page whose leaf PTE has an access fault.
    map(r1, 64'h4020_8000, 64'h8000_e000, 0, V | R | W | U | A | D, 1'b0);
    store(DDT + 64, V, "DC tc of device 1: DTF cleared");
    iodir_inval_ddt(1);
    iofence(FENCE_WORD + 32, 32'h5a5a_0005);
    run_commands();
    memory_error(pte_addr(r1, 64'h4020_8000, 0, 1'b0), MEMORY_ACCESS_FAULT);
    translate(1, 64'h4020_8000, 2);         // load access fault (5)
    memory_error(pte_addr(r1, 64'h4020_8000, 0, 1'b0), MEMORY_OK);
    translate(1, 64'h4020_8008, 2);

    // PCIe ATS and PRI. Device 4 (EN_ATS, EN_PRI) shares device 1's page table (PSCID 7); device 5
    // (EN_ATS) has a process directory (PD8) with process 5 (ENS: supervisor requests). The page-request
    // queue holds 4 records and raises piv 3.
    reg_write(ICVEC, 8, 64'h3021);
    reg_write(PQB, 8, ((PQ >> 12) << 10) | 64'd1);
    reg_write(PQCSR, 4, 64'h3);   // pqen, pie
    device_context(4, V | (64'd1 << 1) | (64'd1 << 2), 64'd0, 64'd7 << 12, MODE_SV39 | (r1 >> 12));
    map(r1, 64'h4020_9000, 64'h8000_f000, 0, V | R | W | A | D, 1'b0);   // a supervisor page (U=0)
    pdt = alloc(64'h1000);
    store(pdt + 5 * 16 + 8, MODE_SV39 | (r1 >> 12), "PC fsc of process 5");
    store(pdt + 5 * 16, V | (64'd1 << 1) | (64'd9 << 12), "PC ta of process 5 (\"ENS\", PSCID 9)");
    device_context(5, V | (64'd1 << 1) | (64'd1 << 5), 64'd0, 64'd0, (64'd1 << 60) | (pdt >> 12));
    ats(4, 64'h4020_1010, 1'b0, 1'b0);     // read/write page: R W
    ats(4, 64'h4020_2010, 1'b0, 1'b0);     // read-only page: R, W denied
    ats(4, 64'h4051_2345, 1'b0, 1'b0);     // the superpage: S, the size encoded in the address
    ats(4, 64'h4020_1010, 1'b1, 1'b0);     // No Write: R
    request(5, 1'b1, 20'd5, 1'b0, 8, 64'h4020_3010, 1'b0, 1'b1);  // Execute Requested (with a PASID): R X
    ats(4, 64'h7fff_0000, 1'b0, 1'b0);     // not mapped: Success with R=W=0, no fault record
    ats(1, 64'h4020_1010, 1'b0, 1'b0);     // device 1 has no EN_ATS: Unsupported Request (260)
    translate(4, 64'h8000_c008, 6);        // a translated read: the address is the SPA
    request(5, 1'b1, 20'd5, 1'b1, 8, 64'h4020_9010, 1'b0, 1'b0);   // supervisor, with a PASID: Priv
    reg_peek(FQT, 4);
    // ATS.INVAL to device 4, then IOFENCE.C: the fence completes once the device has answered.
    ats_inval(4, 64'h4020_1000);
    iofence(FENCE_WORD + 40, 32'h5a5a_0006);
    run_commands();
    // Page requests: one queued (a record, pip), one from a device without EN_PRI (an automatic
    // response and a fault record), then software answers the queued one with ATS.PRGR.
    page_request(4, 1'b0, 20'd0, 64'h4020_1000 | (64'd5 << 3) | 64'h4 | 64'h1);
    reg_peek(PQT, 4);
    page_request(1, 1'b0, 20'd0, 64'h4020_2000 | (64'd6 << 3) | 64'h4 | 64'h2);
    reg_write(PQH, 4, 64'd1);
    ats_prgr(4, 5, 0);
    run_commands();
    // A window: two translation requests and two Page Requests in flight together (one queued, one
    // refused with an automatic response, this one without a destination segment); 160 cycles later
    // software maps the page the first request reads. With the built-in DUT the store comes after both
    // translations (the first faults) and the first Page Request's record, before the second is handled.
    leaf = pte_addr(r1, 64'h4020_a000, 0, 1'b0);   // the tables above it exist: no store
    window_begin(160);
    window_request(1, 64'h4020_a008, 2);
    window_request(4, 64'h4020_1010, 8);
    window_page_request(4, 64'h4020_3000 | (64'd7 << 3) | 64'h4 | 64'h1, 1'b1);
    window_page_request(1, 64'h4020_4000 | (64'd8 << 3) | 64'h4 | 64'h2, 1'b0);
    window(leaf, pte(64'h8001_0000, V | R | W | U | A | D), "leaf PTE level 0: 0x4020a000 -> 0x80010000");
    reg_peek(PQT, 4);

    reg_peek(FQT, 4);
    reg_peek(FQCSR, 4);
    reg_peek(CQCSR, 4);
    reg_peek(PQCSR, 4);
    reg_peek(IPSR, 4);

    // The end of the seed: a last run to idle, the memory image of every word written, the end.
    run_to_idle();
    touched_words(words);
    foreach (words[i]) log_mem_word(words[i], load(words[i]));
    log_end("", cycle);
    if ($value$plusargs("window_log=%s", window_file)) window_example(window_file);
    $finish;
  end
endmodule
