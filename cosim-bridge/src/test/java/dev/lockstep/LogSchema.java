package dev.lockstep;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The repository's JSON Schema of a log record (docs/log-format.schema.json, the current schema version), through a
 * real validator; a log of schema version 1 is validated against the version 1 schema (docs/log-format-v1.schema.json).
 */
public final class LogSchema {
    private LogSchema() {}

    public static final Path FILE = TestPaths.home().resolve("docs/log-format.schema.json");
    public static final Path FILE_V1 = TestPaths.home().resolve("docs/log-format-v1.schema.json");

    private static final Schema SCHEMA = load(FILE);
    private static final Schema SCHEMA_V1 = load(FILE_V1);

    private static Schema load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the schema says is wrong with one record (one line), empty when it is valid. */
    public static List<String> problems(String record) {
        return problems(SCHEMA, record);
    }

    /** The same against the schema of version 1. */
    public static List<String> problemsV1(String record) {
        return problems(SCHEMA_V1, record);
    }

    private static List<String> problems(Schema schema, String record) {
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(record, InputFormat.JSON)) out.add(e.getInstanceLocation() + ": " + e.getMessage());
        return out;
    }

    /** Every record of a log file (gzip or not) that the schema rejects, as {@code FILE:LINE: problem}. */
    public static List<String> problems(Path log) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(log);
             BufferedReader r = new BufferedReader(new InputStreamReader(
                     log.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw, StandardCharsets.UTF_8))) {
            int n = 0;
            Schema schema = SCHEMA;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (line.isBlank()) continue;
                // the header says which version the records are of (the version 1 schema rejects version 2)
                if (n == 1 && line.matches("^\\{\"type\":\"header\",\"schema_version\":1,.*")) schema = SCHEMA_V1;
                for (String p : problems(schema, line)) out.add(log + ":" + n + ": " + p);
            }
        }
        return out;
    }
}
