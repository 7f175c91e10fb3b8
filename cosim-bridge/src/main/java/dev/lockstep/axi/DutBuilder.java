package dev.lockstep.axi;

import dev.lockstep.regression.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code lockstep build}: Verilates a user's AXI wrapper (docs/axi-wrapper.md) under the generated shim top
 * and links it with the generic AXI harness into a DUT library behind lockstep_dut.h. The build is cached:
 * {@code LIB.d/} keeps the objects and the content hash of everything that went in (sources, file list,
 * include directories, flags, parameters, declaration, harness, Verilator version); a build whose hash is
 * unchanged does nothing.
 *
 * <p>Errors: a declaration or a wrapper that disagrees with it (a missing port, a wrong width) is bad input
 * naming the port ({@link BadInputException}, exit 2); a Verilator, compiler or linker failure is a
 * {@link BuildException} (exit 3) with the first error lines.
 */
public final class DutBuilder {

    /** What to build. {@code workDir} is where paths in the file list are relative to (Verilator's -f). */
    public record Request(Path fileList, String top, List<Path> includeDirs, Map<String, String> parameters,
                          List<String> verilatorArgs, Path declaration, Path library, Path workDir) {}

    /** The outcome: the library, whether it was already up to date, and the build id it carries. */
    public record Result(Path library, boolean upToDate, String hash) {}

    private final Path harnessDir;
    private final java.io.PrintWriter log;

    /** {@code harnessDir}: cosim-bridge/src/main/cpp of the checkout (axi_harness.cpp and the ABI header). */
    public DutBuilder(Path harnessDir, java.io.PrintWriter log) {
        this.harnessDir = harnessDir;
        this.log = log;
    }

    static final List<String> HARNESS_FILES = List.of("axi_harness.cpp", "lockstep_harness_common.h", "lockstep_dut.h",
            "lockstep_vl_hooks.h", "lockstep.map", "lockstep_waves.h", "lockstep_scope.sv");

    /**
     * The Verilator argument that makes the library write FST waveforms instead of VCD (Verilator 5.006
     * Verilates a model for one trace format): the model, the waveform's lockstep scope and the harness
     * are built for it.
     */
    public static final String TRACE_FST = "--trace-fst";

    private static boolean fst(Request r) { return r.verilatorArgs().contains(TRACE_FST); }

    public Result build(Request r) throws BadInputException, BuildException {
        if (!Files.isRegularFile(r.fileList())) {
            throw new BadInputException("--rtl " + r.fileList() + ": file list not found");
        }
        Path declFile = r.declaration() != null ? r.declaration() : findDeclaration(r);
        if (!Files.isRegularFile(declFile)) {
            throw new BadInputException((r.declaration() != null ? "--decl " : "declaration file ") + declFile
                    + " not found (write " + r.top() + ".lockstep.json beside the wrapper or the file list, or name it "
                    + "with --decl; docs/axi-wrapper.md)");
        }
        WrapperDeclaration decl = WrapperDeclaration.read(declFile);
        if (!decl.top().equals(r.top())) {
            throw new BadInputException(declFile + ": key 'top' is '" + decl.top() + "' but --top is '" + r.top() + "'");
        }
        for (String k : r.parameters().keySet()) {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new BadInputException("-G " + k + ": not a parameter name");
        }
        String verilatorVersion = run(List.of("verilator", "--version"), r.workDir(), null).trim();
        List<Path> sources = sources(r);
        String shim = ShimGenerator.shim(decl, r.parameters());
        String hash = hash(r, sources, shim, verilatorVersion);
        String buildId = decl.top() + " rtl:" + hash.substring(0, 12) + " harness:" + harnessHash().substring(0, 12)
                + " " + verilatorVersion.split(" ")[0] + " " + (verilatorVersion.split(" ").length > 1
                ? verilatorVersion.split(" ")[1] : "") + " " + decl.interfaceText();
        Path lib = r.library().toAbsolutePath();
        // Two runs (or a run and a build) asking for the same library at once: one builds, the other waits
        // and finds it cached, instead of both writing one build directory.
        try (BuildLock held = BuildLock.take(Path.of(lib + ".lock"), log)) {
            return buildLocked(r, decl, sources, shim, hash, buildId, lib);
        }
    }

    private Result buildLocked(Request r, WrapperDeclaration decl, List<Path> sources, String shim, String hash,
                               String buildId, Path lib) throws BadInputException, BuildException {
        Path dir = Path.of(lib + ".d");
        Path stamp = dir.resolve("hash");
        try {
            if (Files.isRegularFile(lib) && Files.isRegularFile(stamp) && Files.readString(stamp).trim().equals(hash)) {
                return new Result(lib, true, hash);
            }
            log.println("building " + lib + " from " + r.fileList() + " (top " + r.top() + "; log in " + dir + ")");
            log.flush();
            Files.createDirectories(dir.resolve("gen"));
            Files.deleteIfExists(stamp);
            Files.writeString(dir.resolve("gen/" + ShimGenerator.SHIM_TOP + ".sv"), shim);
            Files.writeString(dir.resolve("gen/lockstep_axi_decl.h"), ShimGenerator.header(decl, buildId));
        } catch (IOException e) {
            throw new BuildException("cannot write the build directory " + dir + ": " + e.getMessage());
        }
        verilate(r, decl, dir);
        compile(r, dir, lib);
        try {
            Files.writeString(stamp, hash + "\n");
        } catch (IOException e) {
            throw new BuildException("cannot write " + stamp + ": " + e.getMessage());
        }
        return new Result(lib, false, hash);
    }

    /** {@code TOP.lockstep.json} beside the file list, else beside one of the listed sources. */
    private Path findDeclaration(Request r) throws BadInputException {
        String name = r.top() + ".lockstep.json";
        Path beside = r.fileList().toAbsolutePath().getParent().resolve(name);
        if (Files.isRegularFile(beside)) return beside;
        for (Path s : sources(r)) {
            Path p = s.getParent() == null ? Path.of(name) : s.getParent().resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        return beside;
    }

    /** The source files the file list names (options such as +incdir+ or -v are left to Verilator). */
    private static List<Path> sources(Request r) throws BadInputException {
        List<Path> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(r.fileList())) {
                String s = line.replaceAll("//.*", "").trim();
                if (s.isEmpty() || s.startsWith("+") || s.startsWith("-")) continue;
                Path p = r.workDir().resolve(s);
                if (!Files.isRegularFile(p)) {
                    throw new BadInputException("--rtl " + r.fileList() + ": source " + s + " not found (paths in the "
                            + "file list are relative to " + r.workDir() + ")");
                }
                out.add(p);
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read --rtl " + r.fileList() + ": " + e.getMessage());
        }
        return out;
    }

    private String hash(Request r, List<Path> sources, String shim, String verilatorVersion) throws BuildException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            update(md, "files", Files.readAllBytes(r.fileList()));
            for (Path s : sources) update(md, s.toString(), Files.readAllBytes(s));
            for (Path d : r.includeDirs()) {
                if (!Files.isDirectory(r.workDir().resolve(d))) continue;
                try (Stream<Path> files = Files.walk(r.workDir().resolve(d))) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        update(md, f.toString(), Files.readAllBytes(f));
                    }
                }
            }
            update(md, "flags", String.join("\u0000", r.verilatorArgs()).getBytes(StandardCharsets.UTF_8));
            update(md, "shim", shim.getBytes(StandardCharsets.UTF_8));
            update(md, "harness", harnessHash().getBytes(StandardCharsets.UTF_8));
            update(md, "verilator", verilatorVersion.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new BuildException("cannot read the sources: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String harnessHash() throws BuildException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String f : HARNESS_FILES) update(md, f, Files.readAllBytes(harnessDir.resolve(f)));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new BuildException("the AXI harness sources are missing from " + harnessDir + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest md, String name, byte[] data) {
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Long.toString(data.length).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(data);
    }

    // Verilator 5.006's words for a connection of the shim the wrapper lacks, or of another width.
    private static final Pattern PIN_NOT_FOUND = Pattern.compile(
            "Pin (?:not found|is not an in/out/inout/param/interface): '(\\w+)'");
    private static final Pattern WIDTH = Pattern.compile("%Warning-WIDTH\\w*: \\S*" + ShimGenerator.SHIM_TOP
            + "\\.sv:\\d+:\\d+: \\w+ port connection '\\w+' expects (\\d+) bits on the pin connection, but pin "
            + "connection's \\w+ '" + ShimGenerator.WIRE_PREFIX + "(\\w+)' generates (\\d+) bits");
    private static final Pattern NO_TOP = Pattern.compile("Cannot find file containing module: '(\\w+)'");

    private void verilate(Request r, WrapperDeclaration decl, Path dir) throws BadInputException, BuildException {
        Path cpp = harnessDir.toAbsolutePath();
        String cflags = "-fPIC -O2 -DVL_USER_FATAL -DVL_USER_STOP -DVL_USER_FINISH -include " + cpp.resolve("lockstep_vl_hooks.h");
        List<String> cmd = new ArrayList<>(List.of("verilator", "--cc", "-O3", "-Wno-fatal",
                "--top-module", ShimGenerator.SHIM_TOP, "--Mdir", dir.resolve("obj").toString(), "-CFLAGS", cflags));
        if (!fst(r)) cmd.add(1, "--trace");
        for (Path i : r.includeDirs()) cmd.add("-I" + r.workDir().resolve(i));
        cmd.addAll(r.verilatorArgs());
        cmd.addAll(List.of("-f", r.fileList().toAbsolutePath().toString(),
                dir.resolve("gen/" + ShimGenerator.SHIM_TOP + ".sv").toString()));
        Path logFile = dir.resolve("verilator.log");
        Proc p = exec(cmd, r.workDir(), logFile);
        String out = p.output;
        // The wrapper against its declaration first: these name the port.
        List<String> portErrors = new ArrayList<>();
        Map<String, ShimGenerator.Port> byName = new LinkedHashMap<>();
        for (ShimGenerator.Port port : ShimGenerator.ports(decl)) byName.put(port.name(), port);
        Matcher m = PIN_NOT_FOUND.matcher(out);
        while (m.find()) {
            portErrors.add("port " + m.group(1) + ": missing from module " + decl.top() + " (the convention and its "
                    + "declaration need it" + (byName.containsKey(m.group(1)) ? ", " + describe(byName.get(m.group(1))) : "") + ")");
        }
        m = WIDTH.matcher(out);
        while (m.find()) {
            String port = m.group(2);
            // Verilator words it from the pin's side: "expects" is the wrapper's width.
            portErrors.add("port " + port + ": " + m.group(1) + " bits in module " + decl.top() + ", but the declaration "
                    + "makes it " + m.group(3) + " bits" + (byName.containsKey(port) ? " (" + describe(byName.get(port)) + ")" : ""));
        }
        if (!portErrors.isEmpty()) {
            throw new BadInputException("the wrapper " + decl.top() + " does not match its declaration:\n  "
                    + String.join("\n  ", portErrors.stream().distinct().toList()));
        }
        m = NO_TOP.matcher(out);
        if (p.exit != 0 && m.find() && m.group(1).equals(decl.top())) {
            throw new BadInputException("--top " + decl.top() + ": no such module in the sources of " + r.fileList());
        }
        if (p.exit != 0) {
            throw new BuildException("Verilator failed on " + r.fileList() + " (full log: " + logFile + "):\n"
                    + firstErrors(out));
        }
        Proc mk = exec(List.of("make", "-s", "-C", dir.resolve("obj").toString(), "-f", "V" + ShimGenerator.SHIM_TOP + ".mk",
                "-j", "2", "OPT_FAST=-O2", "OPT_SLOW=-O1", "V" + ShimGenerator.SHIM_TOP + "__ALL.a", "verilated.o",
                traceObject(r), "verilated_threads.o"), r.workDir(), dir.resolve("make.log"));
        if (mk.exit != 0) {
            throw new BuildException("compiling the Verilated model failed (full log: " + dir.resolve("make.log") + "):\n"
                    + firstErrors(mk.output));
        }
        verilateScope(r, dir, cflags);
    }

    /** Verilator's trace writer object for the format the library writes. */
    private static String traceObject(Request r) { return fst(r) ? "verilated_fst_c.o" : "verilated_vcd_c.o"; }

    /** The waveform's lockstep scope (lockstep_scope.sv, lockstep_waves.h): a model of its own, in dir/scope. */
    private void verilateScope(Request r, Path dir, String cflags) throws BuildException {
        Path scope = dir.resolve("scope");
        Proc v = exec(List.of("verilator", "--cc", fst(r) ? TRACE_FST : "--trace", "-O3", "--top-module", "lockstep_scope",
                "--Mdir", scope.toString(), "-CFLAGS", cflags, harnessDir.toAbsolutePath().resolve("lockstep_scope.sv").toString()),
                r.workDir(), dir.resolve("scope.log"));
        Proc mk = v.exit != 0 ? v : exec(List.of("make", "-s", "-C", scope.toString(), "-f", "Vlockstep_scope.mk",
                "OPT_FAST=-O2", "OPT_SLOW=-O1", "Vlockstep_scope__ALL.a"), r.workDir(), dir.resolve("scope-make.log"));
        if (mk.exit != 0) {
            throw new BuildException("building the waveform's lockstep scope failed (log in " + dir + "):\n"
                    + firstErrors(mk.output));
        }
    }

    private static String describe(ShimGenerator.Port p) {
        return (p.input() ? "input" : "output") + (p.width() > 1 ? " [" + (p.width() - 1) + ":0]" : ", 1 bit");
    }

    private void compile(Request r, Path dir, Path lib) throws BuildException {
        Path cpp = harnessDir.toAbsolutePath();
        Path obj = dir.resolve("obj");
        Path o = dir.resolve("axi_harness.o");
        List<String> cc = new ArrayList<>(List.of("g++", "-std=c++17", "-O2", "-fPIC", "-Wall", "-Wextra", "-DVL_USER_FATAL",
                "-DVL_USER_STOP", "-DVL_USER_FINISH", "-include", cpp.resolve("lockstep_vl_hooks.h").toString(),
                "-I" + dir.resolve("gen"), "-I" + obj, "-I" + dir.resolve("scope"), "-I" + cpp, "-isystem",
                "/usr/share/verilator/include", "-isystem", "/usr/share/verilator/include/vltstd", "-c",
                cpp.resolve("axi_harness.cpp").toString(), "-o", o.toString()));
        if (fst(r)) cc.add(1, "-DLOCKSTEP_TRACE_FST");
        Proc compiled = exec(cc, dir, dir.resolve("harness.log"));
        if (compiled.exit != 0) throw new BuildException("compiling the AXI harness failed:\n" + firstErrors(compiled.output));
        Path tmp = Path.of(lib + ".tmp");
        List<String> link = new ArrayList<>(List.of("g++", "-shared", "-o", tmp.toString(), o.toString(),
                obj.resolve("V" + ShimGenerator.SHIM_TOP + "__ALL.a").toString(),
                dir.resolve("scope/Vlockstep_scope__ALL.a").toString(), obj.resolve("verilated.o").toString(),
                obj.resolve(traceObject(r)).toString(), obj.resolve("verilated_threads.o").toString(),
                "-Wl,--version-script=" + cpp.resolve("lockstep.map"), "-Wl,--no-undefined", "-pthread"));
        if (fst(r)) link.add("-lz");
        Proc ld = exec(link, dir, dir.resolve("link.log"));
        if (ld.exit != 0) throw new BuildException("linking " + lib + " failed:\n" + firstErrors(ld.output));
        try {
            Files.createDirectories(lib.getParent());
            Files.move(tmp, lib, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BuildException("cannot write " + lib + ": " + e.getMessage());
        }
    }

    /** The first error lines of a tool's output (at most 12), never the whole log. */
    public static String firstErrors(String out) {
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (l.contains("%Error") || l.contains("error:") || l.contains("Error ")) lines.add("  " + l.trim());
            if (lines.size() == 12) break;
        }
        if (lines.isEmpty()) {
            String[] all = out.split("\n");
            for (int i = Math.max(0, all.length - 12); i < all.length; i++) lines.add("  " + all[i]);
        }
        return String.join("\n", lines);
    }

    private record Proc(int exit, String output) {}

    private Proc exec(List<String> cmd, Path cwd, Path logFile) throws BuildException {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (logFile != null) Files.writeString(logFile, String.join(" ", cmd) + "\n" + out);
            return new Proc(exit, out);
        } catch (IOException e) {
            throw new BuildException("cannot run " + cmd.get(0) + ": " + e.getMessage()
                    + (cmd.get(0).equals("verilator") ? " (install it: sudo apt-get install -y verilator)" : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted while running " + cmd.get(0));
        }
    }

    private String run(List<String> cmd, Path cwd, Path logFile) throws BuildException {
        Proc p = exec(cmd, cwd, logFile);
        if (p.exit != 0) throw new BuildException(cmd.get(0) + " failed: " + firstErrors(p.output));
        return p.output;
    }
}
