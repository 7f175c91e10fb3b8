package dev.lockstep.axi;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Held while one DUT library is built: an OS file lock against other processes (released however the
 * process ends) and, since the OS lock is per process, a lock per file against other threads of this one.
 */
final class BuildLock implements AutoCloseable {
    private static final java.util.concurrent.ConcurrentHashMap<Path, java.util.concurrent.locks.ReentrantLock> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.concurrent.locks.ReentrantLock thread;
    private final FileChannel channel;
    private final FileLock lock;

    private BuildLock(java.util.concurrent.locks.ReentrantLock thread, FileChannel channel, FileLock lock) {
        this.thread = thread;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock at {@code file}, saying on {@code log} when another process holds it and this one waits. */
    static BuildLock take(Path file, PrintWriter log) throws BuildException {
        java.util.concurrent.locks.ReentrantLock thread =
                IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new java.util.concurrent.locks.ReentrantLock());
        if (!thread.tryLock()) {
            waiting(log, file);
            thread.lock();
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                waiting(log, file);
                l = ch.lock();
            }
            return new BuildLock(thread, ch, l);
        } catch (IOException | RuntimeException e) {
            thread.unlock();
            throw new BuildException("cannot lock " + file + ": " + e.getMessage());
        }
    }

    private static void waiting(PrintWriter log, Path file) {
        log.println("waiting for another build of the same library to finish (" + file + ")");
        log.flush();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel
        } finally {
            thread.unlock();
        }
    }
}
