package dev.nemotron.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code stage.json}: the record that a stage completed, written atomically in its work
 * directory once it succeeded. A stage whose record holds the same parameters digest, the same
 * input model and the same upstream run is complete and is skipped.
 *
 * @param stage        the stage's name
 * @param type         its type
 * @param params       its parameters, references resolved
 * @param paramsDigest {@code sha256:} of the canonical JSON of type and parameters
 * @param inputModel   the input model it ran on (absolute), or null
 * @param upstream     the {@code run_id} of the stage before it, or null for the first stage
 * @param runId        this completion's id (a random UUID): the next stage records it as its upstream
 * @param outputModel  the model it produced (absolute), or null
 * @param summary      its summary values
 * @param startedAt    ISO-8601 instant
 * @param completedAt  ISO-8601 instant
 * @param seconds      how long it ran
 */
record StageRecord(String stage, String type, Map<String, Object> params, String paramsDigest, String inputModel, String upstream,
                   String runId, String outputModel, Map<String, Object> summary, String startedAt, String completedAt,
                   double seconds) {
    static final String FILE = "stage.json";

    StageRecord {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(paramsDigest, "paramsDigest");
        Objects.requireNonNull(runId, "runId");
    }

    /** The record in {@code dir}, if there is a readable one (an unreadable one counts as none). */
    static Optional<StageRecord> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JsonTrees.MAPPER.readTree(file.toFile());
            return Optional.of(new StageRecord(n.get("stage").asText(), n.path("type").asText(), plainMap(n.get("params")),
                    n.get("params_digest").asText(), text(n, "input_model"), text(n, "upstream"), n.get("run_id").asText(),
                    text(n, "output_model"), plainMap(n.get("summary")), text(n, "started_at"), text(n, "completed_at"),
                    n.path("seconds").asDouble()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes this record to {@code dir/stage.json}, atomically. */
    void write(Path dir) {
        ObjectNode o = JsonTrees.MAPPER.createObjectNode();
        o.put("stage", stage);
        o.put("type", type);
        o.set("params", JsonTrees.toTree(params));
        o.put("params_digest", paramsDigest);
        o.put("input_model", inputModel);
        o.put("upstream", upstream);
        o.put("run_id", runId);
        o.put("output_model", outputModel);
        o.set("summary", JsonTrees.toTree(summary));
        o.put("started_at", startedAt);
        o.put("completed_at", completedAt);
        o.put("seconds", seconds);
        try {
            AtomicFiles.writeString(dir.resolve(FILE), JsonTrees.MAPPER.writeValueAsString(o) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the record of stage '" + stage + "'", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plainMap(JsonNode n) {
        Object v = JsonTrees.toPlain(n);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }
}
