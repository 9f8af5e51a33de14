package dev.nemotron.infer.server;

import dev.nemotron.api.NemotronException;
import java.util.Locale;

/** Which chat template a served model uses ({@code --chat-template}). */
public enum ChatTemplateChoice {
    /** The {@code chat_template} of {@code tokenizer_config.json} when there is one, else the built-in Nemotron one. */
    AUTO,
    /** The built-in {@link dev.nemotron.text.chat.NemotronChatTemplate}, whatever the tokenizer config says. */
    NEMOTRON,
    /** The {@code chat_template} of {@code tokenizer_config.json}; an error when there is none. */
    JINJA;

    /** Parses {@code auto}, {@code nemotron} or {@code jinja}. */
    public static ChatTemplateChoice parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new NemotronException("unknown chat template '" + name + "' (expected auto, nemotron or jinja)");
        }
    }
}
