// Self-test of the rtl-stubs IOMMU: directed checks derived from the RISC-V IOMMU spec, with a
// sparse memory model serving the memory port. Usage: Vlockstep_iommu [+mutant=N] [+quiet]
// Exit code 0 when every check passes.
#include "Vlockstep_iommu.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <vector>

static Vlockstep_iommu *top;
static uint64_t now = 0;
static std::map<uint64_t, uint64_t> mem;        // 8-byte words
static std::map<uint64_t, int> mem_err;         // injected errors per word
static int latency = 3;
static bool quiet = false;
static bool backpressure = false;   // +backpressure: mem_req_ready toggles
static uint64_t bp_state = 99;
static int failures = 0, checks = 0;
static bool serial = false;         // +serial: the DUT was built with XLATE_N=1 (one translation at a time)
static std::string cur_test;

struct Pending { uint64_t due, addr, wdata; int op, strb; uint64_t cmp; };
static std::deque<Pending> pend;
struct MemWrite { uint64_t addr, data; int strb, op; };
static std::vector<MemWrite> writes;
struct Cpl { int tag, status, cause; uint64_t pa; bool got; bool r, w, x, g, s, priv, cxl_io; };
struct Msg { bool prgr; uint32_t rid, pid; bool pv; uint64_t payload; };
static std::vector<Msg> msgs;
static std::deque<uint64_t> inv_due;    // cycles at which the devices' Invalidation Completions arrive
static uint64_t inv_latency = 5;        // cycles from an Invalidation Request to its completion
// When things happened, for the ordering checks (cycle numbers of `now`): memory writes as they reach
// memory, Invalidation Completions as they are handed to the DUT, and the values of the fq_tail,
// pq_tail and cq_head ports from the first cycle they show them.
struct At { uint64_t at, v; };
static std::vector<At> write_at, inv_cpl_at, fq_tails, pq_tails, cq_heads;
static uint32_t fq_tail_prev, pq_tail_prev, cq_head_prev;
static Cpl last_cpl;
struct CplAt { Cpl c; uint64_t at; };
static std::vector<CplAt> cpls;          // every completion, in the order the DUT returned them
static bool reg_rsp_got;
static uint64_t reg_rsp_data;

static uint64_t rd64(uint64_t a) { auto it = mem.find(a & ~7ull); return it == mem.end() ? 0 : it->second; }
static void wr64(uint64_t a, uint64_t v) { mem[a & ~7ull] = v; }
static uint32_t rd32m(uint64_t a) { uint64_t w = rd64(a); return (a & 4) ? (uint32_t)(w >> 32) : (uint32_t)w; }

static void check(bool ok, const char *what, uint64_t got = 0, uint64_t exp = 0) {
  checks++;
  if (!ok) {
    failures++;
    if (!quiet) printf("  FAIL [%s] %s: got 0x%llx expected 0x%llx\n", cur_test.c_str(), what,
                       (unsigned long long)got, (unsigned long long)exp);
  }
}
#define CHECK_EQ(what, got, exp) check((uint64_t)(got) == (uint64_t)(exp), what, got, exp)

static void cycle() {
  top->mem_rsp_valid = 0;
  top->mem_rsp_err = 0;
  if (!pend.empty() && pend.front().due <= now) {
    Pending p = pend.front(); pend.pop_front();
    int e = mem_err.count(p.addr) ? mem_err[p.addr] : 0;
    uint64_t old = rd64(p.addr);
    top->mem_rsp_valid = 1;
    top->mem_rsp_err = e;
    top->mem_rsp_rdata = e ? 0 : old;
    if (!e && p.op == 1) {
      uint64_t m = 0;
      for (int i = 0; i < 8; i++) if (p.strb >> i & 1) m |= 0xffull << (8 * i);
      wr64(p.addr, (old & ~m) | (p.wdata & m));
      writes.push_back({p.addr, p.wdata, p.strb, 1});
      write_at.push_back({now, p.addr});
    } else if (!e && p.op == 2) {
      wr64(p.addr, old | p.wdata);
      writes.push_back({p.addr, old | p.wdata, 0xff, 2});
    } else if (!e && p.op == 3 && old == p.cmp) {   // compare and swap: the A/D update against the PTE read
      uint64_t m = 0;
      for (int i = 0; i < 8; i++) if (p.strb >> i & 1) m |= 0xffull << (8 * i);
      uint64_t v = (old & ~m) | (p.wdata & m);
      wr64(p.addr, v);
      if (v != old) writes.push_back({p.addr, v, p.strb, 2});
    }
  }
  bp_state = bp_state * 6364136223846793005ull + 1442695040888963407ull;
  top->mem_req_ready = backpressure ? (bp_state >> 62) != 0 : 1;
  top->tr_cpl_ready = 1;
  top->msg_ready = 1;
  bool inv_cpl = !inv_due.empty() && inv_due.front() <= now;
  top->ats_inv_cpl_valid = inv_cpl;
  top->eval();
  if (top->msg_valid) {
    msgs.push_back({(bool)top->msg_prgr, top->msg_rid, top->msg_pid, (bool)top->msg_pv, top->msg_payload});
    if (!top->msg_prgr) inv_due.push_back(now + inv_latency);
  }
  if (inv_cpl) { inv_due.pop_front(); inv_cpl_at.push_back({now, 0}); }
  bool acc = top->mem_req_valid && top->mem_req_ready;
  Pending np{now + (uint64_t)latency, top->mem_req_addr, top->mem_req_wdata, top->mem_req_op,
             top->mem_req_wstrb, top->mem_req_cmp};
  if (top->tr_cpl_valid) {
    last_cpl = {top->tr_cpl_tag, top->tr_cpl_status, top->tr_cpl_cause, top->tr_cpl_pa, true,
                (bool)top->tr_cpl_r, (bool)top->tr_cpl_w, (bool)top->tr_cpl_x, (bool)top->tr_cpl_g,
                (bool)top->tr_cpl_s, (bool)top->tr_cpl_priv, (bool)top->tr_cpl_cxl_io};
    if (top->tr_cpl_ready) cpls.push_back({last_cpl, now});
  }
  if (top->reg_rsp_valid) { reg_rsp_got = true; reg_rsp_data = top->reg_rsp_rdata; }
  top->clk = 1; top->eval();
  top->clk = 0; top->eval();
  now++;
  if (acc) pend.push_back(np);
  if (top->fq_tail != fq_tail_prev) fq_tails.push_back({now, fq_tail_prev = top->fq_tail});
  if (top->pq_tail != pq_tail_prev) pq_tails.push_back({now, pq_tail_prev = top->pq_tail});
  if (top->cq_head != cq_head_prev) cq_heads.push_back({now, cq_head_prev = top->cq_head});
}

static void run_idle(int extra = 4) {
  int n = 0, quietc = 0;
  while (n++ < 20000) {
    cycle();
    top->reg_req_valid = 0;
    if (top->idle && pend.empty() && inv_due.empty()) { if (++quietc >= extra) return; } else quietc = 0;
  }
  check(false, "DUT did not become idle");
}

static uint64_t reg_access(bool w, int off, bool s8, uint64_t d) {
  top->reg_req_valid = 1; top->reg_req_write = w; top->reg_req_offset = off;
  top->reg_req_size8 = s8; top->reg_req_wdata = d;
  reg_rsp_got = false;
  cycle();
  top->reg_req_valid = 0;
  for (int i = 0; i < 100 && !reg_rsp_got; i++) cycle();
  check(reg_rsp_got, "register response");
  return reg_rsp_data;
}
static uint64_t rr8(int off) { return reg_access(false, off, true, 0); }
static uint32_t rr4(int off) { return (uint32_t)reg_access(false, off, false, 0); }
static void wr8(int off, uint64_t v) { reg_access(true, off, true, v); run_idle(2); }
static void wr4(int off, uint32_t v) { reg_access(true, off, false, v); run_idle(2); }

static bool req_nw = false, req_exe = false;   // ATS: no-write, execute requested
static bool req_cxl = false;                   // ATS: the endpoint is a CXL type 1/2 device
// Translation request; returns the completion.
static Cpl xlate(uint32_t did, uint64_t iova, int ttyp, bool pv = false, uint32_t pid = 0,
                 bool priv = false) {
  static int tag = 0;
  tag = (tag + 1) & 0xffff;
  top->tr_req_valid = 1; top->tr_req_tag = tag; top->tr_req_did = did; top->tr_req_pv = pv;
  top->tr_req_pid = pid; top->tr_req_iova = iova; top->tr_req_ttyp = ttyp; top->tr_req_priv = priv;
  top->tr_req_nw = req_nw; top->tr_req_exe = req_exe; top->tr_req_cxl = req_cxl;
  last_cpl.got = false;
  int n = 0;
  // hold valid until accepted
  while (n++ < 10000) {
    top->eval();
    bool rdy = top->tr_req_ready;
    cycle();
    if (rdy) break;
  }
  top->tr_req_valid = 0;
  while (!last_cpl.got && n++ < 20000) cycle();
  check(last_cpl.got, "translation completion");
  CHECK_EQ("completion tag", last_cpl.tag, tag);
  run_idle();
  return last_cpl;
}

// ---------------- structures in memory ----------------
static uint64_t bump = 0x00200000;
static uint64_t alloc_page(uint64_t align = 0x1000) {
  bump = (bump + align - 1) & ~(align - 1);
  uint64_t p = bump; bump += align; return p;
}
enum { V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128 };
static uint64_t pte(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags; }

// Sv39/Sv48 (levels 3/4) or x4 (gstage: root index 11 bits) mapping of one page of `lvl`.
static void map(uint64_t root, int levels, bool x4, uint64_t va, uint64_t pa, int lvl,
                uint64_t flags) {
  uint64_t a = root;
  for (int l = levels - 1; l > lvl; l--) {
    uint64_t idx = (va >> (12 + 9 * l)) & ((x4 && l == levels - 1) ? 0x7ff : 0x1ff);
    uint64_t e = rd64(a + idx * 8);
    if (!(e & V)) { uint64_t n = alloc_page(); e = pte(n, V); wr64(a + idx * 8, e); }
    a = (e >> 10) << 12;
  }
  uint64_t idx = (va >> (12 + 9 * lvl)) & ((x4 && lvl == levels - 1) ? 0x7ff : 0x1ff);
  wr64(a + idx * 8, pte(pa, flags));
}
static uint64_t pte_addr(uint64_t root, int levels, bool x4, uint64_t va, int lvl) {
  uint64_t a = root;
  for (int l = levels - 1; l > lvl; l--) {
    uint64_t idx = (va >> (12 + 9 * l)) & ((x4 && l == levels - 1) ? 0x7ff : 0x1ff);
    a = (rd64(a + idx * 8) >> 10) << 12;
  }
  return a + ((va >> (12 + 9 * lvl)) & ((x4 && lvl == levels - 1) ? 0x7ff : 0x1ff)) * 8;
}

static uint64_t rng_state = 12345;
static uint64_t rnd() { rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17; return rng_state; }
static const int R_PQCSR_OFF = 80;
static const uint64_t DDT = 0x00100000, FQ = 0x00300000, CQ = 0x00310000;
struct DC { uint64_t dw[8]; };
static DC dc_make(uint64_t tc, uint64_t gatp, uint64_t ta, uint64_t fsc) {
  DC d{}; d.dw[0] = tc; d.dw[1] = gatp; d.dw[2] = ta; d.dw[3] = fsc; return d;
}
static void dc_write(uint64_t base, uint32_t idx, const DC &d) {
  for (int i = 0; i < 8; i++) wr64(base + idx * 64 + i * 8, d.dw[i]);
}

static void reset_dut(int mutant) {
  mem.clear(); mem_err.clear(); pend.clear(); writes.clear(); bump = 0x00200000;
  msgs.clear(); inv_due.clear(); cpls.clear();
  top->mutant = mutant;
  top->rst_n = 0;
  top->reg_req_valid = 0; top->tr_req_valid = 0; top->pr_req_valid = 0;
  for (int i = 0; i < 4; i++) cycle();
  top->rst_n = 1;
  cycle();
  write_at.clear(); inv_cpl_at.clear(); fq_tails.clear(); pq_tails.clear(); cq_heads.clear();
  fq_tail_prev = top->fq_tail; pq_tail_prev = top->pq_tail; cq_head_prev = top->cq_head;
}

// fault queue setup: 2^(log2m1+1) entries
static void fq_on(int log2m1 = 3) {
  wr8(760, 0x21);   // civ = 1, fiv = 2
  wr8(40, ((FQ >> 12) << 10) | log2m1);
  wr4(76, 0x3);   // fqen, fie
}
static void cq_on(int log2m1 = 3) {
  wr8(24, ((CQ >> 12) << 10) | log2m1);
  wr4(72, 0x3);   // cqen, cie
}
static uint32_t cq_tail = 0;
static void cq_submit(uint64_t c0, uint64_t c1) {
  uint32_t t = rr4(36);
  wr64(CQ + t * 16, c0); wr64(CQ + t * 16 + 8, c1);
  uint32_t mask = (2u << (rr8(24) & 0x1f)) - 1;
  wr4(36, (t + 1) & mask);
  run_idle(8);
}
static uint64_t cmd_iotinval_vma(bool av, bool pscv, uint32_t pscid, bool gv, uint32_t gscid) {
  return 1 | (uint64_t)av << 10 | (uint64_t)pscid << 12 | (uint64_t)pscv << 32 |
         (uint64_t)gv << 33 | (uint64_t)gscid << 44;
}
static uint64_t cmd_iofence(bool av, bool wsi, uint32_t data) {
  return 2 | (uint64_t)av << 10 | (uint64_t)wsi << 11 | (uint64_t)data << 32;
}
static uint64_t cmd_inval_ddt(bool dv, uint32_t did) {
  return 3 | (uint64_t)dv << 33 | (uint64_t)did << 40;
}
static void fence(uint64_t addr = 0x00320000, uint32_t data = 0x5a5a) {
  cq_submit(cmd_iofence(true, false, data), addr >> 2);
}

// fault record at index i
struct Rec { uint64_t dw[4]; };
static Rec fq_rec(uint32_t i) { Rec r; for (int k = 0; k < 4; k++) r.dw[k] = rd64(FQ + i * 32 + k * 8); return r; }

static const uint64_t SV39 = 8ull << 60, SV48 = 9ull << 60, SV39X4 = 8ull << 60;

// ---------------- tests ----------------
static void t_regs() {
  cur_test = "registers";
  CHECK_EQ("capabilities", rr8(0), 0x000001F817460610ull);
  CHECK_EQ("capabilities hi (4B)", rr4(4), 0x1F8);
  CHECK_EQ("fctl (WSI fixed 1)", rr4(8), 2);
  wr4(8, 0x7);
  CHECK_EQ("fctl after write", rr4(8), 2);
  CHECK_EQ("ddtp reset Off", rr8(16), 0);
  for (int m = 5; m < 16; m++) { wr8(16, m); CHECK_EQ("ddtp reserved mode ignored", rr8(16) & 0xf, 0); }
  wr8(16, (0xFFFFFFFFFFFFFull << 10) | 1);
  CHECK_EQ("ddtp Bare, PPN masked to PAS", rr8(16), (0xFFFFFFFFFFFull << 10) | 1);
  wr4(16, 0x400 | 4);
  CHECK_EQ("ddtp 4-byte low write", rr8(16), (0x3FFFFFull << 32) | 0x404);
  wr8(16, 0);
  CHECK_EQ("pqb resets to 0", rr8(56), 0);
  wr8(56, 0x1234); CHECK_EQ("pqb WARL: PPN and LOG2SZ-1", rr8(56), 0x1014);
  wr4(80, 3); CHECK_EQ("pqcsr: pqen, pie, pqon", rr4(80), 0x10003);
  wr4(80, 0); CHECK_EQ("pqcsr off", rr4(80), 0);
  wr8(56, 0);
  CHECK_EQ("iohpmcycles absent", rr8(96), 0);
  wr8(760, 0xFFFFFFFFFFFFFFFFull);
  CHECK_EQ("icvec WARL", rr8(760), 0xFFFF);
  wr8(760, 0x0021);
  wr8(24, ((CQ >> 12) << 10) | 2);
  CHECK_EQ("cqb", rr8(24), ((CQ >> 12) << 10) | 2);
  wr4(36, 0xFFFF);
  CHECK_EQ("cqt masked to LOG2SZ", rr4(36), 7);
  wr4(36, 0);
  CHECK_EQ("cqh RO", (wr4(32, 5), rr4(32)), 0);
  wr4(72, 1);
  CHECK_EQ("cqcsr cqon", rr4(72), 0x10001);
  wr4(72, 0);
  CHECK_EQ("cqcsr off", rr4(72), 0);
}

static void t_off_bare() {
  cur_test = "off/bare";
  fq_on();
  Cpl c = xlate(5, 0x1234, 2);
  CHECK_EQ("Off: status", c.status, 1);
  CHECK_EQ("Off: cause 256", c.cause, 256);
  Rec r = fq_rec(0);
  CHECK_EQ("Off: record cause/ttyp/did", r.dw[0], 256ull | 2ull << 34 | 5ull << 40);
  CHECK_EQ("Off: iotval", r.dw[2], 0x1234);
  CHECK_EQ("fqt advanced", rr4(52), 1);
  CHECK_EQ("ipsr.fip", rr4(84) & 2, 2);
  CHECK_EQ("irq line fiv=2", top->irq, 1u << 2);
  wr4(84, 2);
  wr4(48, 1);   // consume
  wr8(16, 1);
  c = xlate(5, 0xdead0000beefull, 3);
  CHECK_EQ("Bare: status", c.status, 0);
  CHECK_EQ("Bare: PA = IOVA", c.pa, 0xdead0000beefull);
  c = xlate(5, 0x1000, 6);
  CHECK_EQ("Bare: translated request -> 260", c.cause, 260);
  wr8(16, 0);
}

static void setup_1lvl() { wr8(16, ((DDT >> 12) << 10) | 2); }

static void t_sv39() {
  cur_test = "sv39";
  fq_on();
  setup_1lvl();
  uint64_t root = alloc_page();
  dc_write(DDT, 7, dc_make(1, 0, 5ull << 12, SV39 | (root >> 12)));
  map(root, 3, false, 0x40201000, 0x80005000, 0, V | R | W | U | A | D);
  map(root, 3, false, 0x40202000, 0x80006000, 0, V | R | U | A | D);          // read only
  map(root, 3, false, 0x40400000, 0x80600000, 1, V | R | W | U | A | D);      // 2 MiB
  map(root, 3, false, 0x40203000, 0x80007000, 0, V | R | W | U);              // A=0
  map(root, 3, false, 0x40204000, 0x80008000, 0, V | R | W | A | D);          // U=0
  map(root, 3, false, 0x40800000, 0x80A01000, 1, V | R | W | U | A | D);      // misaligned 2M
  map(root, 3, false, 0x40205000, 0x80009000, 0, V | W | U | A | D);          // xwr=010
  map(root, 3, false, 0x40206000, 0x8000A000, 0, V | R | U | A);              // D=0
  Cpl c = xlate(7, 0x40201abc, 2);
  CHECK_EQ("4K read status", c.status, 0);
  CHECK_EQ("4K read PA", c.pa, 0x80005abc);
  c = xlate(7, 0x40201abc, 3);
  CHECK_EQ("4K write PA", c.pa, 0x80005abc);
  c = xlate(7, 0x40202010, 3);
  CHECK_EQ("write to read-only: cause 15", c.cause, 15);
  Rec r = fq_rec(0);
  CHECK_EQ("record: cause 15, TTYP 3, DID 7", r.dw[0], 15ull | 3ull << 34 | 7ull << 40);
  CHECK_EQ("record iotval", r.dw[2], 0x40202010);
  CHECK_EQ("record iotval2", r.dw[3], 0);
  c = xlate(7, 0x40512345, 2);
  CHECK_EQ("2M superpage PA", c.pa, 0x80712345);
  c = xlate(7, 0x40203000, 2);
  CHECK_EQ("A=0 with SADE=0: cause 13", c.cause, 13);
  c = xlate(7, 0x40204000, 2);
  CHECK_EQ("U=0 page, user request: cause 13", c.cause, 13);
  c = xlate(7, 0x40801000, 2);
  CHECK_EQ("misaligned superpage: cause 13", c.cause, 13);
  c = xlate(7, 0x40205000, 3);
  CHECK_EQ("xwr=010 reserved: cause 15", c.cause, 15);
  c = xlate(7, 0x40206000, 3);
  CHECK_EQ("store to D=0 with SADE=0: cause 15", c.cause, 15);
  c = xlate(7, 0x40201000, 1);
  CHECK_EQ("exec on X=0: cause 12", c.cause, 12);
  c = xlate(7, 0x0000004000201000ull, 2);
  CHECK_EQ("non-canonical Sv39 IOVA: cause 13", c.cause, 13);
  c = xlate(7, 0x40201000, 2, true, 1);
  CHECK_EQ("process_id with PDTV=0: 260", c.cause, 260);
  c = xlate(64, 0x40201000, 2);
  CHECK_EQ("device_id too wide for 1LVL: 260", c.cause, 260);
  // SADE=1: hardware A/D update through AMO OR
  dc_write(DDT, 8, dc_make(1 | (1 << 8), 0, 6ull << 12, SV39 | (root >> 12)));
  writes.clear();
  c = xlate(8, 0x40203010, 3);
  CHECK_EQ("SADE: store to A=0 succeeds", c.pa, 0x80007010);
  uint64_t pa_pte = pte_addr(root, 3, false, 0x40203000, 0);
  CHECK_EQ("SADE: A and D set", rd64(pa_pte) & (A | D), A | D);
  check(!writes.empty() && writes[0].op == 2 && writes[0].addr == pa_pte, "A/D update is an AMO OR");
  c = xlate(8, 0x40206000, 2);
  CHECK_EQ("SADE: read of D=0 page leaves D", rd64(pte_addr(root, 3, false, 0x40206000, 0)) & D, 0);
  map(root, 3, false, 0x40207000, 0x8000B000, 0, V | R | W | U);              // A=0, D=0
  c = xlate(8, 0x40207008, 2);
  CHECK_EQ("SADE: read sets A only", rd64(pte_addr(root, 3, false, 0x40207000, 0)) & (A | D), A);
  // DTF: non-DDT faults are not recorded
  dc_write(DDT, 9, dc_make(1 | (1 << 4), 0, 7ull << 12, SV39 | (root >> 12)));
  uint32_t t0 = rr4(52);
  c = xlate(9, 0x40202000, 3);
  CHECK_EQ("DTF: fault completion", c.cause, 15);
  CHECK_EQ("DTF: no record", rr4(52), t0);
  // DC checks: V=0 with a reserved bit -> 258, reserved bit -> 259
  dc_write(DDT, 10, dc_make(1ull << 40, 0, 0, 0));
  c = xlate(10, 0, 2);
  CHECK_EQ("DC V=0 and reserved bit: 258", c.cause, 258);
  dc_write(DDT, 11, dc_make(1 | (1ull << 40), 0, 0, 0));
  c = xlate(11, 0, 2);
  CHECK_EQ("DC reserved bit: 259", c.cause, 259);
  dc_write(DDT, 12, dc_make(1 | (1 << 2), 0, 0, 0));
  c = xlate(12, 0, 2);
  CHECK_EQ("DC EN_PRI without EN_ATS: 259", c.cause, 259);
  // supervisor access and U pages need PDTV (tested in pdt)
  // access fault on a PTE read
  mem_err[pte_addr(root, 3, false, 0x40201000, 0)] = 1;
  dc_write(DDT, 13, dc_make(1, 0, 8ull << 12, SV39 | (root >> 12)));
  c = xlate(13, 0x40201000, 2);
  CHECK_EQ("PTE access fault: cause 5", c.cause, 5);
  mem_err[pte_addr(root, 3, false, 0x40201000, 0)] = 2;
  c = xlate(13, 0x40201000, 2);
  CHECK_EQ("PTE data corruption: cause 274", c.cause, 274);
  mem_err.clear();
  wr8(16, 0);
}

static void t_sv48_3lvl() {
  cur_test = "sv48/3lvl";
  fq_on();
  uint64_t l2 = alloc_page(), l1 = alloc_page(), leaf = alloc_page();
  uint32_t did = 0x812345;  // DDI[2]=did[23:15], DDI[1]=did[14:6], DDI[0]=did[5:0]
  wr64(l2 + ((did >> 15) & 0x1ff) * 8, pte(l1, V));
  wr64(l1 + ((did >> 6) & 0x1ff) * 8, pte(leaf, V));
  uint64_t root = alloc_page();
  dc_write(leaf, did & 0x3f, dc_make(1, 0, 9ull << 12, SV48 | (root >> 12)));
  wr8(16, ((l2 >> 12) << 10) | 4);
  map(root, 4, false, 0x0000712345678000ull, 0x91234000, 0, V | R | W | U | A | D);
  map(root, 4, false, 0x0000400000000000ull, 0x40000000, 2, V | R | U | A | D);   // 1 GiB
  Cpl c = xlate(did, 0x0000712345678123ull, 2);
  CHECK_EQ("Sv48 4K PA", c.pa, 0x91234123);
  c = xlate(did, 0x000040002ABCD123ull, 2);
  CHECK_EQ("Sv48 1G PA", c.pa, 0x6ABCD123);
  c = xlate(did, 0xFFFF712345678000ull, 2);
  CHECK_EQ("Sv48 non-canonical: 13", c.cause, 13);
  // non-leaf DDTE V=0
  c = xlate(did ^ (1 << 6), 0, 2);
  CHECK_EQ("DDTE V=0: 258", c.cause, 258);
  wr8(16, 0);
}

static const uint64_t GROOT_ALIGN = 0x4000;
static void t_two_stage() {
  cur_test = "two-stage";
  fq_on();
  setup_1lvl();
  uint64_t groot = alloc_page(GROOT_ALIGN); alloc_page(); alloc_page(); alloc_page();
  uint64_t sroot = alloc_page();
  // G stage: GPA 0..1G identity (1 GiB page) so first-stage tables are reachable
  map(groot, 3, true, 0, 0, 2, V | R | W | X | U | A | D);
  map(groot, 3, true, 0x1C0000000ull, 0x0A000000, 0, V | R | W | U | A | D);     // data page
  map(groot, 3, true, 0x1C0001000ull, 0x0A001000, 0, V | R | U | A | D);         // G read-only
  map(groot, 3, true, 0x1C0002000ull, 0x0A002000, 0, V | R | W | A | D);         // G U=0
  map(groot, 3, true, 0x10000000000ull, 0x0B000000, 0, V | R | W | U | A | D);   // GPA bit 40
  map(sroot, 3, false, 0x7000, 0x1C0000000ull, 0, V | R | W | U | A | D);
  map(sroot, 3, false, 0x8000, 0x1C0001000ull, 0, V | R | W | U | A | D);
  map(sroot, 3, false, 0x9000, 0x1C0002000ull, 0, V | R | W | U | A | D);
  map(sroot, 3, false, 0xA000, 0x50000000ull, 0, V | R | W | U | A | D);          // GPA unmapped
  map(sroot, 3, false, 0xB000, 0x10000000000ull, 0, V | R | W | U | A | D);
  uint64_t gatp = SV39X4 | (1ull << 44) | (groot >> 12);
  DC d = dc_make(1, gatp, 3ull << 12, SV39 | (sroot >> 12));
  dc_write(DDT, 3, d);
  Cpl c = xlate(3, 0x7abc, 2);
  CHECK_EQ("two-stage PA", c.pa, 0x0A000abc);
  c = xlate(3, 0x8000, 3);
  CHECK_EQ("G read-only store: 23", c.cause, 23);
  uint32_t t = rr4(52);
  Rec r = fq_rec((t - 1) & 15);
  CHECK_EQ("GPF iotval2 = GPA", r.dw[3], 0x1C0001000ull);
  c = xlate(3, 0x9000, 2);
  CHECK_EQ("G U=0: 21", c.cause, 21);
  c = xlate(3, 0xA000, 2);
  CHECK_EQ("GPA unmapped: 21", c.cause, 21);
  c = xlate(3, 0xB123, 2);
  CHECK_EQ("GPA bit 40 (Sv39x4 is 41 bits)", c.pa, 0x0B000123);
  // GPA wider than 41 bits
  map(sroot, 3, false, 0xC000, 0x20000000000ull, 0, V | R | W | U | A | D);
  c = xlate(3, 0xC000, 2);
  CHECK_EQ("GPA bit 41: 21", c.cause, 21);
  // first-stage root not mapped in G: implicit access, iotval2 bit 0
  dc_write(DDT, 4, dc_make(1, gatp, 4ull << 12, SV39 | (0x1C0003000ull >> 12)));
  c = xlate(4, 0x7000, 3);
  CHECK_EQ("implicit G fault: store GPF 23", c.cause, 23);
  t = rr4(52);
  r = fq_rec((t - 1) & 15);
  CHECK_EQ("implicit G fault: iotval2", r.dw[3], 0x1C0003000ull | 1);
  // first stage bare, G only
  dc_write(DDT, 5, dc_make(1, gatp, 0, 0));
  c = xlate(5, 0x1C0000040ull, 2);
  CHECK_EQ("G only PA", c.pa, 0x0A000040);
  // MSI flat: pattern 0x1C0010 / mask 0x3 -> files at GPA 0x1C0010000 + I*4K
  uint64_t mpt = alloc_page();
  d.dw[4] = (1ull << 60) | (mpt >> 12);
  d.dw[5] = 0x3; d.dw[6] = 0x1C0010;
  dc_write(DDT, 6, d);
  map(sroot, 3, false, 0x20000, 0x1C0012000ull, 0, V | R | W | X | U | A | D);
  wr64(mpt + 2 * 16, pte(0x0C000000, 1 | 6));    // V, M=3
  wr64(mpt + 2 * 16 + 8, 0);
  c = xlate(6, 0x20004, 3);
  CHECK_EQ("MSI flat PA", c.pa, 0x0C000004);
  c = xlate(6, 0x20004, 1);
  CHECK_EQ("MSI exec: cause 1", c.cause, 1);
  wr64(mpt + 2 * 16, 0);
  c = xlate(6, 0x20008, 3);
  CHECK_EQ("MSI PTE V=0: 262", c.cause, 262);
  // PDT under the G stage: pdtp and PDT entries are GPAs
  uint64_t pd8 = alloc_page();
  wr64(pd8 + 5 * 16, 1 | (12ull << 12)); wr64(pd8 + 5 * 16 + 8, SV39 | (sroot >> 12));
  dc_write(DDT, 7, dc_make(1 | (1 << 5), gatp, 0, (1ull << 60) | (pd8 >> 12)));
  c = xlate(7, 0x7abc, 2, true, 5);
  CHECK_EQ("PD8 under G stage", c.pa, 0x0A000abc);
  dc_write(DDT, 8, dc_make(1 | (1 << 5), gatp, 0, (1ull << 60) | (0x1C0005000ull >> 12)));
  c = xlate(8, 0x7abc, 3, true, 5);
  CHECK_EQ("PDT GPA unmapped: store GPF 23", c.cause, 23);
  t = rr4(52);
  r = fq_rec((t - 1) & 15);
  CHECK_EQ("PDT GPF iotval2 (implicit)", r.dw[3], (0x1C0005000ull + 5 * 16) | 1);
  // T2GPA: ATS completions return the GPA; translated requests carry a GPA, translated by the G stage
  dc_write(DDT, 9, dc_make(1 | 2 | 8, gatp, 3ull << 12, SV39 | (sroot >> 12)));   // V, EN_ATS, T2GPA
  c = xlate(9, 0x7abc, 8);
  CHECK_EQ("T2GPA ATS: status", c.status, 0);
  CHECK_EQ("T2GPA ATS: R W", c.r * 2 + c.w, 3);
  CHECK_EQ("T2GPA ATS: the GPA", c.pa, 0x1C0000000ull);
  // CXL.io (spec: "the setting of the Priv, N, CXL.io, Global, and AMA fields"): only for a CXL
  // type 1/2 device, then 1 with DC.tc.T2GPA=1
  CHECK_EQ("T2GPA ATS, not a CXL device: CXL.io 0", c.cxl_io, 0);
  req_cxl = true;
  c = xlate(9, 0x7000, 8);
  req_cxl = false;
  CHECK_EQ("T2GPA ATS, CXL device: CXL.io 1", c.cxl_io, 1);
  c = xlate(9, 0x1C0000040ull, 6);
  CHECK_EQ("T2GPA translated read: G-stage SPA", c.pa, 0x0A000040);
  c = xlate(9, 0x1C0001008ull, 7);
  CHECK_EQ("T2GPA translated write to G read-only: 23", c.cause, 23);
  t = rr4(52);
  r = fq_rec((t - 1) & 15);
  CHECK_EQ("T2GPA GPF iotval2 (not implicit)", r.dw[3] & ~0xffeull, 0x1C0001000ull);
  dc_write(DDT, 10, dc_make(1 | 2 | 8, 0, 3ull << 12, SV39 | (sroot >> 12)));   // T2GPA, iohgatp Bare
  c = xlate(10, 0x7abc, 2);
  CHECK_EQ("T2GPA with iohgatp Bare: 259", c.cause, 259);
  dc_write(DDT, 11, dc_make(1 | 8, gatp, 3ull << 12, SV39 | (sroot >> 12)));    // T2GPA without EN_ATS
  c = xlate(11, 0x7abc, 2);
  CHECK_EQ("T2GPA without EN_ATS: 259", c.cause, 259);
  wr8(16, 0);
}

static void t_pdt() {
  cur_test = "pdt";
  fq_on();
  setup_1lvl();
  uint64_t sroot = alloc_page();
  map(sroot, 3, false, 0x5000, 0x90000000, 0, V | R | W | U | A | D);
  map(sroot, 3, false, 0x6000, 0x90001000, 0, V | R | W | A | D);      // supervisor page
  // PD17: root indexed by pid[16:8], leaf by pid[7:0]
  uint64_t pdt_root = alloc_page(), pdt_leaf = alloc_page();
  uint32_t pid = 0x1A5C3;
  wr64(pdt_root + ((pid >> 8) & 0x1ff) * 8, pte(pdt_leaf, V));
  wr64(pdt_leaf + (pid & 0xff) * 16, 1 | 2 | (42ull << 12));           // V, ENS, PSCID
  wr64(pdt_leaf + (pid & 0xff) * 16 + 8, SV39 | (sroot >> 12));
  dc_write(DDT, 20, dc_make(1 | (1 << 5), 0, 0, (2ull << 60) | (pdt_root >> 12)));
  Cpl c = xlate(20, 0x5010, 2, true, pid);
  CHECK_EQ("PD17 PA", c.pa, 0x90000010);
  c = xlate(20, 0x6010, 2, true, pid, true);
  CHECK_EQ("supervisor request on S page", c.pa, 0x90001010);
  c = xlate(20, 0x5010, 2, true, pid, true);
  CHECK_EQ("supervisor read of U page without SUM: 13", c.cause, 13);
  c = xlate(20, 0x6010, 2, true, pid, false);
  CHECK_EQ("user read of S page: 13", c.cause, 13);
  c = xlate(20, 0x5010, 2, true, 0x20000);
  CHECK_EQ("pid too wide for PD17: 260", c.cause, 260);
  c = xlate(20, 0x5010, 2, true, pid ^ 0x10000);
  CHECK_EQ("PDTE V=0: 266", c.cause, 266);
  uint32_t t = rr4(52);
  Rec r = fq_rec((t - 1) & 15);
  CHECK_EQ("record PV/PID", (r.dw[0] >> 12) & 0x3fffff, (uint64_t)(pid ^ 0x10000) | 1ull << 20);
  // SUM
  wr64(pdt_leaf + (pid & 0xff) * 16, 1 | 2 | 4 | (42ull << 12));
  dc_write(DDT, 21, dc_make(1 | (1 << 5), 0, 0, (2ull << 60) | (pdt_root >> 12)));
  c = xlate(21, 0x5010, 2, true, pid, true);
  CHECK_EQ("SUM=1: supervisor read of U page", c.pa, 0x90000010);
  // PD8 with DPE: no pid -> pid 0
  uint64_t pd8 = alloc_page();
  wr64(pd8, 1 | (43ull << 12)); wr64(pd8 + 8, SV39 | (sroot >> 12));
  dc_write(DDT, 22, dc_make(1 | (1 << 5) | (1 << 9), 0, 0, (1ull << 60) | (pd8 >> 12)));
  c = xlate(22, 0x5020, 2);
  CHECK_EQ("DPE default pid 0", c.pa, 0x90000020);
  c = xlate(22, 0x5020, 2, true, 0x0, true);
  CHECK_EQ("ENS=0 supervisor: 260", c.cause, 260);
  // PD20
  uint64_t p2 = alloc_page(), p1 = alloc_page(), p0 = alloc_page();
  uint32_t pid2 = 0xA1234;
  wr64(p2 + (pid2 >> 17) * 8, pte(p1, V));
  wr64(p1 + ((pid2 >> 8) & 0x1ff) * 8, pte(p0, V));
  wr64(p0 + (pid2 & 0xff) * 16, 1 | (44ull << 12)); wr64(p0 + (pid2 & 0xff) * 16 + 8, SV39 | (sroot >> 12));
  dc_write(DDT, 23, dc_make(1 | (1 << 5), 0, 0, (3ull << 60) | (p2 >> 12)));
  c = xlate(23, 0x5030, 2, true, pid2);
  CHECK_EQ("PD20 PA", c.pa, 0x90000030);
  wr8(16, 0);
}

static void t_cmds_caches() {
  cur_test = "commands/caches";
  fq_on();
  cq_on(2);
  setup_1lvl();
  uint64_t root = alloc_page();
  dc_write(DDT, 30, dc_make(1, 0, 77ull << 12, SV39 | (root >> 12)));
  map(root, 3, false, 0x10000, 0xA0000000, 0, V | R | W | U | A | D);
  map(root, 3, false, 0x200000, 0xA0200000, 1, V | R | W | U | A | D);   // 2M
  Cpl c = xlate(30, 0x10010, 2);
  CHECK_EQ("before change", c.pa, 0xA0000010);
  c = xlate(30, 0x212345, 2);
  CHECK_EQ("2M before change", c.pa, 0xA0212345);
  map(root, 3, false, 0x10000, 0xA1000000, 0, V | R | W | U | A | D);
  map(root, 3, false, 0x200000, 0xA1200000, 1, V | R | W | U | A | D);
  c = xlate(30, 0x10010, 2);
  CHECK_EQ("stale IOTLB entry may be used until invalidation", c.pa, 0xA0000010);
  // IOTINVAL.VMA for another PSCID: no effect required
  cq_submit(cmd_iotinval_vma(false, true, 78, false, 0), 0);
  fence();
  CHECK_EQ("IOFENCE.C AV write", rd32m(0x00320000), 0x5a5a);
  CHECK_EQ("cqh advanced", rr4(32), 2);
  cq_submit(cmd_iotinval_vma(true, true, 77, false, 0), (0x10000ull >> 12) << 10);
  cq_submit(cmd_iotinval_vma(true, true, 77, false, 0), (0x3FF000ull >> 12) << 10);
  fence(0x00320004, 0x77);
  CHECK_EQ("IOFENCE.C AV write (upper word)", rd64(0x00320000), 0x000000770000'5a5aull);
  c = xlate(30, 0x10010, 2);
  CHECK_EQ("after IOTINVAL.VMA + IOFENCE.C", c.pa, 0xA1000010);
  c = xlate(30, 0x212345, 2);
  CHECK_EQ("2M entry invalidated by an address inside it", c.pa, 0xA1212345);
  // DDT cache: change the DC, invalidate
  uint64_t root2 = alloc_page();
  map(root2, 3, false, 0x10000, 0xB0000000, 0, V | R | W | U | A | D);
  // fill all 4 DDT cache entries, then change DC 30
  for (int i = 31; i < 35; i++) { dc_write(DDT, i, dc_make(1, 0, (uint64_t)i << 12, SV39 | (root >> 12))); xlate(i, 0x10000, 2); }
  c = xlate(30, 0x10010, 2);
  dc_write(DDT, 30, dc_make(1, 0, 79ull << 12, SV39 | (root2 >> 12)));
  cq_submit(cmd_inval_ddt(false, 0), 0);
  fence();
  c = xlate(30, 0x10010, 2);
  CHECK_EQ("after IODIR.INVAL_DDT: new DC", c.pa, 0xB0000010);
  dc_write(DDT, 30, dc_make(1, 0, 80ull << 12, SV39 | (root >> 12)));
  cq_submit(cmd_inval_ddt(true, 30), 0);
  fence();
  c = xlate(30, 0x10010, 2);
  CHECK_EQ("after IODIR.INVAL_DDT DV=1", c.pa, 0xA1000010);
  // IOFENCE.C WSI -> fence_w_ip, cip, irq (civ = 1)
  cq_submit(cmd_iofence(false, true, 0), 0);
  CHECK_EQ("fence_w_ip", (rr4(72) >> 11) & 1, 1);
  CHECK_EQ("cip", rr4(84) & 1, 1);
  CHECK_EQ("irq civ=1", top->irq & 2, 2);
  wr4(72, 0x803);    // clear fence_w_ip (RW1C), keep cqen/cie
  wr4(84, 1);
  CHECK_EQ("cip cleared", rr4(84) & 1, 0);
  CHECK_EQ("irq dropped", top->irq & 2, 0);
  // illegal command: cqh stays on it
  uint32_t h = rr4(32);
  cq_submit(0x7f, 0);
  CHECK_EQ("cmd_ill", (rr4(72) >> 10) & 1, 1);
  CHECK_EQ("cqh on the illegal command", rr4(32), h);
  wr4(72, 0x3);                       // writing 0 to cmd_ill keeps it
  CHECK_EQ("cmd_ill is RW1C", (rr4(72) >> 10) & 1, 1);
  CHECK_EQ("cqh still on the illegal command", rr4(32), h);
  // replace the bad command with an IOFENCE.C and clear cmd_ill: the queue resumes
  wr64(CQ + h * 16, cmd_iofence(false, false, 0)); wr64(CQ + h * 16 + 8, 0);
  wr4(72, 0x403);
  CHECK_EQ("cmd_ill cleared", (rr4(72) >> 10) & 1, 0);
  run_idle(8);
  CHECK_EQ("cqh past the fixed command", rr4(32), (h + 1) & 7);
  // command queue wrap-around (8 entries)
  for (int i = 0; i < 10; i++) cq_submit(cmd_iofence(false, false, 0), 0);
  CHECK_EQ("cqh wraps", rr4(32), rr4(36));
  CHECK_EQ("no errors", rr4(72) & 0xf00, 0);
  // IOFENCE.C AV write fault: cqmf, cqh stays
  h = rr4(32);
  mem_err[0x00330000] = 1;
  cq_submit(cmd_iofence(true, false, 1), 0x00330000 >> 2);
  CHECK_EQ("cqmf on fence write fault", (rr4(72) >> 8) & 1, 1);
  CHECK_EQ("cqh stays on the IOFENCE.C", rr4(32), h);
  mem_err.clear();
  wr4(72, 0x103);
  run_idle(8);
  wr4(72, 0);
  // GVMA: two-stage entry invalidated by GSCID
  uint64_t groot = alloc_page(GROOT_ALIGN); alloc_page(); alloc_page(); alloc_page();
  uint64_t sroot = alloc_page();
  map(groot, 3, true, 0, 0, 2, V | R | W | X | U | A | D);
  map(groot, 3, true, 0x1C0000000ull, 0x0A000000, 0, V | R | W | U | A | D);
  map(sroot, 3, false, 0x7000, 0x1C0000000ull, 0, V | R | W | U | A | D);
  dc_write(DDT, 40, dc_make(1, SV39X4 | (9ull << 44) | (groot >> 12), 3ull << 12, SV39 | (sroot >> 12)));
  c = xlate(40, 0x7010, 2);
  CHECK_EQ("two-stage before", c.pa, 0x0A000010);
  map(groot, 3, true, 0x1C0000000ull, 0x0D000000, 0, V | R | W | U | A | D);
  cq_on(2);
  cq_submit(1 | 1 << 7 | 1ull << 33 | 9ull << 44, 0);    // IOTINVAL.GVMA GV=1 GSCID=9
  fence();
  c = xlate(40, 0x7010, 2);
  CHECK_EQ("after IOTINVAL.GVMA", c.pa, 0x0D000010);
  wr8(16, 0);
}

static void t_fq_full() {
  cur_test = "fault queue";
  fq_on(1);          // 4 entries: capacity 3
  Cpl c;
  for (int i = 0; i < 3; i++) c = xlate(1, 0x1000 * i, 2);
  CHECK_EQ("fqt after 3 records", rr4(52), 3);
  CHECK_EQ("no overflow yet", rr4(76) & 0x200, 0);
  c = xlate(1, 0x9000, 2);
  CHECK_EQ("fqof on full queue", (rr4(76) >> 9) & 1, 1);
  CHECK_EQ("fqt unchanged", rr4(52), 3);
  wr4(48, 3); wr4(76, 0x203);
  c = xlate(1, 0xA000, 2);
  CHECK_EQ("record after clearing fqof", rr4(52), 0);
  CHECK_EQ("record wrapped to slot 3", fq_rec(3).dw[2], 0xA000);
  wr4(76, 0x1);      // fie = 0
  wr4(84, 0x2);
  c = xlate(1, 0xB000, 2);
  CHECK_EQ("record written with fie=0", rr4(52), 1);
  CHECK_EQ("fip needs fie", rr4(84) & 2, 0);
}

static void t_ddt_cache() {
  cur_test = "ddt cache";
  cq_on(3);
  setup_1lvl();
  uint64_t r1 = alloc_page(), r2 = alloc_page();
  map(r1, 3, false, 0x1000, 0xC0001000, 0, V | R | W | U | A | D);
  map(r2, 3, false, 0x1000, 0xC0002000, 0, V | R | W | U | A | D);
  for (int i = 1; i <= 4; i++) {
    dc_write(DDT, i, dc_make(1, 0, (uint64_t)i << 12, SV39 | (r1 >> 12)));
    CHECK_EQ("DC before", xlate(i, 0x1000, 2).pa, 0xC0001000);
  }
  for (int i = 1; i <= 4; i++) dc_write(DDT, i, dc_make(1, 0, (uint64_t)(i + 8) << 12, SV39 | (r2 >> 12)));
  cq_submit(cmd_inval_ddt(false, 0), 0);
  fence();
  for (int i = 1; i <= 4; i++) CHECK_EQ("every DC new after INVAL_DDT DV=0", xlate(i, 0x1000, 2).pa, 0xC0002000);
  wr8(16, 0);
}

// A translation whose walk read the old structure races an invalidation submitted with the new
// one: for offsets of the command against the walk and memory latencies that make a cache fill
// and the invalidation meet in the same cycle, once the invalidation and an IOFENCE.C completed
// the new structure is used. kind 0: DC + IODIR.INVAL_DDT, 1: PTE + IOTINVAL.VMA.
static void race_once(int kind, int d, bool cmd_first, uint64_t r1, uint64_t r2) {
  setup_1lvl();                                   // ddtp write: both caches empty
  dc_write(DDT, 20, dc_make(1, 0, 21ull << 12, SV39 | (r1 >> 12)));
  map(r1, 3, false, 0x1000, 0xD0001000, 0, V | R | W | U | A | D);
  if (kind == 1) {                                // DC cached, no IOTLB entry
    xlate(20, 0x1000, 2);
    cq_submit(cmd_iotinval_vma(false, false, 0, false, 0), 0);
    fence();
  }
  uint32_t t = rr4(36);
  if (kind == 0) {
    // new PSCID too: the IOTLB entry of the racing walk (PSCID 21) may legally stay
    wr64(CQ + t * 16, cmd_inval_ddt(true, 20));
  } else {
    wr64(CQ + t * 16, cmd_iotinval_vma(false, true, 21, false, 0));
  }
  wr64(CQ + t * 16 + 8, 0);
  auto submit = [&]() {
    if (kind == 0) dc_write(DDT, 20, dc_make(1, 0, 22ull << 12, SV39 | (r2 >> 12)));
    else map(r1, 3, false, 0x1000, 0xD0002000, 0, V | R | W | U | A | D);
    top->reg_req_valid = 1; top->reg_req_write = 1; top->reg_req_offset = 36;
    top->reg_req_size8 = 0; top->reg_req_wdata = (t + 1) & 15;
    cycle();
    top->reg_req_valid = 0;
  };
  if (cmd_first) { submit(); for (int n = 0; n < d; n++) cycle(); }
  static int tag = 0x4000;
  tag = (tag + 1) & 0xffff;
  top->tr_req_valid = 1; top->tr_req_tag = tag; top->tr_req_did = 20; top->tr_req_pv = 0;
  top->tr_req_pid = 0; top->tr_req_iova = 0x1000; top->tr_req_ttyp = 2; top->tr_req_priv = 0;
  top->tr_req_nw = 0; top->tr_req_exe = 0;
  last_cpl.got = false;
  for (int n = 0; n < 1000; n++) { top->eval(); bool rdy = top->tr_req_ready; cycle(); if (rdy) break; }
  top->tr_req_valid = 0;
  if (!cmd_first) { for (int n = 0; n < d; n++) cycle(); submit(); }
  run_idle(8);
  check(last_cpl.got, "racing translation completed");
  fence();
  CHECK_EQ(kind ? "after IOTINVAL.VMA racing a fill: new PTE" : "after IODIR.INVAL_DDT racing a fill: new DC",
           xlate(20, 0x1000, 2).pa, 0xD0002000);
}

static void t_fill_inval_race() {
  cur_test = "fill/invalidation race";
  cq_on(3);
  uint64_t r1 = alloc_page(), r2 = alloc_page();
  map(r2, 3, false, 0x1000, 0xD0002000, 0, V | R | W | U | A | D);
  int saved = latency;
  for (int kind = 0; kind < 2; kind++)
    for (int lat = 1; lat <= 4; lat++)
      for (int cf = 0; cf < 2; cf++)
        for (int d = 0; d < 24; d++) {
          latency = lat;
          if (getenv("RACE_TRACE")) printf("race k%d lat%d cf%d d%d\n", kind, lat, cf, d);
          race_once(kind, d, cf, r1, r2);
        }
  latency = saved;
  wr8(16, 0);
}

// Robustness: random structures, register values, commands and memory errors. The spec fixes no
// outcome here; the DUT must answer every request and every register access and come back idle.
static void t_random_nohang() {
  cur_test = "random";
  const uint64_t region = 0x00100000;
  for (int iter = 0; iter < 3000; iter++) {
    int k = rnd() % 16;
    if (k < 6) {
      // random words in a small region, biased to look like valid entries
      uint64_t a = region + (rnd() % 0x8000) * 8;
      uint64_t v = rnd();
      if (rnd() & 1) v = ((region + (rnd() % 0x40) * 0x1000) >> 12 << 10) | (rnd() & 0xff) | 1;
      if (rnd() % 4 == 0) v &= 0xF00000000000FFFFull;
      wr64(a, v);
    } else if (k < 10) {
      Cpl c = xlate(rnd() % 512, (rnd() & 1) ? rnd() : region + (rnd() % 0x100000), 1 + rnd() % 8,
                    rnd() & 1, rnd() & 0xfffff, rnd() & 1);
      (void)c;
    } else if (k < 13) {
      static const int offs[] = {16, 24, 32, 36, 40, 48, 52, 72, 76, 84, 760, 8};
      int o = offs[rnd() % 12];
      uint64_t v = rnd();
      if (o == 16) v = (region >> 12 << 10) | (rnd() % 6);
      if (o == 24 || o == 40) v = ((region + 0x40000) >> 12 << 10) | (rnd() % 4);
      bool s8 = (o % 8 == 0) && (rnd() & 1);
      reg_access(true, o, s8, v); run_idle(2);
    } else if (k < 14) {
      mem_err.clear();
      if (rnd() & 1) mem_err[region + (rnd() % 0x8000) * 8] = 1 + rnd() % 2;
    } else {
      uint64_t a = region + 0x40000 + (rnd() % 64) * 16;
      uint64_t c0 = rnd() & ~(rnd() & rnd()), c1 = rnd() & 0x3FFFFFFFFFFFFFFFull;
      c0 = (c0 & ~0x7full) | (1 + rnd() % 3);
      wr64(a, c0); wr64(a + 8, c1);
    }
  }
  run_idle(8);
  check(top->idle, "idle at the end");
}

// IOTLB consistency: random mappings of every size, both stages; a translation served by the
// IOTLB must equal the one a fresh walk gives (caches flushed by a ddtp write).
static void t_tlb_consistency() {
  int ok_count = 0;
  struct M { uint64_t d, va, lvl; };
  std::vector<M> maps;
  cur_test = "tlb consistency";
  fq_on();
  setup_1lvl();
  uint64_t groot = alloc_page(GROOT_ALIGN); alloc_page(); alloc_page(); alloc_page();
  map(groot, 3, true, 0, 0, 2, V | R | W | X | U | A | D);               // tables: identity 1G
  std::vector<uint64_t> roots;
  for (int d = 0; d < 4; d++) {
    uint64_t sroot = alloc_page();
    roots.push_back(sroot);
    bool two = d & 1;
    uint64_t gatp = two ? (SV39X4 | ((uint64_t)(d + 1) << 44) | (groot >> 12)) : 0;
    dc_write(DDT, 50 + d, dc_make(1 | (d >= 2 ? (1 << 8) | (1 << 7) : 0), gatp,
                                  (uint64_t)(100 + d) << 12, (d & 2 ? SV48 : SV39) | (sroot >> 12)));
  }
  for (int i = 0; i < 60; i++) {
    int d = rnd() % 4;
    int lvl = rnd() % 3;
    uint64_t va = (0x40000000ull + (rnd() % 64) * 0x40000000ull) & ~((1ull << (12 + 9 * lvl)) - 1);
    uint64_t gpa = 0x100000000ull + ((rnd() % 256) << 30);
    uint64_t fl = V | R | U | ((rnd() & 3) ? W : 0) | ((rnd() & 1) ? A : 0) | ((rnd() & 1) ? D : 0);
    if (rd64(pte_addr(roots[d], d & 2 ? 4 : 3, false, va, lvl))) continue;
    map(roots[d], d & 2 ? 4 : 3, false, va, gpa, lvl, fl);
    maps.push_back({(uint64_t)d, va, (uint64_t)lvl});
    if (d & 1) {
      int gl = rnd() % 3;
      uint64_t gbase = gpa & ~((1ull << (12 + 9 * gl)) - 1);
      if (!rd64(pte_addr(groot, 3, true, gbase, gl)))
        map(groot, 3, true, gbase, 0x40000000ull + ((rnd() % 64) << 30), gl, V | R | W | U | A | D);
    }
  }
  for (int i = 0; i < 300; i++) {
    int d = rnd() % 4;
    uint64_t va = 0x40000000ull + (rnd() % 64) * 0x40000000ull + (rnd() & 0x3FFFFFFF);
    if (rnd() % 4) {
      const M &m = maps[rnd() % maps.size()];
      d = (int)m.d;
      va = m.va + (rnd() & ((1ull << (12 + 9 * m.lvl)) - 1));
    }
    int tt = 2 + rnd() % 2;
    Cpl a = xlate(50 + d, va, tt);
    Cpl b = xlate(50 + d, va, tt);
    wr8(16, ((DDT >> 12) << 10) | 2);   // flush the caches
    Cpl c = xlate(50 + d, va, tt);
    CHECK_EQ("repeat: same cause", b.cause, a.cause);
    CHECK_EQ("repeat: same PA", b.pa, a.pa);
    CHECK_EQ("fresh walk: same cause", c.cause, b.cause);
    CHECK_EQ("fresh walk: same PA", c.pa, b.pa);
    check((va & 0xfff) == (a.pa & 0xfff) || a.status, "page offset kept");
    if (!a.status) ok_count++;
  }
  if (!quiet) printf("  tlb consistency: %d of 300 translations succeeded\n", ok_count);
  check(ok_count > 30, "enough successful translations");
  wr8(16, 0);
}

// PCIe ATS: translation requests (permissions, R=W=0 without a record, Priv), translated requests,
// ATS.INVAL (IOFENCE.C waits for the Invalidation Completion), ATS.PRGR.
static void t_ats() {
  cur_test = "ats";
  fq_on();
  cq_on();
  setup_1lvl();
  uint64_t root = alloc_page();
  map(root, 3, false, 0x40000000, 0xA0000000, 0, V | R | W | U | A | D);
  map(root, 3, false, 0x40001000, 0xA0001000, 0, V | R | U | A);          // read-only
  map(root, 3, false, 0x40200000, 0xA0200000, 1, V | R | W | U | A | D);  // 2 MiB
  dc_write(DDT, 30, dc_make(1 | 2, 0, 7ull << 12, SV39 | (root >> 12)));  // V, EN_ATS
  dc_write(DDT, 31, dc_make(1, 0, 7ull << 12, SV39 | (root >> 12)));      // no EN_ATS
  Cpl c = xlate(30, 0x40000010, 8);
  CHECK_EQ("ATS RW page: status", c.status, 0);
  CHECK_EQ("ATS RW page: R W", c.r * 2 + c.w, 3);
  CHECK_EQ("ATS RW page: address", c.pa, 0xA0000000);
  CHECK_EQ("ATS without PASID: Priv 0", c.priv, 0);
  c = xlate(30, 0x40001010, 8);
  CHECK_EQ("ATS read-only page: R=1 W=0", c.r * 2 + c.w, 2);
  c = xlate(30, 0x40212345, 8);
  CHECK_EQ("ATS 2 MiB: S", c.s, 1);
  CHECK_EQ("ATS 2 MiB: address with the size encoding", c.pa, 0xA02FF000);
  map(root, 3, false, 0x40003000, 0xA0003000, 0, V | R | X | U | A);      // read/execute
  req_nw = true;
  c = xlate(30, 0x40000010, 8);
  CHECK_EQ("ATS no-write: R=1 W=0", c.r * 2 + c.w, 2);
  req_exe = true;
  c = xlate(30, 0x40003010, 8);
  CHECK_EQ("ATS no-write + execute on an RX page: R X", c.r * 4 + c.w * 2 + c.x, 5);
  c = xlate(30, 0x40000010, 8);
  CHECK_EQ("ATS execute on an RW page: X denied", c.r * 4 + c.w * 2 + c.x, 4);
  req_nw = false;
  c = xlate(30, 0x40003010, 8);
  CHECK_EQ("ATS write + execute on an RX page: R X", c.r * 4 + c.w * 2 + c.x, 5);
  req_exe = false;
  uint32_t t0 = rr4(52);
  c = xlate(30, 0x40005000, 8);
  CHECK_EQ("ATS page fault: Success", c.status, 0);
  CHECK_EQ("ATS page fault: R=W=0", c.r * 2 + c.w, 0);
  CHECK_EQ("ATS page fault: no fault record", rr4(52), t0);
  c = xlate(31, 0x40000010, 8);
  CHECK_EQ("ATS without EN_ATS: UR", c.status, 1);
  CHECK_EQ("ATS without EN_ATS: 260", c.cause, 260);
  c = xlate(31, 0x12345000, 6);
  CHECK_EQ("translated without EN_ATS: 260", c.cause, 260);
  c = xlate(30, 0x12345008, 7);
  CHECK_EQ("translated with EN_ATS: the SPA", c.pa, 0x12345008);
  // Priv: a supervisor request with a PASID (PD8, ENS)
  uint64_t pdt = alloc_page();
  map(root, 3, false, 0x40002000, 0xA0002000, 0, V | R | W | A | D);      // supervisor page
  wr64(pdt + 5 * 16, 1 | 2 | (9ull << 12));
  wr64(pdt + 5 * 16 + 8, SV39 | (root >> 12));
  dc_write(DDT, 32, dc_make(1 | 2 | (1 << 5), 0, 0, (1ull << 60) | (pdt >> 12)));
  c = xlate(32, 0x40002010, 8, true, 5, true);
  CHECK_EQ("ATS supervisor with PASID: R W", c.r * 2 + c.w, 3);
  CHECK_EQ("ATS supervisor with PASID: Priv", c.priv, 1);
  // ATS.INVAL, then IOFENCE.C (waits for the completion), ATS.PRGR
  cq_submit(4 | (1ull << 32) | (5ull << 12) | (30ull << 40), 0x40000000ull | (1 << 11));
  fence(0x00320000, 0x77);
  CHECK_EQ("IOFENCE.C after ATS.INVAL completes", rd64(0x00320000) & 0xffffffff, 0x77);
  CHECK_EQ("Invalidation Request sent", msgs.size(), 1);
  if (msgs.size() == 1) {
    CHECK_EQ("Invalidation Request RID", msgs[0].rid, 30);
    CHECK_EQ("Invalidation Request PID", msgs[0].pid, 5);
    CHECK_EQ("Invalidation Request payload", msgs[0].payload, 0x40000800ull);
  }
  cq_submit(4 | (1 << 7) | (31ull << 40), (0x1a5ull << 32) | (0xfull << 44));
  CHECK_EQ("Page Request Group Response sent", msgs.size(), 2);
  if (msgs.size() == 2) {
    CHECK_EQ("PRGR is a response", msgs[1].prgr, 1);
    CHECK_EQ("PRGR PRG index and code", msgs[1].payload, (0x1a5ull << 32) | (0xfull << 44));
  }
  CHECK_EQ("ATS commands: no cmd_ill", rr4(72) & (1 << 10), 0);
  wr8(16, 0);
}

// Inbound Page Requests: records at pqt, pip, refusal (260, Invalid Request, fault record TTYP 9),
// Stop Markers and L=0 dropped, full queue (pqof, Success response).
static void page_req(uint32_t did, bool pv, uint32_t pid, uint64_t payload) {
  top->pr_req_valid = 1; top->pr_req_did = did; top->pr_req_pv = pv; top->pr_req_pid = pid;
  top->pr_req_priv = 0; top->pr_req_exec = 0; top->pr_req_payload = payload;
  for (int n = 0; n < 1000; n++) {
    top->eval();
    bool rdy = top->pr_req_ready;
    cycle();
    if (rdy) break;
  }
  top->pr_req_valid = 0;
  run_idle(8);
}

static void t_page_req() {
  cur_test = "page requests";
  const uint64_t PQ = 0x00F00000;
  fq_on();
  setup_1lvl();
  wr8(760, 0x3021);                          // civ 1, fiv 2, piv 3
  wr8(56, ((PQ >> 12) << 10) | 1);           // 4 entries
  wr4(80, 0x3);                              // pqen, pie
  dc_write(DDT, 40, dc_make(1 | 2 | 4, 0, 0, 0));   // V, EN_ATS, EN_PRI
  dc_write(DDT, 41, dc_make(1 | 2, 0, 0, 0));       // no EN_PRI
  page_req(40, false, 0, 0xABC000ull | (5 << 3) | 4 | 1);
  CHECK_EQ("PR queued: dw0", rd64(PQ), 40ull << 40);
  CHECK_EQ("PR queued: dw1", rd64(PQ + 8), 0xABC000ull | (5 << 3) | 4 | 1);
  CHECK_EQ("PR queued: pqt", rr4(68), 1);
  CHECK_EQ("PR queued: pip", rr4(84) & 8, 8);
  CHECK_EQ("PR queued: no response", msgs.size(), 0);
  uint32_t t0 = rr4(52);
  page_req(41, true, 7, (9 << 3) | 4 | 2);
  CHECK_EQ("PR without EN_PRI: response", msgs.size(), 1);
  if (msgs.size() == 1) {
    CHECK_EQ("PR without EN_PRI: Invalid Request, PRG index", msgs[0].payload, (9ull << 32) | (1ull << 44));
    CHECK_EQ("PR without EN_PRI: no PASID (PRPR=0)", msgs[0].pv, 0);
  }
  CHECK_EQ("PR without EN_PRI: fault record", rr4(52), (t0 + 1) & 15);
  Rec r = fq_rec(t0);
  CHECK_EQ("PR fault record: cause, TTYP 9", r.dw[0] & ((0xfffull) | (0x3full << 34)), 260ull | (9ull << 34));
  CHECK_EQ("PR fault record: iotval", r.dw[2], 4);
  page_req(41, true, 7, (9 << 3) | 4);          // Stop Marker: dropped
  page_req(41, true, 7, (9 << 3) | 1);          // L=0: dropped
  CHECK_EQ("Stop Marker and L=0: no response", msgs.size(), 1);
  page_req(40, true, 7, (3 << 3) | 4 | 1);
  page_req(40, true, 7, (3 << 3) | 4 | 1);
  CHECK_EQ("queue full: pqt", rr4(68), 3);
  page_req(40, true, 7, (4 << 3) | 4 | 1);
  CHECK_EQ("queue full: pqof", rr4(80) & (1 << 9), 1 << 9);
  CHECK_EQ("queue full: Success response", msgs.size(), 2);
  if (msgs.size() == 2) CHECK_EQ("queue full: Success, PRG index", msgs[1].payload, 4ull << 32);
  wr8(16, 0);
}

// pqcsr racing a Page Request: presents the request (held until the DUT takes it) and writes pqcsr with
// `csr` in the cycle `d` cycles after the request is first presented, then reads pqcsr in the next cycle;
// runs until idle. Returns the pqcsr read and how many page-request-record writes (to [base, base+bytes))
// were answered after the cycle of that read.
struct CsrRace { uint32_t csr; int writes_after; };
static CsrRace page_req_csr_race(uint32_t did, uint64_t payload, int d, uint32_t csr, uint64_t base,
                                 uint64_t bytes) {
  top->pr_req_valid = 1; top->pr_req_did = did; top->pr_req_pv = 0; top->pr_req_pid = 0;
  top->pr_req_priv = 0; top->pr_req_exec = 0; top->pr_req_payload = payload;
  CsrRace r{0, 0};
  size_t mark = 0;
  for (int t = 0; t < 5000 && (t <= d + 2 || top->pr_req_valid); t++) {
    top->reg_req_valid = (t == d || t == d + 1);
    top->reg_req_write = (t == d); top->reg_req_offset = R_PQCSR_OFF; top->reg_req_size8 = 0;
    top->reg_req_wdata = csr;
    top->eval();
    bool take = top->pr_req_valid && top->pr_req_ready;
    cycle();
    if (take) top->pr_req_valid = 0;
    if (t == d + 1) { reg_rsp_got = false; mark = writes.size(); }   // the read samples at this edge
    if (t == d + 2) { check(reg_rsp_got, "pqcsr read response"); r.csr = (uint32_t)reg_rsp_data; }
  }
  top->reg_req_valid = 0;
  top->pr_req_valid = 0;
  run_idle(8);
  for (size_t i = mark; i < writes.size(); i++)
    if (writes[i].addr >= base && writes[i].addr < base + bytes) r.writes_after++;
  return r;
}

// pqen cleared, or set, while a Page Request is on its way into the queue, swept over the cycles
// (spec pqcsr.pqen): a record in flight when pqen is cleared is completed, both doublewords and pqt,
// while pqon (with busy) stays 1, and once pqon reads 0 no record write follows; a request the queue
// takes once pqen=1 took effect finds the queue as the enable left it (pqt = 0, pqof = pqmf = 0), one
// it took before is answered as by a queue that is off.
static void t_page_req_csr_race() {
  cur_test = "page requests racing pqcsr";
  const uint64_t PQ = 0x00F10000;
  fq_on();
  setup_1lvl();
  dc_write(DDT, 40, dc_make(1 | 2 | 4, 0, 0, 0));   // V, EN_ATS, EN_PRI
  const uint64_t dw0 = 40ull << 40;
  int completed = 0, refused = 0, drained = 0;
  for (int d = 0; d < 120; d++) {
    wr4(80, 0);
    wr8(56, ((PQ >> 12) << 10) | 1);             // 4 entries; pqh = 0
    wr4(80, 1);                                  // pqen: pqt = 0
    wr64(PQ, 0); wr64(PQ + 8, 0);
    msgs.clear();
    uint64_t pay = 0xD000ull << 12 | (uint64_t)(d & 0x1ff) << 3 | 4 | 1;
    CsrRace r = page_req_csr_race(40, pay, d, 0, PQ, 64);
    uint32_t t = rr4(68);
    bool on = r.csr >> 16 & 1, busy = r.csr >> 17 & 1;
    check(on == busy, "pqen cleared: busy while the queue stays on", r.csr, d);
    if (!on) CHECK_EQ("pqon read 0: no record write after it", r.writes_after, 0);
    else drained++;
    CHECK_EQ("pqen cleared: pqon 0 once idle", rr4(80) & (3 << 16), 0);
    if (t == 1) {
      completed++;
      check(rd64(PQ) == dw0 && rd64(PQ + 8) == pay, "record in flight at the clear: both doublewords",
            rd64(PQ + 8), d);
      CHECK_EQ("record in flight at the clear: no response", msgs.size(), 0);
    } else {
      refused++;
      CHECK_EQ("request after the clear: pqt", t, 0);
      check(rd64(PQ) == 0 && rd64(PQ + 8) == 0, "request after the clear: nothing written", rd64(PQ), d);
      check(msgs.size() == 1 && (msgs[0].payload >> 44 & 0xf) == 0xf,
            "request after the clear: Response Failure", msgs.size(), d);
    }
  }
  check(completed > 0 && refused > 0 && drained > 0, "the sweep lands the clear on both sides and inside a record",
        (uint64_t)completed << 32 | (uint64_t)refused, drained);
  int before = 0, after = 0;
  for (int d = 0; d < 120; d++) {
    wr4(80, 0);
    wr8(56, ((PQ >> 12) << 10) | 1);             // 4 entries; pqh = 0
    wr4(80, 1);
    for (int i = 0; i < 3; i++) page_req(40, false, 0, 0xC000ull << 12 | 4 | 1);
    CHECK_EQ("queue full before the disable: pqt", rr4(68), 3);
    wr4(80, 0);                                  // off, full: pqt 3, pqh 0
    wr64(PQ, 0); wr64(PQ + 8, 0);
    msgs.clear();
    uint64_t pay = 0xE000ull << 12 | (uint64_t)(d & 0x1ff) << 3 | 4 | 1;
    page_req_csr_race(40, pay, d, 1, PQ, 64);
    uint32_t t = rr4(68), csr = rr4(80);
    CHECK_EQ("pqen set: no pqof (the enabled queue is empty)", csr & (1 << 9), 0);
    if (t == 1) {
      after++;
      check(rd64(PQ) == dw0 && rd64(PQ + 8) == pay, "request after the enable: record at slot 0", rd64(PQ + 8), d);
      CHECK_EQ("request after the enable: no response", msgs.size(), 0);
    } else {
      before++;
      CHECK_EQ("request before the enable: pqt", t, 0);
      check(msgs.size() == 1 && (msgs[0].payload >> 44 & 0xf) == 0xf,
            "request before the enable: Response Failure", msgs.size(), d);
    }
  }
  check(before > 0 && after > 0, "the sweep lands the enable on both sides", before, after);
  wr8(16, 0);
}

// fqen cleared while a fault record is on its way into the queue, swept over the cycles (spec fqcsr.fqen):
// a record in flight when fqen is cleared is completed, all of it and fqt, while fqon (with busy) stays 1,
// and once fqon reads 0 no record write follows; a fault after the clear writes nothing.
static void t_fault_csr_race() {
  cur_test = "fault records racing fqcsr";
  setup_1lvl();                                  // device 41's DC is all zeros: V=0, cause 258
  const int FQCSR = 76;
  int completed = 0, refused = 0, drained = 0;
  for (int d = 0; d < 120; d++) {
    wr4(FQCSR, 0);
    wr8(40, ((FQ >> 12) << 10) | 1);             // 4 entries; fqh = 0
    wr4(FQCSR, 1);                               // fqen: fqt = 0
    for (int i = 0; i < 4; i++) wr64(FQ + 8 * i, 0);
    top->tr_req_valid = 1; top->tr_req_tag = 7; top->tr_req_did = 41; top->tr_req_pv = 0; top->tr_req_pid = 0;
    top->tr_req_iova = 0x5000; top->tr_req_ttyp = 2; top->tr_req_priv = 0;
    top->tr_req_nw = 0; top->tr_req_exe = 0; top->tr_req_cxl = 0;
    uint32_t csr = 0;
    size_t mark = 0;
    for (int t = 0; t < 5000 && (t <= d + 2 || top->tr_req_valid); t++) {
      top->reg_req_valid = (t == d || t == d + 1);
      top->reg_req_write = (t == d); top->reg_req_offset = FQCSR; top->reg_req_size8 = 0;
      top->reg_req_wdata = 0;
      top->eval();
      bool take = top->tr_req_valid && top->tr_req_ready;
      cycle();
      if (take) top->tr_req_valid = 0;
      if (t == d + 1) { reg_rsp_got = false; mark = writes.size(); }   // the read samples at this edge
      if (t == d + 2) { check(reg_rsp_got, "fqcsr read response"); csr = (uint32_t)reg_rsp_data; }
    }
    top->reg_req_valid = 0;
    top->tr_req_valid = 0;
    run_idle(8);
    int after = 0;
    for (size_t i = mark; i < writes.size(); i++) if (writes[i].addr >= FQ && writes[i].addr < FQ + 128) after++;
    bool on = csr >> 16 & 1, busy = csr >> 17 & 1;
    check(on == busy, "fqen cleared: busy while the queue stays on", csr, d);
    if (!on) CHECK_EQ("fqon read 0: no record write after it", after, 0);
    else drained++;
    CHECK_EQ("fqen cleared: fqon 0 once idle", rr4(FQCSR) & (3 << 16), 0);
    uint32_t t = rr4(52);
    if (t == 1) {
      completed++;
      check((rd64(FQ) & 0xfff) == 258 && (rd64(FQ) >> 40) == 41, "record in flight at the clear: written whole",
            rd64(FQ), d);
    } else {
      refused++;
      CHECK_EQ("fault after the clear: fqt", t, 0);
      CHECK_EQ("fault after the clear: nothing written", rd64(FQ), 0);
    }
  }
  check(completed > 0 && refused > 0 && drained > 0, "the sweep lands the clear on both sides and inside a record",
        (uint64_t)completed << 32 | (uint64_t)refused, drained);
  wr8(16, 0);
}

// ---------------- overlap: several translations in flight ----------------
// Presents a request and holds it until the DUT takes it; returns the cycle it was accepted
// (without waiting for the completion, so the next request can follow at once).
static uint64_t issue(int tag, uint32_t did, uint64_t iova, int ttyp) {
  top->tr_req_valid = 1; top->tr_req_tag = tag; top->tr_req_did = did; top->tr_req_pv = 0;
  top->tr_req_pid = 0; top->tr_req_iova = iova; top->tr_req_ttyp = ttyp; top->tr_req_priv = 0;
  top->tr_req_nw = 0; top->tr_req_exe = 0; top->tr_req_cxl = 0;
  uint64_t at = 0;
  for (int n = 0; n < 10000; n++) {
    top->eval();
    bool rdy = top->tr_req_ready;
    at = now;
    cycle();
    if (rdy) break;
  }
  top->tr_req_valid = 0;
  return at;
}
// The completion with this tag (exactly one must have arrived), and its position in `cpls`.
static Cpl cpl_of(int tag, int *pos = nullptr, uint64_t *at = nullptr) {
  Cpl r{}; int n = 0;
  for (size_t i = 0; i < cpls.size(); i++)
    if (cpls[i].c.tag == tag) { r = cpls[i].c; n++; if (pos) *pos = (int)i; if (at) *at = cpls[i].at; }
  CHECK_EQ("one completion per tag", n, 1);
  return r;
}
static void wait_cpls(size_t n) { for (int i = 0; i < 20000 && cpls.size() < n; i++) cycle(); }

static const uint32_t OV_DID = 60;
static uint64_t ov_root;

// Two requests back to back: a walk on the first walker, then a hit on the second walker's IOTLB.
// The hit is taken while the walk is in flight and completes first, each with its own tag and PA.
static void ov_hit_under_miss() {
  map(ov_root, 3, false, 0x50001000, 0xE0001000, 0, V | R | W | U | A | D);
  map(ov_root, 3, false, 0x50002000, 0xE0002000, 0, V | R | W | U | A | D);
  map(ov_root, 3, false, 0x60001000, 0xE1001000, 0, V | R | W | U | A | D);
  xlate(OV_DID, 0x50000000, 2);                          // DC cached by walker 0
  cpls.clear();
  issue(0x8001, OV_DID, 0x50001008, 2);                  // walker 0: walk
  issue(0x8002, OV_DID, 0x60001010, 2);                  // walker 1: DDT and page walk, fills
  wait_cpls(2); run_idle();
  CHECK_EQ("first pair: PA of the walk", cpl_of(0x8001).pa, 0xE0001008);
  CHECK_EQ("first pair: PA of the second request", cpl_of(0x8002).pa, 0xE1001010);
  cpls.clear();
  uint64_t a1 = issue(0x8003, OV_DID, 0x50002018, 2);   // walker 0: IOTLB miss
  uint64_t a2 = issue(0x8004, OV_DID, 0x60001020, 2);   // walker 1: IOTLB hit
  wait_cpls(2); run_idle();
  int p1 = -1, p2 = -1; uint64_t c1 = 0;
  Cpl m = cpl_of(0x8003, &p1, &c1), h = cpl_of(0x8004, &p2);
  check(a1 < a2, "requests accepted in order");
  if (!serial) {       // one walker: the second request waits for the first completion
    check(a2 < c1, "second request accepted while the first walks");
    CHECK_EQ("hit behind a miss completes first", p2 < p1, 1);
  }
  CHECK_EQ("miss: status", m.status, 0);
  CHECK_EQ("miss: PA", m.pa, 0xE0002018);
  CHECK_EQ("hit: status", h.status, 0);
  CHECK_EQ("hit: PA", h.pa, 0xE1001020);
}

// IOTINVAL.VMA + IOFENCE.C race two walks of the same page (one on each walker), the new PTE
// written when the commands are submitted (spec: IOTINVAL.VMA orders previous page-table stores
// before subsequent implicit reads; an IOFENCE.C completion commits it). Whichever PTE the racing
// walks used, once the fence completed a request to the page on either walker walks again and
// sees the new PTE: a walk in flight when the invalidation executed must not fill its IOTLB. The
// device translates in two stages, so after a walk read the first-stage leaf the G-stage walk of
// its GPA still takes several reads: the invalidation can execute between that read and the fill.
static const uint32_t OV2_DID = 59;   // 1LVL with extended DCs: device_id below 64
static uint64_t ov2_sroot, ov2_groot;
static void ov_inval_race_once(int d, bool cmd_first) {
  const uint64_t P = 0x50003000, S = 0x50004000;          // S: a slow miss for walker 0
  // fresh GPAs and SPAs each time, so an entry left from an earlier round is seen too
  static uint64_t round = 0;
  const uint64_t GOLD = 0x1C0000000ull + round * 0x2000, GNEW = GOLD + 0x1000;
  const uint64_t OLD = 0xE0100000 + round * 0x2000, NEW = OLD + 0x1000;
  round++;
  map(ov2_groot, 3, true, GOLD, OLD, 0, V | R | W | U | A | D);
  map(ov2_groot, 3, true, GNEW, NEW, 0, V | R | W | U | A | D);
  map(ov2_sroot, 3, false, P, GOLD, 0, V | R | W | U | A | D);
  cq_submit(cmd_iotinval_vma(false, false, 0, true, 5), 0);
  fence();
  uint32_t t = rr4(36);
  wr64(CQ + t * 16, cmd_iotinval_vma(true, true, 65, true, 5)); wr64(CQ + t * 16 + 8, (P >> 12) << 10);
  uint32_t t1 = (t + 1) & 7;
  wr64(CQ + t1 * 16, cmd_iofence(true, false, 0x99)); wr64(CQ + t1 * 16 + 8, 0x00320008 >> 2);
  wr64(0x00320008, 0);
  auto submit = [&]() {
    map(ov2_sroot, 3, false, P, GNEW, 0, V | R | W | U | A | D);
    top->reg_req_valid = 1; top->reg_req_write = 1; top->reg_req_offset = 36;
    top->reg_req_size8 = 0; top->reg_req_wdata = (t + 2) & 7;
    cycle();
    top->reg_req_valid = 0;
  };
  cpls.clear();
  if (cmd_first) { submit(); for (int n = 0; n < d; n++) cycle(); }
  issue(0x8100, OV2_DID, P + 0x10, 2);                   // walker 0
  issue(0x8101, OV2_DID, P + 0x20, 2);                   // walker 1
  if (!cmd_first) { for (int n = 0; n < d; n++) cycle(); submit(); }
  wait_cpls(2); run_idle(8);
  CHECK_EQ("fence completed", rr4(32), (t + 2) & 7);
  CHECK_EQ("fence data written", rd64(0x00320008), 0x99);
  for (int tag = 0x8100; tag <= 0x8101; tag++) {
    uint64_t pa = cpl_of(tag).pa;
    uint64_t off = tag == 0x8100 ? 0x10 : 0x20;
    check(pa == OLD + off || pa == NEW + off, "racing walk: the old or the new PTE", pa);
  }
  CHECK_EQ("after the fence, walker 0: new PTE", xlate(OV2_DID, P + 0x30, 2).pa, NEW + 0x30);
  map(ov2_sroot, 3, false, S, 0x1C0000000ull, 0, V | R | W | U | A | D);
  cpls.clear();
  issue(0x8102, OV2_DID, S, 2);                          // walker 0 busy
  issue(0x8103, OV2_DID, P + 0x40, 2);                   // walker 1
  wait_cpls(2); run_idle();
  CHECK_EQ("after the fence, walker 1: new PTE", cpl_of(0x8103).pa, NEW + 0x40);
}

// Two faulting requests in flight at once: two completions with their own causes and two whole
// fault records (spec: a fault record per faulting request), in either order.
static void ov_two_faults() {
  uint32_t t0 = rr4(52);
  cpls.clear();
  issue(0x8201, OV_DID, 0x58000100, 2);                  // not mapped: load page fault
  issue(0x8202, OV_DID, 0x58001200, 3);                  // not mapped: store page fault
  wait_cpls(2); run_idle(8);
  CHECK_EQ("fault 1: cause 13", cpl_of(0x8201).cause, 13);
  CHECK_EQ("fault 2: cause 15", cpl_of(0x8202).cause, 15);
  CHECK_EQ("two records", (rr4(52) - t0) & 15, 2);
  CHECK_EQ("no overflow", (rr4(76) >> 9) & 1, 0);
  Rec r0 = fq_rec(t0), r1 = fq_rec((t0 + 1) & 15);
  if (r0.dw[2] != 0x58000100) std::swap(r0, r1);
  CHECK_EQ("record of the load: cause/ttyp/did", r0.dw[0], 13ull | 2ull << 34 | (uint64_t)OV_DID << 40);
  CHECK_EQ("record of the load: iotval", r0.dw[2], 0x58000100);
  CHECK_EQ("record of the load: iotval2", r0.dw[3], 0);
  CHECK_EQ("record of the store: cause/ttyp/did", r1.dw[0], 15ull | 3ull << 34 | (uint64_t)OV_DID << 40);
  CHECK_EQ("record of the store: iotval", r1.dw[2], 0x58001200);
  CHECK_EQ("record of the store: iotval2", r1.dw[3], 0);
  wr4(48, rr4(52));                                      // consume
}

// Two stores in flight to pages with A=D=0 and hardware A/D update (DC.tc.SADE): each PTE gets
// A and D, each request completes with its own PA.
static void ov_two_ad_updates() {
  const uint32_t did = 62;
  uint64_t root = alloc_page();
  dc_write(DDT, did, dc_make(1 | 1 << 8, 0, 63ull << 12, SV39 | (root >> 12)));
  map(root, 3, false, 0x51000000, 0xE2000000, 0, V | R | W | U);
  map(root, 3, false, 0x51001000, 0xE2001000, 0, V | R | W | U);
  xlate(did, 0x52000000, 2);                             // DC cached (a fault, recorded)
  wr4(48, rr4(52));
  cpls.clear();
  issue(0x8301, did, 0x51000040, 3);
  issue(0x8302, did, 0x51001080, 3);
  wait_cpls(2); run_idle();
  CHECK_EQ("A/D store 1: PA", cpl_of(0x8301).pa, 0xE2000040);
  CHECK_EQ("A/D store 2: PA", cpl_of(0x8302).pa, 0xE2001080);
  CHECK_EQ("PTE 1: A and D set", rd64(pte_addr(root, 3, false, 0x51000000, 0)) & (A | D), A | D);
  CHECK_EQ("PTE 2: A and D set", rd64(pte_addr(root, 3, false, 0x51001000, 0)) & (A | D), A | D);
}

// Commands execute under a stream of walks: an IOTINVAL.VMA and an IOFENCE.C submitted while
// requests to new pages keep coming complete before the stream ends (the memory port is shared
// round-robin, and the fence waits only for the translations in flight when it began).
static void ov_fence_under_stream() {
  for (int i = 0; i < 48; i++)
    map(ov_root, 3, false, 0x53000000 + i * 0x1000ull, 0xE3000000 + i * 0x1000ull, 0, V | R | W | U | A | D);
  uint32_t t = rr4(36);
  wr64(CQ + t * 16, cmd_iotinval_vma(false, false, 0, false, 0)); wr64(CQ + t * 16 + 8, 0);
  uint32_t t1 = (t + 1) & 7;
  wr64(CQ + t1 * 16, cmd_iofence(true, false, 0x77)); wr64(CQ + t1 * 16 + 8, 0x00320010 >> 2);
  wr64(0x00320010, 0);
  cpls.clear();
  top->reg_req_valid = 1; top->reg_req_write = 1; top->reg_req_offset = 36;
  top->reg_req_size8 = 0; top->reg_req_wdata = (t + 2) & 7;
  cycle();
  top->reg_req_valid = 0;
  int done_at = -1;
  for (int i = 0; i < 48; i++) {
    issue(0x8400 + i, OV_DID, 0x53000000 + i * 0x1000ull + 8, 2);
    if (done_at < 0 && rd64(0x00320010) == 0x77) done_at = i;
  }
  wait_cpls(48); run_idle(8);
  check(done_at >= 0 && done_at < 40, "IOFENCE.C completed while requests kept coming", (uint64_t)done_at);
  CHECK_EQ("cqh past the fence", rr4(32), (t + 2) & 7);
  int bad = 0;
  for (int i = 0; i < 48; i++) if (cpl_of(0x8400 + i).pa != 0xE3000000 + i * 0x1000ull + 8) bad++;
  CHECK_EQ("every streamed request: its own PA", bad, 0);
}

static void t_overlap() {
  cur_test = "overlap";
  fq_on();
  cq_on(2);
  setup_1lvl();
  ov_root = alloc_page();
  dc_write(DDT, OV_DID, dc_make(1, 0, 61ull << 12, SV39 | (ov_root >> 12)));
  ov_hit_under_miss();
  ov_two_faults();
  ov_two_ad_updates();
  ov2_groot = alloc_page(GROOT_ALIGN); alloc_page(); alloc_page(); alloc_page();
  ov2_sroot = alloc_page();
  map(ov2_groot, 3, true, 0, 0, 2, V | R | W | X | U | A | D);      // tables: GPA = SPA below 1 GiB
  dc_write(DDT, OV2_DID, dc_make(1, SV39X4 | (5ull << 44) | (ov2_groot >> 12), 65ull << 12,
                                 SV39 | (ov2_sroot >> 12)));
  for (int d = 0; d < 16; d += 2) ov_inval_race_once(d, true);
  for (int d = 0; d < 240; d += 3) ov_inval_race_once(d, false);
  ov_fence_under_stream();
  wr8(16, 0);
}

// Orders no register or memory value shows (what the harness's ABI 7 events carry): every move of fqt
// and pqt comes after the whole record it covers is in memory ("data before tail", spec: In-memory queue
// interface), and an IOFENCE.C fetched while an ATS.INVAL waits for its Invalidation Completion completes
// (its write, cqh past it) only after that completion (spec: ATS.INVAL, IOFENCE.C).
static void tail_after_record(const char *what, const At &t, uint64_t base, uint32_t slots, int bytes) {
  uint64_t lo = base + ((t.v - 1) & (slots - 1)) * bytes, last = 0;
  int n = 0;
  for (const At &w : write_at) if (w.v >= lo && w.v < lo + bytes) { n++; if (w.at > last) last = w.at; }
  check(n == bytes / 8, what, n, bytes / 8);
  check(last < t.at, "tail seen only after the record's last doubleword is written", t.at, last);
}

static void t_order() {
  cur_test = "order";
  fq_on(2);   // 8 entries
  for (int i = 0; i < 3; i++) xlate(7, 0x1000 * i, 2);   // Off: three fault records
  CHECK_EQ("fqt moved three times", fq_tails.size(), 3);
  for (const At &t : fq_tails) tail_after_record("fault record: four doublewords in its slot", t, FQ, 8, 32);
  // a Page Request recorded: pqt after both doublewords
  const uint64_t PQ = 0x00F00000;
  setup_1lvl();
  dc_write(DDT, 40, dc_make(1 | 2 | 4, 0, 0, 0));   // V, EN_ATS, EN_PRI
  wr8(56, ((PQ >> 12) << 10) | 2);
  wr4(80, 1);
  page_req(40, false, 0, 0x12345000ull | 1 | (1 << 2) | (3 << 3));
  CHECK_EQ("pqt moved once", pq_tails.size(), 1);
  for (const At &t : pq_tails) tail_after_record("page-request record: two doublewords in its slot", t, PQ, 8, 16);
  wr8(16, 0);
  // ATS.INVAL and IOFENCE.C made visible together, devices slower than the next command's fetch
  inv_latency = 64;
  cq_on(2);
  wr64(CQ, 4 | (30ull << 40)); wr64(CQ + 8, 0x40000000);
  wr64(CQ + 16, cmd_iofence(true, false, 0x99)); wr64(CQ + 24, 0x00330000 >> 2);
  uint64_t h0 = cq_heads.size();
  wr4(36, 2);
  run_idle(8);
  uint64_t passed = 0, written = 0;
  for (size_t i = h0; i < cq_heads.size(); i++) if (cq_heads[i].v == 2) passed = cq_heads[i].at;
  for (const At &w : write_at) if (w.v == 0x00330000) written = w.at;
  CHECK_EQ("IOFENCE.C data written", rd64(0x00330000) & 0xffffffff, 0x99);
  CHECK_EQ("one Invalidation Completion", inv_cpl_at.size(), 1);
  if (inv_cpl_at.size() == 1) {
    check(passed > inv_cpl_at[0].at, "cqh passes the IOFENCE.C after the ATS.INVAL's completion", passed, inv_cpl_at[0].at);
    check(written > inv_cpl_at[0].at, "IOFENCE.C writes after the ATS.INVAL's completion", written, inv_cpl_at[0].at);
  }
  inv_latency = 5;
}

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  int mutant = 0;
  for (int i = 1; i < argc; i++) {
    if (!strncmp(argv[i], "+mutant=", 8)) mutant = atoi(argv[i] + 8);
    if (!strcmp(argv[i], "+quiet")) quiet = true;
    if (!strcmp(argv[i], "+backpressure")) backpressure = true;
    if (!strcmp(argv[i], "+serial")) serial = true;
    if (!strncmp(argv[i], "+latency=", 9)) latency = atoi(argv[i] + 9);
  }
  top = new Vlockstep_iommu;
  void (*tests[])() = {t_regs, t_off_bare, t_sv39, t_sv48_3lvl, t_two_stage, t_pdt,
                       t_cmds_caches, t_fq_full, t_ddt_cache, t_fill_inval_race, t_tlb_consistency,
                       t_random_nohang, t_ats, t_page_req, t_page_req_csr_race, t_fault_csr_race, t_overlap, t_order};
  for (auto t : tests) { reset_dut(mutant); t(); }
  printf("selftest mutant=%d: %d checks, %d failures\n", mutant, checks, failures);
  top->final();
  delete top;
  return failures ? 1 : 0;
}
