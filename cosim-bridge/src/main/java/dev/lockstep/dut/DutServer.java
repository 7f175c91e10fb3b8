package dev.lockstep.dut;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Serves one DUT instance to a parent Lockstep process over stdin/stdout, so that a DUT library that
 * crashes takes down this process, not the regression. Started by {@link RemoteDut}.
 *
 * <p>Usage: {@code DutServer LIBRARY CONFIG}.
 */
public final class DutServer {
    private DutServer() {}

    public static void main(String[] args) throws IOException {
        // A terminal's Ctrl-C (and a CI job's SIGTERM to the process group) is for the parent, which stops
        // its seeds at an action boundary and then closes this server; the server ends at end of input.
        for (String signal : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), sun.misc.SignalHandler.SIG_IGN);
            } catch (IllegalArgumentException e) {
                // no such signal here: the default stays
            }
        }
        // The protocol owns stdout; anything else printed goes to stderr.
        PrintStream protocolOut = System.out;
        System.setOut(System.err);
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(protocolOut));
        NativeDut dut;
        try {
            dut = NativeDut.open(Path.of(args[0]), args.length > 1 ? args[1] : "");
            out.writeInt(DutProtocol.OK);
            out.writeUTF(dut.buildId());
            out.writeBoolean(dut.overlaps());
        } catch (DutException e) {
            fail(out, e);
            out.flush();
            return;
        }
        out.flush();
        long[] events = new long[1024 * Dut.EVENT_WORDS];
        while (true) {
            int op;
            try {
                op = in.readInt();
            } catch (EOFException e) {
                break;
            }
            try {
                if (op == DutProtocol.CLOSE) {
                    dut.close();
                    out.writeInt(DutProtocol.OK);
                    out.flush();
                    return;
                }
                serve(op, in, out, dut, events);
            } catch (DutException e) {
                fail(out, e);
            }
            out.flush();
        }
        dut.close();
    }

    private static void serve(int op, DataInputStream in, DataOutputStream out, NativeDut dut, long[] events)
            throws IOException, DutException {
        switch (op) {
            case DutProtocol.RESET: {
                int mutant = in.readInt();
                dut.reset(mutant);
                out.writeInt(DutProtocol.OK);
                break;
            }
            case DutProtocol.MMIO_READ: {
                int offset = in.readInt();
                int size = in.readInt();
                long v = dut.mmioRead(offset, size);
                out.writeInt(DutProtocol.OK);
                out.writeLong(v);
                break;
            }
            case DutProtocol.MMIO_WRITE: {
                int offset = in.readInt();
                int size = in.readInt();
                long value = in.readLong();
                dut.mmioWrite(offset, size, value);
                out.writeInt(DutProtocol.OK);
                break;
            }
            case DutProtocol.MEM_WRITE: {
                long addr = in.readLong();
                byte[] data = new byte[in.readInt()];
                in.readFully(data);
                dut.memWrite(addr, data);
                out.writeInt(DutProtocol.OK);
                break;
            }
            case DutProtocol.MEM_READ: {
                long addr = in.readLong();
                byte[] data = dut.memRead(addr, in.readInt());
                out.writeInt(DutProtocol.OK);
                out.writeInt(data.length);
                out.write(data);
                break;
            }
            case DutProtocol.MEM_ERROR: {
                long addr = in.readLong();
                int kind = in.readInt();
                dut.memError(addr, kind);
                out.writeInt(DutProtocol.OK);
                break;
            }
            case DutProtocol.SUBMIT: {
                int tag = in.readInt();
                int did = in.readInt();
                boolean pv = in.readBoolean();
                int pid = in.readInt();
                long iova = in.readLong();
                int ttyp = in.readInt();
                int flags = in.readInt();
                dut.submit(tag, did, pv, pid, iova, ttyp, flags);
                out.writeInt(DutProtocol.OK);
                break;
            }
            case DutProtocol.PAGE_REQUEST: {
                int did = in.readInt();
                boolean pv = in.readBoolean();
                int pid = in.readInt();
                int flags = in.readInt();
                long payload = in.readLong();
                dut.pageRequest(did, pv, pid, flags, payload);
                out.writeInt(DutProtocol.OK);
                break;
            }
            case DutProtocol.RUN: {
                long maxCycles = in.readLong();
                int capacity = Math.min(in.readInt(), events.length / Dut.EVENT_WORDS);
                long[] buffer = capacity * Dut.EVENT_WORDS == events.length ? events
                        : new long[capacity * Dut.EVENT_WORDS];
                int n = dut.run(maxCycles, buffer);
                out.writeInt(DutProtocol.OK);
                out.writeInt(n);
                for (int i = 0; i < n * Dut.EVENT_WORDS; i++) out.writeLong(buffer[i]);
                break;
            }
            case DutProtocol.CYCLES:
                out.writeInt(DutProtocol.OK);
                out.writeLong(dut.cycles());
                break;
            case DutProtocol.TRACE: {
                String path = in.readUTF();
                dut.trace(path.isEmpty() ? null : path);
                out.writeInt(DutProtocol.OK);
                break;
            }
            case DutProtocol.TRACE_MARKER: {
                int action = in.readInt();
                dut.traceMarker(action, in.readInt());
                out.writeInt(DutProtocol.OK);
                break;
            }
            case DutProtocol.MESSAGES:
                out.writeInt(DutProtocol.OK);
                writeLongUtf(out, dut.messages());
                break;
            default:
                throw new DutException(DutException.Kind.API, "DUT server: unknown request " + op);
        }
    }

    static void writeLongUtf(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void fail(DataOutputStream out, DutException e) throws IOException {
        out.writeInt(DutProtocol.FAILED);
        out.writeInt(e.kind().ordinal());
        writeLongUtf(out, String.valueOf(e.getMessage()));
    }
}
