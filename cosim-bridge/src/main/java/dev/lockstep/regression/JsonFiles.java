package dev.lockstep.regression;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the JSON files a user hands Lockstep (--config, --waivers, a summary.json, a wrapper
 * declaration): a file that cannot be read, is not JSON or gives a key twice is bad input named by file
 * and line, in the words of the problem, never the parser's internals.
 */
public final class JsonFiles {
    private static final ObjectMapper STRICT =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonFiles() {}

    /**
     * The file's JSON, or null when it is empty. {@code where} prefixes every message (an option, e.g.
     * {@code "--waivers known.json"}, or just the file).
     */
    public static JsonNode read(Path file, String where) throws BadInputException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read it: " + Problems.of(e));
        }
        try {
            return STRICT.readTree(bytes);
        } catch (JsonProcessingException e) {
            // The parser's own words, without its pointers into the source (the line is given in front).
            String m = e.getOriginalMessage().replaceAll(" ?\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
                    .replaceAll("\\[Source:[^\\]]*\\]", "").trim();
            JsonLocation at = e.getLocation();
            String line = at != null && at.getLineNr() > 0 ? ":" + at.getLineNr() : "";
            throw new BadInputException(where + line + ": " + (m.startsWith("Duplicate field ")
                    ? "key " + m.substring("Duplicate field ".length()) + " appears twice" : "not valid JSON: " + m));
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read it: " + Problems.of(e));
        }
    }
}
