package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.axi.ShimGenerator;
import dev.lockstep.axi.WrapperDeclaration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockstep build}'s errors, each with its exit code and a message naming the place: a missing file
 * list, a bad declaration key, a port missing from the wrapper, a port of the wrong width, a Verilator syntax
 * error; and a second build with nothing changed is up to date. The wrappers are generated from the
 * convention's port list (every output tied to 0), so only the build is exercised.
 */
class BuildCommandTest {

    static final String DECL = "{\"top\": \"tiny\", \"prog\": {\"protocol\": \"axi4lite\", \"data_width\": 32},"
            + " \"s_dev\": {\"id_width\": 2}, \"m_out\": {\"id_width\": 2}, \"m_mem\": {\"id_width\": 2}, \"irq_width\": 4}";

    @TempDir
    Path dir;

    /** A wrapper module {@code tiny} with the ports of {@link #DECL}, each line passed through {@code edit}. */
    Path files(UnaryOperator<String> edit) throws Exception { return files(DECL, edit); }

    /** A wrapper module {@code tiny} with the ports of declaration {@code decl}, each line passed through {@code edit}. */
    Path files(String decl, UnaryOperator<String> edit) throws Exception {
        Path declFile = dir.resolve("tiny.lockstep.json");
        Files.writeString(declFile, decl);
        WrapperDeclaration d = WrapperDeclaration.read(declFile);
        StringBuilder sv = new StringBuilder("module tiny (\n");
        List<ShimGenerator.Port> ports = ShimGenerator.ports(d).stream().filter(ShimGenerator.Port::present).toList();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < ports.size(); i++) {
            ShimGenerator.Port p = ports.get(i);
            String line = "  " + (p.input() ? "input " : "output") + " logic " + (p.width() > 1 ? "[" + (p.width() - 1)
                    + ":0] " : "") + p.name() + (i + 1 < ports.size() ? "," : "");
            String edited = edit.apply(line);
            if (edited != null) sv.append(edited).append('\n');
            if (!p.input()) body.append("  assign ").append(p.name()).append(" = '0;\n");
        }
        sv.append(");\n").append(body).append("endmodule\n");
        Files.writeString(dir.resolve("tiny.sv"), sv.toString());
        Path list = dir.resolve("files.f");
        Files.writeString(list, dir.resolve("tiny.sv") + "\n");
        return list;
    }

    Cli build(Path list) {
        return Cli.run("build", "--rtl", list.toString(), "--top", "tiny", "--out", dir.resolve("out/libtiny.so").toString());
    }

    @Test
    void missingFileListIsBadUsage() {
        Cli c = Cli.run("build", "--rtl", dir.resolve("nope.f").toString(), "--top", "tiny", "--out", dir.resolve("x.so").toString());
        assertEquals(2, c.exitCode, c.err);
        assertTrue(c.err.contains("nope.f: file list not found"), c.err);
    }

    @Test
    void badDeclarationKeyIsNamed() throws Exception {
        Path list = files(l -> l);
        Files.writeString(dir.resolve("tiny.lockstep.json"), DECL.replace("\"irq_width\"", "\"irq_widht\""));
        Cli c = build(list);
        assertEquals(2, c.exitCode, c.err);
        assertTrue(c.err.contains("unknown key 'irq_widht'"), c.err);
        Files.writeString(dir.resolve("tiny.lockstep.json"), DECL.replace("\"data_width\": 32", "\"data_width\": 16"));
        c = build(list);
        assertEquals(2, c.exitCode, c.err);
        assertTrue(c.err.contains("key 'prog.data_width': expected 32 or 64, got 16"), c.err);
    }

    @Test
    void missingPortIsNamed() throws Exception {
        Cli c = build(files(l -> l.contains(" s_dev_arready,") ? null : l));
        assertEquals(2, c.exitCode, c.err);
        assertTrue(c.err.contains("port s_dev_arready: missing from module tiny"), c.err);
        assertFalse(c.err.contains("g++"), "no compiler or linker output: " + c.err);
    }

    @Test
    void missingObservationPortIsNamed() throws Exception {
        String decl = DECL.replace("\"irq_width\": 4", "\"irq_width\": 4, \"cqh_port\": true, \"pqt_port\": true");
        Cli c = build(files(decl, l -> l.contains(" cqh") ? null : l));
        assertEquals(2, c.exitCode, c.err);
        assertTrue(c.err.contains("port cqh: missing from module tiny") && c.err.contains("output [31:0]"), c.err);
        Path bad = dir.resolve("tiny.lockstep.json");
        Files.writeString(bad, DECL.replace("\"irq_width\": 4", "\"irq_width\": 4, \"cqh_port\": 1"));
        c = build(dir.resolve("files.f"));
        assertEquals(2, c.exitCode, c.err);
        assertTrue(c.err.contains("key 'cqh_port': expected true or false"), c.err);
    }

    @Test
    void wrongWidthIsNamed() throws Exception {
        Cli c = build(files(l -> l.replace("[11:0] s_prog_awaddr", "[15:0] s_prog_awaddr")));
        assertEquals(2, c.exitCode, c.err);
        assertTrue(c.err.contains("port s_prog_awaddr: 16 bits in module tiny, but the declaration makes it 12 bits"), c.err);
    }

    @Test
    void syntaxErrorGivesTheFirstErrorLines() throws Exception {
        Cli c = build(files(l -> l.replace("output logic s_prog_bvalid", "output logic s_prog_bvalid $$")));
        assertEquals(3, c.exitCode, c.err);
        assertTrue(c.err.contains("Verilator failed") && c.err.contains("%Error"), c.err);
        assertTrue(c.err.lines().count() < 20, "the first error lines, not the whole log: " + c.err);
    }

    @Test
    void theTemplateBuildsAsShipped() throws Exception {
        Path template = dev.lockstep.TestPaths.home().resolve("rtl-stubs/axi/template");
        Path list = dir.resolve("template.f");
        Files.writeString(list, template.resolve("my_iommu_wrapper.sv") + "\n");
        String[] args = {"build", "--rtl", list.toString(), "--top", "my_iommu_wrapper", "--decl",
                template.resolve("my_iommu_wrapper.lockstep.json").toString(), "--out", dir.resolve("t/libt.so").toString()};
        // Two builds of one library at once (two CI jobs, say): one builds, the other waits and finds it built.
        java.util.concurrent.CompletableFuture<Cli> other = java.util.concurrent.CompletableFuture.supplyAsync(() -> Cli.run(args));
        Cli c = Cli.run(args);
        Cli d = other.join();
        assertEquals(0, c.exitCode, c.out + c.err);
        assertEquals(0, d.exitCode, d.out + d.err);
        assertTrue(Files.isRegularFile(dir.resolve("t/libt.so")));
        assertEquals(1, (c.out.contains("up to date") ? 1 : 0) + (d.out.contains("up to date") ? 1 : 0),
                "exactly one of two concurrent builds builds: " + c.out + "\n---\n" + d.out);
    }

    @Test
    void unchangedBuildIsUpToDate() throws Exception {
        Path list = files(l -> l);
        Cli first = build(list);
        assertEquals(0, first.exitCode, first.err);
        assertTrue(first.out.contains("built "), first.out);
        Cli second = build(list);
        assertEquals(0, second.exitCode, second.err);
        assertTrue(second.out.contains("up to date (nothing changed)"), second.out);
        // A changed source is built again (here it fails, which shows the cache was not taken).
        Files.writeString(dir.resolve("tiny.sv"), Files.readString(dir.resolve("tiny.sv")) + "garbage\n");
        Cli third = build(list);
        assertEquals(3, third.exitCode, third.out + third.err);
        assertFalse(third.out.contains("up to date"), third.out);
    }
}
