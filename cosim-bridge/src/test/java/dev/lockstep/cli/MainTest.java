package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private static String captureOut(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheCommands() {
        int[] code = new int[1];
        String out = captureOut(() -> code[0] = Main.execute("--help"));
        assertEquals(0, code[0]);
        assertTrue(out.contains("run") && out.contains("mutants"), out);
        assertTrue(out.contains("Exit codes"), out);
    }

    @Test
    void badUsageExitsWithTwo() {
        assertEquals(Main.EXIT_USAGE, Main.execute("run", "--count", "zero"));
        assertEquals(Main.EXIT_USAGE, Main.execute("run", "--count", "0"));
        assertEquals(Main.EXIT_USAGE, Main.execute("no-such-command"));
    }

    @Test
    void aForeignDutWithoutConfigurationIsBadUsage() {
        assertEquals(Main.EXIT_USAGE, Main.execute("run", "--dut", "/nonexistent/libdut.so"));
    }
}
