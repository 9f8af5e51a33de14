package dev.nemotron.train.data.synth;

import java.util.Objects;

/**
 * A question with its reasoning trace and its answer.
 *
 * @param question  the user's turn, e.g. {@code What is 47 + 38?}
 * @param reasoning the step-by-step trace, lines separated by {@code \n}, ending with the answer
 * @param answer    the final answer alone, e.g. {@code 85}
 */
public record ReasoningSample(String question, String reasoning, String answer) {
    /** The tag that closes the reasoning of an assistant turn (a single token in Nemotron tokenizers). */
    public static final String THINK_CLOSE = "</think>";

    public ReasoningSample {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(reasoning, "reasoning");
        Objects.requireNonNull(answer, "answer");
    }

    /**
     * The assistant's content as the model is trained to produce it. With reasoning on:
     * {@code {reasoning}\n</think>\n{answer}} — the chat template puts {@code <think>\n} before it
     * (the generation prompt ends there) and the end of turn after it, so at inference the model
     * continues a {@code <think>\n} prompt with the reasoning, {@code </think>}, the answer and the
     * end-of-turn token. With reasoning off: the answer alone (the template's prefix is
     * {@code <think></think>}).
     */
    public String assistantContent(boolean thinking) {
        return thinking ? reasoning + "\n" + THINK_CLOSE + "\n" + answer : answer;
    }
}
