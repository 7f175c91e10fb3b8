// iommu_pdt_walk: locates the process context (spec: iommu_data_structures.adoc, "Process to
// locate the Process-context"). PD20 has 3 levels (PDI[2] = pid[19:17]), PD17 2 levels
// (PDI[1] = pid[16:8]), PD8 1 level (PDI[0] = pid[7:0], 16-byte PCs). When the G stage is
// active the PDT addresses are GPAs: each is handed to the G stage through the gx_* port
// (a G-stage fault there is reported by the page walker: gfault = 1).
module iommu_pdt_walk
  import iommu_pkg::*;
#(
  parameter bit CAP_SV39 = 1'b1,
  parameter bit CAP_SV48 = 1'b1
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  input  logic        start,
  input  logic [3:0]  mode,         // pdtp.MODE: 1 PD8, 2 PD17, 3 PD20
  input  logic [43:0] root_ppn,
  input  logic [19:0] pid,
  input  logic        g_bare,
  // G-stage translation of a PDT address (implicit read)
  output logic        gx_start,
  output logic [63:0] gx_gpa,
  input  logic        gx_done,
  input  logic        gx_fault,
  input  logic [63:0] gx_spa,
  output logic        done,
  output logic        fault,
  output logic        gfault,
  output logic [11:0] cause,
  output logic [63:0] pc_ta,
  output logic [63:0] pc_fsc,
  // memory client
  output logic        m_req_valid,
  input  logic        m_req_ready,
  output logic [63:0] m_req_addr,
  output logic [3:0]  m_req_words,   // doublewords read from m_req_addr on, one request each
  input  logic        m_rsp_valid,
  input  logic [63:0] m_rsp_rdata,
  input  logic [1:0]  m_rsp_err,
  output logic        busy
);
  typedef enum logic [3:0] {D_IDLE, D_ADDR, D_GX, D_GXW, D_RD, D_RDW, D_PC1_RD, D_PC1_RDW,
                            D_CHECK} st_t;
  st_t st;
  logic [1:0]  lvl;
  logic [43:0] a;
  logic [63:0] ent_gpa, ent_spa;

  logic [8:0] idx;
  always_comb begin
    case (lvl)
      2'd2:    idx = {6'd0, pid[19:17]};
      2'd1:    idx = (mutant_on(mutant, M_PD17_ROOT_INDEX) && mode == 4'd2) ? {1'b0, pid[15:8]}  // BUG
                                                                   : pid[16:8];
      default: idx = 9'd0;
    endcase
  end

  function automatic logic s_mode_ok(input logic [3:0] m);
    s_mode_ok = (m == 4'd0) || (m == 4'd8 && CAP_SV39) || (m == 4'd9 && CAP_SV48);
  endfunction

  task automatic fail(input logic [11:0] c);
    fault <= 1'b1; cause <= c; done <= 1'b1; st <= D_IDLE;
  endtask

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      st <= D_IDLE; lvl <= 2'd0; a <= 44'd0; ent_gpa <= 64'd0;
      done <= 1'b0; fault <= 1'b0; gfault <= 1'b0; cause <= 12'd0;
      pc_ta <= 64'd0; pc_fsc <= 64'd0;
    end else begin
      done <= 1'b0;
      case (st)
        D_IDLE: if (start) begin
          fault <= 1'b0; gfault <= 1'b0; cause <= 12'd0;
          a <= root_ppn;
          lvl <= (mode == 4'd3) ? 2'd2 : (mode == 4'd2) ? 2'd1 : 2'd0;
          st <= D_ADDR;
        end
        D_ADDR: begin
          ent_gpa <= (lvl == 2'd0) ? {8'd0, a, 12'd0} + {52'd0, pid[7:0], 4'd0}
                                   : {8'd0, a, 12'd0} + {52'd0, idx, 3'd0};
          st <= g_bare ? D_RD : D_GX;
        end
        D_GX: st <= D_GXW;
        D_GXW: if (gx_done) begin
          if (gx_fault) begin
            fault <= 1'b1; gfault <= 1'b1; done <= 1'b1; st <= D_IDLE;
          end else st <= D_RD;
        end
        D_RD: if (m_req_ready) st <= D_RDW;
        D_RDW: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) fail(m_rsp_err == 2'd1 ? C_PDT_ACCESS : C_PDT_CORRUPT);
          else if (lvl == 2'd0) begin
            pc_ta <= m_rsp_rdata;
            st <= D_PC1_RD;
          end else if (!m_rsp_rdata[0]) fail(C_PDT_INVALID);
          else if (m_rsp_rdata[9:1] != 9'd0 || m_rsp_rdata[63:54] != 10'd0) fail(C_PDT_MISCONF);
          else begin
            a <= m_rsp_rdata[53:10];
            lvl <= lvl - 2'd1;
            st <= D_ADDR;
          end
        end
        D_PC1_RD: if (m_req_ready) st <= D_PC1_RDW;
        D_PC1_RDW: if (m_rsp_valid) begin
          if (m_rsp_err != 2'd0) fail(m_rsp_err == 2'd1 ? C_PDT_ACCESS : C_PDT_CORRUPT);
          else begin pc_fsc <= m_rsp_rdata; st <= D_CHECK; end
        end
        D_CHECK: begin
          if (!pc_ta[0]) fail(C_PDT_INVALID);
          else if (pc_ta[11:3] != 9'd0 || pc_ta[63:32] != 32'd0 || pc_fsc[59:44] != 16'd0 ||
                   !s_mode_ok(pc_fsc[63:60])) fail(C_PDT_MISCONF);
          else begin done <= 1'b1; st <= D_IDLE; end
        end
        default: st <= D_IDLE;
      endcase
    end
  end

  always_comb ent_spa = g_bare ? ent_gpa : gx_spa;
  assign gx_start = (st == D_GX);
  assign gx_gpa = ent_gpa;
  assign m_req_valid = (st == D_RD) || (st == D_PC1_RD);
  assign m_req_addr = (st == D_PC1_RD) ? ent_spa + 64'd8 : ent_spa;
  assign m_req_words = (st == D_RD && lvl == 2'd0) ? 4'd2 : 4'd1;           // the PC: two doublewords
  assign busy = (st != D_IDLE);
endmodule
