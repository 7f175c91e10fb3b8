// iommu_page_req_queue: PCIe "Page Request" messages once the translation process has checked the
// device context (spec: iommu_in_memory_queues.adoc "Page-Request-Queue"; iommu_data_structures.adoc
// "PCIe ATS Page Request handling"). An admitted message (EN_PRI=1) is queued as a 16-byte record at
// pqb.PPN * 4096 + pqt * 16 when the queue is on and neither pqmf nor pqof is set and the queue is not
// full. Otherwise messages without L (Last) and Stop Markers (PASID, L=1, R=W=0) are dropped, and an
// L=1 request gets an automatic "Page Request Group Response": Response Failure (0xF) when the queue is
// off, pqmf is set or the record write fails (then pqmf is set); Success (0x0) when pqof is set or the
// queue is full (then pqof is set); or the code the device-context check gave (Invalid Request 0x1 for
// cause 260, Response Failure for the others). The response has a PASID when the request had one and
// the code is Response Failure or DC.tc.PRPR=1. It goes to RID = device_id[15:0], and when the
// request had a valid destination segment (DSV) with DSV=1, DSEG = device_id[23:16]; else DSV=0 and
// DSEG 0 (spec ATS.PRGR: "If the DSV operand is 0, then the DSEG operand is ignored").
// A record being written when pqen is cleared is completed, both doublewords and pqt, and pqcsr reads
// pqon = 1 with busy = 1 until then (rec_busy; spec pqcsr.pqen: "may stay active (with busy asserted)
// until in-flight page-request writes are completed").
module iommu_page_req_queue
  import iommu_pkg::*;
(
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  // a checked page request from the translation process
  input  logic        pr_valid,
  output logic        pr_ready,
  input  logic        pr_admit,       // the device context allows it (EN_PRI=1)
  input  logic [3:0]  pr_code,        // response code when not admitted
  input  logic        pr_prpr,        // DC.tc.PRPR
  input  logic [23:0] pr_did,
  input  logic        pr_pv,
  input  logic [19:0] pr_pid,
  input  logic        pr_priv,
  input  logic        pr_exec,
  input  logic        pr_dsv,         // the message had a valid destination segment
  input  logic [63:0] pr_payload,     // the record's dw1: R[0] W[1] L[2] PRG index[11:3] page address[63:12]
  // queue registers
  input  logic        pq_on,
  input  logic        pq_mf,
  input  logic        pq_of,
  input  logic [4:0]  pq_log2m1,
  input  logic [43:0] pq_ppn,
  input  logic [31:0] pqh,
  input  logic [31:0] pqt,
  output logic        tail_inc,
  output logic        set_of,
  output logic        set_mf,
  // automatic Page Request Group Response
  output logic        rsp_valid,
  input  logic        rsp_ready,
  output logic [15:0] rsp_rid,
  output logic        rsp_dsv,
  output logic [7:0]  rsp_dseg,
  output logic        rsp_pv,
  output logic [19:0] rsp_pid,
  output logic [63:0] rsp_payload,
  // memory client (writes)
  output logic        m_req_valid,
  input  logic        m_req_ready,
  output logic [63:0] m_req_addr,
  output logic [63:0] m_req_wdata,
  input  logic        m_rsp_valid,
  input  logic [1:0]  m_rsp_err,
  output logic        rec_busy,       // a record is being written, up to its pqt / pqmf update (pqon)
  output logic        busy
);
  typedef enum logic [1:0] {Q_IDLE, Q_WR, Q_WRW, Q_RSP} st_t;
  st_t st;
  logic [63:0] rec [2];
  logic        dw;
  logic [23:0] did;
  logic        pv, prpr, last, stop, dsv;
  logic [19:0] pid;
  logic [8:0]  prgi;
  logic [3:0]  code;

  logic [31:0] mask, tail_next;
  assign mask = idx_mask(pq_log2m1);
  assign tail_next = (pqt + 32'd1) & mask;

  logic in_last, in_stop;
  assign in_last = pr_payload[2];
  assign in_stop = pr_pv && pr_payload[2] && pr_payload[1:0] == 2'd0;

  // A response is sent for L=1 requests that are not Stop Markers.
  task automatic respond(input logic [3:0] c, input logic l, input logic s);
    code <= c;
    st <= (l && (!s || mutant_on(mutant, M_PRQ_STOP_MARKER_RESPONSE))) ? Q_RSP : Q_IDLE;
  endtask

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      st <= Q_IDLE; dw <= 1'b0; rec[0] <= 64'd0; rec[1] <= 64'd0;
      did <= 24'd0; pv <= 1'b0; prpr <= 1'b0; last <= 1'b0; stop <= 1'b0; pid <= 20'd0; dsv <= 1'b0;
      prgi <= 9'd0; code <= 4'd0;
      tail_inc <= 1'b0; set_of <= 1'b0; set_mf <= 1'b0;
    end else begin
      tail_inc <= 1'b0; set_of <= 1'b0; set_mf <= 1'b0;
      case (st)
        Q_IDLE: if (pr_valid && pr_ready) begin       // taken only when the engine sees it taken
          did <= pr_did; pv <= pr_pv; pid <= pr_pv ? pr_pid : 20'd0; prpr <= pr_prpr; dsv <= pr_dsv;
          last <= in_last; stop <= in_stop; prgi <= pr_payload[11:3];
          if (!pr_admit)              respond(pr_code, in_last, in_stop);
          else if (!pq_on || pq_mf)   respond(4'hF, in_last, in_stop);
          else if (pq_of)             respond(4'h0, in_last, in_stop);
          else if (tail_next == pqh) begin
            set_of <= 1'b1;
            respond(4'h0, in_last, in_stop);
          end else begin
            // Record (spec: page-request record): PID[31:12] PV[32] PRIV[33] EXEC[34] DID[63:40]
            rec[0] <= {pr_did, 5'd0, pr_pv & pr_exec, pr_pv & pr_priv, pr_pv, pr_pv ? pr_pid : 20'd0,
                       12'd0};
            rec[1] <= pr_payload;
            dw <= 1'b0;
            st <= Q_WR;
          end
        end
        Q_WR: if (m_req_ready) st <= Q_WRW;
        Q_WRW: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) begin
            set_mf <= 1'b1;
            respond(4'hF, last, stop);
          end else if (dw || (!pq_on && mutant_on(mutant, M_OVL_PRQ_TORN_RECORD))) begin
            // BUG (ovl_prq_torn_record) when !dw: pqen cleared since the record was taken closes it
            // after its first doubleword, and pqt still advances over the torn record
            tail_inc <= 1'b1; st <= Q_IDLE;
          end else begin
            dw <= 1'b1; st <= Q_WR;
          end
        end
        Q_RSP: if (rsp_ready) st <= Q_IDLE;
        default: st <= Q_IDLE;
      endcase
    end
  end

  assign pr_ready = (st == Q_IDLE) && !tail_inc && !set_of && !set_mf;
  assign m_req_valid = (st == Q_WR);
  assign m_req_addr = {8'd0, pq_ppn, 12'd0} + {28'd0, pqt, 4'd0} + {60'd0, dw, 3'd0};
  assign m_req_wdata = rec[dw];
  assign rsp_valid = (st == Q_RSP);
  assign rsp_rid = did[15:0];
  assign rsp_dsv = dsv;
  assign rsp_dseg = dsv ? did[23:16] : 8'd0;
  assign rsp_pv = pv && (code == 4'hF || prpr);
  assign rsp_pid = rsp_pv ? pid : 20'd0;
  assign rsp_payload = {16'd0, code, 3'd0, prgi, 32'd0};
  assign rec_busy = (st == Q_WR) || (st == Q_WRW) || tail_inc || set_mf;
  assign busy = (st != Q_IDLE) || tail_inc || set_of || set_mf;
endmodule
