// A DUT with the native ports of lockstep_iommu whose register file asserts an invariant with
// $fatal: a write to the reserved offset 0xff8 violates it. Used to prove that an RTL $fatal comes
// back through the harness as an error instead of aborting the process.
module lockstep_iommu (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [7:0]  mutant,
  input  logic        reg_req_valid,
  output logic        reg_req_ready,
  input  logic        reg_req_write,
  input  logic [11:0] reg_req_offset,
  input  logic        reg_req_size8,
  input  logic [63:0] reg_req_wdata,
  output logic        reg_rsp_valid,
  output logic [63:0] reg_rsp_rdata,
  input  logic        tr_req_valid,
  output logic        tr_req_ready,
  input  logic [15:0] tr_req_tag,
  input  logic [23:0] tr_req_did,
  input  logic        tr_req_pv,
  input  logic [19:0] tr_req_pid,
  input  logic [63:0] tr_req_iova,
  input  logic [5:0]  tr_req_ttyp,
  input  logic        tr_req_priv,
  input  logic        tr_req_nw,
  input  logic        tr_req_exe,
  input  logic        tr_req_cxl,
  input  logic        pr_req_valid,
  output logic        pr_req_ready,
  input  logic [23:0] pr_req_did,
  input  logic        pr_req_pv,
  input  logic [19:0] pr_req_pid,
  input  logic        pr_req_priv,
  input  logic        pr_req_exec,
  input  logic        pr_req_dsv,
  input  logic [63:0] pr_req_payload,
  output logic        tr_cpl_valid,
  input  logic        tr_cpl_ready,
  output logic [15:0] tr_cpl_tag,
  output logic [1:0]  tr_cpl_status,
  output logic [11:0] tr_cpl_cause,
  output logic [63:0] tr_cpl_pa,
  output logic        tr_cpl_r,
  output logic        tr_cpl_w,
  output logic        tr_cpl_x,
  output logic        tr_cpl_u,
  output logic        tr_cpl_g,
  output logic [1:0]  tr_cpl_pbmt,
  output logic        tr_cpl_s,
  output logic        tr_cpl_priv,
  output logic        tr_cpl_cxl_io,
  output logic        msg_valid,
  input  logic        msg_ready,
  output logic        msg_prgr,
  output logic [15:0] msg_rid,
  output logic        msg_dsv,
  output logic [7:0]  msg_dseg,
  output logic        msg_pv,
  output logic [19:0] msg_pid,
  output logic [63:0] msg_payload,
  input  logic        ats_inv_cpl_valid,
  output logic        mem_req_valid,
  input  logic        mem_req_ready,
  output logic [1:0]  mem_req_op,
  output logic [63:0] mem_req_addr,
  output logic [63:0] mem_req_wdata,
  output logic [63:0] mem_req_cmp,
  output logic [7:0]  mem_req_wstrb,
  input  logic        mem_rsp_valid,
  input  logic [63:0] mem_rsp_rdata,
  input  logic [1:0]  mem_rsp_err,
  output logic [15:0] irq,
  output logic [31:0] cq_head,
  output logic [31:0] fq_tail,
  output logic [31:0] pq_tail,
  output logic        idle
);
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = ^{mutant, reg_req_size8, reg_req_wdata, tr_req_valid, tr_req_tag, tr_req_did, tr_req_pv,
                    tr_req_pid, tr_req_iova, tr_req_ttyp, tr_req_priv, tr_req_nw, tr_req_exe, tr_req_cxl, tr_cpl_ready,
                    mem_req_ready, mem_rsp_valid, mem_rsp_rdata, mem_rsp_err, msg_ready, ats_inv_cpl_valid,
                    pr_req_valid, pr_req_did, pr_req_pv, pr_req_pid, pr_req_priv, pr_req_exec, pr_req_dsv, pr_req_payload};
  /* verilator lint_on UNUSEDSIGNAL */
  assign reg_req_ready = 1'b1;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      reg_rsp_valid <= 1'b0;
      reg_rsp_rdata <= 64'd0;
    end else begin
      reg_rsp_valid <= reg_req_valid;
      reg_rsp_rdata <= (reg_req_offset == 12'd0) ? 64'h1f817460610 : 64'd0;
      if (reg_req_valid && reg_req_write && reg_req_offset == 12'hff8)
        $fatal(1, "register file invariant violated: write to reserved offset 0xff8");
    end
  end
  assign tr_req_ready = 1'b0;
  assign pr_req_ready = 1'b0;
  assign tr_cpl_valid = 1'b0;
  assign tr_cpl_tag = 16'd0;
  assign tr_cpl_status = 2'd0;
  assign tr_cpl_cause = 12'd0;
  assign tr_cpl_pa = 64'd0;
  assign {tr_cpl_r, tr_cpl_w, tr_cpl_x, tr_cpl_u, tr_cpl_g, tr_cpl_s, tr_cpl_priv, tr_cpl_cxl_io} = 8'd0;
  assign {msg_valid, msg_prgr, msg_dsv, msg_pv} = 4'd0;
  assign msg_rid = 16'd0;
  assign msg_dseg = 8'd0;
  assign msg_pid = 20'd0;
  assign msg_payload = 64'd0;
  assign tr_cpl_pbmt = 2'd0;
  assign mem_req_valid = 1'b0;
  assign mem_req_op = 2'd0;
  assign mem_req_addr = 64'd0;
  assign mem_req_wdata = 64'd0;
  assign mem_req_cmp = 64'd0;
  assign mem_req_wstrb = 8'd0;
  assign irq = 16'd0;
  assign cq_head = 32'd0;
  assign fq_tail = 32'd0;
  assign pq_tail = 32'd0;
  assign idle = 1'b1;
endmodule
