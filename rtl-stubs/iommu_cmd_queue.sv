// iommu_cmd_queue: fetches 16-byte commands at cqb.PPN * 4096 + cqh * 16 while cqh != cqt and
// executes them in order (spec: iommu_in_memory_queues.adoc, "Command-Queue"): IOTINVAL.VMA/GVMA,
// IODIR.INVAL_DDT/PDT, IOFENCE.C, ATS.INVAL, ATS.PRGR. An illegal command sets cmd_ill and a failed
// fetch or IOFENCE write sets cqmf; cqh then stays on that command and the queue stops until
// software clears it. ATS.INVAL sends an Invalidation Request message and retires; the device's
// Invalidation Completion (inv_cpl) arrives later, and IOFENCE.C waits until every invalidation
// sent before it has completed. ATS.PRGR sends a Page Request Group Response message.
// Commands execute while translations are in flight: an invalidation takes effect in the caches at
// once (a walk in flight when it executes does not fill its cache, see iommu_iotlb), and IOFENCE.C
// waits for the translations that were in flight when it began to wait (not for later ones, which
// a stream of requests could otherwise keep coming forever), as well as for ATS.INVAL completions.
module iommu_cmd_queue
  import iommu_pkg::*;
#(
  parameter bit CAP_ATS = 1'b1,  // capabilities.ATS: without it the ATS commands are unsupported
  parameter int XLATE_N = 1      // translation walkers
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  input  logic        cq_on,
  input  logic        cq_stalled,
  input  logic [4:0]  cq_log2m1,
  input  logic [43:0] cq_ppn,
  input  logic [31:0] cqh,
  input  logic [31:0] cqt,
  input  logic [3:0]  ddtp_mode,
  input  logic [XLATE_N-1:0] xlate_busy,  // per walker: a translation in flight
  // outbound PCIe messages (ATS.INVAL, ATS.PRGR) and inbound Invalidation Completions
  output logic        msg_valid,
  input  logic        msg_ready,
  output logic        msg_prgr,      // 0 Invalidation Request, 1 Page Request Group Response
  output logic [15:0] msg_rid,
  output logic        msg_dsv,
  output logic [7:0]  msg_dseg,
  output logic        msg_pv,
  output logic [19:0] msg_pid,
  output logic [63:0] msg_payload,
  input  logic        inv_cpl,       // one pulse per Invalidation Completion, in order
  output logic        head_inc,
  output logic        set_ill,
  output logic        set_mf,
  output logic        set_fwip,
  // IOTLB invalidation
  output logic        tlb_inv,
  output logic        tlb_gvma,
  output logic        tlb_av,
  output logic        tlb_pscv,
  output logic        tlb_gv,
  output logic [19:0] tlb_pscid,
  output logic [15:0] tlb_gscid,
  output logic [51:0] tlb_vpn,
  // DDT cache invalidation
  output logic        ddt_inv,
  output logic        ddt_dv,
  output logic [23:0] ddt_did,
  // memory client
  output logic        m_req_valid,
  input  logic        m_req_ready,
  output logic [1:0]  m_req_op,
  output logic [63:0] m_req_addr,
  output logic [63:0] m_req_wdata,
  output logic [7:0]  m_req_wstrb,
  output logic [3:0]  m_req_words,   // doublewords read from m_req_addr on, one request each
  input  logic        m_rsp_valid,
  input  logic [63:0] m_rsp_rdata,
  input  logic [1:0]  m_rsp_err,
  output logic        busy
);
  typedef enum logic [3:0] {Q_IDLE, Q_RD0, Q_RD0W, Q_RD1, Q_RD1W, Q_EXEC, Q_FENCE_WAIT,
                            Q_FWR, Q_FWRW, Q_RETIRE, Q_SETTLE, Q_MSG} st_t;
  st_t st;
  logic [63:0] c0, c1;
  logic [7:0]  inv_pending;          // Invalidation Requests sent, not yet completed
  logic [XLATE_N-1:0] fence_wait;    // IOFENCE.C: walkers busy when it began to wait, not yet done
  // BUG (mutant ovl_inval_held): an IOTINVAL that finds a walker busy is held here and applied to the IOTLBs
  // once every walker is idle, but the IOFENCE.C behind it does not wait for it: it completes while the
  // invalidation is still held if a request that arrived during the fence keeps a walker busy.
  logic        held;
  logic [63:0] held_c0, held_c1;
  logic        apply_held;         // this cycle's tlb_inv applies the held invalidation

  logic [63:0] cmd_addr;
  assign cmd_addr = {8'd0, cq_ppn, 12'd0} + {28'd0, cqh, 4'd0};

  // ---- decode ----
  logic [6:0] opc;
  logic [2:0] f3;
  assign opc = c0[6:0];
  assign f3 = c0[9:7];
  logic ill;
  always_comb begin
    ill = 1'b0;
    case (opc)
      7'd1: begin  // IOTINVAL: rsvd[11], NL[34] and S[73] (extensions absent), rsvd[43:35],
                   // rsvd[63:60], rsvd[72:64], rsvd[127:126]
        if (f3 > 3'd1) ill = 1'b1;
        if (c0[11] || c0[34] || c0[43:35] != 9'd0 || c0[63:60] != 4'd0) ill = 1'b1;
        if (c1[9:0] != 10'd0 || c1[63:62] != 2'd0) ill = 1'b1;
        if (f3 == 3'd1 && c0[32]) ill = 1'b1;                     // GVMA with PSCV=1
      end
      7'd2: begin  // IOFENCE.C: rsvd[31:14], rsvd[127:126]
        if (f3 != 3'd0) ill = 1'b1;
        if (c0[31:14] != 18'd0 || c1[63:62] != 2'd0) ill = 1'b1;
      end
      7'd3: begin  // IODIR: rsvd[11:10], rsvd[32], rsvd[39:34], rsvd[127:64]
        if (f3 > 3'd1) ill = 1'b1;
        if (c0[11:10] != 2'd0 || c0[32] || c0[39:34] != 6'd0 || c1 != 64'd0) ill = 1'b1;
        if (f3 == 3'd0 && c0[31:12] != 20'd0) ill = 1'b1;         // INVAL_DDT: PID reserved
        if (f3 == 3'd1 && !c0[33]) ill = 1'b1;                    // INVAL_PDT needs DV=1
        if (c0[33]) begin                                         // DID wider than the mode
          if (ddtp_mode == MODE_1LVL && c0[63:46] != 18'd0) ill = 1'b1;
          if (ddtp_mode == MODE_2LVL && c0[63:55] != 9'd0) ill = 1'b1;
        end
      end
      7'd4: begin  // ATS: func3 0 INVAL, 1 PRGR; rsvd[11:10], rsvd[39:34]
        // "A command is unsupported if it is defined but not implemented as determined by the IOMMU
        // capabilities register" and sets cmd_ill like an illegal one (spec: Command-Queue).
        if (!CAP_ATS) ill = 1'b1;
        if (f3 > 3'd1) ill = 1'b1;
        if (c0[11:10] != 2'd0 || c0[39:34] != 6'd0) ill = 1'b1;
      end
      default: ill = 1'b1;                                         // reserved, custom
    endcase
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      st <= Q_IDLE; c0 <= 64'd0; c1 <= 64'd0;
      head_inc <= 1'b0; set_ill <= 1'b0; set_mf <= 1'b0; set_fwip <= 1'b0;
      tlb_inv <= 1'b0; ddt_inv <= 1'b0; inv_pending <= 8'd0; fence_wait <= '0;
      held <= 1'b0; held_c0 <= 64'd0; held_c1 <= 64'd0; apply_held <= 1'b0;
    end else begin
      fence_wait <= fence_wait & xlate_busy;     // a walker that went idle has finished its request
      inv_pending <= inv_pending + ((st == Q_MSG && msg_ready && !msg_prgr) ? 8'd1 : 8'd0)
                                 - ((inv_cpl && inv_pending != 8'd0) ? 8'd1 : 8'd0);
      head_inc <= 1'b0; set_ill <= 1'b0; set_mf <= 1'b0; set_fwip <= 1'b0;
      tlb_inv <= 1'b0; ddt_inv <= 1'b0; apply_held <= 1'b0;
      if (held && xlate_busy == '0 && st != Q_EXEC) begin
        tlb_inv <= 1'b1; apply_held <= 1'b1; held <= 1'b0;
      end
      case (st)
        Q_IDLE: if (cq_on && !cq_stalled && cqh != cqt) st <= Q_RD0;
        Q_RD0: if (m_req_ready) st <= Q_RD0W;
        Q_RD0W: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) begin set_mf <= 1'b1; st <= Q_SETTLE; end
          else begin c0 <= m_rsp_rdata; st <= Q_RD1; end
        end
        Q_RD1: if (m_req_ready) st <= Q_RD1W;
        Q_RD1W: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) begin set_mf <= 1'b1; st <= Q_SETTLE; end
          else begin c1 <= m_rsp_rdata; st <= Q_EXEC; end
        end
        Q_EXEC: begin
          if (!cq_on) st <= Q_IDLE;                 // queue disabled: the command is dropped
          else if (ill) begin set_ill <= 1'b1; st <= Q_SETTLE; end
          else case (opc)
            7'd1: begin
              if (mutant_on(mutant, M_OVL_INVAL_HELD) && xlate_busy != '0 && !held) begin
                held <= 1'b1; held_c0 <= c0; held_c1 <= c1;          // BUG: held, see above
              end else begin
                tlb_inv <= 1'b1;
              end
              st <= Q_RETIRE;
            end
            7'd3: begin ddt_inv <= 1'b1; st <= Q_RETIRE; end
            7'd4: st <= Q_MSG;
            default: begin                           // IOFENCE.C
              fence_wait <= xlate_busy;
              st <= Q_FENCE_WAIT;
            end
          endcase
        end
        Q_MSG: if (msg_ready) st <= Q_RETIRE;
        // BUG (mutant): the fence waits for the translations in flight but not for the outstanding
        // ATS.INVAL completions (inv_pending still counts them: the queue stays busy until they arrive)
        Q_FENCE_WAIT: if ((fence_wait & xlate_busy) == '0 &&
                          (inv_pending == 8'd0 || mutant_on(mutant, M_IOFENCE_SKIPS_ATS_WAIT))) begin
          if (c0[10]) st <= Q_FWR;                   // AV: write DATA to ADDR
          else begin
            if (c0[11]) set_fwip <= 1'b1;
            st <= Q_RETIRE;
          end
          if (c0[10] && mutant_on(mutant, M_IOFENCE_EARLY)) begin
            // BUG: the fence retires before its memory write is acknowledged
            if (c0[11]) set_fwip <= 1'b1;
            head_inc <= 1'b1;
          end
        end
        Q_FWR: if (m_req_ready) st <= Q_FWRW;
        Q_FWRW: if (m_rsp_valid) begin
          if (mutant_on(mutant, M_IOFENCE_EARLY)) begin
            if (m_rsp_err != 2'd0) set_mf <= 1'b1;
            st <= Q_SETTLE;
          end else if (m_rsp_err != 2'd0) begin
            set_mf <= 1'b1; st <= Q_SETTLE;          // cqh stays on the IOFENCE.C
          end else begin
            if (c0[11]) set_fwip <= 1'b1;
            st <= Q_RETIRE;
          end
        end
        Q_RETIRE: begin head_inc <= 1'b1; st <= Q_SETTLE; end
        Q_SETTLE: st <= Q_IDLE;                      // let cqh / error bits update
        default: st <= Q_IDLE;
      endcase
    end
  end

  // invalidation operands (of the held invalidation when it is the one applied)
  logic [63:0] inv_c0, inv_c1;
  assign inv_c0 = apply_held ? held_c0 : c0;
  assign inv_c1 = apply_held ? held_c1 : c1;
  assign tlb_gvma  = (inv_c0[9:7] == 3'd1);
  assign tlb_av    = inv_c0[10];
  assign tlb_pscv  = inv_c0[32];
  assign tlb_gv    = inv_c0[33];
  assign tlb_pscid = inv_c0[31:12];
  assign tlb_gscid = inv_c0[59:44];
  assign tlb_vpn   = inv_c1[61:10];      // ADDR[63:12] is at command bits [125:74]
  assign ddt_dv    = c0[33];
  assign ddt_did   = c0[63:40];

  // memory
  logic [63:0] fence_addr;
  assign fence_addr = {c1[61:0], 2'b00};
  always_comb begin
    m_req_valid = 1'b0; m_req_op = MOP_READ; m_req_addr = cmd_addr; m_req_wdata = 64'd0;
    m_req_wstrb = 8'h00;
    m_req_words = (st == Q_RD0) ? 4'd2 : 4'd1;                               // a command: two
    case (st)
      Q_RD0: m_req_valid = 1'b1;
      Q_RD1: begin m_req_valid = 1'b1; m_req_addr = cmd_addr + 64'd8; end
      Q_FWR: begin
        m_req_valid = 1'b1; m_req_op = MOP_WRITE; m_req_addr = {fence_addr[63:3], 3'b000};
        m_req_wdata = fence_addr[2] ? {c0[63:32], 32'd0} : {32'd0, c0[63:32]};
        m_req_wstrb = fence_addr[2] ? 8'hF0 : 8'h0F;
      end
      default: ;
    endcase
  end
  assign busy = (st != Q_IDLE) || (cq_on && !cq_stalled && cqh != cqt) || inv_pending != 8'd0 || held;

  // messages: the command's RID, DSV/DSEG, PV/PID; the payload is dw1 for an Invalidation Request,
  // and the PRG index [40:32] and response code [47:44] of dw1 for a Page Request Group Response.
  assign msg_valid = (st == Q_MSG);
  assign msg_prgr  = (f3 == 3'd1);
  assign msg_rid   = c0[55:40];
  assign msg_dsv   = c0[33];
  assign msg_dseg  = c0[63:56];
  assign msg_pv    = c0[32];
  assign msg_pid   = c0[31:12];
  always_comb begin
    if (!msg_prgr)                            msg_payload = c1;
    else if (mutant_on(mutant, M_PRGR_INDEX_SHIFTED))  msg_payload = {16'd0, c1[47:44], 3'd0, c1[39:31], 32'd0}; // BUG
    else                                      msg_payload = {16'd0, c1[47:44], 3'd0, c1[40:32], 32'd0};
  end

  logic unused;
  assign unused = ^{cq_log2m1, fence_addr[1:0], inv_c0[63:60], inv_c0[43:34], inv_c0[11], inv_c0[6:0],
                    inv_c1[63:62], inv_c1[9:0]};
endmodule
