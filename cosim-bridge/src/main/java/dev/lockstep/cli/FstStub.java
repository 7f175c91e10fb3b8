package dev.lockstep.cli;

import dev.lockstep.dut.DutException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The built-in DUT's FST-writing variant (build/dut-fst/), brought up to date by the Makefile's
 * {@code fst-dut} target when a command asks for an FST waveform: {@code make run} and {@code make test}
 * never build it. One build at a time (a lock beside it), since several processes may ask at once.
 */
final class FstStub {
    private FstStub() {}

    static synchronized void build(Path library, PrintWriter out) throws DutException {
        Path home = Home.dir();
        if (!Files.isRegularFile(home.resolve("Makefile"))) {
            throw new DutException(DutException.Kind.LOAD, "--waves: FST needs the built-in DUT's FST variant "
                    + library + ", built by 'make fst-dut' in the checkout, but " + home + " has no Makefile");
        }
        try {
            Files.createDirectories(library.getParent());
            try (FileChannel ch = FileChannel.open(library.resolveSibling(".build.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                long before = Files.isRegularFile(library) ? Files.getLastModifiedTime(library).toMillis() : -1;
                Process p = new ProcessBuilder("make", "-s", "fst-dut").directory(home.toFile()).redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0 || !Files.isRegularFile(library)) {
                    throw new DutException(DutException.Kind.LOAD, "--waves: building the built-in DUT's FST variant "
                            + "(make fst-dut) failed:\n" + dev.lockstep.axi.DutBuilder.firstErrors(log));
                }
                if (Files.getLastModifiedTime(library).toMillis() != before) out.println("built " + library + " (FST waveforms)");
            }
        } catch (IOException e) {
            throw new DutException(DutException.Kind.LOAD, "--waves: cannot build " + library + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DutException(DutException.Kind.LOAD, "--waves: interrupted while building " + library);
        }
    }
}
