package dev.lockstep;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the project's files and the DUT libraries `make test` builds before Maven runs. */
public final class TestPaths {
    private TestPaths() {}

    public static Path home() { return Path.of(System.getProperty("lockstep.home", ".")).toAbsolutePath(); }

    /** The built-in RTL IOMMU; fails (never skips) when it was not built. */
    public static Path stubLibrary() {
        Path lib = home().resolve("build/dut/liblockstep_stub.so");
        assertTrue(Files.isRegularFile(lib), lib + " is missing: run the tests with 'make test', which builds the RTL");
        return lib;
    }

    public static Path stubConfig() { return home().resolve("rtl-stubs/config.json"); }
}
