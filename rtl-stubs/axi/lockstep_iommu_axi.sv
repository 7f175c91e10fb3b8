// lockstep_iommu_axi: the built-in DUT (lockstep_iommu) behind the AXI ports of the wrapper
// convention (docs/axi-wrapper.md), with the bus behaviour of a real AXI IOMMU:
// - s_prog_: AXI4-Lite slave, 32-bit (PROG_DATA_W = 64 for a 64-bit bus), onto the register port;
// - s_dev_: AXI4 slave for device DMA with the AXI5 untranslated-transaction sideband, translated
//   one request at a time on the native translation port; a success is forwarded on m_out_ (same
//   ID, length, size, burst and write data, translated address), a fault answered with SLVERR
//   (DECERR for page and guest-page faults) without the cause;
// - m_mem_: AXI4 master for the IOMMU's own accesses, one ID per engine (walks, A/D atomics,
//   command queue, fault queue, page-request queue): the consecutive doublewords an engine reads
//   (a DC, a PC, an MSI PTE, a command) read as one INCR burst, fault and page-request records
//   written as one, A/D updates as AXI5 AtomicLoad SET;
// - the ATS, message and page-request channels of the native DUT, passed through.
// Planted bugs of the wrapper itself (M_AXI_* below, rtl-stubs/mutants.tsv) share the mutant input
// with the DUT's own.
module lockstep_iommu_axi
  import iommu_pkg::*;
#(
  parameter int PROG_DATA_W = 32,        // programming port data width: 32 or 64
  parameter int DEV_ID_W    = 4,         // s_dev_ and m_out_ ID width (m_out_ carries the device's ID)
  parameter int MEM_ID_W    = 4,         // m_mem_ ID width (at least 3)
  parameter int MEM_ATOP    = 1,         // A/D updates as AtomicLoad SET; 0: read, then write if changed
  parameter int CAUSE_PORT  = 0,         // drive obs_cause_* (debugging; the declaration says false)
  parameter int OUT_MAX     = 7          // forwarded device transactions outstanding per direction
) (
  input  logic                     clk,
  input  logic                     rst_n,
  input  logic [31:0]              mutant,
  // ---- programming port: AXI4-Lite slave ----
  input  logic                     s_prog_awvalid,
  output logic                     s_prog_awready,
  input  logic [11:0]              s_prog_awaddr,
  input  logic [2:0]               s_prog_awprot,
  input  logic                     s_prog_wvalid,
  output logic                     s_prog_wready,
  input  logic [PROG_DATA_W-1:0]   s_prog_wdata,
  input  logic [PROG_DATA_W/8-1:0] s_prog_wstrb,
  output logic                     s_prog_bvalid,
  input  logic                     s_prog_bready,
  output logic [1:0]               s_prog_bresp,
  input  logic                     s_prog_arvalid,
  output logic                     s_prog_arready,
  input  logic [11:0]              s_prog_araddr,
  input  logic [2:0]               s_prog_arprot,
  output logic                     s_prog_rvalid,
  input  logic                     s_prog_rready,
  output logic [PROG_DATA_W-1:0]   s_prog_rdata,
  output logic [1:0]               s_prog_rresp,
  // ---- device request port: AXI4 slave with the AXI5 untranslated-transaction sideband ----
  input  logic                     s_dev_awvalid,
  output logic                     s_dev_awready,
  input  logic [DEV_ID_W-1:0]      s_dev_awid,
  input  logic [63:0]              s_dev_awaddr,
  input  logic [7:0]               s_dev_awlen,
  input  logic [2:0]               s_dev_awsize,
  input  logic [1:0]               s_dev_awburst,
  input  logic [2:0]               s_dev_awprot,
  input  logic [23:0]              s_dev_awmmusid,
  input  logic                     s_dev_awmmussidv,
  input  logic [19:0]              s_dev_awmmussid,
  input  logic                     s_dev_awmmuatst,
  input  logic                     s_dev_wvalid,
  output logic                     s_dev_wready,
  input  logic [63:0]              s_dev_wdata,
  input  logic [7:0]               s_dev_wstrb,
  input  logic                     s_dev_wlast,
  output logic                     s_dev_bvalid,
  input  logic                     s_dev_bready,
  output logic [DEV_ID_W-1:0]      s_dev_bid,
  output logic [1:0]               s_dev_bresp,
  input  logic                     s_dev_arvalid,
  output logic                     s_dev_arready,
  input  logic [DEV_ID_W-1:0]      s_dev_arid,
  input  logic [63:0]              s_dev_araddr,
  input  logic [7:0]               s_dev_arlen,
  input  logic [2:0]               s_dev_arsize,
  input  logic [1:0]               s_dev_arburst,
  input  logic [2:0]               s_dev_arprot,
  input  logic [23:0]              s_dev_armmusid,
  input  logic                     s_dev_armmussidv,
  input  logic [19:0]              s_dev_armmussid,
  input  logic                     s_dev_armmuatst,
  output logic                     s_dev_rvalid,
  input  logic                     s_dev_rready,
  output logic [DEV_ID_W-1:0]      s_dev_rid,
  output logic [63:0]              s_dev_rdata,
  output logic [1:0]               s_dev_rresp,
  output logic                     s_dev_rlast,
  // ---- translated-output port: AXI4 master ----
  output logic                     m_out_awvalid,
  input  logic                     m_out_awready,
  output logic [DEV_ID_W-1:0]      m_out_awid,
  output logic [63:0]              m_out_awaddr,
  output logic [7:0]               m_out_awlen,
  output logic [2:0]               m_out_awsize,
  output logic [1:0]               m_out_awburst,
  output logic [1:0]               m_out_awpbmt,
  output logic                     m_out_wvalid,
  input  logic                     m_out_wready,
  output logic [63:0]              m_out_wdata,
  output logic [7:0]               m_out_wstrb,
  output logic                     m_out_wlast,
  input  logic                     m_out_bvalid,
  output logic                     m_out_bready,
  input  logic [DEV_ID_W-1:0]      m_out_bid,
  input  logic [1:0]               m_out_bresp,
  output logic                     m_out_arvalid,
  input  logic                     m_out_arready,
  output logic [DEV_ID_W-1:0]      m_out_arid,
  output logic [63:0]              m_out_araddr,
  output logic [7:0]               m_out_arlen,
  output logic [2:0]               m_out_arsize,
  output logic [1:0]               m_out_arburst,
  output logic [1:0]               m_out_arpbmt,
  input  logic                     m_out_rvalid,
  output logic                     m_out_rready,
  input  logic [DEV_ID_W-1:0]      m_out_rid,
  input  logic [63:0]              m_out_rdata,
  input  logic [1:0]               m_out_rresp,
  input  logic                     m_out_rlast,
  // ---- memory master: AXI4 with AXI5 atomics and read poison ----
  output logic                     m_mem_awvalid,
  input  logic                     m_mem_awready,
  output logic [MEM_ID_W-1:0]      m_mem_awid,
  output logic [63:0]              m_mem_awaddr,
  output logic [7:0]               m_mem_awlen,
  output logic [2:0]               m_mem_awsize,
  output logic [1:0]               m_mem_awburst,
  output logic [5:0]               m_mem_awatop,
  output logic                     m_mem_wvalid,
  input  logic                     m_mem_wready,
  output logic [63:0]              m_mem_wdata,
  output logic [7:0]               m_mem_wstrb,
  output logic                     m_mem_wlast,
  input  logic                     m_mem_bvalid,
  output logic                     m_mem_bready,
  input  logic [MEM_ID_W-1:0]      m_mem_bid,
  input  logic [1:0]               m_mem_bresp,
  output logic                     m_mem_arvalid,
  input  logic                     m_mem_arready,
  output logic [MEM_ID_W-1:0]      m_mem_arid,
  output logic [63:0]              m_mem_araddr,
  output logic [7:0]               m_mem_arlen,
  output logic [2:0]               m_mem_arsize,
  output logic [1:0]               m_mem_arburst,
  input  logic                     m_mem_rvalid,
  output logic                     m_mem_rready,
  input  logic [MEM_ID_W-1:0]      m_mem_rid,
  input  logic [63:0]              m_mem_rdata,
  input  logic [1:0]               m_mem_rresp,
  input  logic                     m_mem_rlast,
  input  logic                     m_mem_rpoison,
  // ---- wired interrupts ----
  output logic [15:0]              irq,
  // ---- ATS translation requests and completions (native signals) ----
  input  logic                     ats_req_valid,
  output logic                     ats_req_ready,
  input  logic [15:0]              ats_req_tag,
  input  logic [23:0]              ats_req_did,
  input  logic                     ats_req_pv,
  input  logic [19:0]              ats_req_pid,
  input  logic                     ats_req_priv,
  input  logic                     ats_req_nw,
  input  logic                     ats_req_exe,
  input  logic [63:0]              ats_req_iova,
  input  logic                     ats_req_cxl,
  output logic                     ats_cpl_valid,
  input  logic                     ats_cpl_ready,
  output logic [15:0]              ats_cpl_tag,
  output logic [1:0]               ats_cpl_status,
  output logic [63:0]              ats_cpl_addr,
  output logic                     ats_cpl_r,
  output logic                     ats_cpl_w,
  output logic                     ats_cpl_x,
  output logic                     ats_cpl_u,
  output logic                     ats_cpl_g,
  output logic                     ats_cpl_s,
  output logic                     ats_cpl_priv,
  output logic                     ats_cpl_cxl,
  // ---- outbound messages and Invalidation Completions ----
  output logic                     msg_valid,
  input  logic                     msg_ready,
  output logic                     msg_prgr,
  output logic [15:0]              msg_rid,
  output logic                     msg_dsv,
  output logic [7:0]               msg_dseg,
  output logic                     msg_pv,
  output logic [19:0]              msg_pid,
  output logic [63:0]              msg_payload,
  input  logic                     ats_inv_cpl_valid,
  // ---- inbound Page Requests ----
  input  logic                     pr_req_valid,
  output logic                     pr_req_ready,
  input  logic [23:0]              pr_req_did,
  input  logic                     pr_req_pv,
  input  logic [19:0]              pr_req_pid,
  input  logic                     pr_req_priv,
  input  logic                     pr_req_exec,
  input  logic                     pr_req_dsv,
  input  logic [63:0]              pr_req_payload,
  // ---- observation ----
  output logic                     obs_cause_valid,
  output logic [11:0]              obs_cause,
  output logic                     idle
);
  // ---- planted bugs of the wrapper (rtl-stubs/mutants.tsv, names axi_*) ----
  localparam logic [7:0] M_AXI_FAULT_RID_STALE   = 8'd38;  // fault R beats carry the last forwarded ID
  localparam logic [7:0] M_AXI_RECORD_BURST_SHORT = 8'd39; // record bursts one beat short
  localparam logic [7:0] M_AXI_RECORD_BRESP_DROPPED = 8'd40; // record-burst BRESP ignored
  localparam logic [7:0] M_AXI_FENCE_FULL_STROBE = 8'd41;  // narrow IOFENCE.C write sent as 8 bytes
  localparam logic [7:0] M_AXI_LITE_ADDR2_DROPPED = 8'd42; // 32-bit writes decoded with awaddr[11:3]

  // ---- memory master IDs, one per engine ----
  localparam logic [MEM_ID_W-1:0] ID_WALK = MEM_ID_W'(0);   // DDT, PDT, page-table, MSI-PT reads
  localparam logic [MEM_ID_W-1:0] ID_AMO  = MEM_ID_W'(1);   // A/D updates
  localparam logic [MEM_ID_W-1:0] ID_CQ   = MEM_ID_W'(2);   // command fetch, IOFENCE.C write
  localparam logic [MEM_ID_W-1:0] ID_FQ   = MEM_ID_W'(3);   // fault records
  localparam logic [MEM_ID_W-1:0] ID_PQ   = MEM_ID_W'(4);   // page-request records

  localparam logic [1:0] RESP_OKAY = 2'b00, RESP_SLVERR = 2'b10, RESP_DECERR = 2'b11;

  // ================= the built-in DUT =================
  logic        reg_req_valid, reg_req_write, reg_req_size8, reg_req_ready;
  logic [11:0] reg_req_offset;
  logic [63:0] reg_req_wdata, reg_rsp_rdata;
  logic        reg_rsp_valid;
  logic        tr_req_valid, tr_req_ready, tr_req_pv, tr_req_priv, tr_req_nw, tr_req_exe, tr_req_cxl;
  logic [15:0] tr_req_tag;
  logic [23:0] tr_req_did;
  logic [19:0] tr_req_pid;
  logic [63:0] tr_req_iova;
  logic [5:0]  tr_req_ttyp;
  logic        tr_cpl_valid, tr_cpl_ready;
  logic [15:0] tr_cpl_tag;
  logic [1:0]  tr_cpl_status, tr_cpl_pbmt;
  logic [11:0] tr_cpl_cause;
  logic [63:0] tr_cpl_pa;
  logic        tr_cpl_r, tr_cpl_w, tr_cpl_x, tr_cpl_u, tr_cpl_g, tr_cpl_s, tr_cpl_priv, tr_cpl_cxl_io;
  logic        mem_req_valid, mem_req_ready, mem_rsp_valid;
  logic [1:0]  mem_req_op, mem_req_src, mem_rsp_err;
  logic [3:0]  mem_req_words;
  logic [63:0] mem_req_addr, mem_req_wdata, mem_rsp_rdata;
  logic [7:0]  mem_req_wstrb;
  logic        core_idle;

  // cqh (ABI 6), fqt and pqt (ABI 7) for the native harness's events; the AXI harness reports ABI 5
  // (neither cqh nor tail events), so they are not used here.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0] core_cq_head, core_fq_tail, core_pq_tail;
  // The compare value of an A/D compare and swap: not used, the core makes its A/D updates AMO ORs
  // here (AD_CAS=0), mapped to AtomicLoad SET. That is atomic because this wrapper's harness runs one
  // translation at a time (ABI 5) and no software store comes between a walk's read and its update.
  logic [63:0] core_mem_req_cmp;
  /* verilator lint_on UNUSEDSIGNAL */
  lockstep_iommu #(.AD_CAS(1'b0)) u_iommu (
    .clk, .rst_n, .mutant,
    .reg_req_valid, .reg_req_ready, .reg_req_write, .reg_req_offset, .reg_req_size8,
    .reg_req_wdata, .reg_rsp_valid, .reg_rsp_rdata,
    .tr_req_valid, .tr_req_ready, .tr_req_tag, .tr_req_did, .tr_req_pv, .tr_req_pid,
    .tr_req_iova, .tr_req_ttyp, .tr_req_priv, .tr_req_nw, .tr_req_exe, .tr_req_cxl,
    .pr_req_valid, .pr_req_ready, .pr_req_did, .pr_req_pv, .pr_req_pid, .pr_req_priv,
    .pr_req_exec, .pr_req_dsv, .pr_req_payload,
    .tr_cpl_valid, .tr_cpl_ready, .tr_cpl_tag, .tr_cpl_status, .tr_cpl_cause, .tr_cpl_pa,
    .tr_cpl_r, .tr_cpl_w, .tr_cpl_x, .tr_cpl_u, .tr_cpl_g, .tr_cpl_pbmt, .tr_cpl_s, .tr_cpl_priv,
    .tr_cpl_cxl_io,
    .msg_valid, .msg_ready, .msg_prgr, .msg_rid, .msg_dsv, .msg_dseg, .msg_pv, .msg_pid,
    .msg_payload, .ats_inv_cpl_valid,
    .mem_req_valid, .mem_req_ready, .mem_req_op, .mem_req_addr, .mem_req_wdata, .mem_req_cmp(core_mem_req_cmp), .mem_req_wstrb,
    .mem_req_src, .mem_req_words, .mem_rsp_valid, .mem_rsp_rdata, .mem_rsp_err,
    .irq, .cq_head(core_cq_head), .fq_tail(core_fq_tail), .pq_tail(core_pq_tail), .idle(core_idle)
  );

  // ================= programming port: AXI4-Lite onto the register port =================
  // One access at a time. A 32-bit bus makes 4-byte register accesses (an 8-byte register is two
  // of them, which the spec allows: "Memory-mapped register interface"); a 64-bit bus makes an
  // 8-byte access for a full-strobe write or any read, and a 4-byte access for a half strobe.
  // Other strobes are not register accesses: SLVERR, nothing written.
  localparam int PSW = PROG_DATA_W / 8;
  typedef enum logic [2:0] {P_IDLE, P_WREQ, P_WRSP, P_B, P_RREQ, P_RRSP, P_R} pst_t;
  pst_t        pst;
  logic        p_aw_held, p_w_held;
  logic [11:0] p_awaddr, p_araddr;
  logic [PROG_DATA_W-1:0] p_wdata;
  logic [PSW-1:0] p_wstrb;
  logic        p_bad;
  logic [11:0] p_off;
  logic        p_size8;
  logic [63:0] p_wd;

  assign s_prog_awready = (pst == P_IDLE) && !p_aw_held;
  assign s_prog_wready  = (pst == P_IDLE) && !p_w_held;
  // a read waits while a write is half received
  assign s_prog_arready = (pst == P_IDLE) && !p_aw_held && !p_w_held && !s_prog_awvalid;

  // Decode the held write (or read) into a register access.
  always_comb begin
    p_bad = 1'b0; p_size8 = 1'b0; p_off = 12'd0; p_wd = 64'd0;
    if (pst == P_RREQ) begin
      p_off = (PROG_DATA_W == 64) ? {p_araddr[11:3], 3'b000} : {p_araddr[11:2], 2'b00};
      p_size8 = (PROG_DATA_W == 64);
    end else if (PROG_DATA_W == 64) begin
      p_off = {p_awaddr[11:3], 3'b000};
      p_wd = 64'(p_wdata);
      if (p_wstrb == PSW'(8'hFF)) p_size8 = 1'b1;
      else if (p_wstrb == PSW'(8'h0F)) p_size8 = 1'b0;
      else if (p_wstrb == PSW'(8'hF0)) begin p_off = p_off + 12'd4; p_wd = 64'(p_wdata) >> 32; end
      else p_bad = 1'b1;
    end else begin
      p_off = mutant_on(mutant, M_AXI_LITE_ADDR2_DROPPED) ? {p_awaddr[11:3], 3'b000}   // BUG
                                                          : {p_awaddr[11:2], 2'b00};
      p_wd = 64'(p_wdata);
      p_bad = (p_wstrb != PSW'(4'hF));
    end
  end

  assign reg_req_valid  = (pst == P_WREQ && !p_bad) || pst == P_RREQ;
  assign reg_req_write  = (pst == P_WREQ);
  assign reg_req_offset = p_off;
  assign reg_req_size8  = p_size8;
  assign reg_req_wdata  = p_wd;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      pst <= P_IDLE; p_aw_held <= 1'b0; p_w_held <= 1'b0;
      p_awaddr <= 12'd0; p_araddr <= 12'd0; p_wdata <= '0; p_wstrb <= '0;
      s_prog_bresp <= RESP_OKAY; s_prog_rdata <= '0;
    end else begin
      case (pst)
        P_IDLE: begin
          if (s_prog_awvalid && s_prog_awready) begin p_aw_held <= 1'b1; p_awaddr <= s_prog_awaddr; end
          if (s_prog_wvalid && s_prog_wready) begin
            p_w_held <= 1'b1; p_wdata <= s_prog_wdata; p_wstrb <= s_prog_wstrb;
          end
          if ((p_aw_held || (s_prog_awvalid && s_prog_awready)) &&
              (p_w_held || (s_prog_wvalid && s_prog_wready))) pst <= P_WREQ;
          else if (s_prog_arvalid && s_prog_arready) begin p_araddr <= s_prog_araddr; pst <= P_RREQ; end
        end
        P_WREQ: begin
          p_aw_held <= 1'b0; p_w_held <= 1'b0;
          if (p_bad) begin s_prog_bresp <= RESP_SLVERR; pst <= P_B; end
          else if (reg_req_ready) begin s_prog_bresp <= RESP_OKAY; pst <= P_WRSP; end
        end
        P_WRSP: if (reg_rsp_valid) pst <= P_B;
        P_B: if (s_prog_bready) pst <= P_IDLE;
        P_RREQ: if (reg_req_ready) pst <= P_RRSP;
        P_RRSP: if (reg_rsp_valid) begin s_prog_rdata <= PROG_DATA_W'(reg_rsp_rdata); pst <= P_R; end
        P_R: if (s_prog_rready) pst <= P_IDLE;
        default: pst <= P_IDLE;
      endcase
    end
  end
  assign s_prog_bvalid = (pst == P_B);
  assign s_prog_rvalid = (pst == P_R);
  assign s_prog_rresp  = RESP_OKAY;

  // ================= device requests: AXI4 + AXI5 sideband onto the translation port =========
  // One translation at a time (the native port's rule), chosen round-robin among reads, writes
  // and ATS translation requests. A forwarded transaction stays outstanding on m_out_ while the
  // next one is translated; responses return on s_dev_ by ID. A fault response waits until the
  // forwarded transactions of its ID have been answered, so each ID's responses keep their order.
  typedef enum logic [1:0] {K_RD, K_WR, K_ATS} kind_t;
  typedef enum logic [2:0] {T_IDLE, T_REQ, T_CPL, T_FWD, T_WFWD, T_WSINK, T_BERR, T_RERR} tst_t;
  tst_t        tst;
  kind_t       k;
  logic [1:0]  rr;                         // round-robin: the kind served last
  logic [DEV_ID_W-1:0] c_id, last_fwd_rid;
  logic [63:0] c_addr;
  logic [7:0]  c_len, c_beat;
  logic [2:0]  c_size;
  logic        c_priv, c_exec;          // AxPROT[0] privileged, ARPROT[2] instruction
  logic [1:0]  c_burst;
  logic [23:0] c_did;
  logic        c_pv, c_t, c_nw, c_exe, c_cxl;
  logic [15:0] c_tag;
  logic [19:0] c_pid;
  logic [1:0]  c_pbmt, c_resp;
  logic        pick_rd, pick_wr, pick_ats;

  // outstanding forwarded transactions, per ID and in total
  localparam int CW = $clog2(OUT_MAX + 1);
  logic [CW-1:0] rd_cnt [2**DEV_ID_W];
  logic [CW-1:0] wr_cnt [2**DEV_ID_W];
  logic [CW-1:0] rd_total, wr_total;

  always_comb begin
    pick_rd = 1'b0; pick_wr = 1'b0; pick_ats = 1'b0;
    if (tst == T_IDLE) begin
      // the kind after the last one served goes first
      case (rr)
        2'd0: begin   // last was a read: write, ATS, read
          if (s_dev_awvalid) pick_wr = 1'b1;
          else if (ats_req_valid) pick_ats = 1'b1;
          else if (s_dev_arvalid) pick_rd = 1'b1;
        end
        2'd1: begin   // last was a write: ATS, read, write
          if (ats_req_valid) pick_ats = 1'b1;
          else if (s_dev_arvalid) pick_rd = 1'b1;
          else if (s_dev_awvalid) pick_wr = 1'b1;
        end
        default: begin // last was ATS: read, write, ATS
          if (s_dev_arvalid) pick_rd = 1'b1;
          else if (s_dev_awvalid) pick_wr = 1'b1;
          else if (ats_req_valid) pick_ats = 1'b1;
        end
      endcase
    end
  end
  assign s_dev_arready = pick_rd;
  assign s_dev_awready = pick_wr;
  assign ats_req_ready = pick_ats;

  // native translation request from the held transaction
  assign tr_req_valid = (tst == T_REQ);
  assign tr_req_tag   = c_tag;
  assign tr_req_did   = c_did;
  assign tr_req_pv    = c_pv;
  assign tr_req_pid   = c_pid;
  assign tr_req_iova  = c_addr;
  assign tr_req_priv  = c_priv;
  assign tr_req_nw    = c_nw;
  assign tr_req_exe   = c_exe;
  assign tr_req_cxl   = c_cxl;
  always_comb begin
    case (k)
      K_RD:    tr_req_ttyp = c_t ? (c_exec ? TT_T_EXEC : TT_T_READ)
                                 : (c_exec ? TT_UT_EXEC : TT_UT_READ);
      K_WR:    tr_req_ttyp = c_t ? TT_T_WRITE : TT_UT_WRITE;
      default: tr_req_ttyp = TT_ATS;
    endcase
  end

  // ATS completions go straight out; device completions are taken at once
  assign ats_cpl_valid  = (tst == T_CPL) && (k == K_ATS) && tr_cpl_valid;
  assign tr_cpl_ready   = (tst == T_CPL) && ((k == K_ATS) ? ats_cpl_ready : 1'b1);
  assign ats_cpl_tag    = tr_cpl_tag;
  assign ats_cpl_status = tr_cpl_status;
  assign ats_cpl_addr   = tr_cpl_pa;
  assign ats_cpl_r      = tr_cpl_r;
  assign ats_cpl_w      = tr_cpl_w;
  assign ats_cpl_x      = tr_cpl_x;
  assign ats_cpl_u      = tr_cpl_u;
  assign ats_cpl_g      = tr_cpl_g;
  assign ats_cpl_s      = tr_cpl_s;
  assign ats_cpl_priv   = tr_cpl_priv;
  assign ats_cpl_cxl    = tr_cpl_cxl_io;

  // Page and guest-page faults answer DECERR (no mapping), every other fault SLVERR.
  function automatic logic [1:0] fault_resp(input logic [11:0] cause);
    case (cause)
      C_INST_PF, C_LOAD_PF, C_STORE_PF, C_INST_GPF, C_LOAD_GPF, C_STORE_GPF: fault_resp = RESP_DECERR;
      default: fault_resp = RESP_SLVERR;
    endcase
  endfunction

  logic room;
  assign room = (k == K_RD) ? (rd_total < CW'(OUT_MAX)) : (wr_total < CW'(OUT_MAX));

  // forwarding on m_out_
  assign m_out_arvalid = (tst == T_FWD) && (k == K_RD) && room;
  assign m_out_awvalid = (tst == T_FWD) && (k == K_WR) && room;
  assign m_out_arid = c_id;     assign m_out_awid = c_id;
  assign m_out_araddr = c_addr; assign m_out_awaddr = c_addr;
  assign m_out_arlen = c_len;   assign m_out_awlen = c_len;
  assign m_out_arsize = c_size; assign m_out_awsize = c_size;
  assign m_out_arburst = c_burst; assign m_out_awburst = c_burst;
  assign m_out_arpbmt = c_pbmt; assign m_out_awpbmt = c_pbmt;
  // write data: passed through once the address went out, or sunk for a fault
  assign m_out_wvalid = (tst == T_WFWD) && s_dev_wvalid;
  assign m_out_wdata  = s_dev_wdata;
  assign m_out_wstrb  = s_dev_wstrb;
  assign m_out_wlast  = s_dev_wlast;
  assign s_dev_wready = ((tst == T_WFWD) && m_out_wready) || (tst == T_WSINK);

  // write responses: forwarded ones, or the fault response of the held write
  logic b_err_sel;
  assign b_err_sel    = (tst == T_BERR) && (wr_cnt[c_id] == '0);
  assign s_dev_bvalid = b_err_sel || m_out_bvalid;
  assign s_dev_bid    = b_err_sel ? c_id : m_out_bid;
  assign s_dev_bresp  = b_err_sel ? c_resp : m_out_bresp;
  assign m_out_bready = !b_err_sel && s_dev_bready;

  // read data: forwarded bursts, or the error beats of the held read (never inside a burst)
  logic r_fwd_busy, r_err_sel, r_err_started;
  assign r_err_sel    = (tst == T_RERR) && (r_err_started || (!r_fwd_busy && rd_cnt[c_id] == '0));
  assign s_dev_rvalid = r_err_sel || m_out_rvalid;
  assign s_dev_rid    = r_err_sel ? (mutant_on(mutant, M_AXI_FAULT_RID_STALE) ? last_fwd_rid : c_id)  // BUG
                                  : m_out_rid;
  assign s_dev_rdata  = r_err_sel ? 64'd0 : m_out_rdata;
  assign s_dev_rresp  = r_err_sel ? c_resp : m_out_rresp;
  assign s_dev_rlast  = r_err_sel ? (c_beat == c_len) : m_out_rlast;
  assign m_out_rready = !r_err_sel && s_dev_rready;

  logic fwd_r_done, fwd_b_done;   // a forwarded read (last beat) / write answered to the device
  logic ar_go, aw_go;             // a read / write forwarded
  assign ar_go = m_out_arvalid && m_out_arready;
  assign aw_go = m_out_awvalid && m_out_awready;
  assign fwd_r_done = !r_err_sel && m_out_rvalid && s_dev_rready && m_out_rlast;
  assign fwd_b_done = !b_err_sel && m_out_bvalid && s_dev_bready;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      tst <= T_IDLE; k <= K_RD; rr <= 2'd0;
      c_id <= '0; last_fwd_rid <= '0; c_addr <= 64'd0; c_len <= 8'd0; c_beat <= 8'd0;
      c_size <= 3'd0; c_priv <= 1'b0; c_exec <= 1'b0; c_burst <= 2'd0; c_did <= 24'd0; c_pv <= 1'b0;
      c_pid <= 20'd0; c_t <= 1'b0; c_nw <= 1'b0; c_exe <= 1'b0; c_cxl <= 1'b0; c_tag <= 16'd0;
      c_pbmt <= 2'd0; c_resp <= RESP_OKAY;
      r_fwd_busy <= 1'b0; r_err_started <= 1'b0;
      rd_total <= '0; wr_total <= '0;
      for (int i = 0; i < 2**DEV_ID_W; i++) begin rd_cnt[i] <= '0; wr_cnt[i] <= '0; end
    end else begin
      case (tst)
        T_IDLE: begin
          c_beat <= 8'd0; r_err_started <= 1'b0;
          if (pick_rd) begin
            k <= K_RD; rr <= 2'd0; tst <= T_REQ;
            c_id <= s_dev_arid; c_addr <= s_dev_araddr; c_len <= s_dev_arlen;
            c_size <= s_dev_arsize; c_burst <= s_dev_arburst;
            c_priv <= s_dev_arprot[0]; c_exec <= s_dev_arprot[2];
            c_did <= s_dev_armmusid; c_pv <= s_dev_armmussidv; c_pid <= s_dev_armmussid;
            c_t <= s_dev_armmuatst; c_nw <= 1'b0; c_exe <= 1'b0; c_cxl <= 1'b0;
            c_tag <= 16'(s_dev_arid);
          end else if (pick_wr) begin
            k <= K_WR; rr <= 2'd1; tst <= T_REQ;
            c_id <= s_dev_awid; c_addr <= s_dev_awaddr; c_len <= s_dev_awlen;
            c_size <= s_dev_awsize; c_burst <= s_dev_awburst;
            c_priv <= s_dev_awprot[0]; c_exec <= 1'b0;
            c_did <= s_dev_awmmusid; c_pv <= s_dev_awmmussidv; c_pid <= s_dev_awmmussid;
            c_t <= s_dev_awmmuatst; c_nw <= 1'b0; c_exe <= 1'b0; c_cxl <= 1'b0;
            c_tag <= 16'(s_dev_awid);
          end else if (pick_ats) begin
            k <= K_ATS; rr <= 2'd2; tst <= T_REQ;
            c_tag <= ats_req_tag; c_addr <= ats_req_iova; c_len <= 8'd0;
            c_nw <= ats_req_nw; c_exe <= ats_req_exe; c_cxl <= ats_req_cxl;
            c_priv <= ats_req_priv; c_exec <= 1'b0;
            c_did <= ats_req_did; c_pv <= ats_req_pv; c_pid <= ats_req_pid; c_t <= 1'b0;
          end
        end
        T_REQ: if (tr_req_ready) tst <= T_CPL;
        T_CPL: if (tr_cpl_valid && tr_cpl_ready) begin
          c_beat <= 8'd0;
          c_resp <= fault_resp(tr_cpl_cause);
          c_pbmt <= tr_cpl_pbmt;
          if (k == K_ATS) tst <= T_IDLE;
          else if (tr_cpl_status != 2'd0) tst <= (k == K_RD) ? T_RERR : T_WSINK;
          else begin c_addr <= tr_cpl_pa; tst <= T_FWD; end
        end
        T_FWD: begin
          if (m_out_arvalid && m_out_arready) begin last_fwd_rid <= c_id; tst <= T_IDLE; end
          if (m_out_awvalid && m_out_awready) tst <= T_WFWD;
        end
        T_WFWD: if (s_dev_wvalid && m_out_wready && s_dev_wlast) tst <= T_IDLE;
        T_WSINK: if (s_dev_wvalid && s_dev_wlast) tst <= T_BERR;
        T_BERR: if (b_err_sel && s_dev_bready) tst <= T_IDLE;
        T_RERR: if (r_err_sel && s_dev_rready) begin
          r_err_started <= 1'b1;
          c_beat <= c_beat + 8'd1;
          if (c_beat == c_len) tst <= T_IDLE;
        end
        default: tst <= T_IDLE;
      endcase

      // forwarded read bursts are not interleaved with fault beats
      if (!r_err_sel && m_out_rvalid && s_dev_rready) r_fwd_busy <= !m_out_rlast;

      // outstanding counts
      begin
        if (ar_go && !(fwd_r_done && m_out_rid == c_id)) rd_cnt[c_id] <= rd_cnt[c_id] + 1'b1;
        if (fwd_r_done && !(ar_go && m_out_rid == c_id)) rd_cnt[m_out_rid] <= rd_cnt[m_out_rid] - 1'b1;
        if (aw_go && !(fwd_b_done && m_out_bid == c_id)) wr_cnt[c_id] <= wr_cnt[c_id] + 1'b1;
        if (fwd_b_done && !(aw_go && m_out_bid == c_id)) wr_cnt[m_out_bid] <= wr_cnt[m_out_bid] - 1'b1;
        rd_total <= rd_total + CW'(ar_go) - CW'(fwd_r_done);
        wr_total <= wr_total + CW'(aw_go) - CW'(fwd_b_done);
      end
    end
  end

  // the cause of a fault the device is about to get (debugging only: the bus does not carry it)
  assign obs_cause_valid = (CAUSE_PORT != 0) && tr_cpl_valid && tr_cpl_ready && tr_cpl_status != 2'd0;
  assign obs_cause       = (CAUSE_PORT != 0) ? tr_cpl_cause : 12'd0;

  // ================= memory master =================
  // The native memory port has one request outstanding; this side turns each into AXI:
  // - reads: one INCR burst of as many doublewords as the engine reads from there on, one after
  //   the other (mem_req_words: a DC's 4 or 8, a PC's, an MSI PTE's or a command's 2, else 1), on
  //   ID_WALK or ID_CQ; the first beat answers the request, the engine's next requests are answered
  //   from the burst's later beats (which may arrive after other IDs' data);
  // - fault records (4 doublewords) and page-request records (2): the words before the last are
  //   held and answered at once, the last sends the whole record as one INCR burst, answered with
  //   its BRESP, so the queue's tail moves only once the record is written (in-memory queues:
  //   "the data written to a queue and the tail update are ordered");
  // - IOFENCE.C data: one narrow 4-byte write with its strobes;
  // - A/D updates (AMO OR): AXI5 AtomicLoad SET on ID_AMO (little-endian), old value on R; with
  //   MEM_ATOP = 0 a read then, if a bit changes, a write (atomic only where nothing else writes
  //   the page tables meanwhile, as in a serialized co-simulation).
  // RRESP/BRESP SLVERR or DECERR is an access fault, RPOISON data corruption.
  // mem_req_src: 0 walks (and A/D updates), 1 fault queue, 2 command queue, 3 page-request queue
  localparam logic [1:0] SRC_FQ = 2'd1, SRC_CQ = 2'd2, SRC_PQ = 2'd3;
  typedef enum logic [2:0] {N_IDLE, N_AR, N_RD, N_AW, N_AMO, N_AMO_RD, N_BUF, N_RSP} nst_t;
  nst_t        nst;
  logic [1:0]  n_op, n_src;
  logic [63:0] n_addr, n_wdata;
  logic [7:0]  n_wstrb;
  logic [MEM_ID_W-1:0] n_id;
  logic        n_aw_done, n_b_seen, n_r_seen;
  logic [2:0]  n_wbeat;
  logic [63:0] n_rdata;
  logic [1:0]  n_err;
  // the outgoing AR / AW
  logic [63:0] ar_addr, aw_addr;
  logic [7:0]  ar_len, aw_len;
  logic [2:0]  aw_size;
  logic [5:0]  aw_atop;
  // W beats of the current write (records up to 4 doublewords)
  logic [63:0] wq_data [4];
  logic [7:0]  wq_strb [4];
  // record combiners: fault queue (4 words) and page-request queue (2 words)
  logic [63:0] fq_buf [3];
  logic [63:0] pq_buf0;
  // read bursts: 0 the walks' (ID_WALK), 1 the command queue's (ID_CQ)
  logic        bb_first [2];          // the next beat of the ID is a burst's first: it answers
  logic [2:0]  bb_pend  [2];          // later beats still to arrive
  logic [3:0]  bb_left  [2];          // doublewords the engine may still ask from the burst
  logic [63:0] bb_addr  [2];          // the next one's address
  logic [63:0] bb_data  [2][7];
  logic [1:0]  bb_err   [2][7];
  logic [2:0]  bb_wi [2], bb_ri [2];  // next beat to store / to answer
  logic        n_b;                   // the burst buffer of the current read

  logic is_record, bresp_err;
  assign bresp_err = m_mem_bresp == RESP_SLVERR || m_mem_bresp == RESP_DECERR;
  assign is_record = n_src == SRC_FQ || n_src == SRC_PQ;

  function automatic logic [1:0] rd_err(input logic [1:0] resp, input logic poison);
    rd_err = (resp == RESP_SLVERR || resp == RESP_DECERR) ? 2'd1 : poison ? 2'd2 : 2'd0;
  endfunction
  function automatic logic [7:0] burst_len(input logic [3:0] words);   // AxLEN of 1..8 beats
    burst_len = (words <= 4'd1) ? 8'd0 : (words >= 4'd8) ? 8'd7 : {4'd0, words - 4'd1};
  endfunction
  function automatic logic [63:0] strb_mask(input logic [7:0] s);
    for (int i = 0; i < 8; i++) strb_mask[i*8 +: 8] = {8{s[i]}};
  endfunction

  logic req_b, req_match, req_blocked;
  assign req_b = (mem_req_src == SRC_CQ);
  assign req_match = mem_req_op == MOP_READ && bb_left[req_b] != 4'd0 && mem_req_addr == bb_addr[req_b];
  // a read that leaves its engine's burst waits until the burst's beats are in
  assign req_blocked = mem_req_op == MOP_READ && !req_match && bb_pend[req_b] != 3'd0;
  assign mem_req_ready = (nst == N_IDLE) && !req_blocked;

  logic r_b, r_burst, r_to_buf;
  assign r_b = (m_mem_rid == ID_CQ);
  assign r_burst = m_mem_rid == ID_WALK || m_mem_rid == ID_CQ;
  assign r_to_buf = m_mem_rvalid && r_burst && !bb_first[r_b];    // a burst's later beat

  logic r_for_n, b_for_n;    // this R beat / B response belongs to the current native request
  assign r_for_n = m_mem_rvalid && m_mem_rid == n_id && !r_to_buf &&
                   (nst == N_RD || nst == N_AMO || nst == N_AMO_RD);
  assign b_for_n = m_mem_bvalid && m_mem_bid == n_id && (nst == N_AW || nst == N_AMO);
  assign m_mem_rready = 1'b1;
  assign m_mem_bready = 1'b1;

  assign m_mem_arvalid = (nst == N_AR);
  assign m_mem_arid = n_id;
  assign m_mem_araddr = ar_addr;
  assign m_mem_arlen = ar_len;
  assign m_mem_arsize = 3'd3;
  assign m_mem_arburst = 2'b01;
  assign m_mem_awvalid = (nst == N_AW || nst == N_AMO) && !n_aw_done;
  assign m_mem_awid = n_id;
  assign m_mem_awaddr = aw_addr;
  assign m_mem_awlen = aw_len;
  assign m_mem_awsize = aw_size;
  assign m_mem_awburst = 2'b01;
  assign m_mem_awatop = aw_atop;
  assign m_mem_wvalid = (nst == N_AW || nst == N_AMO) && n_wbeat <= {1'b0, aw_len[1:0]};
  assign m_mem_wdata = wq_data[n_wbeat[1:0]];
  assign m_mem_wstrb = wq_strb[n_wbeat[1:0]];
  assign m_mem_wlast = n_wbeat[1:0] == aw_len[1:0];

  assign mem_rsp_valid = (nst == N_RSP);
  assign mem_rsp_rdata = n_rdata;
  assign mem_rsp_err = n_err;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      nst <= N_IDLE; n_op <= 2'd0; n_src <= 2'd0; n_addr <= 64'd0; n_wdata <= 64'd0;
      n_wstrb <= 8'd0; n_id <= '0; n_aw_done <= 1'b0; n_b_seen <= 1'b0; n_r_seen <= 1'b0;
      n_wbeat <= 3'd0; n_rdata <= 64'd0; n_err <= 2'd0;
      ar_addr <= 64'd0; ar_len <= 8'd0; aw_addr <= 64'd0; aw_len <= 8'd0; aw_size <= 3'd3;
      aw_atop <= 6'd0;
      for (int i = 0; i < 4; i++) begin wq_data[i] <= 64'd0; wq_strb[i] <= 8'd0; end
      for (int i = 0; i < 3; i++) fq_buf[i] <= 64'd0;
      pq_buf0 <= 64'd0;
      n_b <= 1'b0;
      for (int b = 0; b < 2; b++) begin
        bb_first[b] <= 1'b0; bb_pend[b] <= 3'd0; bb_left[b] <= 4'd0; bb_addr[b] <= 64'd0;
        bb_wi[b] <= 3'd0; bb_ri[b] <= 3'd0;
        for (int i = 0; i < 7; i++) begin bb_data[b][i] <= 64'd0; bb_err[b][i] <= 2'd0; end
      end
    end else begin
      // read bursts: the first beat answers (N_RD), the later ones wait for their request
      if (m_mem_rvalid && r_burst && bb_first[r_b]) bb_first[r_b] <= 1'b0;
      if (r_to_buf) begin
        bb_data[r_b][bb_wi[r_b]] <= m_mem_rdata;
        bb_err[r_b][bb_wi[r_b]] <= rd_err(m_mem_rresp, m_mem_rpoison);
        bb_wi[r_b] <= bb_wi[r_b] + 3'd1;
        bb_pend[r_b] <= bb_pend[r_b] - 3'd1;
      end
      if (m_mem_arvalid && m_mem_arready && n_op == MOP_READ) begin
        bb_first[n_b] <= 1'b1; bb_pend[n_b] <= ar_len[2:0]; bb_left[n_b] <= {1'b0, ar_len[2:0]};
        bb_addr[n_b] <= ar_addr + 64'd8; bb_wi[n_b] <= 3'd0; bb_ri[n_b] <= 3'd0;
      end

      case (nst)
        N_IDLE: if (mem_req_valid && mem_req_ready) begin
          n_op <= mem_req_op; n_src <= mem_req_src; n_addr <= mem_req_addr;
          n_wdata <= mem_req_wdata; n_wstrb <= mem_req_wstrb;
          n_aw_done <= 1'b0; n_b_seen <= 1'b0; n_r_seen <= 1'b0; n_wbeat <= 3'd0; n_err <= 2'd0;
          n_rdata <= 64'd0;
          aw_atop <= 6'd0; aw_size <= 3'd3; aw_len <= 8'd0; aw_addr <= mem_req_addr;
          ar_addr <= mem_req_addr; ar_len <= 8'd0;
          wq_data[0] <= mem_req_wdata; wq_strb[0] <= mem_req_wstrb;
          n_b <= req_b;
          if (mem_req_op == MOP_READ) begin
            n_id <= req_b ? ID_CQ : ID_WALK;
            if (req_match) nst <= N_BUF;                             // from the engine's burst
            else begin
              // the doublewords the engine reads from here on, as one burst (at most 8)
              ar_len <= burst_len(mem_req_words);
              bb_left[req_b] <= 4'd0;                                // an unused rest is dropped
              nst <= N_AR;
            end
          end else if (mem_req_op == MOP_AMOOR) begin
            n_id <= ID_AMO;
            if (MEM_ATOP != 0) begin aw_atop <= 6'b10_0_011; nst <= N_AMO; end   // AtomicLoad SET, LE
            else nst <= N_AR;
          end else if (mem_req_src == SRC_FQ) begin
            n_id <= ID_FQ;
            if (mem_req_addr[4:3] != 2'd3) begin
              fq_buf[mem_req_addr[4:3]] <= mem_req_wdata; nst <= N_RSP;   // held: answered at once
            end else begin
              aw_addr <= {mem_req_addr[63:5], 5'd0};
              aw_len <= mutant_on(mutant, M_AXI_RECORD_BURST_SHORT) ? 8'd2 : 8'd3;   // BUG: short
              for (int i = 0; i < 3; i++) begin wq_data[i] <= fq_buf[i]; wq_strb[i] <= 8'hFF; end
              wq_data[3] <= mem_req_wdata; wq_strb[3] <= mem_req_wstrb;
              nst <= N_AW;
            end
          end else if (mem_req_src == SRC_PQ) begin
            n_id <= ID_PQ;
            if (!mem_req_addr[3]) begin pq_buf0 <= mem_req_wdata; nst <= N_RSP; end
            else begin
              aw_addr <= {mem_req_addr[63:4], 4'd0};
              aw_len <= mutant_on(mutant, M_AXI_RECORD_BURST_SHORT) ? 8'd0 : 8'd1;    // BUG: short
              wq_data[0] <= pq_buf0; wq_strb[0] <= 8'hFF;
              wq_data[1] <= mem_req_wdata; wq_strb[1] <= mem_req_wstrb;
              nst <= N_AW;
            end
          end else begin
            // a single write (IOFENCE.C data): narrow when only one half is written
            n_id <= (mem_req_src == SRC_CQ) ? ID_CQ : ID_WALK;
            if (mutant_on(mutant, M_AXI_FENCE_FULL_STROBE)) begin
              wq_strb[0] <= 8'hFF;                                         // BUG: full word
            end else if (mem_req_wstrb == 8'h0F) begin
              aw_size <= 3'd2;
            end else if (mem_req_wstrb == 8'hF0) begin
              aw_size <= 3'd2; aw_addr <= mem_req_addr + 64'd4;
            end
            nst <= N_AW;
          end
        end
        N_AR: if (m_mem_arready) nst <= (n_op == MOP_AMOOR) ? N_AMO_RD : N_RD;
        N_RD: if (r_for_n) begin
          n_rdata <= m_mem_rdata; n_err <= rd_err(m_mem_rresp, m_mem_rpoison);
          nst <= N_RSP;
        end
        N_AW: begin
          // the address, the data beats, then B (never before both)
          if (m_mem_awvalid && m_mem_awready) n_aw_done <= 1'b1;
          if (m_mem_wvalid && m_mem_wready) n_wbeat <= n_wbeat + 3'd1;
          if (b_for_n) begin
            if (bresp_err && !(is_record && mutant_on(mutant, M_AXI_RECORD_BRESP_DROPPED)))
              n_err <= 2'd1;                                             // (BUG: record BRESP dropped)
            nst <= N_RSP;
          end
        end
        N_AMO: begin
          // AtomicLoad: the address and one data beat, then both B and R (the old value)
          if (m_mem_awvalid && m_mem_awready) n_aw_done <= 1'b1;
          if (m_mem_wvalid && m_mem_wready) n_wbeat <= n_wbeat + 3'd1;
          if (b_for_n) begin n_b_seen <= 1'b1; if (bresp_err) n_err <= 2'd1; end
          if (r_for_n) begin
            n_r_seen <= 1'b1; n_rdata <= m_mem_rdata;
            if (rd_err(m_mem_rresp, m_mem_rpoison) != 2'd0 && !(b_for_n && bresp_err))
              n_err <= rd_err(m_mem_rresp, m_mem_rpoison);
          end
          if ((n_b_seen || b_for_n) && (n_r_seen || r_for_n)) nst <= N_RSP;
        end
        N_AMO_RD: if (r_for_n) begin
          // without atomics: read, then write only if a bit changes
          n_rdata <= m_mem_rdata;
          if (rd_err(m_mem_rresp, m_mem_rpoison) != 2'd0) begin
            n_err <= rd_err(m_mem_rresp, m_mem_rpoison); nst <= N_RSP;
          end else if ((m_mem_rdata | (n_wdata & strb_mask(n_wstrb))) == m_mem_rdata) begin
            nst <= N_RSP;
          end else begin
            wq_data[0] <= m_mem_rdata | (n_wdata & strb_mask(n_wstrb)); wq_strb[0] <= n_wstrb;
            nst <= N_AW;
          end
        end
        N_BUF: if (bb_wi[n_b] != bb_ri[n_b]) begin
          n_rdata <= bb_data[n_b][bb_ri[n_b]]; n_err <= bb_err[n_b][bb_ri[n_b]];
          bb_ri[n_b] <= bb_ri[n_b] + 3'd1;
          bb_left[n_b] <= bb_left[n_b] - 4'd1;
          bb_addr[n_b] <= bb_addr[n_b] + 64'd8;
          nst <= N_RSP;
        end
        N_RSP: nst <= N_IDLE;
        default: nst <= N_IDLE;
      endcase
    end
  end

  assign idle = core_idle && pst == P_IDLE && !p_aw_held && !p_w_held && tst == T_IDLE &&
                rd_total == '0 && wr_total == '0 && nst == N_IDLE &&
                bb_pend[0] == 3'd0 && bb_pend[1] == 3'd0 && !bb_first[0] && !bb_first[1] &&
                !s_dev_arvalid && !s_dev_awvalid && !ats_req_valid &&
                !s_prog_awvalid && !s_prog_wvalid && !s_prog_arvalid;

  logic unused;
  assign unused = ^{s_prog_awprot, s_prog_arprot, m_mem_rlast, s_dev_awprot[2:1], s_dev_arprot[1], n_addr, reg_rsp_rdata,
                    p_awaddr[1:0], p_araddr[1:0]};
endmodule
