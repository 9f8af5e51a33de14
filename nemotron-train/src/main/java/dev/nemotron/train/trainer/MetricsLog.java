package dev.nemotron.train.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.train.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's JSONL logs with a {@code "step"} per line ({@code metrics.jsonl}, GRPO's
 * {@code rollouts.jsonl}) on resume: the steps after the checkpoint are run (and logged) again,
 * so their lines go first.
 */
public final class MetricsLog {
    private static final ObjectMapper JSON = JsonMappers.json();

    private MetricsLog() {
    }

    /**
     * Keeps the lines of steps up to {@code last} (atomically rewritten); a line cut short by a
     * crash counts as after every checkpoint. Nothing when the file does not exist.
     */
    public static void keepThrough(Path file, long last) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && stepOf(line) <= last) {
                    kept.add(line);
                }
            }
            AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    private static long stepOf(String line) {
        try {
            return JSON.readTree(line).path("step").asLong(Long.MAX_VALUE);
        } catch (JsonProcessingException e) {
            return Long.MAX_VALUE;
        }
    }
}
