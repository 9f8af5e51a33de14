package dev.nemotron.train.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint directory in HF layout plus what resuming needs:
 *
 * <pre>
 * config.json             the model's config (copied)
 * model.safetensors       F32 weights, loadable by HybridModel and HF transformers
 * train_state.safetensors F64 master weights ("param/NAME") and optimizer state ("optim/SLOT/NAME")
 * trainer.json            {"step": N, "data": "&lt;the run's data state: BatchSource position, GRPO totals&gt;"}
 * </pre>
 *
 * Written into a temporary sibling directory and renamed into place, so a crash never leaves a
 * half-written checkpoint under the real name; {@code OUT/latest} names the newest one
 * ({@link #save}, {@link #latest}). Resuming from it continues bit-identically.
 */
public final class TrainingCheckpoint {
    private static final ObjectMapper JSON = JsonMappers.json();

    private TrainingCheckpoint() {
    }

    /** The file in a run directory that names its newest checkpoint. */
    public static final String LATEST = "latest";

    /** What a checkpoint restores. */
    public record Restored(Path dir, long step, Parameters parameters, OptimizerState optimizer, String dataState) {
        /**
         * Copies the float64 weights into {@code target}, which must hold exactly the same
         * parameters with the same sizes; otherwise one error naming the first difference (the
         * checkpoint is of another model).
         */
        public void copyInto(Parameters target) {
            for (String name : target.names()) {
                if (!parameters.contains(name)) {
                    throw new NemotronException(dir + ": the checkpoint holds no parameter '" + name
                            + "': it is of another model; resume with the model the run was started with, or start a new run");
                }
            }
            for (Parameters.Param p : parameters.all()) {
                double[] into = target.getOrNull(p.name());
                if (into == null || into.length != p.data().length) {
                    throw new NemotronException(dir + ": the checkpoint's parameter '" + p.name() + "' ("
                            + p.data().length + " values) " + (into == null ? "is not in the model" : "has " + into.length
                            + " values in the model") + ": it is of another model; resume with the model the run was started with, "
                            + "or start a new run");
                }
            }
            for (Parameters.Param p : parameters.all()) {
                System.arraycopy(p.data(), 0, target.get(p.name()), 0, p.data().length);
            }
        }
    }

    /**
     * Writes {@code out/checkpoint-STEP} ({@link #write}) and then points {@code out/latest} at it,
     * each atomically: a crash at any moment leaves {@code latest} naming a complete checkpoint
     * (the new or the previous one).
     */
    public static Path save(Path out, Path configJson, Parameters params, OptimizerState optimizer, long step, String dataState) {
        Path dir = out.resolve("checkpoint-" + step);
        write(dir, configJson, params, optimizer, step, dataState);
        pointLatest(out, dir);
        return dir;
    }

    private static void pointLatest(Path out, Path checkpoint) {
        AtomicFiles.writeString(out.resolve(LATEST), checkpoint.getFileName().toString());
    }

    /**
     * The checkpoint {@code out/latest} names; null when there is no {@code latest} (no checkpoint
     * yet). One error when it names no checkpoint directory.
     */
    public static Path latest(Path out) {
        Path pointer = out.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            return null;
        }
        String name;
        try {
            name = Files.readString(pointer).strip();
        } catch (IOException e) {
            throw new NemotronException(pointer + ": cannot read: " + e.getMessage(), e);
        }
        Path dir = name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\") ? null : out.resolve(name);
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NemotronException(pointer + " names checkpoint '" + name + "', which is not a directory in " + out
                    + "; point it at an existing checkpoint-STEP directory, or start a new run");
        }
        return dir;
    }

    public static void write(Path dir, Path configJson, Parameters params, OptimizerState optimizer, long step,
                             String dataState) {
        try {
            Path tmp = AtomicFiles.stagingDirectory(dir);
            Files.copy(configJson, tmp.resolve("config.json"));
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), params.toTensors(), Map.of("format", "pt"));
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (Parameters.Param p : params.all()) {
                state.put("param/" + p.name(), f64(p.data(), p.shape()));
            }
            for (Map.Entry<String, double[]> e : optimizer.arrays().entrySet()) {
                state.put("optim/" + e.getKey(), f64(e.getValue(), new long[] {e.getValue().length}));
            }
            SafetensorsWriter.write(tmp.resolve("train_state.safetensors"), state, Map.of("step", Long.toString(step)));
            ObjectNode t = JSON.createObjectNode();
            t.put("step", step);
            t.put("data", dataState);
            Files.writeString(tmp.resolve("trainer.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(t));
            AtomicFiles.publishDirectory(tmp, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir, e);
        }
    }

    public static Restored read(Path dir) {
        Path trainer = dir.resolve("trainer.json");
        if (!Files.isRegularFile(trainer)) {
            throw new NemotronException(dir + ": not a training checkpoint (no trainer.json)");
        }
        if (!Files.isRegularFile(dir.resolve("train_state.safetensors"))) {
            throw new NemotronException(dir + ": not a training checkpoint (no train_state.safetensors)");
        }
        JsonNode t;
        try {
            t = JSON.readTree(Files.readString(trainer));
        } catch (IOException e) {
            throw new NemotronException(trainer + ": not a checkpoint's trainer.json: " + e.getMessage(), e);
        }
        if (t == null || !t.path("step").canConvertToExactIntegral() || t.path("step").asLong() < 0 || !t.path("data").isTextual()) {
            throw new NemotronException(trainer + ": not a checkpoint's trainer.json (expected {\"step\": N, \"data\": \"...\"})");
        }
        try (SafetensorsFile state = SafetensorsFile.open(dir.resolve("train_state.safetensors"))) {
            Parameters params = Parameters.empty();
            Map<String, double[]> optim = new LinkedHashMap<>();
            for (String name : state.names()) {
                Tensor tensor = state.tensor(name);
                if (tensor.dtype() != DType.F64) {
                    throw new NemotronException(dir + ": train_state.safetensors holds " + name + " as " + tensor.dtype()
                            + ", not F64: not a training checkpoint");
                }
                double[] v = new double[(int) tensor.numel()];
                MemorySegment.copy(tensor.data(), Tensor.F64_LE, 0, v, 0, v.length);
                if (name.startsWith("param/")) {
                    params.put(name.substring(6), tensor.shape(), v);
                } else if (name.startsWith("optim/")) {
                    optim.put(name.substring(6), v);
                }
            }
            return new Restored(dir, t.get("step").asLong(), params, new OptimizerState(optim), t.get("data").asText());
        }
    }

    private static Tensor f64(double[] v, long[] shape) {
        return new Tensor(DType.F64, shape, MemorySegment.ofArray(v));
    }
}
