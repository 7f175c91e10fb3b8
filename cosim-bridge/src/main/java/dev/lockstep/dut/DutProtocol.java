package dev.lockstep.dut;

/**
 * The request/response protocol between {@link RemoteDut} and {@link DutServer} over the child
 * process's stdin/stdout (DataOutputStream encoding). Each request is an opcode and its arguments;
 * each answer starts with a status: OK followed by the result, or FAILED followed by the
 * {@link DutException.Kind} ordinal and the message.
 */
final class DutProtocol {
    private DutProtocol() {}

    static final int OK = 0;
    static final int FAILED = 1;

    static final int BUILD_ID = 1;
    static final int RESET = 2;
    static final int MMIO_READ = 3;
    static final int MMIO_WRITE = 4;
    static final int MEM_WRITE = 5;
    static final int MEM_ERROR = 6;
    static final int SUBMIT = 7;
    static final int RUN = 8;
    static final int CYCLES = 9;
    static final int TRACE = 10;
    static final int MESSAGES = 11;
    static final int CLOSE = 12;
    static final int MEM_READ = 13;
    static final int PAGE_REQUEST = 14;
    static final int TRACE_MARKER = 15;
}
