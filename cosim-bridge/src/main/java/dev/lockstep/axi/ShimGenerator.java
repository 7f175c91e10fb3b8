package dev.lockstep.axi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Generates the shim top {@code lockstep_axi_shim}: every port of the AXI wrapper convention
 * (docs/axi-wrapper.md) at its widest, connected to the user's wrapper at the widths its declaration gives,
 * with absent optional outputs tied to 0. One harness source ({@code axi_harness.cpp}) compiles against it
 * whatever the wrapper; the declaration's choices reach the harness as the macros of
 * {@code lockstep_axi_decl.h}.
 */
public final class ShimGenerator {
    private ShimGenerator() {}

    public static final String SHIM_TOP = "lockstep_axi_shim";
    /** Prefix of the shim's wires to the wrapper: a Verilator width warning on one names the port. */
    static final String WIRE_PREFIX = "ls_w_";

    /** One port of the convention: its name, direction (into the wrapper), width there and in the shim. */
    public record Port(String name, boolean input, int width, int shimWidth, boolean present) {}

    public static List<Port> ports(WrapperDeclaration d) {
        List<Port> p = new ArrayList<>();
        add(p, "clk", true, 1, 1, true);
        add(p, "rst_n", true, 1, 1, true);
        add(p, "mutant", true, 32, 32, d.mutantPort());
        // programming port
        int dw = d.progDataWidth();
        boolean a4 = d.progAxi4();
        for (String ch : new String[] {"aw", "ar"}) {
            add(p, "s_prog_" + ch + "valid", true, 1, 1, true);
            add(p, "s_prog_" + ch + "ready", false, 1, 1, true);
            add(p, "s_prog_" + ch + "addr", true, d.progAddrWidth(), 64, true);
            add(p, "s_prog_" + ch + "prot", true, 3, 3, true);
            add(p, "s_prog_" + ch + "id", true, d.progIdWidth(), 16, a4);
            add(p, "s_prog_" + ch + "len", true, 8, 8, a4);
            add(p, "s_prog_" + ch + "size", true, 3, 3, a4);
            add(p, "s_prog_" + ch + "burst", true, 2, 2, a4);
        }
        add(p, "s_prog_wvalid", true, 1, 1, true);
        add(p, "s_prog_wready", false, 1, 1, true);
        add(p, "s_prog_wdata", true, dw, 64, true);
        add(p, "s_prog_wstrb", true, dw / 8, 8, true);
        add(p, "s_prog_wlast", true, 1, 1, a4);
        add(p, "s_prog_bvalid", false, 1, 1, true);
        add(p, "s_prog_bready", true, 1, 1, true);
        add(p, "s_prog_bresp", false, 2, 2, true);
        add(p, "s_prog_bid", false, d.progIdWidth(), 16, a4);
        add(p, "s_prog_rvalid", false, 1, 1, true);
        add(p, "s_prog_rready", true, 1, 1, true);
        add(p, "s_prog_rdata", false, dw, 64, true);
        add(p, "s_prog_rresp", false, 2, 2, true);
        add(p, "s_prog_rid", false, d.progIdWidth(), 16, a4);
        add(p, "s_prog_rlast", false, 1, 1, a4);
        // device request port (slave: requests come in)
        for (String ch : new String[] {"aw", "ar"}) {
            add(p, "s_dev_" + ch + "valid", true, 1, 1, true);
            add(p, "s_dev_" + ch + "ready", false, 1, 1, true);
            add(p, "s_dev_" + ch + "id", true, d.devIdWidth(), 16, true);
            add(p, "s_dev_" + ch + "addr", true, 64, 64, true);
            add(p, "s_dev_" + ch + "len", true, 8, 8, true);
            add(p, "s_dev_" + ch + "size", true, 3, 3, true);
            add(p, "s_dev_" + ch + "burst", true, 2, 2, true);
            add(p, "s_dev_" + ch + "prot", true, 3, 3, true);
            add(p, "s_dev_" + ch + "mmusid", true, 24, 24, true);
            add(p, "s_dev_" + ch + "mmussidv", true, 1, 1, true);
            add(p, "s_dev_" + ch + "mmussid", true, 20, 20, true);
            add(p, "s_dev_" + ch + "mmuatst", true, 1, 1, d.translated());
        }
        slaveData(p, "s_dev_", d.devIdWidth());
        // translated output and memory master (masters: the harness is the slave)
        master(p, "m_out_", d.outIdWidth(), d.outAddrWidth());
        add(p, "m_out_awpbmt", false, 2, 2, d.pbmt());
        add(p, "m_out_arpbmt", false, 2, 2, d.pbmt());
        master(p, "m_mem_", d.memIdWidth(), d.memAddrWidth());
        add(p, "m_mem_awatop", false, 6, 6, d.atop());
        add(p, "m_mem_rpoison", true, 1, 1, d.poison());
        add(p, "irq", false, d.irqWidth(), 16, true);
        // PCIe side channels: the built-in DUT's native signals
        boolean ats = d.ats();
        for (Object[] s : new Object[][] {{"ats_req_valid", true, 1}, {"ats_req_ready", false, 1},
                {"ats_req_tag", true, 16}, {"ats_req_did", true, 24}, {"ats_req_pv", true, 1}, {"ats_req_pid", true, 20},
                {"ats_req_priv", true, 1}, {"ats_req_nw", true, 1}, {"ats_req_exe", true, 1}, {"ats_req_iova", true, 64},
                {"ats_cpl_valid", false, 1}, {"ats_cpl_ready", true, 1}, {"ats_cpl_tag", false, 16},
                {"ats_cpl_status", false, 2}, {"ats_cpl_addr", false, 64}, {"ats_cpl_r", false, 1},
                {"ats_cpl_w", false, 1}, {"ats_cpl_x", false, 1}, {"ats_cpl_u", false, 1}, {"ats_cpl_g", false, 1},
                {"ats_cpl_s", false, 1}, {"ats_cpl_priv", false, 1}}) {
            add(p, (String) s[0], (Boolean) s[1], (Integer) s[2], (Integer) s[2], ats);
        }
        add(p, "ats_req_cxl", true, 1, 1, d.atsCxl());
        add(p, "ats_cpl_cxl", false, 1, 1, d.atsCxl());
        boolean msg = d.messages();
        for (Object[] s : new Object[][] {{"msg_valid", false, 1}, {"msg_ready", true, 1}, {"msg_prgr", false, 1},
                {"msg_rid", false, 16}, {"msg_dsv", false, 1}, {"msg_dseg", false, 8}, {"msg_pv", false, 1},
                {"msg_pid", false, 20}, {"msg_payload", false, 64}, {"ats_inv_cpl_valid", true, 1}}) {
            add(p, (String) s[0], (Boolean) s[1], (Integer) s[2], (Integer) s[2], msg);
        }
        boolean pr = d.pageRequests();
        for (Object[] s : new Object[][] {{"pr_req_valid", true, 1}, {"pr_req_ready", false, 1}, {"pr_req_did", true, 24},
                {"pr_req_pv", true, 1}, {"pr_req_pid", true, 20}, {"pr_req_priv", true, 1}, {"pr_req_exec", true, 1},
                {"pr_req_payload", true, 64}}) {
            add(p, (String) s[0], (Boolean) s[1], (Integer) s[2], (Integer) s[2], pr);
        }
        add(p, "pr_req_dsv", true, 1, 1, d.pageRequestDsv());
        add(p, "obs_cause_valid", false, 1, 1, d.causePort());
        add(p, "obs_cause", false, 12, 12, d.causePort());
        add(p, "idle", false, 1, 1, d.idlePort());
        // the registers whose moves the harness reports (C ABI 6 and 7): cqh, and the fault and page-request queue tails
        add(p, "cqh", false, 32, 32, d.cqhPort());
        add(p, "fqt", false, 32, 32, d.fqtPort());
        add(p, "pqt", false, 32, 32, d.pqtPort());
        return p;
    }

    private static void add(List<Port> p, String name, boolean input, int width, int shimWidth, boolean present) {
        p.add(new Port(name, input, width, shimWidth, present));
    }

    /** The W, B and R channels of a slave port (the harness is the master). */
    private static void slaveData(List<Port> p, String prefix, int idWidth) {
        add(p, prefix + "wvalid", true, 1, 1, true);
        add(p, prefix + "wready", false, 1, 1, true);
        add(p, prefix + "wdata", true, 64, 64, true);
        add(p, prefix + "wstrb", true, 8, 8, true);
        add(p, prefix + "wlast", true, 1, 1, true);
        add(p, prefix + "bvalid", false, 1, 1, true);
        add(p, prefix + "bready", true, 1, 1, true);
        add(p, prefix + "bid", false, idWidth, 16, true);
        add(p, prefix + "bresp", false, 2, 2, true);
        add(p, prefix + "rvalid", false, 1, 1, true);
        add(p, prefix + "rready", true, 1, 1, true);
        add(p, prefix + "rid", false, idWidth, 16, true);
        add(p, prefix + "rdata", false, 64, 64, true);
        add(p, prefix + "rresp", false, 2, 2, true);
        add(p, prefix + "rlast", false, 1, 1, true);
    }

    /** A master port of the wrapper (m_out, m_mem): AW, W, B, AR, R. */
    private static void master(List<Port> p, String prefix, int idWidth, int addrWidth) {
        for (String ch : new String[] {"aw", "ar"}) {
            add(p, prefix + ch + "valid", false, 1, 1, true);
            add(p, prefix + ch + "ready", true, 1, 1, true);
            add(p, prefix + ch + "id", false, idWidth, 16, true);
            add(p, prefix + ch + "addr", false, addrWidth, 64, true);
            add(p, prefix + ch + "len", false, 8, 8, true);
            add(p, prefix + ch + "size", false, 3, 3, true);
            add(p, prefix + ch + "burst", false, 2, 2, true);
        }
        add(p, prefix + "wvalid", false, 1, 1, true);
        add(p, prefix + "wready", true, 1, 1, true);
        add(p, prefix + "wdata", false, 64, 64, true);
        add(p, prefix + "wstrb", false, 8, 8, true);
        add(p, prefix + "wlast", false, 1, 1, true);
        add(p, prefix + "bvalid", true, 1, 1, true);
        add(p, prefix + "bready", false, 1, 1, true);
        add(p, prefix + "bid", true, idWidth, 16, true);
        add(p, prefix + "bresp", true, 2, 2, true);
        add(p, prefix + "rvalid", true, 1, 1, true);
        add(p, prefix + "rready", false, 1, 1, true);
        add(p, prefix + "rid", true, idWidth, 16, true);
        add(p, prefix + "rdata", true, 64, 64, true);
        add(p, prefix + "rresp", true, 2, 2, true);
        add(p, prefix + "rlast", true, 1, 1, true);
    }

    /** The shim's SystemVerilog source, instantiating {@code d.top()} with {@code parameters}. */
    public static String shim(WrapperDeclaration d, Map<String, String> parameters) {
        List<Port> ports = ports(d);
        StringBuilder b = new StringBuilder();
        b.append("// Generated by 'lockstep build' from the declaration of ").append(d.top())
                .append(" (docs/axi-wrapper.md). Do not edit.\n");
        b.append("/* verilator lint_off UNUSEDSIGNAL */\n/* verilator lint_off UNDRIVEN */\n");
        b.append("module ").append(SHIM_TOP).append(" (\n");
        for (int i = 0; i < ports.size(); i++) {
            Port p = ports.get(i);
            b.append("  ").append(p.input() ? "input " : "output").append(" logic ")
                    .append(p.shimWidth() > 1 ? "[" + (p.shimWidth() - 1) + ":0] " : "").append(p.name())
                    .append(i + 1 < ports.size() ? ",\n" : "\n");
        }
        b.append(");\n");
        for (Port p : ports) {
            String range = p.width() > 1 ? "[" + (p.width() - 1) + ":0] " : "";
            String wire = WIRE_PREFIX + p.name();
            if (!p.present()) {
                if (!p.input()) b.append("  assign ").append(p.name()).append(" = '0;\n");
                continue;
            }
            b.append("  logic ").append(range).append(wire).append(";\n");
            if (p.input()) {
                b.append("  assign ").append(wire).append(" = ").append(p.name())
                        .append(p.shimWidth() > 1 ? "[" + (p.width() - 1) + ":0]" : "").append(";\n");
            } else if (p.width() == p.shimWidth()) {
                b.append("  assign ").append(p.name()).append(" = ").append(wire).append(";\n");
            } else {
                b.append("  assign ").append(p.name()).append(" = {").append(p.shimWidth() - p.width())
                        .append("'b0, ").append(wire).append("};\n");
            }
        }
        b.append("  ").append(d.top());
        if (!parameters.isEmpty()) {
            b.append(" #(");
            int i = 0;
            for (Map.Entry<String, String> e : parameters.entrySet()) {
                b.append(i++ == 0 ? "" : ", ").append('.').append(e.getKey()).append('(').append(e.getValue()).append(')');
            }
            b.append(")");
        }
        b.append(" dut (\n");
        List<Port> present = ports.stream().filter(Port::present).toList();
        for (int i = 0; i < present.size(); i++) {
            Port p = present.get(i);
            b.append("    .").append(p.name()).append('(').append(WIRE_PREFIX).append(p.name()).append(')')
                    .append(i + 1 < present.size() ? ",\n" : "\n");
        }
        b.append("  );\nendmodule\n");
        return b.toString();
    }

    /** The header the harness is compiled with: the declaration's choices as LS_* macros. */
    public static String header(WrapperDeclaration d, String buildId) {
        StringBuilder b = new StringBuilder("/* Generated by 'lockstep build'. Do not edit. */\n");
        b.append("#define LS_PROG_DATA_WIDTH ").append(d.progDataWidth()).append('\n');
        b.append("#define LS_PROG_AXI4 ").append(d.progAxi4() ? 1 : 0).append('\n');
        b.append("#define LS_PROG_BASE 0x").append(Long.toHexString(d.progBase())).append("ull\n");
        b.append("#define LS_DEV_ID_WIDTH ").append(d.devIdWidth()).append('\n');
        b.append("#define LS_TRANSLATED ").append(d.translated() ? 1 : 0).append('\n');
        b.append("#define LS_OUT_PBMT ").append(d.pbmt() ? 1 : 0).append('\n');
        b.append("#define LS_MEM_ATOP ").append(d.atop() ? 1 : 0).append('\n');
        b.append("#define LS_MEM_POISON ").append(d.poison() ? 1 : 0).append('\n');
        b.append("#define LS_IRQ_WIDTH ").append(d.irqWidth()).append('\n');
        b.append("#define LS_ATS ").append(d.ats() ? 1 : 0).append('\n');
        b.append("#define LS_PAGE_REQUESTS ").append(d.pageRequests() ? 1 : 0).append('\n');
        b.append("#define LS_CAUSE_PORT ").append(d.causePort() ? 1 : 0).append('\n');
        b.append("#define LS_IDLE_PORT ").append(d.idlePort() ? 1 : 0).append('\n');
        b.append("#define LS_MUTANT_PORT ").append(d.mutantPort() ? 1 : 0).append('\n');
        b.append("#define LS_CQH_PORT ").append(d.cqhPort() ? 1 : 0).append('\n');
        b.append("#define LS_FQT_PORT ").append(d.fqtPort() ? 1 : 0).append('\n');
        b.append("#define LS_PQT_PORT ").append(d.pqtPort() ? 1 : 0).append('\n');
        b.append("#define LOCKSTEP_BUILD_ID \"").append(buildId.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        return b.toString();
    }
}
