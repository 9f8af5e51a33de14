package dev.nemotron.compress;

import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** Test models: the HF fixture {@code tiny-nemotron-h-a} (pattern M-M*-M-M*-), copied and edited. */
public final class TinyModels {
    /** hidden 64; Mamba-2: 8 heads of 16 in 2 groups; MLP 192; attention 4 query heads, 2 KV heads of 16; vocab 512. */
    public static final String FIXTURE = "tiny-nemotron-h-a";

    private TinyModels() {
    }

    public static Path fixture() {
        return Fixtures.dir(FIXTURE);
    }

    /** Every tensor of the fixture as float32 arrays (a copy), by name. */
    public static Map<String, float[]> weights(Path dir) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Checkpoint c = Checkpoint.open(dir)) {
            for (String n : c.names()) {
                out.put(n, c.require(n).toFloatArray());
            }
        }
        return out;
    }

    /** Shapes of every tensor of {@code dir}. */
    public static Map<String, long[]> shapes(Path dir) {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (Checkpoint c = Checkpoint.open(dir)) {
            for (String n : c.names()) {
                out.put(n, c.require(n).shape());
            }
        }
        return out;
    }

    /**
     * A copy of the fixture in {@code target} whose weights {@code edit} changed (name, values in
     * place): config and tokenizer files copied, weights written as one F32 file.
     */
    public static Path edited(Path target, BiConsumer<String, float[]> edit) throws IOException {
        Path src = fixture();
        Files.createDirectories(target);
        Files.copy(src.resolve("config.json"), target.resolve("config.json"));
        Map<String, long[]> shapes = shapes(src);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        weights(src).forEach((name, v) -> {
            edit.accept(name, v);
            tensors.put(name, Tensor.ofFloats(v, shapes.get(name)));
        });
        SafetensorsWriter.write(target.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        return target;
    }
}
