// A minimal AXI wrapper of the built-in DUT (lockstep_iommu) following docs/axi-wrapper.md: one
// transaction at a time on every port, single-beat bursts on the memory master, ID 0. It is the
// DUT of the generic AXI harness's tests (build errors, the AXI path), not a realistic bus bridge.
module axi_min_wrapper #(
  parameter int CAP_ATS = 1,
  parameter int CAP_T2GPA = 1,
  parameter int AMO_HWAD = 1
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0] mutant,
  // programming port: AXI4-Lite, 32-bit
  input  logic        s_prog_awvalid, output logic s_prog_awready,
  input  logic [11:0] s_prog_awaddr,  input  logic [2:0] s_prog_awprot,
  input  logic        s_prog_wvalid,  output logic s_prog_wready,
  input  logic [31:0] s_prog_wdata,   input  logic [3:0] s_prog_wstrb,
  output logic        s_prog_bvalid,  input  logic s_prog_bready, output logic [1:0] s_prog_bresp,
  input  logic        s_prog_arvalid, output logic s_prog_arready,
  input  logic [11:0] s_prog_araddr,  input  logic [2:0] s_prog_arprot,
  output logic        s_prog_rvalid,  input  logic s_prog_rready,
  output logic [31:0] s_prog_rdata,   output logic [1:0] s_prog_rresp,
  // device request port
  input  logic        s_dev_awvalid, output logic s_dev_awready, input logic [3:0] s_dev_awid,
  input  logic [63:0] s_dev_awaddr, input logic [7:0] s_dev_awlen, input logic [2:0] s_dev_awsize,
  input  logic [1:0]  s_dev_awburst, input logic [2:0] s_dev_awprot,
  input  logic [23:0] s_dev_awmmusid, input logic s_dev_awmmussidv, input logic [19:0] s_dev_awmmussid,
  input  logic        s_dev_awmmuatst,
  input  logic        s_dev_wvalid, output logic s_dev_wready, input logic [63:0] s_dev_wdata,
  input  logic [7:0]  s_dev_wstrb, input logic s_dev_wlast,
  output logic        s_dev_bvalid, input logic s_dev_bready, output logic [3:0] s_dev_bid,
  output logic [1:0]  s_dev_bresp,
  input  logic        s_dev_arvalid, output logic s_dev_arready, input logic [3:0] s_dev_arid,
  input  logic [63:0] s_dev_araddr, input logic [7:0] s_dev_arlen, input logic [2:0] s_dev_arsize,
  input  logic [1:0]  s_dev_arburst, input logic [2:0] s_dev_arprot,
  input  logic [23:0] s_dev_armmusid, input logic s_dev_armmussidv, input logic [19:0] s_dev_armmussid,
  input  logic        s_dev_armmuatst,
  output logic        s_dev_rvalid, input logic s_dev_rready, output logic [3:0] s_dev_rid,
  output logic [63:0] s_dev_rdata, output logic [1:0] s_dev_rresp, output logic s_dev_rlast,
  // translated-output port
  output logic        m_out_awvalid, input logic m_out_awready, output logic [3:0] m_out_awid,
  output logic [63:0] m_out_awaddr, output logic [7:0] m_out_awlen, output logic [2:0] m_out_awsize,
  output logic [1:0]  m_out_awburst, output logic [1:0] m_out_awpbmt,
  output logic        m_out_wvalid, input logic m_out_wready, output logic [63:0] m_out_wdata,
  output logic [7:0]  m_out_wstrb, output logic m_out_wlast,
  input  logic        m_out_bvalid, output logic m_out_bready, input logic [3:0] m_out_bid,
  input  logic [1:0]  m_out_bresp,
  output logic        m_out_arvalid, input logic m_out_arready, output logic [3:0] m_out_arid,
  output logic [63:0] m_out_araddr, output logic [7:0] m_out_arlen, output logic [2:0] m_out_arsize,
  output logic [1:0]  m_out_arburst, output logic [1:0] m_out_arpbmt,
  input  logic        m_out_rvalid, output logic m_out_rready, input logic [3:0] m_out_rid,
  input  logic [63:0] m_out_rdata, input logic [1:0] m_out_rresp, input logic m_out_rlast,
  // memory master
  output logic        m_mem_awvalid, input logic m_mem_awready, output logic [3:0] m_mem_awid,
  output logic [63:0] m_mem_awaddr, output logic [7:0] m_mem_awlen, output logic [2:0] m_mem_awsize,
  output logic [1:0]  m_mem_awburst, output logic [5:0] m_mem_awatop,
  output logic        m_mem_wvalid, input logic m_mem_wready, output logic [63:0] m_mem_wdata,
  output logic [7:0]  m_mem_wstrb, output logic m_mem_wlast,
  input  logic        m_mem_bvalid, output logic m_mem_bready, input logic [3:0] m_mem_bid,
  input  logic [1:0]  m_mem_bresp,
  output logic        m_mem_arvalid, input logic m_mem_arready, output logic [3:0] m_mem_arid,
  output logic [63:0] m_mem_araddr, output logic [7:0] m_mem_arlen, output logic [2:0] m_mem_arsize,
  output logic [1:0]  m_mem_arburst,
  input  logic        m_mem_rvalid, output logic m_mem_rready, input logic [3:0] m_mem_rid,
  input  logic [63:0] m_mem_rdata, input logic [1:0] m_mem_rresp, input logic m_mem_rlast,
  input  logic        m_mem_rpoison,
  output logic [15:0] irq,
  // ATS translation requests, outbound messages, inbound page requests (native signals)
  input  logic        ats_req_valid, output logic ats_req_ready, input logic [15:0] ats_req_tag,
  input  logic [23:0] ats_req_did, input logic ats_req_pv, input logic [19:0] ats_req_pid,
  input  logic        ats_req_priv, input logic ats_req_nw, input logic ats_req_exe,
  input  logic [63:0] ats_req_iova, input logic ats_req_cxl,
  output logic        ats_cpl_valid, input logic ats_cpl_ready, output logic [15:0] ats_cpl_tag,
  output logic [1:0]  ats_cpl_status, output logic [63:0] ats_cpl_addr,
  output logic        ats_cpl_r, ats_cpl_w, ats_cpl_x, ats_cpl_u, ats_cpl_g, ats_cpl_s, ats_cpl_priv, ats_cpl_cxl,
  output logic        msg_valid, input logic msg_ready, output logic msg_prgr, output logic [15:0] msg_rid,
  output logic        msg_dsv, output logic [7:0] msg_dseg, output logic msg_pv, output logic [19:0] msg_pid,
  output logic [63:0] msg_payload, input logic ats_inv_cpl_valid,
  input  logic        pr_req_valid, output logic pr_req_ready, input logic [23:0] pr_req_did,
  input  logic        pr_req_pv, input logic [19:0] pr_req_pid, input logic pr_req_priv,
  input  logic        pr_req_exec, input logic [63:0] pr_req_payload, input logic pr_req_dsv,
  // observation
  output logic        obs_cause_valid, output logic [11:0] obs_cause,
  output logic        idle,
  output logic [31:0] cqh, output logic [31:0] fqt, output logic [31:0] pqt
);
  // ---------------------------------------------------------------- native core
  logic reg_req_valid, reg_req_ready, reg_req_write, reg_rsp_valid;
  logic [11:0] reg_req_offset;
  logic [63:0] reg_req_wdata, reg_rsp_rdata;
  logic tr_req_valid, tr_req_ready, tr_req_pv, tr_req_priv, tr_req_nw, tr_req_exe;
  logic [15:0] tr_req_tag;
  logic [23:0] tr_req_did;
  logic [19:0] tr_req_pid;
  logic [63:0] tr_req_iova;
  logic [5:0] tr_req_ttyp;
  logic tr_cpl_cxl_io;
  logic tr_cpl_valid, tr_cpl_ready, tr_cpl_r, tr_cpl_w, tr_cpl_x, tr_cpl_u, tr_cpl_g, tr_cpl_s, tr_cpl_priv;
  logic [15:0] tr_cpl_tag;
  logic [1:0] tr_cpl_status, tr_cpl_pbmt;
  logic [11:0] tr_cpl_cause;
  logic [63:0] tr_cpl_pa;
  logic mem_req_valid, mem_req_ready, mem_rsp_valid;
  logic [1:0] mem_req_op, mem_rsp_err;
  logic [63:0] mem_req_addr, mem_req_wdata, mem_rsp_rdata;
  logic [7:0] mem_req_wstrb;
  logic core_idle;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0] core_mem_req_cmp;   // A/D updates are AMO ORs here (AD_CAS=0): one translation at a time
  /* verilator lint_on UNUSEDSIGNAL */

  lockstep_iommu #(.CAP_ATS(CAP_ATS), .CAP_T2GPA(CAP_T2GPA), .AMO_HWAD(AMO_HWAD), .AD_CAS(1'b0)) core (
    .clk, .rst_n, .mutant(mutant[7:0]),
    .reg_req_valid, .reg_req_ready, .reg_req_write, .reg_req_offset, .reg_req_size8(1'b0), .reg_req_wdata,
    .reg_rsp_valid, .reg_rsp_rdata,
    .tr_req_valid, .tr_req_ready, .tr_req_tag, .tr_req_did, .tr_req_pv, .tr_req_pid, .tr_req_iova,
    .tr_req_ttyp, .tr_req_priv, .tr_req_nw, .tr_req_exe, .tr_req_cxl(ats_go && ats_req_cxl),
    .pr_req_valid, .pr_req_ready, .pr_req_did, .pr_req_pv, .pr_req_pid, .pr_req_priv, .pr_req_exec,
    .pr_req_payload, .pr_req_dsv,
    .tr_cpl_valid, .tr_cpl_ready, .tr_cpl_tag, .tr_cpl_status, .tr_cpl_cause, .tr_cpl_pa, .tr_cpl_r,
    .tr_cpl_w, .tr_cpl_x, .tr_cpl_u, .tr_cpl_g, .tr_cpl_pbmt, .tr_cpl_s, .tr_cpl_priv, .tr_cpl_cxl_io,
    .msg_valid, .msg_ready, .msg_prgr, .msg_rid, .msg_dsv, .msg_dseg, .msg_pv, .msg_pid, .msg_payload,
    .ats_inv_cpl_valid,
    .mem_req_valid, .mem_req_ready, .mem_req_op, .mem_req_addr, .mem_req_wdata, .mem_req_cmp(core_mem_req_cmp), .mem_req_wstrb,
    .mem_rsp_valid, .mem_rsp_rdata, .mem_rsp_err,
    .irq, .cq_head(cqh), .fq_tail(fqt), .pq_tail(pqt), .idle(core_idle));

  // ---------------------------------------------------------------- programming port
  typedef enum logic [1:0] {P_IDLE, P_WAIT, P_RESP} pstate_t;
  pstate_t ps;
  logic p_write;
  logic [31:0] p_rdata;
  assign s_prog_awready = ps == P_IDLE && s_prog_awvalid && s_prog_wvalid;
  assign s_prog_wready = s_prog_awready;
  assign s_prog_arready = ps == P_IDLE && !(s_prog_awvalid && s_prog_wvalid) && s_prog_arvalid;
  assign reg_req_valid = ps == P_IDLE && ((s_prog_awvalid && s_prog_wvalid) || s_prog_arvalid);
  assign reg_req_write = s_prog_awvalid && s_prog_wvalid;
  assign reg_req_offset = reg_req_write ? s_prog_awaddr : s_prog_araddr;
  assign reg_req_wdata = {32'b0, s_prog_wdata};
  assign s_prog_bvalid = ps == P_RESP && p_write;
  assign s_prog_rvalid = ps == P_RESP && !p_write;
  assign s_prog_bresp = 2'b00;
  assign s_prog_rresp = 2'b00;
  assign s_prog_rdata = p_rdata;
  always_ff @(posedge clk) begin
    if (!rst_n) ps <= P_IDLE;
    else case (ps)
      P_IDLE: if (reg_req_valid && reg_req_ready) begin ps <= P_WAIT; p_write <= reg_req_write; end
      P_WAIT: if (reg_rsp_valid) begin ps <= P_RESP; p_rdata <= reg_rsp_rdata[31:0]; end
      default: if ((p_write && s_prog_bready) || (!p_write && s_prog_rready)) ps <= P_IDLE;
    endcase
  end

  // ---------------------------------------------------------------- device requests and ATS
  // D_IDLE -> D_XLATE (tr_req accepted) -> D_FWD (m_out request) -> D_FWD_RSP -> D_RESP (s_dev response)
  typedef enum logic [2:0] {D_IDLE, D_XLATE, D_FWD, D_FWD_RSP, D_RESP, D_ATS} dstate_t;
  dstate_t ds;
  logic d_write, d_aw_done, d_w_done, d_ok;
  logic [3:0] d_id;
  logic [63:0] d_pa, d_rdata, d_wdata;
  logic [1:0] d_pbmt;
  logic dev_w, dev_r;
  assign dev_w = s_dev_awvalid && s_dev_wvalid;
  assign dev_r = !dev_w && s_dev_arvalid;
  logic ats_go;
  assign ats_go = !dev_w && !dev_r && ats_req_valid;
  assign tr_req_valid = ds == D_IDLE && (dev_w || dev_r || ats_go);
  assign tr_req_tag = ats_go ? ats_req_tag : {12'b0, dev_w ? s_dev_awid : s_dev_arid};
  assign tr_req_did = ats_go ? ats_req_did : dev_w ? s_dev_awmmusid : s_dev_armmusid;
  assign tr_req_pv = ats_go ? ats_req_pv : dev_w ? s_dev_awmmussidv : s_dev_armmussidv;
  assign tr_req_pid = ats_go ? ats_req_pid : dev_w ? s_dev_awmmussid : s_dev_armmussid;
  assign tr_req_iova = ats_go ? ats_req_iova : dev_w ? s_dev_awaddr : s_dev_araddr;
  assign tr_req_priv = ats_go ? ats_req_priv : dev_w ? s_dev_awprot[0] : s_dev_arprot[0];
  assign tr_req_nw = ats_go && ats_req_nw;
  assign tr_req_exe = ats_go && ats_req_exe;
  assign tr_req_ttyp = ats_go ? 6'd8
                     : dev_w ? (s_dev_awmmuatst ? 6'd7 : 6'd3)
                     : s_dev_arprot[2] ? (s_dev_armmuatst ? 6'd5 : 6'd1)
                     : (s_dev_armmuatst ? 6'd6 : 6'd2);
  assign s_dev_awready = ds == D_IDLE && dev_w && tr_req_ready;
  assign s_dev_wready = s_dev_awready;
  assign s_dev_arready = ds == D_IDLE && dev_r && tr_req_ready;
  assign ats_req_ready = ds == D_IDLE && ats_go && tr_req_ready;
  assign tr_cpl_ready = ds == D_XLATE || (ds == D_ATS && ats_cpl_ready);
  // The cause of a fault, valid in the cycle the core completes it.
  assign obs_cause_valid = tr_cpl_valid && tr_cpl_ready && tr_cpl_status != 0;
  assign obs_cause = tr_cpl_cause;
  // ATS completions go straight out (the core holds them until taken).
  assign ats_cpl_valid = ds == D_ATS && tr_cpl_valid;
  assign ats_cpl_tag = tr_cpl_tag;
  assign ats_cpl_status = tr_cpl_status;
  assign ats_cpl_addr = tr_cpl_pa;
  assign {ats_cpl_r, ats_cpl_w, ats_cpl_x, ats_cpl_u, ats_cpl_g, ats_cpl_s, ats_cpl_priv, ats_cpl_cxl} =
      {tr_cpl_r, tr_cpl_w, tr_cpl_x, tr_cpl_u, tr_cpl_g, tr_cpl_s, tr_cpl_priv, tr_cpl_cxl_io};

  assign m_out_awvalid = ds == D_FWD && d_write && !d_aw_done;
  assign m_out_wvalid = ds == D_FWD && d_write && !d_w_done;
  assign m_out_arvalid = ds == D_FWD && !d_write;
  assign m_out_awid = 4'd0;
  assign m_out_arid = 4'd0;
  assign m_out_awaddr = d_pa;
  assign m_out_araddr = d_pa;
  assign m_out_awlen = 8'd0;
  assign m_out_arlen = 8'd0;
  assign m_out_awsize = 3'd3;
  assign m_out_arsize = 3'd3;
  assign m_out_awburst = 2'b01;
  assign m_out_arburst = 2'b01;
  assign m_out_awpbmt = d_pbmt;
  assign m_out_arpbmt = d_pbmt;
  assign m_out_wdata = d_wdata;
  assign m_out_wstrb = 8'hff;
  assign m_out_wlast = 1'b1;
  assign m_out_bready = ds == D_FWD_RSP && d_write;
  assign m_out_rready = ds == D_FWD_RSP && !d_write;
  assign s_dev_bvalid = ds == D_RESP && d_write;
  assign s_dev_rvalid = ds == D_RESP && !d_write;
  assign s_dev_bid = d_id;
  assign s_dev_rid = d_id;
  assign s_dev_bresp = d_ok ? 2'b00 : 2'b10;
  assign s_dev_rresp = d_ok ? 2'b00 : 2'b10;
  assign s_dev_rdata = d_rdata;
  assign s_dev_rlast = 1'b1;
  always_ff @(posedge clk) begin
    if (!rst_n) ds <= D_IDLE;
    else case (ds)
      D_IDLE: if (tr_req_valid && tr_req_ready) begin
        ds <= ats_go ? D_ATS : D_XLATE;
        d_write <= dev_w;
        d_id <= tr_req_tag[3:0];
        d_wdata <= s_dev_wdata;
      end
      D_XLATE: if (tr_cpl_valid) begin
        d_ok <= tr_cpl_status == 0;
        d_pa <= tr_cpl_pa;
        d_pbmt <= tr_cpl_pbmt;
        d_rdata <= 64'b0;
        d_aw_done <= 1'b0;
        d_w_done <= 1'b0;
        ds <= tr_cpl_status == 0 ? D_FWD : D_RESP;
      end
      D_FWD: begin
        if (d_write) begin
          if (m_out_awvalid && m_out_awready) d_aw_done <= 1'b1;
          if (m_out_wvalid && m_out_wready) d_w_done <= 1'b1;
          if ((d_aw_done || m_out_awready) && (d_w_done || m_out_wready)) ds <= D_FWD_RSP;
        end else if (m_out_arready) ds <= D_FWD_RSP;
      end
      D_FWD_RSP: begin
        if (d_write && m_out_bvalid) begin ds <= D_RESP; d_ok <= m_out_bresp == 0; end
        if (!d_write && m_out_rvalid) begin ds <= D_RESP; d_ok <= m_out_rresp == 0; d_rdata <= m_out_rdata; end
      end
      D_RESP: if ((d_write && s_dev_bready) || (!d_write && s_dev_rready)) ds <= D_IDLE;
      default: if (tr_cpl_valid && ats_cpl_ready) ds <= D_IDLE;  // D_ATS
    endcase
  end

  // ---------------------------------------------------------------- memory master
  // One request at a time: a read (AR), a write (AW + W), or an AMO OR as an AtomicLoad SET (AW + W,
  // then B and R with the old value).
  typedef enum logic [1:0] {M_IDLE, M_REQ, M_RSP, M_DONE} mstate_t;
  mstate_t ms;
  logic [1:0] m_op;
  logic [63:0] m_addr, m_wdata, m_rdata;
  logic [7:0] m_strb;
  logic m_aw_done, m_w_done, m_b_done, m_r_done, m_err_acc, m_err_poison;
  assign mem_req_ready = ms == M_IDLE;
  assign m_mem_arvalid = ms == M_REQ && m_op == 2'd0;
  assign m_mem_awvalid = ms == M_REQ && m_op != 2'd0 && !m_aw_done;
  assign m_mem_wvalid = ms == M_REQ && m_op != 2'd0 && !m_w_done;
  assign m_mem_arid = 4'd0;
  assign m_mem_awid = 4'd0;
  assign m_mem_araddr = m_addr;
  assign m_mem_awaddr = m_addr;
  assign m_mem_arlen = 8'd0;
  assign m_mem_awlen = 8'd0;
  assign m_mem_arsize = 3'd3;
  assign m_mem_awsize = 3'd3;
  assign m_mem_arburst = 2'b01;
  assign m_mem_awburst = 2'b01;
  assign m_mem_awatop = m_op == 2'd2 ? 6'b100011 : 6'b0;
  assign m_mem_wdata = m_wdata;
  assign m_mem_wstrb = m_strb;
  assign m_mem_wlast = 1'b1;
  assign m_mem_bready = ms == M_RSP && !m_b_done;
  assign m_mem_rready = ms == M_RSP && !m_r_done;
  assign mem_rsp_valid = ms == M_DONE;
  assign mem_rsp_rdata = m_rdata;
  assign mem_rsp_err = m_err_acc ? 2'd1 : m_err_poison ? 2'd2 : 2'd0;
  always_ff @(posedge clk) begin
    if (!rst_n) ms <= M_IDLE;
    else case (ms)
      M_IDLE: if (mem_req_valid) begin
        ms <= M_REQ;
        m_op <= mem_req_op;
        m_addr <= mem_req_addr;
        m_wdata <= mem_req_wdata;
        m_strb <= mem_req_wstrb;
        m_aw_done <= 1'b0;
        m_w_done <= 1'b0;
        m_b_done <= mem_req_op == 2'd0;   // a read expects no B
        m_r_done <= mem_req_op == 2'd1;   // a write expects no R
        m_err_acc <= 1'b0;
        m_err_poison <= 1'b0;
        m_rdata <= 64'b0;
      end
      M_REQ: begin
        if (m_op == 2'd0) begin
          if (m_mem_arready) ms <= M_RSP;
        end else begin
          if (m_mem_awvalid && m_mem_awready) m_aw_done <= 1'b1;
          if (m_mem_wvalid && m_mem_wready) m_w_done <= 1'b1;
          if ((m_aw_done || m_mem_awready) && (m_w_done || m_mem_wready)) ms <= M_RSP;
        end
      end
      M_RSP: begin
        if (m_mem_bvalid && m_mem_bready) begin
          m_b_done <= 1'b1;
          if (m_mem_bresp != 0) m_err_acc <= 1'b1;
        end
        if (m_mem_rvalid && m_mem_rready) begin
          m_r_done <= 1'b1;
          m_rdata <= m_mem_rdata;
          if (m_mem_rresp != 0) m_err_acc <= 1'b1;
          if (m_mem_rpoison) m_err_poison <= 1'b1;
        end
        if ((m_b_done || (m_mem_bvalid && m_mem_bready)) && (m_r_done || (m_mem_rvalid && m_mem_rready)))
          ms <= M_DONE;
      end
      default: ms <= M_IDLE;
    endcase
  end

  assign idle = core_idle && ps == P_IDLE && ds == D_IDLE && ms == M_IDLE;

  // Inputs a one-transaction bridge does not look at.
  logic unused;
  assign unused = ^{s_prog_awprot, s_prog_arprot, s_prog_wstrb, s_prog_awaddr[1:0], s_dev_awlen, s_dev_awsize,
                    s_dev_awburst, s_dev_wstrb, s_dev_wlast, s_dev_arlen, s_dev_arsize, s_dev_arburst,
                    s_dev_awprot[2:1], s_dev_arprot[1], m_out_bid, m_out_rid, m_out_rlast, m_mem_bid, m_mem_rid,
                    m_mem_rlast};
endmodule
