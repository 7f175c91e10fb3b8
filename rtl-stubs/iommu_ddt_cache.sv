// iommu_ddt_cache: caches valid, well-formed device contexts by device_id (spec: "Caching
// in-memory data structures"; invalidated by IODIR.INVAL_DDT). Stale entries may be used until
// the invalidation. A fill is dropped when an invalidation happened during its walk, including
// one in the fill's own cycle (the entry it would replace is not the one the invalidation sees).
module iommu_ddt_cache
  import iommu_pkg::*;
#(
  parameter int N = 4
) (
  input  logic        clk,
  input  logic        rst_n,
  input  logic [31:0]  mutant,
  // lookup (combinational)
  input  logic [23:0] lk_did,
  output logic        lk_hit,
  output logic [63:0] lk_dc [8],
  // fill
  input  logic        walk_start,     // a DDT walk begins (arms the fill)
  input  logic        fill,
  input  logic [23:0] fill_did,
  input  logic [63:0] fill_dc [8],
  // invalidation (IODIR.INVAL_DDT) and flush (ddtp write)
  input  logic        inv,
  input  logic        inv_dv,
  input  logic [23:0] inv_did,
  input  logic        flush
);
  logic [N-1:0] v;
  logic [23:0]  tag [N];
  logic [63:0]  data [N][8];
  logic [$clog2(N)-1:0] rr;
  logic         armed;

  always_comb begin
    lk_hit = 1'b0;
    for (int k = 0; k < 8; k++) lk_dc[k] = 64'd0;
    for (int i = 0; i < N; i++) begin
      if (v[i] && tag[i] == lk_did) begin
        lk_hit = 1'b1;
        for (int k = 0; k < 8; k++) lk_dc[k] = data[i][k];
      end
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      v <= '0; rr <= '0; armed <= 1'b0;
      for (int i = 0; i < N; i++) begin
        tag[i] <= 24'd0;
        for (int k = 0; k < 8; k++) data[i][k] <= 64'd0;
      end
    end else begin
      if (walk_start) armed <= 1'b1;
      if (fill && armed && !inv && !flush) begin
        v[rr] <= 1'b1;
        tag[rr] <= fill_did;
        for (int k = 0; k < 8; k++) data[rr][k] <= fill_dc[k];
        rr <= rr + 1'b1;
        armed <= 1'b0;
      end
      if (flush) begin
        v <= '0; armed <= 1'b0;
      end else if (inv) begin
        // BUG (mutant): a DDT walk under way is not told of the invalidation; its fill lands after it
        if (!mutant_on(mutant, M_OVL_DDTC_STALE_FILL)) armed <= 1'b0;
        for (int i = 0; i < N; i++) begin
          if (!inv_dv) begin
            // BUG (mutant): the "all entries" loop stops one short
            if (!(mutant_on(mutant, M_DDTC_INVAL_LAST) && i == N - 1)) v[i] <= 1'b0;
          end else if (tag[i] == inv_did) begin
            v[i] <= 1'b0;
          end
        end
      end
    end
  end
endmodule
