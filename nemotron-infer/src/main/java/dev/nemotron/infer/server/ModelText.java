package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.NemotronException;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.text.chat.ChatTemplate;
import dev.nemotron.text.chat.JinjaChatTemplate;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The text side of a model directory: {@code tokenizer.json} (optional: without it a model is
 * used by token ids only) and the chat template of {@code tokenizer_config.json}, chosen by a
 * {@link ChatTemplateChoice}. Kept apart from {@link ModelDirectory} (config and weights), so it
 * can move with the tokenizer.
 *
 * @param tokenizer    the tokenizer, or null when the directory has no {@code tokenizer.json}
 * @param chatTemplate the chat template, or null when there is no tokenizer
 */
public record ModelText(Tokenizer tokenizer, ChatTemplate chatTemplate) {
    private static final ObjectMapper JSON = JsonMappers.json();

    /**
     * Reads the tokenizer and chat template of {@code dir}.
     *
     * @throws NemotronException when a file is unreadable, or {@code choice} is
     *     {@link ChatTemplateChoice#JINJA} and there is no Jinja template
     */
    public static ModelText load(ModelDirectory dir, ChatTemplateChoice choice) {
        Optional<Path> tokenizerFile = dir.file("tokenizer.json");
        if (tokenizerFile.isEmpty()) {
            return new ModelText(null, null);
        }
        Tokenizer tokenizer = Tokenizer.load(tokenizerFile.get());
        return new ModelText(tokenizer, chatTemplate(dir, choice));
    }

    private static ChatTemplate chatTemplate(ModelDirectory dir, ChatTemplateChoice choice) {
        Optional<Path> file = dir.file("tokenizer_config.json");
        JsonNode config = file.map(ModelText::readJson).orElse(null);
        boolean hasJinja = config != null && config.has("chat_template");
        return switch (choice) {
            case NEMOTRON -> new NemotronChatTemplate();
            case AUTO -> hasJinja ? JinjaChatTemplate.fromTokenizerConfig(config) : new NemotronChatTemplate();
            case JINJA -> {
                if (!hasJinja) {
                    throw new NemotronException(dir.path() + ": --chat-template jinja needs a chat_template in tokenizer_config.json");
                }
                yield JinjaChatTemplate.fromTokenizerConfig(config);
            }
        };
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read JSON: " + e.getMessage(), e);
        }
    }
}
