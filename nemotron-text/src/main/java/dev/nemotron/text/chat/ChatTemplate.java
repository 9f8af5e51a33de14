package dev.nemotron.text.chat;

import java.util.List;

/** Turns a conversation into the prompt text a model was trained on. */
public interface ChatTemplate {
    /**
     * Renders {@code messages}.
     *
     * @throws dev.nemotron.api.NemotronException when the conversation cannot be rendered
     */
    RenderedPrompt render(List<ChatMessage> messages, RenderOptions options);
}
