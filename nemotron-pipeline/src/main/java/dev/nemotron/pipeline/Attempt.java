package dev.nemotron.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code attempt.json}: written in a stage's work directory when the stage starts, removed when
 * it completes. When a stage has no {@code stage.json} but an attempt with the same parameters
 * and input, the earlier attempt failed or was interrupted, and the runner keeps the directory
 * so the stage may resume ({@link dev.nemotron.api.pipeline.StageContext#resuming()}).
 *
 * @param paramsDigest the digest of the attempt's type and parameters
 * @param inputModel   its input model, or null
 * @param upstream     the run id of the stage before it, or null
 * @param startedAt    ISO-8601 instant
 */
record Attempt(String paramsDigest, String inputModel, String upstream, String startedAt) {
    static final String FILE = "attempt.json";

    /** The attempt in {@code dir}, if there is a readable one. */
    static Optional<Attempt> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JsonTrees.MAPPER.readTree(file.toFile());
            return Optional.of(new Attempt(n.get("params_digest").asText(), text(n, "input_model"), text(n, "upstream"),
                    text(n, "started_at")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code other} ran the same parameters on the same input. */
    boolean sameWorkAs(Attempt other) {
        return paramsDigest.equals(other.paramsDigest) && Objects.equals(inputModel, other.inputModel)
                && Objects.equals(upstream, other.upstream);
    }

    /** Writes this attempt to {@code dir/attempt.json}, atomically. */
    void write(Path dir) {
        ObjectNode o = JsonTrees.MAPPER.createObjectNode();
        o.put("params_digest", paramsDigest);
        o.put("input_model", inputModel);
        o.put("upstream", upstream);
        o.put("started_at", startedAt);
        try {
            AtomicFiles.writeString(dir.resolve(FILE), JsonTrees.MAPPER.writeValueAsString(o) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an attempt", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
