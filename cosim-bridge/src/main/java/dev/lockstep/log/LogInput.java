package dev.lockstep.log;

import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Problems;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Where logs come from and go to: {@code -} is standard input; a gzip-compressed log (by its magic bytes,
 * whatever its name) is decompressed as it is read; a log whose name ends in {@code .gz} is written compressed.
 */
public final class LogInput {
    private LogInput() {}

    /** The name that means standard input. */
    public static final String STDIN = "-";

    public static boolean isStdin(Path file) { return file.toString().equals(STDIN); }

    /** The log's bytes, decompressed when they are gzip (works on pipes: no seeking). */
    public static InputStream open(Path file) throws BadInputException {
        try {
            InputStream raw = isStdin(file) ? new FilterInputStream(System.in) {
                @Override
                public void close() { } // standard input stays open for the process
            } : new java.io.FileInputStream(file.toFile()); // not Files.newInputStream: its available() seeks, a pipe cannot
            BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int b0 = in.read();
            int b1 = b0 < 0 ? -1 : in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            return in;
        } catch (IOException e) {
            throw new BadInputException("cannot read log " + file + ": " + Problems.of(e));
        }
    }

    /** True when a log written to {@code file} is gzip-compressed (its name ends in {@code .gz}). */
    public static boolean compressed(Path file) { return file.getFileName().toString().endsWith(".gz"); }

    /**
     * A stream writing {@code file}, through gzip when {@code gzip}. Its {@code flush} ends a gzip block (sync
     * flush), so a log flushed after whole records and then cut off still decompresses up to there.
     */
    public static OutputStream create(Path file, boolean gzip) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        return gzip ? new GZIPOutputStream(out, 1 << 16, true) : out;
    }
}
