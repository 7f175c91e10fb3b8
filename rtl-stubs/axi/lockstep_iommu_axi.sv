// lockstep_iommu_axi: the built-in DUT (lockstep_iommu) behind the AXI ports of the wrapper
// convention (docs/axi-wrapper.md), with the bus behaviour of a real AXI IOMMU:
// - s_prog_: AXI4-Lite slave, 32-bit (PROG_DATA_W = 64 for a 64-bit bus), onto the register port;
// - s_dev_: AXI4 slave for device DMA with the AXI5 untranslated-transaction sideband: up to NSLOT
//   requests (with ATS translation requests) in flight, translated together by the DUT's walkers on
//   the native translation port; a success is forwarded on m_out_ (same ID, length, size, burst and
//   write data, translated address), a fault answered with SLVERR (DECERR for page and guest-page
//   faults) without the cause;
// - m_mem_: AXI4 master for the IOMMU's own accesses, one ID per engine (walks, A/D atomics,
//   command queue, fault queue, page-request queue): the consecutive doublewords an engine reads
//   (a DC, a PC, an MSI PTE, a command) read as one INCR burst, fault and page-request records
//   written as one, A/D updates as AXI5 AtomicCompare against the PTE the walk read;
// - the ATS, message and page-request channels of the native DUT, passed through;
// - cqh, fqt, pqt: the DUT's registers of those names, observed (docs/axi-wrapper.md).
// Planted bugs of the wrapper itself (M_AXI_* below, rtl-stubs/mutants.tsv) share the mutant input
// with the DUT's own.
module lockstep_iommu_axi
  import iommu_pkg::*;
#(
  parameter int PROG_DATA_W = 32,        // programming port data width: 32 or 64
  parameter int DEV_ID_W    = 4,         // s_dev_ and m_out_ ID width (m_out_ carries the device's ID)
  parameter int MEM_ID_W    = 4,         // m_mem_ ID width (at least 3)
  parameter int MEM_ATOP    = 1,         // A/D updates as AtomicCompare; 0: read, then write if unchanged
  parameter int CAUSE_PORT  = 1,         // drive obs_cause_* (the cause is not on the AXI bus)
  parameter int NSLOT       = 8          // device requests in flight (a power of two)
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
  output logic                     idle,
  output logic [31:0]              cqh,
  output logic [31:0]              fqt,
  output logic [31:0]              pqt
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

  // A/D updates are compare and swap against the PTE the walk read (AD_CAS): with several requests
  // in flight a software store may come between a walk's read and its update, and the update must
  // then not land on the new PTE (Svadu: "atomically ... the PTE is valid and grants the permissions").
  logic [63:0] mem_req_cmp;
  lockstep_iommu u_iommu (
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
    .mem_req_valid, .mem_req_ready, .mem_req_op, .mem_req_addr, .mem_req_wdata, .mem_req_cmp, .mem_req_wstrb,
    .mem_req_src, .mem_req_words, .mem_rsp_valid, .mem_rsp_rdata, .mem_rsp_err,
    .irq, .cq_head(cqh), .fq_tail(fqt), .pq_tail(pqt), .idle(core_idle)
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
  // Up to NSLOT requests in flight (reads, writes and ATS translation requests together), each in a
  // slot from its AR/AW/ATS handshake until its response went out. The slot's index is its tag on the
  // native translation port, so the DUT's walkers translate several at once and complete in any
  // order; a request is taken (round-robin among reads, writes and ATS) when a slot is free.
  // AXI ordering: responses of one ID keep their order per direction (AMBA AXI4, "Transaction
  // ordering"), so an AR (AW) is accepted only while no read (write) of its ID is in flight here;
  // different IDs complete in any order. A success is forwarded on m_out_ with the device's ID: a read as soon as it is
  // translated, a write in the order of the AWs, its W beats passed through (AXI4 has no WID: the
  // beats on s_dev_ and on m_out_ follow their AWs' order). A fault is not forwarded; a write's beats
  // are consumed, then it is answered SLVERR (DECERR for page and guest-page faults).
  typedef enum logic [1:0] {K_RD, K_WR, K_ATS} kind_t;
  // S_REQ queued for the translation port, S_XL translating, S_FWD translated (waiting for m_out_),
  // S_WDAT a forwarded write passing its beats, S_OUT forwarded (waiting for m_out_'s response),
  // S_ERR a fault (a read's error beats, a write's beats still to consume), S_BERR a write's error B
  typedef enum logic [2:0] {S_FREE, S_REQ, S_XL, S_FWD, S_WDAT, S_OUT, S_ERR, S_BERR} sst_t;
  localparam int SW = $clog2(NSLOT);

  sst_t                sl_st    [NSLOT];
  kind_t               sl_k     [NSLOT];
  logic [DEV_ID_W-1:0] sl_id    [NSLOT];
  logic [63:0]         sl_addr  [NSLOT];   // the IOVA, then the translated address
  logic [7:0]          sl_len   [NSLOT];
  logic [2:0]          sl_size  [NSLOT];
  logic [1:0]          sl_burst [NSLOT];
  logic [23:0]         sl_did   [NSLOT];
  logic [19:0]         sl_pid   [NSLOT];
  logic [15:0]         sl_tag   [NSLOT];   // an ATS request's own tag
  logic [1:0]          sl_pbmt  [NSLOT];
  logic [1:0]          sl_resp  [NSLOT];
  logic [11:0]         sl_cause [NSLOT];   // a fault's cause, for obs_cause
  logic [NSLOT-1:0]    sl_pv, sl_priv, sl_exec, sl_t, sl_nw, sl_exe, sl_cxl;

  // slots waiting for the translation port, and the writes in AW order (their data's order)
  logic [SW-1:0] rq_slot [NSLOT];
  logic [SW-1:0] rq_head, rq_tail, wo_head, wo_tail;
  logic [SW:0]   rq_count, wo_count;
  logic [SW-1:0] wo_slot [NSLOT];
  logic [1:0]    rr;                       // round-robin: the kind taken last
  logic [DEV_ID_W-1:0] last_fwd_rid;

  // a free slot, and whether a read / write of the offered ID is in flight
  logic          free_any, rd_id_busy, wr_id_busy;
  logic [SW-1:0] free_slot;
  always_comb begin
    free_any = 1'b0; free_slot = '0; rd_id_busy = 1'b0; wr_id_busy = 1'b0;
    for (int i = NSLOT - 1; i >= 0; i--) begin
      if (sl_st[i] == S_FREE) begin free_any = 1'b1; free_slot = SW'(i); end
      if (sl_st[i] != S_FREE && sl_k[i] == K_RD && sl_id[i] == s_dev_arid) rd_id_busy = 1'b1;
      if (sl_st[i] != S_FREE && sl_k[i] == K_WR && sl_id[i] == s_dev_awid) wr_id_busy = 1'b1;
    end
  end

  logic pick_rd, pick_wr, pick_ats, rd_ok, wr_ok;
  assign rd_ok = s_dev_arvalid && !rd_id_busy;
  assign wr_ok = s_dev_awvalid && !wr_id_busy;
  always_comb begin
    pick_rd = 1'b0; pick_wr = 1'b0; pick_ats = 1'b0;
    if (free_any) begin
      // the kind after the last one taken goes first
      case (rr)
        2'd0: begin   // last was a read: write, ATS, read
          if (wr_ok) pick_wr = 1'b1;
          else if (ats_req_valid) pick_ats = 1'b1;
          else if (rd_ok) pick_rd = 1'b1;
        end
        2'd1: begin   // last was a write: ATS, read, write
          if (ats_req_valid) pick_ats = 1'b1;
          else if (rd_ok) pick_rd = 1'b1;
          else if (wr_ok) pick_wr = 1'b1;
        end
        default: begin // last was ATS: read, write, ATS
          if (rd_ok) pick_rd = 1'b1;
          else if (wr_ok) pick_wr = 1'b1;
          else if (ats_req_valid) pick_ats = 1'b1;
        end
      endcase
    end
  end
  assign s_dev_arready = pick_rd;
  assign s_dev_awready = pick_wr;
  assign ats_req_ready = pick_ats;

  // native translation request: the oldest slot waiting for the port
  logic [SW-1:0] qs;
  assign qs = rq_slot[rq_head];
  assign tr_req_valid = rq_count != '0;
  assign tr_req_tag   = 16'(qs);
  assign tr_req_did   = sl_did[qs];
  assign tr_req_pv    = sl_pv[qs];
  assign tr_req_pid   = sl_pid[qs];
  assign tr_req_iova  = sl_addr[qs];
  assign tr_req_priv  = sl_priv[qs];
  assign tr_req_nw    = sl_nw[qs];
  assign tr_req_exe   = sl_exe[qs];
  assign tr_req_cxl   = sl_cxl[qs];
  always_comb begin
    case (sl_k[qs])
      K_RD:    tr_req_ttyp = sl_t[qs] ? (sl_exec[qs] ? TT_T_EXEC : TT_T_READ)
                                      : (sl_exec[qs] ? TT_UT_EXEC : TT_UT_READ);
      K_WR:    tr_req_ttyp = sl_t[qs] ? TT_T_WRITE : TT_UT_WRITE;
      default: tr_req_ttyp = TT_ATS;
    endcase
  end

  // completions: by tag (the slot); ATS ones go straight out with the request's own tag, device ones
  // are taken at once. A completion for a slot not translating is dropped.
  // One error response at a time (an ATS fault, a read's error beats, a write's error B), so that
  // obs_cause, pulsed with each, names one: an ATS fault waits while a device error response is shown.
  logic [SW-1:0] cs;
  logic cpl_live, cpl_ats, ats_fault_wait, ats_fault_shown;
  assign cs = tr_cpl_tag[SW-1:0];
  assign cpl_live = sl_st[cs] == S_XL;
  assign cpl_ats = cpl_live && sl_k[cs] == K_ATS;
  assign ats_fault_wait = tr_cpl_status != 2'd0 && (re_started || b_hold_err);
  assign ats_fault_shown = ats_cpl_valid && tr_cpl_status != 2'd0;
  assign ats_cpl_valid  = tr_cpl_valid && cpl_ats && !ats_fault_wait;
  assign tr_cpl_ready   = cpl_ats ? (ats_cpl_ready && !ats_fault_wait) : 1'b1;
  assign ats_cpl_tag    = sl_tag[cs];
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

  // forwarding reads on m_out_: a translated read, the one shown kept until its handshake (AXI: the
  // payload of a raised VALID is stable)
  logic          fr_any, ar_hold;
  logic [SW-1:0] fr_low, fr, ar_hold_slot;
  always_comb begin
    fr_any = 1'b0; fr_low = '0;
    for (int i = NSLOT - 1; i >= 0; i--)
      if (sl_st[i] == S_FWD && sl_k[i] == K_RD) begin fr_any = 1'b1; fr_low = SW'(i); end
  end
  assign fr = ar_hold ? ar_hold_slot : fr_low;
  assign m_out_arvalid = ar_hold || fr_any;
  assign m_out_arid    = sl_id[fr];
  assign m_out_araddr  = sl_addr[fr];
  assign m_out_arlen   = sl_len[fr];
  assign m_out_arsize  = sl_size[fr];
  assign m_out_arburst = sl_burst[fr];
  assign m_out_arpbmt  = sl_pbmt[fr];

  // the oldest write: forwarded (then its beats pass through) or, faulted, its beats consumed
  logic [SW-1:0] wh;
  logic          wh_any;
  assign wh = wo_slot[wo_head];
  assign wh_any = wo_count != '0;
  assign m_out_awvalid = wh_any && sl_st[wh] == S_FWD;
  assign m_out_awid    = sl_id[wh];
  assign m_out_awaddr  = sl_addr[wh];
  assign m_out_awlen   = sl_len[wh];
  assign m_out_awsize  = sl_size[wh];
  assign m_out_awburst = sl_burst[wh];
  assign m_out_awpbmt  = sl_pbmt[wh];
  assign m_out_wvalid  = wh_any && sl_st[wh] == S_WDAT && s_dev_wvalid;
  assign m_out_wdata   = s_dev_wdata;
  assign m_out_wstrb   = s_dev_wstrb;
  assign m_out_wlast   = s_dev_wlast;
  assign s_dev_wready  = wh_any && ((sl_st[wh] == S_WDAT && m_out_wready) || sl_st[wh] == S_ERR);

  // write responses: forwarded ones, or a faulted write's error B (a response shown is kept until
  // its handshake)
  logic          be_any, b_err_sel, b_hold_err, b_hold_fwd;
  logic [SW-1:0] be_low, be, b_hold_slot;
  always_comb begin
    be_any = 1'b0; be_low = '0;
    for (int i = NSLOT - 1; i >= 0; i--)
      if (sl_st[i] == S_BERR) begin be_any = 1'b1; be_low = SW'(i); end
  end
  assign be = b_hold_err ? b_hold_slot : be_low;
  assign b_err_sel    = b_hold_err || (be_any && !b_hold_fwd && !r_err_sel && !ats_fault_shown);
  assign s_dev_bvalid = b_err_sel || m_out_bvalid;
  assign s_dev_bid    = b_err_sel ? sl_id[be] : m_out_bid;
  assign s_dev_bresp  = b_err_sel ? sl_resp[be] : m_out_bresp;
  assign m_out_bready = !b_err_sel && s_dev_bready;

  // read data: forwarded bursts, or the error beats of a faulted read (never inside a burst)
  logic          re_any, r_err_sel, re_started, r_fwd_busy, r_hold_fwd;
  logic [SW-1:0] re_low, re, re_slot;
  logic [7:0]    re_beat;
  always_comb begin
    re_any = 1'b0; re_low = '0;
    for (int i = NSLOT - 1; i >= 0; i--)
      if (sl_st[i] == S_ERR && sl_k[i] == K_RD) begin re_any = 1'b1; re_low = SW'(i); end
  end
  assign re = re_started ? re_slot : re_low;
  assign r_err_sel    = re_started || (re_any && !r_fwd_busy && !r_hold_fwd && !b_hold_err && !ats_fault_shown);
  assign s_dev_rvalid = r_err_sel || m_out_rvalid;
  assign s_dev_rid    = r_err_sel ? (mutant_on(mutant, M_AXI_FAULT_RID_STALE) ? last_fwd_rid : sl_id[re])  // BUG
                                  : m_out_rid;
  assign s_dev_rdata  = r_err_sel ? 64'd0 : m_out_rdata;
  assign s_dev_rresp  = r_err_sel ? sl_resp[re] : m_out_rresp;
  assign s_dev_rlast  = r_err_sel ? (re_beat == sl_len[re]) : m_out_rlast;
  assign m_out_rready = !r_err_sel && s_dev_rready;

  logic fwd_r_done, fwd_b_done;   // a forwarded read (last beat) / write answered to the device
  assign fwd_r_done = !r_err_sel && m_out_rvalid && s_dev_rready && m_out_rlast;
  assign fwd_b_done = !b_err_sel && m_out_bvalid && s_dev_bready;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      for (int i = 0; i < NSLOT; i++) begin
        sl_st[i] <= S_FREE; sl_k[i] <= K_RD; sl_id[i] <= '0; sl_addr[i] <= 64'd0; sl_len[i] <= 8'd0;
        sl_size[i] <= 3'd0; sl_burst[i] <= 2'd0; sl_did[i] <= 24'd0; sl_pid[i] <= 20'd0;
        sl_tag[i] <= 16'd0; sl_pbmt[i] <= 2'd0; sl_resp[i] <= RESP_OKAY; sl_cause[i] <= 12'd0;
        rq_slot[i] <= '0; wo_slot[i] <= '0;
      end
      sl_pv <= '0; sl_priv <= '0; sl_exec <= '0; sl_t <= '0; sl_nw <= '0; sl_exe <= '0; sl_cxl <= '0;
      rq_head <= '0; rq_tail <= '0; rq_count <= '0; wo_head <= '0; wo_tail <= '0; wo_count <= '0;
      rr <= 2'd0; last_fwd_rid <= '0;
      ar_hold <= 1'b0; ar_hold_slot <= '0;
      b_hold_err <= 1'b0; b_hold_fwd <= 1'b0; b_hold_slot <= '0;
      re_started <= 1'b0; re_slot <= '0; re_beat <= 8'd0; r_fwd_busy <= 1'b0; r_hold_fwd <= 1'b0;
    end else begin
      // ---- a new request into the free slot ----
      if (pick_rd || pick_wr || pick_ats) begin
        sl_st[free_slot] <= S_REQ;
        rq_slot[rq_tail] <= free_slot;
        rq_tail <= rq_tail + SW'(1);
        sl_resp[free_slot] <= RESP_OKAY; sl_pbmt[free_slot] <= 2'd0;
      end
      if (pick_rd) begin
        rr <= 2'd0; sl_k[free_slot] <= K_RD;
        sl_id[free_slot] <= s_dev_arid; sl_addr[free_slot] <= s_dev_araddr; sl_len[free_slot] <= s_dev_arlen;
        sl_size[free_slot] <= s_dev_arsize; sl_burst[free_slot] <= s_dev_arburst;
        sl_priv[free_slot] <= s_dev_arprot[0]; sl_exec[free_slot] <= s_dev_arprot[2];
        sl_did[free_slot] <= s_dev_armmusid; sl_pv[free_slot] <= s_dev_armmussidv;
        sl_pid[free_slot] <= s_dev_armmussid; sl_t[free_slot] <= s_dev_armmuatst;
        sl_nw[free_slot] <= 1'b0; sl_exe[free_slot] <= 1'b0; sl_cxl[free_slot] <= 1'b0;
      end else if (pick_wr) begin
        rr <= 2'd1; sl_k[free_slot] <= K_WR;
        sl_id[free_slot] <= s_dev_awid; sl_addr[free_slot] <= s_dev_awaddr; sl_len[free_slot] <= s_dev_awlen;
        sl_size[free_slot] <= s_dev_awsize; sl_burst[free_slot] <= s_dev_awburst;
        sl_priv[free_slot] <= s_dev_awprot[0]; sl_exec[free_slot] <= 1'b0;
        sl_did[free_slot] <= s_dev_awmmusid; sl_pv[free_slot] <= s_dev_awmmussidv;
        sl_pid[free_slot] <= s_dev_awmmussid; sl_t[free_slot] <= s_dev_awmmuatst;
        sl_nw[free_slot] <= 1'b0; sl_exe[free_slot] <= 1'b0; sl_cxl[free_slot] <= 1'b0;
        wo_slot[wo_tail] <= free_slot;
        wo_tail <= wo_tail + SW'(1);
      end else if (pick_ats) begin
        rr <= 2'd2; sl_k[free_slot] <= K_ATS;
        sl_tag[free_slot] <= ats_req_tag; sl_addr[free_slot] <= ats_req_iova; sl_len[free_slot] <= 8'd0;
        sl_nw[free_slot] <= ats_req_nw; sl_exe[free_slot] <= ats_req_exe; sl_cxl[free_slot] <= ats_req_cxl;
        sl_priv[free_slot] <= ats_req_priv; sl_exec[free_slot] <= 1'b0;
        sl_did[free_slot] <= ats_req_did; sl_pv[free_slot] <= ats_req_pv; sl_pid[free_slot] <= ats_req_pid;
        sl_t[free_slot] <= 1'b0;
      end
      // ---- the translation port ----
      if (tr_req_valid && tr_req_ready) begin
        sl_st[qs] <= S_XL;
        rq_head <= rq_head + SW'(1);
      end
      rq_count <= rq_count + (SW+1)'(pick_rd || pick_wr || pick_ats) - (SW+1)'(tr_req_valid && tr_req_ready);
      if (tr_cpl_valid && tr_cpl_ready && cpl_live) begin
        if (sl_k[cs] == K_ATS) sl_st[cs] <= S_FREE;
        else if (tr_cpl_status != 2'd0) begin
          sl_st[cs] <= S_ERR; sl_resp[cs] <= fault_resp(tr_cpl_cause); sl_cause[cs] <= tr_cpl_cause;
        end
        else begin sl_st[cs] <= S_FWD; sl_addr[cs] <= tr_cpl_pa; sl_pbmt[cs] <= tr_cpl_pbmt; end
      end
      // ---- forwarding ----
      ar_hold <= m_out_arvalid && !m_out_arready;
      ar_hold_slot <= fr;
      if (m_out_arvalid && m_out_arready) begin sl_st[fr] <= S_OUT; last_fwd_rid <= sl_id[fr]; end
      if (m_out_awvalid && m_out_awready) sl_st[wh] <= S_WDAT;
      // the oldest write's last beat passed (forwarded) or consumed (faulted)
      if (s_dev_wvalid && s_dev_wready && s_dev_wlast) begin
        sl_st[wh] <= (sl_st[wh] == S_WDAT) ? S_OUT : S_BERR;
        wo_head <= wo_head + SW'(1);
      end
      wo_count <= wo_count + (SW+1)'(pick_wr) - (SW+1)'(s_dev_wvalid && s_dev_wready && s_dev_wlast);
      // ---- responses ----
      b_hold_err <= b_err_sel && !s_dev_bready;
      b_hold_slot <= be;
      b_hold_fwd <= !b_err_sel && m_out_bvalid && !s_dev_bready;
      if (b_err_sel && s_dev_bready) sl_st[be] <= S_FREE;
      if (fwd_b_done)
        for (int i = 0; i < NSLOT; i++)
          if (sl_st[i] == S_OUT && sl_k[i] == K_WR && sl_id[i] == m_out_bid) sl_st[i] <= S_FREE;
      r_hold_fwd <= !r_err_sel && m_out_rvalid && !s_dev_rready;
      if (!r_err_sel && m_out_rvalid && s_dev_rready) r_fwd_busy <= !m_out_rlast;
      if (fwd_r_done)
        for (int i = 0; i < NSLOT; i++)
          if (sl_st[i] == S_OUT && sl_k[i] == K_RD && sl_id[i] == m_out_rid) sl_st[i] <= S_FREE;
      if (r_err_sel) begin
        re_slot <= re;
        if (!s_dev_rready) re_started <= 1'b1;
        else if (re_beat == sl_len[re]) begin re_started <= 1'b0; re_beat <= 8'd0; sl_st[re] <= S_FREE; end
        else begin re_started <= 1'b1; re_beat <= re_beat + 8'd1; end
      end
    end
  end

  logic slots_free;
  always_comb begin
    slots_free = 1'b1;
    for (int i = 0; i < NSLOT; i++) if (sl_st[i] != S_FREE) slots_free = 1'b0;
  end

  // the cause of the fault the device gets in this cycle's error response (the bus does not carry it):
  // a write's error B, a read's first error beat, an ATS completion other than Success
  logic cause_b, cause_r, cause_ats;
  assign cause_b   = b_err_sel && s_dev_bready;
  assign cause_r   = r_err_sel && s_dev_rready && re_beat == 8'd0;
  assign cause_ats = ats_fault_shown && ats_cpl_ready;
  assign obs_cause_valid = (CAUSE_PORT != 0) && (cause_b || cause_r || cause_ats);
  assign obs_cause       = (CAUSE_PORT == 0) ? 12'd0 : cause_b ? sl_cause[be] : cause_r ? sl_cause[re] : tr_cpl_cause;

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
  // - A/D updates (compare and swap): AXI5 AtomicCompare on ID_AMO (little-endian), 16 bytes out as
  //   two beats, the compare value (the PTE the walk read) first and the swap value (it with A/D set)
  //   second, INCR from the lower half of the 16-byte container or WRAP from its upper half (AMBA
  //   AXI5 "Atomic transactions": the compare value is at AWADDR, the swap value in the other half),
  //   the old value on R; with MEM_ATOP = 0 a read then, if it equals the compare value and a bit
  //   changes, a write (atomic only where nothing else writes the page tables meanwhile).
  // RRESP/BRESP SLVERR or DECERR is an access fault, RPOISON data corruption.
  // mem_req_src: 0 walks (and A/D updates), 1 fault queue, 2 command queue, 3 page-request queue
  localparam logic [1:0] SRC_FQ = 2'd1, SRC_CQ = 2'd2, SRC_PQ = 2'd3;
  typedef enum logic [2:0] {N_IDLE, N_AR, N_RD, N_AW, N_AMO, N_AMO_RD, N_BUF, N_RSP} nst_t;
  nst_t        nst;
  logic [1:0]  n_op, n_src;
  logic [63:0] n_addr, n_wdata, n_cmp;
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
  logic [1:0]  aw_burst;
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
  assign m_mem_awburst = aw_burst;
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
      n_wstrb <= 8'd0; n_cmp <= 64'd0; n_id <= '0; n_aw_done <= 1'b0; n_b_seen <= 1'b0; n_r_seen <= 1'b0;
      n_wbeat <= 3'd0; n_rdata <= 64'd0; n_err <= 2'd0;
      ar_addr <= 64'd0; ar_len <= 8'd0; aw_addr <= 64'd0; aw_len <= 8'd0; aw_size <= 3'd3;
      aw_burst <= 2'b01; aw_atop <= 6'd0;
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
          n_wdata <= mem_req_wdata; n_wstrb <= mem_req_wstrb; n_cmp <= mem_req_cmp;
          n_aw_done <= 1'b0; n_b_seen <= 1'b0; n_r_seen <= 1'b0; n_wbeat <= 3'd0; n_err <= 2'd0;
          n_rdata <= 64'd0;
          aw_atop <= 6'd0; aw_size <= 3'd3; aw_len <= 8'd0; aw_addr <= mem_req_addr; aw_burst <= 2'b01;
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
          end else if (mem_req_op == MOP_CAS) begin
            n_id <= ID_AMO;
            if (MEM_ATOP != 0) begin
              aw_atop <= 6'b11_0_001;                                      // AtomicCompare, LE
              aw_len <= 8'd1;
              aw_burst <= mem_req_addr[3] ? 2'b10 : 2'b01;                 // WRAP from the upper half
              wq_data[0] <= mem_req_cmp; wq_strb[0] <= mem_req_wstrb;
              wq_data[1] <= mem_req_wdata; wq_strb[1] <= mem_req_wstrb;
              nst <= N_AMO;
            end else nst <= N_AR;
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
        N_AR: if (m_mem_arready) nst <= (n_op == MOP_AMOOR || n_op == MOP_CAS) ? N_AMO_RD : N_RD;
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
          // AtomicLoad / AtomicCompare: the address and its data beats, then both B and R (the old value)
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
          // without atomics: read, then write only if a bit changes (and, compare and swap, only
          // while the doubleword still equals the compare value)
          n_rdata <= m_mem_rdata;
          if (rd_err(m_mem_rresp, m_mem_rpoison) != 2'd0) begin
            n_err <= rd_err(m_mem_rresp, m_mem_rpoison); nst <= N_RSP;
          end else if (n_op == MOP_CAS) begin
            if ((m_mem_rdata & strb_mask(n_wstrb)) != (n_cmp & strb_mask(n_wstrb)) ||
                (n_wdata & strb_mask(n_wstrb)) == (m_mem_rdata & strb_mask(n_wstrb))) nst <= N_RSP;
            else begin
              wq_data[0] <= (m_mem_rdata & ~strb_mask(n_wstrb)) | (n_wdata & strb_mask(n_wstrb));
              wq_strb[0] <= n_wstrb;
              nst <= N_AW;
            end
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

  assign idle = core_idle && pst == P_IDLE && !p_aw_held && !p_w_held && slots_free && nst == N_IDLE &&
                bb_pend[0] == 3'd0 && bb_pend[1] == 3'd0 && !bb_first[0] && !bb_first[1] &&
                !s_dev_arvalid && !s_dev_awvalid && !ats_req_valid &&
                !s_prog_awvalid && !s_prog_wvalid && !s_prog_arvalid;

  logic unused;
  assign unused = ^{s_prog_awprot, s_prog_arprot, m_mem_rlast, s_dev_awprot[2:1], s_dev_arprot[1], n_addr, reg_rsp_rdata,
                    tr_cpl_tag[15:SW],
                    p_awaddr[1:0], p_araddr[1:0]};
endmodule
