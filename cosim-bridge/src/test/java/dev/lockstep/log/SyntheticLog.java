package dev.lockstep.log;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a valid seed log of any length on the fly, as a testbench would: register reads of capabilities and
 * fctl answered with the built-in configuration's values, and software stores cycling over 512 words (so the
 * model's state stays small whatever the length), then the end-of-seed image. With a divergence planted at
 * action {@code D}, that read answers a wrong capabilities value; with a delay, records after it come slowly
 * (a simulator still running). {@code main(OUT|-, RECORDS, [DIVERGE_AT], [MS_PER_RECORD_AFTER])}.
 */
public final class SyntheticLog {
    private SyntheticLog() {}

    static final String CAPABILITIES = "0x1f817460610";
    static final String HEADER = "{\"type\":\"header\",\"schema_version\":1,\"tool\":\"synthetic-tb 1.0\","
            + "\"dut\":{\"spec\":\"synthetic\",\"build_id\":\"synthetic\"},\"config\":{\"capabilities\":\"" + CAPABILITIES
            + "\",\"fctl_writable\":0,\"fctl_reset\":2,\"reset_mode\":\"Off\",\"ddtp_modes\":[\"Off\",\"Bare\",\"1LVL\","
            + "\"2LVL\",\"3LVL\"],\"cq_log2sz_max\":31,\"fq_log2sz_max\":31,\"pq_log2sz_max\":31},\"seed\":5}";
    static final int WORDS = 512;
    static final long BASE = 0x9000_0000L;

    /**
     * Writes about {@code records} records; a divergence at action {@code divergeAt} (-1: none), after which each
     * record waits {@code delayMs}. Returns the number of actions.
     */
    static int write(OutputStream sink, long records, int divergeAt, long delayMs) throws IOException {
        PrintStream out = new PrintStream(new BufferedOutputStream(sink, 1 << 16), false, StandardCharsets.UTF_8);
        out.print(HEADER + "\n");
        long written = 1;
        int index = 0;
        long[] words = new long[WORDS];
        boolean diverged = false;
        while (written < records - WORDS - 2) {
            String[] lines;
            switch (index % 3) {
                case 0 -> lines = new String[] {
                        action(index, "\"op\":\"register_read\",\"offset\":0,\"size\":8"),
                        "{\"type\":\"read\",\"offset\":0,\"size\":8,\"value\":\""
                                + (index == divergeAt ? "0x1f817460611" : CAPABILITIES) + "\",\"cycle\":" + index + "}"};
                case 1 -> lines = new String[] {
                        action(index, "\"op\":\"register_read\",\"offset\":8,\"size\":4"),
                        "{\"type\":\"read\",\"offset\":8,\"size\":4,\"value\":\"0x2\"}"};
                default -> {
                    int w = (index / 3) % WORDS;
                    words[w] = index * 0x9e3779b97f4a7c15L;
                    lines = new String[] {action(index, "\"op\":\"memory_write\",\"pa\":\"0x"
                            + Long.toHexString(BASE + 8L * w) + "\",\"value\":\"0x" + Long.toHexString(words[w]) + "\"")};
                }
            }
            for (String l : lines) {
                out.print(l + "\n");
                written++;
                if (diverged) slow(out, delayMs);
            }
            if (index == divergeAt) {
                diverged = true;
                out.flush();
            }
            index++;
        }
        out.print("{\"type\":\"idle\"}\n");
        for (int w = 0; w < WORDS; w++) {
            out.print("{\"type\":\"mem_word\",\"addr\":\"0x" + Long.toHexString(BASE + 8L * w) + "\",\"value\":\"0x"
                    + Long.toHexString(words[w]) + "\"}\n");
        }
        out.print("{\"type\":\"end\",\"status\":\"" + (divergeAt >= 0 ? "diverged" : "passed") + "\"}\n");
        out.flush();
        if (out.checkError()) throw new IOException("the reader closed the log");
        return index;
    }

    private static String action(int index, String fields) {
        return "{\"type\":\"action\",\"index\":" + index + "," + fields + "}";
    }

    private static void slow(PrintStream out, long delayMs) throws IOException {
        if (delayMs <= 0) return;
        out.flush();
        if (out.checkError()) throw new IOException("the reader closed the log");
        try {
            Thread.sleep(delayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    public static void main(String[] args) throws IOException {
        long records = Long.parseLong(args[1]);
        int divergeAt = args.length > 2 ? Integer.parseInt(args[2]) : -1;
        long delay = args.length > 3 ? Long.parseLong(args[3]) : 0;
        try (OutputStream sink = args[0].equals("-") ? System.out : Files.newOutputStream(Path.of(args[0]))) {
            write(sink, records, divergeAt, delay);
        }
    }
}
