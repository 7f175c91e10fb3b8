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

    /** Where 'lockstep build' puts the AXI-wrapped built-in DUT ('--dut stub-axi'). */
    static Path stubAxiLibrary() { return dir().resolve("build/stub-axi/liblockstep_stub_axi.so"); }

    static Path stubConfig() { return dir().resolve("rtl-stubs/config.json"); }

    static Path mutantList() { return dir().resolve("rtl-stubs/mutants.tsv"); }
}
