// iommu_mem_arb: shares the single memory port (one outstanding request) between the IOMMU's
// own requesters: clients 0..W-1 = the translation walkers (DDT, PDT, page tables, MSI PT), then
// the fault queue, the command queue and the page-request queue. Clients marked FIXED (the record
// writers: fault queue, then page-request queue) go first, lowest index first: their records are
// short and come only from finished walks, and the walker waiting on a record is freed soonest.
// The others (walkers, command queue) are served round-robin: after a grant the search starts at the
// next client, so walkers that always have a request ready cannot starve the command queue (nor
// each other). A lone requester is granted at once, in the same cycle as with fixed priority.
// The response goes back to the client that issued it; `mem_req_src` names the engine (0 for
// every walker, then 1 fault queue, 2 command queue, 3 page-request queue: a bus wrapper uses it
// to pick IDs and bursts).
module iommu_mem_arb #(
  parameter int N = 3,
  parameter int W = 1,           // clients 0..W-1 are walkers: all report source 0
  parameter logic [N-1:0] FIXED = '0   // fixed-priority clients, ahead of the round-robin ones
) (
  input  logic          clk,
  input  logic          rst_n,
  // clients
  input  logic [N-1:0]  c_req_valid,
  output logic [N-1:0]  c_req_ready,
  input  logic [1:0]    c_req_op    [N],
  input  logic [63:0]   c_req_addr  [N],
  input  logic [63:0]   c_req_wdata [N],
  input  logic [63:0]   c_req_cmp   [N],   // MOP_CAS: the expected value
  input  logic [7:0]    c_req_wstrb [N],
  input  logic [3:0]    c_req_words [N],   // doublewords the client reads from this address on
  output logic [N-1:0]  c_rsp_valid,
  output logic [63:0]   c_rsp_rdata,
  output logic [1:0]    c_rsp_err,
  // memory port
  output logic          mem_req_valid,
  input  logic          mem_req_ready,
  output logic [1:0]    mem_req_op,
  output logic [63:0]   mem_req_addr,
  output logic [63:0]   mem_req_wdata,
  output logic [63:0]   mem_req_cmp,
  output logic [7:0]    mem_req_wstrb,
  output logic [1:0]    mem_req_src,
  output logic [3:0]    mem_req_words,
  input  logic          mem_rsp_valid,
  input  logic [63:0]   mem_rsp_rdata,
  input  logic [1:0]    mem_rsp_err,
  output logic          busy
);
  typedef enum logic [1:0] {A_IDLE, A_REQ, A_RSP} st_t;
  localparam int IW = (N > 1) ? $clog2(N) : 1;
  st_t st;
  logic [IW-1:0] owner;
  logic [IW-1:0] pick;
  logic [IW-1:0] last;          // the round-robin client granted last: the search starts after it
  logic          any;

  always_comb begin
    pick = '0;
    any = 1'b0;
    // round-robin clients from last+1 round to last: the first requester wins
    for (int k = N; k >= 1; k--) begin
      if (c_req_valid[IW'((int'(last) + k) % N)] && !FIXED[IW'((int'(last) + k) % N)]) begin
        pick = IW'((int'(last) + k) % N);
        any = 1'b1;
      end
    end
    // fixed-priority clients first, the lowest index first
    for (int i = N - 1; i >= 0; i--) begin
      if (c_req_valid[i] && FIXED[i]) begin
        pick = IW'(i);
        any = 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      st <= A_IDLE;
      owner <= '0;
      last <= IW'(N - 1);       // client 0 first after reset
      mem_req_op <= 2'd0; mem_req_addr <= 64'd0; mem_req_wdata <= 64'd0; mem_req_cmp <= 64'd0; mem_req_wstrb <= 8'd0;
      mem_req_words <= 4'd1;
    end else begin
      case (st)
        A_IDLE: if (any) begin
          owner <= pick;
          if (!FIXED[pick]) last <= pick;
          mem_req_op <= c_req_op[pick];
          mem_req_addr <= {c_req_addr[pick][63:3], 3'b000};
          mem_req_wdata <= c_req_wdata[pick];
          mem_req_cmp <= c_req_cmp[pick];
          mem_req_wstrb <= c_req_wstrb[pick];
          mem_req_words <= c_req_words[pick];
          st <= A_REQ;
        end
        A_REQ: if (mem_req_ready) st <= mem_rsp_valid ? A_IDLE : A_RSP;   // 0-latency answer
        A_RSP: if (mem_rsp_valid) st <= A_IDLE;
        default: st <= A_IDLE;
      endcase
    end
  end

  always_comb begin
    c_req_ready = '0;
    if (st == A_IDLE && any) c_req_ready[pick] = 1'b1;
    c_rsp_valid = '0;
    if (mem_rsp_valid && (st == A_RSP || (st == A_REQ && mem_req_ready)))
      c_rsp_valid[owner] = 1'b1;
  end
  assign c_rsp_rdata = mem_rsp_rdata;
  assign c_rsp_err = mem_rsp_err;
  assign mem_req_valid = (st == A_REQ);
  assign mem_req_src = (int'(owner) < W) ? 2'd0 : 2'(int'(owner) - W + 1);
  assign busy = (st != A_IDLE);
endmodule
