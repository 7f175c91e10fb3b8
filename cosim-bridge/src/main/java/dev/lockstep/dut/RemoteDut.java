package dev.lockstep.dut;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A DUT library run in a child JVM ({@link DutServer}): a segmentation fault or abort in the library
 * ends that process and becomes a {@link DutException.Kind#CRASH} here, and a native call that never
 * returns is killed after {@code callTimeoutSeconds} and becomes a {@link DutException.Kind#HANG}.
 * Costs a pipe round trip per call, so it is the choice for untrusted libraries, not for speed.
 */
public final class RemoteDut implements Dut {

    private final Process process;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final String buildId;
    /** The library's {@link Dut#overlaps}, as the server process found it. */
    private boolean overlapping;
    private final long callTimeoutMillis;
    private final Thread stderrPump;
    private final StringBuilder stderr = new StringBuilder();
    private boolean dead;
    private volatile long deadlineNanos = Long.MAX_VALUE;
    private volatile boolean timedOut;

    public static RemoteDut open(Path library, String config, long callTimeoutSeconds) throws DutException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xss4m",
                // The JVM writes its native-crash report to stdout; the client reads it from there when the
                // protocol breaks. No core dump or hs_err file is left behind.
                "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null", "-cp", System.getProperty("java.class.path"),
                DutServer.class.getName(), library.toAbsolutePath().toString(), config == null ? "" : config));
        try {
            return new RemoteDut(new ProcessBuilder(cmd).start(), callTimeoutSeconds * 1000);
        } catch (IOException e) {
            throw new DutException(DutException.Kind.LOAD, "cannot start the DUT process for " + library + ": "
                    + e.getMessage());
        }
    }

    private RemoteDut(Process process, long callTimeoutMillis) throws DutException {
        this.process = process;
        this.callTimeoutMillis = callTimeoutMillis;
        this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
        this.in = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        this.stderrPump = new Thread(this::pumpStderr, "dut-stderr");
        stderrPump.setDaemon(true);
        stderrPump.start();
        Thread watchdog = new Thread(this::watch, "dut-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        String id;
        try {
            id = call(() -> {
                answer();
                String b = in.readUTF();
                overlapping = in.readBoolean();
                return b;
            });
        } catch (DutException e) {
            process.destroyForcibly();
            if (e.kind() == DutException.Kind.CRASH) {
                throw new DutException(DutException.Kind.LOAD, e.getMessage());
            }
            throw e;
        }
        this.buildId = id;
    }

    private void pumpStderr() {
        try {
            byte[] b = process.getErrorStream().readAllBytes();
            synchronized (stderr) {
                stderr.append(new String(b, StandardCharsets.UTF_8));
            }
        } catch (IOException ignored) {
            // the process is gone; what it printed so far is kept
        }
    }

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException, DutException;
    }

    /** Runs one request/answer exchange under the watchdog. */
    private <T> T call(Exchange<T> exchange) throws DutException {
        if (dead) throw new DutException(DutException.Kind.CRASH, "the DUT process has already ended");
        deadlineNanos = System.nanoTime() + callTimeoutMillis * 1_000_000L;
        try {
            return exchange.run();
        } catch (IOException e) {
            dead = true;
            if (timedOut) {
                throw new DutException(DutException.Kind.HANG, "the DUT library did not return within "
                        + callTimeoutMillis / 1000 + " s; its process was stopped");
            }
            throw new DutException(DutException.Kind.CRASH, "the DUT process died" + exitDescription());
        } finally {
            deadlineNanos = Long.MAX_VALUE;
        }
    }

    /** Stops the DUT process when a call overruns its deadline (one thread for the DUT's lifetime). */
    private void watch() {
        while (process.isAlive()) {
            if (System.nanoTime() > deadlineNanos) {
                timedOut = true;
                process.destroyForcibly();
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private String exitDescription() {
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            stderrPump.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String text;
        synchronized (stderr) {
            text = stderr.toString().strip();
        }
        text = (drainStdout() + "\n" + text).strip();
        String code = process.isAlive() ? "" : describeExit(process.exitValue());
        String crash = nativeCrashSummary(text);
        if (crash != null) return ": " + crash + code;
        return code + (text.isEmpty() ? "" : "; it printed: " + tail(text));
    }

    /** What the dead process still had on stdout (a JVM crash report goes there). */
    private String drainStdout() {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The signal and the faulting frame from a JVM fatal error report, or null if there is none. */
    static String nativeCrashSummary(String text) {
        String signal = null;
        String frame = null;
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].replaceFirst("^#\\s*", "").strip();
            if (signal == null && l.matches("(SIG[A-Z]+|EXCEPTION_[A-Z_]+) .*")) signal = l;
            if (l.startsWith("Problematic frame:") && i + 1 < lines.length) {
                frame = lines[i + 1].replaceFirst("^#\\s*", "").strip();
            }
        }
        if (signal == null) return null;
        return "native crash in the DUT library: " + signal
                + (frame == null ? "" : ", problematic frame: " + frame);
    }

    private static String describeExit(int code) {
        if (code > 128) {
            int signal = code - 128;
            String name = signal == 11 ? "SIGSEGV" : signal == 6 ? "SIGABRT" : signal == 9 ? "SIGKILL"
                    : signal == 7 ? "SIGBUS" : "signal " + signal;
            return " with " + name + " (exit code " + code + ")";
        }
        return " with exit code " + code;
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : "..." + s.substring(s.length() - 2000);
    }

    /** Reads the answer status; a FAILED answer becomes the DutException the server saw. */
    private void answer() throws IOException, DutException {
        int status = in.readInt();
        if (status == DutProtocol.OK) return;
        int kind = in.readInt();
        if (status != DutProtocol.FAILED || kind < 0 || kind >= DutException.Kind.values().length) {
            throw new IOException("the DUT process broke the protocol (status " + status + ")");
        }
        throw new DutException(DutException.Kind.values()[kind], readLongUtf());
    }

    private String readLongUtf() throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public String buildId() { return buildId; }

    @Override
    public boolean overlaps() { return overlapping; }

    @Override
    public void reset(int mutant) throws DutException {
        call(() -> {
            out.writeInt(DutProtocol.RESET);
            out.writeInt(mutant);
            out.flush();
            answer();
            return null;
        });
    }

    @Override
    public long mmioRead(int offset, int size) throws DutException {
        return call(() -> {
            out.writeInt(DutProtocol.MMIO_READ);
            out.writeInt(offset);
            out.writeInt(size);
            out.flush();
            answer();
            return in.readLong();
        });
    }

    @Override
    public void mmioWrite(int offset, int size, long value) throws DutException {
        call(() -> {
            out.writeInt(DutProtocol.MMIO_WRITE);
            out.writeInt(offset);
            out.writeInt(size);
            out.writeLong(value);
            out.flush();
            answer();
            return null;
        });
    }

    @Override
    public void memWrite(long addr, byte[] data) throws DutException {
        call(() -> {
            out.writeInt(DutProtocol.MEM_WRITE);
            out.writeLong(addr);
            out.writeInt(data.length);
            out.write(data);
            out.flush();
            answer();
            return null;
        });
    }

    @Override
    public byte[] memRead(long addr, int len) throws DutException {
        return call(() -> {
            out.writeInt(DutProtocol.MEM_READ);
            out.writeLong(addr);
            out.writeInt(len);
            out.flush();
            answer();
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            return data;
        });
    }

    @Override
    public void memError(long addr, int kind) throws DutException {
        call(() -> {
            out.writeInt(DutProtocol.MEM_ERROR);
            out.writeLong(addr);
            out.writeInt(kind);
            out.flush();
            answer();
            return null;
        });
    }

    @Override
    public void submit(int tag, int deviceId, boolean processValid, int processId, long iova, int ttyp, int flags)
            throws DutException {
        call(() -> {
            out.writeInt(DutProtocol.SUBMIT);
            out.writeInt(tag);
            out.writeInt(deviceId);
            out.writeBoolean(processValid);
            out.writeInt(processId);
            out.writeLong(iova);
            out.writeInt(ttyp);
            out.writeInt(flags);
            out.flush();
            answer();
            return null;
        });
    }

    @Override
    public void pageRequest(int deviceId, boolean processValid, int processId, int flags, long payload)
            throws DutException {
        call(() -> {
            out.writeInt(DutProtocol.PAGE_REQUEST);
            out.writeInt(deviceId);
            out.writeBoolean(processValid);
            out.writeInt(processId);
            out.writeInt(flags);
            out.writeLong(payload);
            out.flush();
            answer();
            return null;
        });
    }

    @Override
    public int run(long maxCycles, long[] events) throws DutException {
        return call(() -> {
            out.writeInt(DutProtocol.RUN);
            out.writeLong(maxCycles);
            out.writeInt(events.length / EVENT_WORDS);
            out.flush();
            answer();
            int n = in.readInt();
            for (int i = 0; i < n * EVENT_WORDS; i++) events[i] = in.readLong();
            return n;
        });
    }

    @Override
    public long cycles() {
        try {
            return call(() -> {
                out.writeInt(DutProtocol.CYCLES);
                out.flush();
                answer();
                return in.readLong();
            });
        } catch (DutException e) {
            return 0;
        }
    }

    @Override
    public void trace(String path) throws DutException {
        call(() -> {
            out.writeInt(DutProtocol.TRACE);
            out.writeUTF(path == null ? "" : path);
            out.flush();
            answer();
            return null;
        });
    }

    @Override
    public void traceMarker(int actionIndex, int divergences) throws DutException {
        call(() -> {
            out.writeInt(DutProtocol.TRACE_MARKER);
            out.writeInt(actionIndex);
            out.writeInt(divergences);
            out.flush();
            answer();
            return null;
        });
    }

    @Override
    public String messages() {
        try {
            return call(() -> {
                out.writeInt(DutProtocol.MESSAGES);
                out.flush();
                answer();
                return readLongUtf();
            });
        } catch (DutException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (!dead) {
            try {
                call(() -> {
                    out.writeInt(DutProtocol.CLOSE);
                    out.flush();
                    answer();
                    return null;
                });
            } catch (DutException ignored) {
                // already gone
            }
        }
        process.destroyForcibly();
    }
}
