package dev.lockstep.cli;

import dev.lockstep.dut.Dut;
import dev.lockstep.dut.DutException;
import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.DutFactory;
import dev.lockstep.report.OutputDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A {@code --waves FILE}: its format, chosen by the name's extension (.vcd or .fst), the check that the
 * DUT library can write it before anything runs, and the check afterwards that it did.
 */
record WaveFile(Path path, Format format) {

    enum Format { VCD, FST }

    /** FST's header block: block type 0 (FST_BL_HDR), then its length, 329 bytes, as a big-endian 64-bit word. */
    private static final long FST_HEADER_LENGTH = 329;

    /** The --waves option's file, or null when it was not given; a name of another extension is bad usage. */
    static WaveFile of(Path path) throws BadInputException {
        if (path == null) return null;
        OutputDir.checkFile(path, "--waves");
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        Format f = name.endsWith(".vcd") ? Format.VCD : name.endsWith(".fst") ? Format.FST : null;
        if (f == null) {
            throw new BadInputException("--waves " + path + ": the name must end in .vcd or .fst (the waveform's format)");
        }
        return new WaveFile(path, f);
    }

    String absolute() { return path.toAbsolutePath().toString(); }

    /**
     * Opens one DUT of {@code factory} and starts and stops a dump: a library that cannot write this
     * format fails here, naming --waves and the format, before any seed runs.
     */
    void probe(DutFactory factory) throws DutException {
        try (Dut d = factory.open()) {
            d.trace(absolute());
            d.trace(null);
        } catch (DutException e) {
            throw new DutException(e.kind(), "--waves " + path + " (" + format + "): " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // the traced run writes it again
            }
        }
    }

    /** Throws unless the file holds a waveform of its format (a VCD's text header, an FST's header block). */
    void checkWritten() throws DutException {
        byte[] head = new byte[9];
        int n = 0;
        if (Files.isRegularFile(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                n = in.readNBytes(head, 0, head.length);
            } catch (IOException e) {
                n = 0;
            }
        }
        boolean ok = format == Format.VCD ? n > 0 && head[0] == '$'
                : n == head.length && head[0] == 0 && java.nio.ByteBuffer.wrap(head, 1, 8).getLong() == FST_HEADER_LENGTH;
        if (!ok) {
            throw new DutException(DutException.Kind.API, "--waves " + path + ": the DUT library wrote no " + format
                    + " waveform there (" + (n == 0 ? "no file or an empty one" : "another format") + ")");
        }
    }
}
