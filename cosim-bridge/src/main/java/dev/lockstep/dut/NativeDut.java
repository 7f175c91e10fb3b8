package dev.lockstep.dut;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A DUT shared library loaded with JNA direct mapping: static natives on primitives and one
 * preallocated event buffer, no Structure and no per-cycle calls.
 */
public final class NativeDut implements Dut {

    private static final int OK = 0;
    private static final int EARG = -1;
    private static final int EFATAL = -2;
    private static final int EHANG = -3;
    private static final int ABI_VERSION = 7;
    /** The oldest ABI still driven: ABI 4 lacks lockstep_trace_marker and writes VCD only. */
    private static final int OLDEST_ABI = 4;
    private static final int EVENT_CAPACITY = 1024;

    private static Path boundLibrary;
    private static int boundAbi;

    private final long handle;
    private final Memory eventBuffer = new Memory((long) EVENT_CAPACITY * EVENT_WORDS * 8);
    private final Memory oneLong = new Memory(8);
    private final String buildId;

    /**
     * Opens a DUT instance from the library at {@code library}. One library is bound per JVM; opening
     * several instances of it (one per thread) is fine.
     */
    public static NativeDut open(Path library, String config) throws DutException {
        bind(library);
        long h = Api.lockstep_open(config == null ? "" : config);
        if (h == 0) {
            throw new DutException(DutException.Kind.LOAD, "cannot open a DUT instance from " + library + ": "
                    + Api.lockstep_last_error(0));
        }
        return new NativeDut(h);
    }

    private NativeDut(long handle) {
        this.handle = handle;
        this.buildId = Api.lockstep_build_id();
    }

    private static synchronized void bind(Path library) throws DutException {
        Path lib = library.toAbsolutePath().normalize();
        if (!Files.isRegularFile(lib)) {
            throw new DutException(DutException.Kind.LOAD, "DUT library not found: " + lib);
        }
        if (boundLibrary != null) {
            if (!boundLibrary.equals(lib)) {
                throw new DutException(DutException.Kind.LOAD, "this process already uses DUT library "
                        + boundLibrary + "; cannot also load " + lib + " (one DUT library per process)");
            }
            return;
        }
        try {
            Native.register(Api.class, NativeLibrary.getInstance(lib.toString()));
        } catch (UnsatisfiedLinkError e) {
            throw new DutException(DutException.Kind.LOAD, "cannot load DUT library " + lib + ": " + e.getMessage()
                    + " (a DUT library must export every function of lockstep_dut.h)");
        }
        int abi = Api.lockstep_abi_version();
        if (abi < OLDEST_ABI || abi > ABI_VERSION) {
            throw new DutException(DutException.Kind.LOAD, "DUT library " + lib + " implements lockstep_dut.h ABI "
                    + abi + ", this Lockstep needs ABI " + OLDEST_ABI + " to " + ABI_VERSION);
        }
        if (abi >= 5) {
            try {
                Native.register(Api5.class, NativeLibrary.getInstance(lib.toString()));
            } catch (UnsatisfiedLinkError e) {
                throw new DutException(DutException.Kind.LOAD, "cannot load DUT library " + lib + ": " + e.getMessage()
                        + " (an ABI 5 library exports lockstep_trace_marker)");
            }
        }
        boundAbi = abi;
        boundLibrary = lib;
    }

    /** ABI 6 libraries report acceptance and cqh changes: windows of overlapping requests can be checked. */
    @Override
    public boolean overlaps() { return boundAbi >= 6; }

    @Override
    public String buildId() { return buildId; }

    @Override
    public void reset(int mutant) throws DutException {
        check(Api.lockstep_reset(handle, mutant), "reset");
    }

    @Override
    public long mmioRead(int offset, int size) throws DutException {
        check(Api.lockstep_mmio_read(handle, offset, size, oneLong), "register read");
        return oneLong.getLong(0);
    }

    @Override
    public void mmioWrite(int offset, int size, long value) throws DutException {
        check(Api.lockstep_mmio_write(handle, offset, size, value), "register write");
    }

    @Override
    public void memWrite(long addr, byte[] data) throws DutException {
        check(Api.lockstep_mem_write(handle, addr, data, data.length), "memory write");
    }

    @Override
    public byte[] memRead(long addr, int len) throws DutException {
        byte[] data = new byte[len];
        check(Api.lockstep_mem_read(handle, addr, data, len), "memory read");
        return data;
    }

    @Override
    public void memRead(long addr, java.nio.ByteBuffer into) throws DutException {
        if (!into.isDirect()) throw new IllegalArgumentException("memRead: the buffer must be direct");
        check(Api.lockstep_mem_read(handle, addr, into, into.capacity()), "memory read");
    }

    @Override
    public void memError(long addr, int kind) throws DutException {
        check(Api.lockstep_mem_error(handle, addr, kind), "memory error injection");
    }

    @Override
    public void submit(int tag, int deviceId, boolean processValid, int processId, long iova, int ttyp, int flags)
            throws DutException {
        check(Api.lockstep_submit(handle, tag, deviceId, processValid ? 1 : 0, processId, iova, ttyp, flags),
                "translation request");
    }

    @Override
    public void pageRequest(int deviceId, boolean processValid, int processId, int flags, long payload)
            throws DutException {
        check(Api.lockstep_page_request(handle, deviceId, processValid ? 1 : 0, processId, flags, payload),
                "page request");
    }

    @Override
    public int run(long maxCycles, long[] events) throws DutException {
        int capacity = Math.min(EVENT_CAPACITY, events.length / EVENT_WORDS);
        int n = Api.lockstep_run(handle, maxCycles, eventBuffer, capacity);
        check(n, "run");
        eventBuffer.read(0, events, 0, n * EVENT_WORDS);
        return n;
    }

    @Override
    public long cycles() { return Api.lockstep_cycles(handle); }

    @Override
    public void trace(String path) throws DutException {
        if (path != null && boundAbi < 5 && path.toLowerCase(java.util.Locale.ROOT).endsWith(".fst")) {
            throw new DutException(DutException.Kind.API, "the DUT library " + boundLibrary + " implements ABI "
                    + boundAbi + ", whose waveforms are VCD only (FST needs an ABI 5 library)");
        }
        int rc = Api.lockstep_trace(handle, path == null ? "" : path);
        if (rc < OK && path != null) {
            throw new DutException(DutException.Kind.API, Api.lockstep_last_error(handle));
        }
        check(rc, "waveform dump");
    }

    @Override
    public void traceMarker(int actionIndex, int divergences) throws DutException {
        if (boundAbi >= 5) check(Api5.lockstep_trace_marker(handle, actionIndex, divergences), "waveform marker");
    }

    @Override
    public String messages() { return Api.lockstep_last_message(handle); }

    @Override
    public void close() { Api.lockstep_close(handle); }

    private void check(int rc, String what) throws DutException {
        if (rc >= OK) return;
        String detail = Api.lockstep_last_error(handle);
        switch (rc) {
            case EFATAL: throw new DutException(DutException.Kind.FATAL, detail);
            case EHANG: throw new DutException(DutException.Kind.HANG, detail);
            case EARG: throw new DutException(DutException.Kind.API, what + " rejected by the DUT: bad argument " + detail);
            default: throw new DutException(DutException.Kind.API, what + " failed (" + rc + "): " + detail);
        }
    }

    /** The C ABI, bound by JNA direct mapping. */
    @SuppressWarnings("checkstyle:MethodName")
    static final class Api {
        private Api() {}

        static native int lockstep_abi_version();
        static native String lockstep_build_id();
        static native long lockstep_open(String config);
        static native void lockstep_close(long h);
        static native String lockstep_last_error(long h);
        static native String lockstep_last_message(long h);
        static native int lockstep_reset(long h, int mutant);
        static native int lockstep_mmio_read(long h, int offset, int size, Pointer value);
        static native int lockstep_mmio_write(long h, int offset, int size, long value);
        static native int lockstep_mem_write(long h, long addr, byte[] data, int len);
        static native int lockstep_mem_read(long h, long addr, byte[] data, int len);
        /** The same function into a direct buffer: no copy of a Java array across the call. */
        static native int lockstep_mem_read(long h, long addr, java.nio.ByteBuffer data, int len);
        static native int lockstep_mem_error(long h, long addr, int kind);
        static native int lockstep_submit(long h, int tag, int deviceId, int processValid, int processId, long iova,
                                          int ttyp, int flags);
        static native int lockstep_page_request(long h, int deviceId, int processValid, int processId, int flags,
                                                long payload);
        static native int lockstep_run(long h, long maxCycles, Pointer events, int capacity);
        static native long lockstep_cycles(long h);
        static native int lockstep_trace(long h, String path);
    }

    /** What ABI 5 added, bound only for a library that implements it. */
    @SuppressWarnings("checkstyle:MethodName")
    static final class Api5 {
        private Api5() {}

        static native int lockstep_trace_marker(long h, int actionIndex, int divergences);
    }
}
