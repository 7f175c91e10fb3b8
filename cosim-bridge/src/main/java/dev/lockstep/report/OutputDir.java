package dev.lockstep.report;

import dev.lockstep.regression.BadInputException;
import dev.lockstep.regression.Problems;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An output directory a command owns for its whole run: checked before anything runs (a path that is a
 * file, unwritable or empty is bad input with the operating system's reason), locked so that two runs
 * never write into it at once, and refused when it holds another run's results unless the user asked to
 * replace them; then the old results go, so no stale log survives beside a new summary.
 */
public final class OutputDir implements AutoCloseable {

    /** What a run leaves in its directory; only these are replaced (other files are the user's). */
    static final List<String> RESULTS = List.of("summary.json", "junit.xml", "logs");
    static final String LOCK = ".lockstep.lock";

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputDir(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    public Path path() { return dir; }

    /**
     * Takes {@code dir} for a run's results. {@code option} names it in messages ({@code --out});
     * {@code replace}: the user allows results of an earlier run there to be deleted.
     */
    public static OutputDir claim(Path dir, String option, boolean replace) throws BadInputException {
        String where = option + " " + (dir.toString().isEmpty() ? "''" : dir);
        if (dir.toString().isBlank()) throw new BadInputException(where + ": an empty path");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException(where + ": not a directory (a file of that name exists)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot create the directory: " + Problems.of(e));
        }
        FileChannel channel;
        FileLock lock;
        try {
            channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot write in it: " + Problems.of(e));
        }
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new BadInputException(where + ": another lockstep run is writing into it (it holds the lock "
                    + dir.resolve(LOCK) + "); give each run its own directory");
        }
        OutputDir out = new OutputDir(dir, channel, lock);
        try {
            List<String> found = new ArrayList<>();
            for (String r : RESULTS) if (Files.exists(dir.resolve(r))) found.add(r);
            if (!found.isEmpty() && !replace) {
                throw new BadInputException(where + ": holds the results of another run (" + String.join(", ", found)
                        + "): give --replace to replace them, or another directory");
            }
            if (!found.isEmpty()) out.removeResults();
        } catch (BadInputException e) {
            out.close();
            throw e;
        } catch (IOException e) {
            out.close();
            throw new BadInputException(where + ": cannot remove the earlier results: " + Problems.of(e));
        }
        return out;
    }

    /** Whether {@code a} and {@code b} are the same file or directory (through links, if they exist). */
    public static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
        } catch (IOException e) {
            // compared by name below
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** Deletes summary.json, junit.xml and the seed logs of logs/ (nothing else). */
    private void removeResults() throws IOException {
        Files.deleteIfExists(dir.resolve("summary.json"));
        Files.deleteIfExists(dir.resolve("junit.xml"));
        Path logs = dir.resolve("logs");
        if (!Files.isDirectory(logs)) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logs, "seed-*.jsonl*")) {
            for (Path f : files) Files.delete(f);
        }
    }

    /**
     * Checks that {@code file} (e.g. {@code --waves}) can be written: its directory exists or can be made,
     * it is not a directory, and the operating system lets this process write there.
     */
    public static void checkFile(Path file, String option) throws BadInputException {
        String where = option + " " + (file.toString().isEmpty() ? "''" : file);
        if (file.toString().isBlank()) throw new BadInputException(where + ": an empty path");
        if (Files.isDirectory(file)) throw new BadInputException(where + ": is a directory, not a file");
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            Path probe = Files.createTempFile(parent, ".lockstep-", ".probe");
            Files.delete(probe);
            if (Files.exists(file) && !Files.isWritable(file)) throw new java.nio.file.AccessDeniedException(file.toString());
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot write it: " + Problems.of(e));
        }
    }

    /** Writes {@code text} to {@code file} through a temporary file, so a reader never sees half of it. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Releases the lock (the lock file stays: it is empty and harmless). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the lock goes with the channel
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }
}
