package dev.nemotron.train.data;

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
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new NemotronException(source + ": not a valid " + type.getSimpleName() + ": " + msg, e);
        }
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
