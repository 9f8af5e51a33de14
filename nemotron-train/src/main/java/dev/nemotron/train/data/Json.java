package dev.nemotron.train.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.train.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** JSON of the data pipeline (snake_case) and atomic file writes (temp file + rename). */
final class Json {
    static final ObjectMapper MAPPER = JsonMappers.snakeCaseBinding();

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(String json, Class<T> type, String source) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonMappingException e) { // JSON that does not fit the type: Jackson's message names Java types
            if (e.getCause() instanceof NemotronException n) {
                throw new NemotronException(source + ": " + n.getMessage(), e);
            }
            String what = String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")
                    ? "text after the JSON value" : "wrong type or value at " + where(e);
            throw new NemotronException(source + ": not a valid " + type.getSimpleName() + ": " + what, e);
        } catch (IOException e) { // syntax, or a limit such as the nesting depth (reported without a location)
            String msg = e instanceof JacksonException j ? JsonMappers.problem(j) : e.getMessage();
            String first = msg == null ? e.getClass().getSimpleName() : msg.lines().findFirst().orElse("");
            JsonLocation loc = e instanceof JacksonException j ? j.getLocation() : null;
            String at = loc != null && loc.getLineNr() > 0 ? " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")" : "";
            throw new NemotronException(source + ": not valid JSON" + at + ": " + first, e);
        }
    }

    /** The JSON path of a mapping error: {@code 'shards[0].documents'}, or "the top level". */
    private static String where(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.isEmpty() ? "the top level" : "'" + b + "'";
    }

    static <T> T read(Path file, Class<T> type) {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new NemotronException(file + ": not a regular file");
        }
        try {
            return read(Files.readString(file, StandardCharsets.UTF_8), type, file.toString());
        } catch (NoSuchFileException e) {
            throw new NemotronException(file + ": no such file");
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes {@code text} to {@code file} atomically: a temp file in the same folder, then a rename. */
    static void writeAtomically(Path file, String text) {
        AtomicFiles.writeString(file, text);
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        AtomicFiles.move(from, to);
    }
}
