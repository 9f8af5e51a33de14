package dev.nemotron.eval.model;

import dev.nemotron.text.chat.ChatMessage;
import java.util.List;

/**
 * What the model is asked: plain text to complete, or a conversation for the model's chat
 * template (answered by a new assistant turn). Exactly one of the two is set.
 *
 * @param text     the text to complete, or null
 * @param messages the conversation, or null
 */
public record Prompt(String text, List<ChatMessage> messages) {
    public Prompt {
        if ((text == null) == (messages == null)) {
            throw new IllegalArgumentException("a prompt is either text or chat messages");
        }
        if (messages != null) {
            if (messages.isEmpty()) {
                throw new IllegalArgumentException("a chat prompt needs at least one message");
            }
            messages = List.copyOf(messages);
        }
    }

    /** Plain text to complete. */
    public static Prompt text(String text) {
        return new Prompt(text, null);
    }

    /** A conversation to answer. */
    public static Prompt chat(List<ChatMessage> messages) {
        return new Prompt(null, messages);
    }

    public boolean isChat() {
        return messages != null;
    }
}
