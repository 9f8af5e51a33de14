package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.ModelExecution;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.infer.chat.ChatTemplate;
import dev.nemotron.infer.chat.JinjaChatTemplate;
import dev.nemotron.infer.chat.NemotronChatTemplate;
import dev.nemotron.infer.engine.DeviceLanguageModel;
import dev.nemotron.infer.engine.DeviceModels;
import dev.nemotron.infer.engine.GenerationEngine;
import dev.nemotron.infer.engine.HybridLanguageModel;
import dev.nemotron.infer.engine.LanguageModel;
import dev.nemotron.infer.engine.TextCodec;
import dev.nemotron.infer.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Loads a HF model directory for serving: {@code config.json} + safetensors (the weights),
 * {@code tokenizer.json} (optional: without it the model is served by token ids only),
 * {@code tokenizer_config.json} (its {@code chat_template}, if any), and the end-of-sequence ids
 * from {@code generation_config.json} or else {@code config.json} ({@code eos_token_id}, an int or
 * a list).
 */
public final class ModelLoader {
    private static final Logger LOG = LogManager.getLogger(ModelLoader.class);
    private static final ObjectMapper JSON = JsonMappers.json();
    /** The context length when {@code config.json} names none. */
    static final int DEFAULT_CONTEXT = 4096;

    private ModelLoader() {
    }

    /**
     * @throws NemotronException when the directory is not a loadable model, with the reason
     */
    public static ServedModel load(Path dir, ModelOptions options) {
        if (!Files.isDirectory(dir)) {
            throw new NemotronException(dir + ": not a model directory");
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new NemotronException(dir + ": no config.json");
        }
        JsonNode config = readJson(dir.resolve("config.json"));
        Set<Integer> eos = eosIds(dir, config);
        int context = config.path("max_position_embeddings").canConvertToInt() && config.path("max_position_embeddings").asInt() > 1
                ? config.path("max_position_embeddings").asInt() : DEFAULT_CONTEXT;

        Tokenizer tokenizer = Files.isRegularFile(dir.resolve("tokenizer.json")) ? Tokenizer.load(dir.resolve("tokenizer.json")) : null;
        ChatTemplate template = tokenizer == null ? null : chatTemplate(dir, options.chatTemplate());
        TextCodec codec = tokenizer == null ? TextCodec.idsOnly(eos) : new TextCodec(tokenizer, eos);
        if (tokenizer == null) {
            LOG.warn("{}: no tokenizer.json; serving token ids only (/v1/completions with token-id prompts)", dir);
        }

        Backend backend = Backends.create(options.backend());
        LanguageModel languageModel;
        AutoCloseable weights;
        try {
            Optional<ModelExecution> device = backend.modelExecution();
            if (device.isPresent()) {
                // whole-model execution: weights and caches on the device, one slot per batch row
                var o = new DeviceModels.Options(options.engine().maxBatch(), context,
                        DeviceModels.DEFAULT_PREFILL_TOKENS, null);
                DeviceLanguageModel m = new DeviceLanguageModel(DeviceModels.load(dir, device.get(), o), context);
                languageModel = m;
                weights = m;
            } else {
                HybridModel model = HybridModel.load(dir, backend);
                languageModel = new HybridLanguageModel(model);
                weights = model;
            }
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        GenerationEngine engine = new GenerationEngine(languageModel, codec, options.engine());
        String id = options.servedModelName() != null ? options.servedModelName()
                : dir.toAbsolutePath().normalize().getFileName().toString();
        LOG.info("serving {} as '{}' (backend {}, context {}, eos {}, chat template {})", dir, id, backend.name(), context, eos,
                template == null ? "none" : template.getClass().getSimpleName());
        return new ServedModel(id, engine, template, context, backend, weights);
    }

    private static ChatTemplate chatTemplate(Path dir, ChatTemplateChoice choice) {
        Path tokenizerConfig = dir.resolve("tokenizer_config.json");
        boolean hasJinja = Files.isRegularFile(tokenizerConfig) && readJson(tokenizerConfig).has("chat_template");
        return switch (choice) {
            case NEMOTRON -> new NemotronChatTemplate();
            case AUTO -> hasJinja ? JinjaChatTemplate.fromTokenizerConfig(tokenizerConfig) : new NemotronChatTemplate();
            case JINJA -> {
                if (!hasJinja) {
                    throw new NemotronException(dir + ": --chat-template jinja needs a chat_template in tokenizer_config.json");
                }
                yield JinjaChatTemplate.fromTokenizerConfig(tokenizerConfig);
            }
        };
    }

    /** {@code eos_token_id} of generation_config.json, else of config.json; an int or a list of ints. */
    static Set<Integer> eosIds(Path dir, JsonNode config) {
        Path generation = dir.resolve("generation_config.json");
        if (Files.isRegularFile(generation)) {
            JsonNode g = readJson(generation).get("eos_token_id");
            if (g != null && !g.isNull()) {
                return ids(g, generation);
            }
        }
        JsonNode c = config.get("eos_token_id");
        return c == null || c.isNull() ? Set.of() : ids(c, dir.resolve("config.json"));
    }

    private static Set<Integer> ids(JsonNode node, Path file) {
        Set<Integer> out = new LinkedHashSet<>();
        if (node.isIntegralNumber()) {
            out.add(node.asInt());
        } else if (node.isArray()) {
            for (JsonNode id : node) {
                if (!id.isIntegralNumber()) {
                    throw new NemotronException(file + ": eos_token_id must be an int or a list of ints, got " + node);
                }
                out.add(id.asInt());
            }
        } else {
            throw new NemotronException(file + ": eos_token_id must be an int or a list of ints, got " + node);
        }
        return out;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read JSON: " + e.getMessage(), e);
        }
    }
}
