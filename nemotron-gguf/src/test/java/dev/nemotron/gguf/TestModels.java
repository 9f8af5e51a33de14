package dev.nemotron.gguf;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.testing.Fixtures;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Model directories for the GGUF tests. */
final class TestModels {
    private TestModels() {
    }

    /** examples/configs/tiny-hybrid with random weights of {@code dtype} and the quickstart's 2k BPE tokenizer. */
    static Path tinyHybridWithTokenizer(Path dir, DType dtype) throws IOException {
        Path root = Fixtures.repoRoot();
        Files.createDirectories(dir);
        Files.copy(root.resolve("examples/configs/tiny-hybrid/config.json"), dir.resolve("config.json"));
        Files.copy(root.resolve("examples/tokenizers/nemotron-bpe-2k/tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"{% for m in messages %}{{ m.content }}{% endfor %}\"}");
        ModelDirectory md = ModelDirectory.open(dir);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> w = RandomWeights.generate(ModelGraph.of(md.config(), md.registry()), 7, dtype, arena);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w);
        }
        return dir;
    }
}
