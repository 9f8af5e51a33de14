package dev.nemotron.api.reward;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Reward} scores: one completion of one prompt, with the reference answer.
 *
 * @param prompt     the prompt the completion answers (the question, or the rendered chat);
 *                   {@code ""} when the reward does not need it
 * @param completion the model's completion, as generated (it may hold {@code <think>...</think>}
 *                   reasoning; rewards that judge the final answer strip it themselves)
 * @param reference  the reference ("gold") answer, e.g. {@code "\\frac{1}{2}"} or a test suite;
 *                   {@code ""} when there is none
 * @param metadata   free-form string fields of the example (task name, answer type, a test
 *                   command, ...), copied and unmodifiable; empty when there are none. Callers
 *                   reading a JSONL prompt file pass every other field of the row here: a string
 *                   as it is, any other JSON value as its JSON text (so the {@code ifeval}
 *                   reward reads {@code instruction_id_list} and {@code kwargs}, the {@code code}
 *                   reward {@code tests}, the {@code format} reward {@code completion_tokens})
 */
public record RewardInput(String prompt, String completion, String reference, Map<String, String> metadata) {
    public RewardInput {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(reference, "reference");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }

    /** An input with no metadata. */
    public static RewardInput of(String prompt, String completion, String reference) {
        return new RewardInput(prompt, completion, reference, Map.of());
    }
}
