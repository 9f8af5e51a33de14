package dev.nemotron.infer.server;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.ModelExecution;
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
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
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
        int context = contextLength(config, dir.resolve("config.json"));

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

    /**
     * {@code max_position_embeddings} of config.json: a positive integer, or {@link #DEFAULT_CONTEXT}
     * when the config names none (never when it names a bad one).
     */
    static int contextLength(JsonNode config, Path file) {
        JsonNode n = config.get("max_position_embeddings");
        if (n == null || n.isNull()) {
            return DEFAULT_CONTEXT;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
            throw new NemotronException(file + ": max_position_embeddings must be a positive integer, got " + n);
        }
        return n.intValue();
    }

    /**
     * {@code eos_token_id} of generation_config.json, else of config.json; an int or a list of ints,
     * each below config.json's {@code vocab_size} ({@link EosTokenIds}).
     */
    static Set<Integer> eosIds(Path dir, JsonNode config) {
        JsonNode v = config.path("vocab_size");
        int vocab = v.isIntegralNumber() && v.canConvertToInt() && v.intValue() > 0 ? v.intValue() : 0;
        Path generation = dir.resolve("generation_config.json");
        if (Files.isRegularFile(generation)) {
            JsonNode g = readJson(generation).get("eos_token_id");
            if (g != null && !g.isNull()) {
                return EosTokenIds.parse(g, vocab, generation.toString());
            }
        }
        JsonNode c = config.get("eos_token_id");
        return c == null || c.isNull() ? Set.of() : EosTokenIds.parse(c, vocab, dir.resolve("config.json").toString());
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new NemotronException(file + ": cannot read JSON: " + msg, e);
        }
    }
}
