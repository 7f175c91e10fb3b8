package dev.lockstep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Every seed log Lockstep writes in the tests is valid against docs/log-format.schema.json: each {@code @TempDir}
 * is made by {@link Factory}, which remembers it, and after each test (before JUnit deletes its directories)
 * every {@code logs/seed-N.jsonl} and {@code .jsonl.gz} in them (the names Lockstep writes; logs a test edits by
 * hand to be malformed have other names) is validated record by record. A record the schema rejects fails the test.
 * Registered for every test class (src/test/resources/junit-platform.properties).
 */
public final class WrittenLogs implements AfterEachCallback, AfterAllCallback {

    private static final Set<Path> DIRS = ConcurrentHashMap.newKeySet();
    /** Logs already validated, by path and size (a log is validated again when it was rewritten). */
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
    private static volatile long validated;

    /** Makes temporary directories as JUnit's default factory does, and remembers them. */
    public static final class Factory implements TempDirFactory {
        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
            Path dir = Files.createTempDirectory("junit-");
            DIRS.add(dir);
            return dir;
        }
    }

    /** How many logs were validated so far in this JVM. */
    public static long validated() { return validated; }

    @Override
    public void afterEach(ExtensionContext context) throws IOException { validateAll(); }

    @Override
    public void afterAll(ExtensionContext context) throws IOException { validateAll(); }

    /** Validates the new logs in every remembered directory; fails with the first problems found. */
    public static void validateAll() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path dir : DIRS) {
            if (!Files.isDirectory(dir)) {
                DIRS.remove(dir);
                continue;
            }
            List<Path> logs;
            try (Stream<Path> files = Files.walk(dir)) {
                logs = files.filter(WrittenLogs::writtenByLockstep).toList();
            } catch (java.io.UncheckedIOException e) {
                continue; // a test is still deleting its files
            }
            for (Path log : logs) {
                String key = log + "#" + Files.size(log) + "#" + Files.getLastModifiedTime(log).toMillis();
                if (!SEEN.add(key)) continue;
                problems.addAll(LogSchema.problems(log));
                validated++;
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("logs written by Lockstep that docs/log-format.schema.json rejects:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
    }

    private static boolean writtenByLockstep(Path p) {
        String name = p.getFileName().toString();
        return Files.isRegularFile(p) && p.getParent() != null && p.getParent().getFileName().toString().equals("logs")
                && name.matches("seed-\\d+\\.jsonl(\\.gz)?");
    }
}
