package dev.nemotron.eval.model;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny random model with a real tokenizer, as {@code nemotron init --config
 * examples/configs/tiny-hybrid/config.json --tokenizer examples/tokenizers/nemotron-bpe-2k} makes it.
 */
public final class TinyModel {
    private TinyModel() {
    }

    static Path repo() {
        return Path.of("..").toAbsolutePath().normalize();
    }

    public static Path create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path config = repo().resolve("examples/configs/tiny-hybrid/config.json");
        MixerRegistry registry = MixerRegistry.discover();
        NemotronHConfig c = new ConfigParser(registry).parse(config);
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsWriter.write(dir.resolve("model.safetensors"), RandomWeights.generate(ModelGraph.of(c, registry), 1,
                    DType.F32, arena));
        }
        Files.copy(config, dir.resolve("config.json"));
        Files.copy(repo().resolve("examples/tokenizers/nemotron-bpe-2k/tokenizer.json"), dir.resolve("tokenizer.json"));
        return dir;
    }
}
