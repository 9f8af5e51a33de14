package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.cli.output.Json;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nemotron init}: a freshly initialised model (HF layout) from a config. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create a model directory (config.json + model.safetensors) with freshly initialised weights.")
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "CONFIG.json", description = "The model's config.json.")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created; must not hold a model yet).")
    Path out;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: 0).")
    long seed;

    /** The dtypes a checkpoint can be initialised in. */
    enum StorageType {
        F32, BF16, F16;

        DType dtype() {
            return DType.valueOf(name());
        }
    }

    @Option(names = "--dtype", paramLabel = "DTYPE",
            description = "Storage dtype: ${COMPLETION-CANDIDATES}, any case (default: the config's dtype).")
    StorageType dtype;

    @Option(names = "--tokenizer", paramLabel = "FILE_OR_DIR",
            description = "A tokenizer.json (or a directory with one, and optionally tokenizer_config.json) to copy into the model.")
    Path tokenizer;

    @Override
    public Integer call() throws IOException {
        MixerRegistry registry = MixerRegistry.discover();
        NemotronHConfig c = new ConfigParser(registry).parse(config);
        ModelGraph graph = ModelGraph.of(c, registry);
        DType storage = dtype != null ? dtype.dtype() : c.dtype();
        if (storage != DType.F32 && storage != DType.BF16 && storage != DType.F16) {
            throw new NemotronException("the config's dtype " + storage + " cannot be stored; give --dtype F32, BF16 or F16");
        }
        if (Files.exists(out.resolve("model.safetensors")) || Files.exists(out.resolve("model.safetensors.index.json"))) {
            throw new NemotronException(out + ": already holds a model; choose another --out");
        }
        Path tokenizerFile = tokenizer == null ? null : checkTokenizer(c.vocabSize());
        Files.createDirectories(out);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> weights = RandomWeights.generate(graph, seed, storage, arena);
            SafetensorsWriter.write(out.resolve("model.safetensors"), weights,
                    Map.of("format", "pt", "producer", "nemotron init", "seed", Long.toString(seed)));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (tokenizerFile != null) {
            copyTokenizer(tokenizerFile);
        }
        Path configFile = Files.isDirectory(config) ? config.resolve("config.json") : config;
        Files.copy(configFile, out.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        ObjectNode o = Json.object();
        o.put("out", out.toString());
        o.put("parameters", graph.parameterCount());
        o.put("dtype", storage.safetensorsName());
        o.put("pattern", c.pattern());
        o.put("seed", seed);
        o.put("tokenizer", tokenizer != null);
        Json.print(spec.commandLine().getOut(), o);
        return 0;
    }

    /** The tokenizer.json to copy, after checking that its ids fit the vocabulary. */
    private Path checkTokenizer(int vocabSize) {
        Path file = Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
        Tokenizer tok = Tokenizer.load(file);
        int maxId = tok.vocabSize() - 1;
        for (int id : tok.specialIds()) {
            maxId = Math.max(maxId, id);
        }
        if (maxId >= vocabSize) {
            throw new NemotronException(file + ": token ids go up to " + maxId + " but the config's vocab_size is "
                    + vocabSize);
        }
        return file;
    }

    /** Copies tokenizer.json and the tokenizer_config.json beside it, if any. */
    private void copyTokenizer(Path file) throws IOException {
        Files.copy(file, out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        Path tokenizerConfig = file.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(tokenizerConfig)) {
            Files.copy(tokenizerConfig, out.resolve("tokenizer_config.json"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
