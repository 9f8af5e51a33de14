package dev.nemotron.infer.server;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.text.chat.ChatTemplate;
import dev.nemotron.infer.engine.GenerationEngine;
import dev.nemotron.infer.engine.ModelRuns;
import dev.nemotron.infer.engine.RunningModel;
import dev.nemotron.infer.engine.TextCodec;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What the server serves: a running engine, the model id clients name, the chat template (none
 * for a model without a tokenizer or template), and the context length. Closing it closes the
 * engine, then the resources it was built from (model weights, backend), in reverse order.
 */
public final class ServedModel implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ServedModel.class);
    private final String id;
    private final GenerationEngine engine;
    private final ChatTemplate chatTemplate;
    private final int contextLength;
    private final long created = System.currentTimeMillis() / 1000;
    private final List<AutoCloseable> resources;

    /**
     * @param chatTemplate  null when the model has none (chat completions then answer 400)
     * @param contextLength most tokens (prompt + generated) one sequence may hold
     * @param resources     closed after the engine, last first
     */
    public ServedModel(String id, GenerationEngine engine, ChatTemplate chatTemplate, int contextLength,
                       AutoCloseable... resources) {
        this.id = Objects.requireNonNull(id, "id");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.chatTemplate = chatTemplate;
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be >= 2, got " + contextLength);
        }
        this.contextLength = contextLength;
        this.resources = new ArrayList<>(List.of(resources));
    }

    /**
     * Loads the HF model directory {@code dir} for serving: the {@link ModelDirectory} (its config,
     * checkpoint, context length and end-of-sequence ids), its {@link ModelText} (tokenizer and
     * chat template; without a tokenizer the model is served by token ids only), and the model run
     * as {@link ModelRuns} chooses for the backend.
     *
     * @throws dev.nemotron.api.NemotronException when the directory is not a loadable model, with the reason
     */
    public static ServedModel load(Path dir, ModelOptions options) {
        ModelDirectory model = ModelDirectory.open(dir);
        Set<Integer> eos = model.eosIds();
        int context = model.contextLength();
        ModelText text = ModelText.load(model, options.chatTemplate());
        Tokenizer tokenizer = text.tokenizer();
        ChatTemplate template = text.chatTemplate();
        TextCodec codec = tokenizer == null ? TextCodec.idsOnly(eos) : new TextCodec(tokenizer, eos);
        if (tokenizer == null) {
            LOG.warn("{}: no tokenizer.json; serving token ids only (/v1/completions with token-id prompts)", dir);
        }

        Backend backend = Backends.create(options.backend());
        RunningModel running;
        try {
            // a device runs one slot per batch row
            running = ModelRuns.open(model, backend, options.deviceSizes(context), options.host());
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        GenerationEngine engine = new GenerationEngine(running.languageModel(), codec, options.engine());
        String id = options.servedModelName() != null ? options.servedModelName()
                : dir.toAbsolutePath().normalize().getFileName().toString();
        LOG.info("serving {} as '{}' (backend {}, context {}, eos {}, chat template {})", dir, id, backend.name(), context, eos,
                template == null ? "none" : template.getClass().getSimpleName());
        return new ServedModel(id, engine, template, context, backend, running);
    }

    /**
     * ", weights q8_0, KV cache bf16" for a model run on the host (what {@code --weights} and
     * {@code --kv-cache} chose), "" for a whole-model backend.
     */
    public String hostTypes() {
        if (engine.model() instanceof dev.nemotron.infer.engine.HybridLanguageModel h) {
            dev.nemotron.arch.model.RunOptions o = h.model().options();
            return ", weights " + (o.weights() == null ? "stored" : "q8_0") + ", KV cache "
                    + o.kvCache().safetensorsName().toLowerCase(java.util.Locale.ROOT);
        }
        return "";
    }

    public String id() {
        return id;
    }

    public GenerationEngine engine() {
        return engine;
    }

    /** The chat template, or null. */
    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /** The tokenizer, or null for a model served by token ids only. */
    public Tokenizer tokenizer() {
        return engine.codec().tokenizer();
    }

    public int contextLength() {
        return contextLength;
    }

    /** Seconds since the epoch at which the model was loaded (the {@code created} of {@code /v1/models}). */
    public long created() {
        return created;
    }

    @Override
    public void close() {
        engine.close();
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // closing on shutdown: nothing useful left to do with the failure
            }
        }
    }
}
