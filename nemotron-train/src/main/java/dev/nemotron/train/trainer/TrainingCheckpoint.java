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
 * trainer.json            {"step": N, "data": "&lt;BatchSource state&gt;"}
 * </pre>
 *
 * Written into a temporary sibling directory and renamed into place, so a crash never leaves a
 * half-written checkpoint under the real name. Resuming from it continues bit-identically.
 */
public final class TrainingCheckpoint {
    private static final ObjectMapper JSON = JsonMappers.json();

    private TrainingCheckpoint() {
    }

    /** What a checkpoint restores. */
    public record Restored(long step, Parameters parameters, OptimizerState optimizer, String dataState) {
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
        try (SafetensorsFile state = SafetensorsFile.open(dir.resolve("train_state.safetensors"))) {
            JsonNode t = JSON.readTree(Files.readString(trainer));
            Parameters params = Parameters.empty();
            Map<String, double[]> optim = new LinkedHashMap<>();
            for (String name : state.names()) {
                Tensor tensor = state.tensor(name);
                double[] v = new double[(int) tensor.numel()];
                MemorySegment.copy(tensor.data(), Tensor.F64_LE, 0, v, 0, v.length);
                if (name.startsWith("param/")) {
                    params.put(name.substring(6), tensor.shape(), v);
                } else if (name.startsWith("optim/")) {
                    optim.put(name.substring(6), v);
                }
            }
            return new Restored(t.get("step").asLong(), params, new OptimizerState(optim), t.get("data").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + dir, e);
        }
    }

    private static Tensor f64(double[] v, long[] shape) {
        return new Tensor(DType.F64, shape, MemorySegment.ofArray(v));
    }
}
