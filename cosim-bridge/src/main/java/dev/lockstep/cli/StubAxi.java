package dev.lockstep.cli;

import dev.lockstep.regression.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The AXI wrapper of the built-in DUT in rtl-stubs/axi/: its declaration file names its top. */
final class StubAxi {
    private StubAxi() {}

    /** The one {@code *.lockstep.json} of {@code dir} (the template's own lives in a subdirectory). */
    static Path declaration(Path dir) throws BadInputException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> decls = files.filter(p -> p.getFileName().toString().endsWith(".lockstep.json")).sorted().toList();
            if (decls.size() != 1) {
                throw new BadInputException("--dut " + DutOptions.STUB_AXI + ": expected one *.lockstep.json in " + dir
                        + ", found " + decls.size());
            }
            return decls.get(0);
        } catch (IOException e) {
            throw new BadInputException("--dut " + DutOptions.STUB_AXI + ": cannot list " + dir + ": " + e.getMessage());
        }
    }
}
