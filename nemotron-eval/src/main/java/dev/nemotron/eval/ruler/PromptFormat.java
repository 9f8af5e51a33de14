package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.ChatTemplate;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.chat.RenderOptions;
import java.util.List;
import java.util.Objects;

/**
 * How a sample's input and answer prefix become the text the model reads — the text whose tokens
 * are counted against the target length. RULER counts the whole prompt, model template included,
 * so a suite must be generated with the format it will be run with.
 *
 * <ul>
 *   <li>{@link #plain()}: {@code input + answerPrefix} (RULER's {@code base} template);</li>
 *   <li>{@link #chat}: the input as the user turn of a chat template with a generation prompt,
 *       then the answer prefix (leading whitespace stripped) opening the assistant's reply.</li>
 * </ul>
 */
public interface PromptFormat {
    /** A name written into each sample ({@code prompt_format}) so that a runner can check it renders alike. */
    String name();

    /** The prompt text for {@code input} and {@code answerPrefix}, and where {@code input} starts in it. */
    Rendered render(String input, String answerPrefix);

    /**
     * A rendered prompt.
     *
     * @param text       the whole prompt, special tokens spelled out
     * @param inputStart the index in {@code text} where the sample's input starts (it appears verbatim)
     */
    record Rendered(String text, int inputStart) {
    }

    /** The input followed directly by the answer prefix, no template. */
    static PromptFormat plain() {
        return new PromptFormat() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public Rendered render(String input, String answerPrefix) {
                return new Rendered(input + answerPrefix, 0);
            }
        };
    }

    /** The built-in Nemotron Nano 2 chat format with reasoning off ({@code <think></think>}), then the answer prefix. */
    static PromptFormat nemotronChat() {
        return chat("nemotron-chat", new NemotronChatTemplate(), RenderOptions.defaults().withThinking(false));
    }

    /**
     * The input as the single user message of {@code template}, rendered with {@code options} (a
     * generation prompt is always added), followed by the answer prefix without its leading whitespace.
     *
     * @param name a name for the samples' {@code prompt_format} field
     * @throws NemotronException on rendering when the template does not copy the message verbatim
     */
    static PromptFormat chat(String name, ChatTemplate template, RenderOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(template, "template");
        RenderOptions opts = options.withGenerationPrompt(true);
        String marker = "\uE000ruler-input\uE001";
        return new PromptFormat() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Rendered render(String input, String answerPrefix) {
                String shell = template.render(List.of(ChatMessage.user(marker)), opts).text();
                int at = shell.indexOf(marker);
                if (at < 0 || shell.indexOf(marker, at + 1) >= 0) {
                    throw new NemotronException("prompt format '" + name + "': the chat template does not copy the user"
                            + " message verbatim once, so RULER inputs cannot be measured in it");
                }
                String text = shell.substring(0, at) + input + shell.substring(at + marker.length()) + answerPrefix.stripLeading();
                return new Rendered(text, at);
            }
        };
    }
}
