package dev.nemotron.arch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.arch.fp8.Fp8Format;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A HF model directory, opened once: {@code config.json} parsed (exactly once, with
 * {@link ConfigParser}) and validated at {@link #open}; the safetensors checkpoint
 * ({@link #openCheckpoint()}), the context length, and the end-of-sequence ids of
 * {@code generation_config.json} read from it on request. Every loader of a model (serving,
 * evaluation, the CLI, pipeline stages, {@code HybridModel}) starts here. The tokenizer files
 * ({@code tokenizer.json}, {@code tokenizer_config.json}) are read by the text side, which finds
 * them with {@link #file}.
 */
public final class ModelDirectory {
    /** The context length when {@code config.json} names none. */
    public static final int DEFAULT_CONTEXT = 4096;

    private static final ObjectMapper JSON = dev.nemotron.api.json.JsonMappers.json();

    private final Path path;
    private final NemotronHConfig config;
    private final MixerRegistry registry;
    private final Optional<Fp8Format> fp8;

    private ModelDirectory(Path path, NemotronHConfig config, MixerRegistry registry) {
        this.path = path;
        this.config = config;
        this.registry = registry;
        this.fp8 = Fp8Format.fromConfig(((JsonConfigView) config.view()).root(), config.source());
    }

    /** Opens {@code dir} with the layer types {@link java.util.ServiceLoader} finds. */
    public static ModelDirectory open(Path dir) {
        return open(dir, MixerRegistry.discover());
    }

    /**
     * Opens {@code dir}, parsing its {@code config.json} with the layer types of {@code registry}.
     *
     * @throws NemotronException when {@code dir} is not a directory, has no {@code config.json},
     *     or the config is invalid, with the reason
     */
    public static ModelDirectory open(Path dir, MixerRegistry registry) {
        if (Files.isRegularFile(dir)) {
            Optional<ModelFileFormat> format = fileFormat(dir);
            if (format.isPresent()) {
                return open(format.get().modelDirectory(dir), registry);
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new NemotronException(dir + ": not a model directory");
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new NemotronException(dir + ": no config.json");
        }
        return new ModelDirectory(dir, new ConfigParser(registry).parse(dir.resolve("config.json")), registry);
    }

    /**
     * The {@link ModelFileFormat} (found with ServiceLoader) that accepts {@code file} as a model in
     * one file, e.g. a {@code .gguf}; empty for a directory or a file no format accepts.
     */
    public static Optional<ModelFileFormat> fileFormat(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return dev.nemotron.api.plugin.Plugins.load(ModelFileFormat.class, ModelDirectory.class.getClassLoader(),
                        msg -> org.apache.logging.log4j.LogManager.getLogger(ModelDirectory.class).warn(msg))
                .stream().filter(f -> f.accepts(file)).findFirst();
    }

    public Path path() {
        return path;
    }

    /** The parsed {@code config.json}. */
    public NemotronHConfig config() {
        return config;
    }

    /**
     * The FP8 layout of the checkpoint, from {@code config.json}'s {@code quantization_config}
     * (checked at {@link #open}); empty for an unquantised model.
     */
    public Optional<Fp8Format> fp8() {
        return fp8;
    }

    /** The layer types the config was parsed with (and the model graph is built with). */
    public MixerRegistry registry() {
        return registry;
    }

    /**
     * The directory's safetensors checkpoint (single file or sharded), memory-mapped; the caller
     * closes it.
     */
    public Checkpoint openCheckpoint() {
        return Checkpoint.open(path);
    }

    /** The file {@code name} of the directory (e.g. {@code "tokenizer.json"}), if it is there. */
    public Optional<Path> file(String name) {
        Path file = path.resolve(name);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /**
     * Most tokens (prompt + generated) one sequence may hold: {@code max_position_embeddings}
     * (which {@link ConfigParser} checks is a positive integer), else {@link #DEFAULT_CONTEXT}.
     */
    public int contextLength() {
        String field = "max_position_embeddings";
        return config.view().has(field) ? config.view().getInt(field) : DEFAULT_CONTEXT;
    }

    /**
     * The end-of-sequence ids: {@code eos_token_id} of {@code generation_config.json}, else of
     * {@code config.json}; an int or a list of ints; empty when neither names any.
     *
     * @throws NemotronException when a file cannot be read or the field is of another type
     */
    public Set<Integer> eosIds() {
        Optional<Path> generation = file("generation_config.json");
        if (generation.isPresent()) {
            JsonNode g = readJson(generation.get()).get("eos_token_id");
            if (g != null && !g.isNull()) {
                return eosIds(g, generation.get());
            }
        }
        JsonNode c = ((JsonConfigView) config.view()).root().get("eos_token_id");
        return c == null || c.isNull() ? Set.of() : eosIds(c, path.resolve("config.json"));
    }

    /** {@code eos_token_id} ({@code node}, read from {@code file}): ids of the model's vocabulary. */
    private Set<Integer> eosIds(JsonNode node, Path file) {
        return EosTokenIds.parse(node, config.vocabSize(), file.toString());
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            String msg = e instanceof com.fasterxml.jackson.core.JacksonException j ? dev.nemotron.api.json.JsonMappers.describe(j)
                    : e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new NemotronException(file + ": cannot read JSON: " + msg, e);
        }
    }
}
