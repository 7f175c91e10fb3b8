package dev.lockstep.cli;

import java.nio.file.Path;

/** Where the project's files are: the checkout that bin/lockstep runs from (-Dlockstep.home). */
final class Home {
    private Home() {}

    static Path dir() {
        String home = System.getProperty("lockstep.home");
        return Path.of(home == null ? "." : home).toAbsolutePath().normalize();
    }

    static Path stubLibrary() { return dir().resolve("build/dut/liblockstep_stub.so"); }

    /** The built-in DUT writing FST waveforms (make fst-dut), built when --waves asks for FST. */
    static Path stubFstLibrary() { return dir().resolve("build/dut-fst/liblockstep_stub.so"); }

    /** The AXI-wrapped built-in DUT writing FST waveforms. */
    static Path stubAxiFstLibrary() { return dir().resolve("build/stub-axi-fst/liblockstep_stub_axi.so"); }

    /** Where 'lockstep build' puts the AXI-wrapped built-in DUT ('--dut stub-axi'). */
    static Path stubAxiLibrary() { return dir().resolve("build/stub-axi/liblockstep_stub_axi.so"); }

    static Path stubConfig() { return dir().resolve("rtl-stubs/config.json"); }

    static Path mutantList() { return dir().resolve("rtl-stubs/mutants.tsv"); }

    /** The launcher by its absolute path: a reproduce line that works from any directory. */
    static String launcher() { return shell(dir().resolve("bin/lockstep")); }

    /** {@code path} made absolute, as one shell word (quoted when it has other characters than these). */
    static String shell(Path path) {
        String p = path.toAbsolutePath().normalize().toString();
        return p.matches("[A-Za-z0-9_./+:@%=,-]+") ? p : "'" + p.replace("'", "'\\''") + "'";
    }
}
