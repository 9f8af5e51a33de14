package dev.nemotron.train.data.synth;

/**
 * Renders one training conversation (a user turn and the assistant's reply) in a model's chat
 * format. nemotron-train does not know the template; the CLI passes one built on
 * {@code dev.nemotron.text.chat.NemotronChatTemplate}.
 */
@FunctionalInterface
public interface ChatRenderer {
    /**
     * @param question         the user's turn
     * @param assistantContent {@link ReasoningSample#assistantContent(boolean)}
     * @param thinking         whether reasoning is on (the template's {@code <think>\n} prefix) or off ({@code <think></think>})
     * @return the full text, special tokens spelled out, ending with the end-of-turn marker
     */
    String render(String question, String assistantContent, boolean thinking);
}
