package dev.nemotron.infer.server;

import dev.nemotron.infer.chat.ChatTemplate;
import dev.nemotron.infer.engine.GenerationEngine;
import dev.nemotron.infer.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the server serves: a running engine, the model id clients name, the chat template (none
 * for a model without a tokenizer or template), and the context length. Closing it closes the
 * engine, then the resources it was built from (model weights, backend), in reverse order.
 */
public final class ServedModel implements AutoCloseable {
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
