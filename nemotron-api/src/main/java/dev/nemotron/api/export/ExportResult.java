package dev.nemotron.api.export;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What an export wrote.
 *
 * @param files   every file written, the main one first
 * @param summary one line for the user (format, weight type, size)
 */
public record ExportResult(List<Path> files, String summary) {
    public ExportResult {
        files = List.copyOf(files);
        Objects.requireNonNull(summary, "summary");
    }
}
