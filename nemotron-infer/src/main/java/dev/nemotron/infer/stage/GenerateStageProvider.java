package dev.nemotron.infer.stage;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.thinking.ThinkingBudget;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code generate} stage: completions of a list of prompts with the input model, written to
 * {@code generations.jsonl} in the stage's directory; no new model.
 *
 * <p>Parameters: {@code prompts} (required: a string or a list of strings); {@code chat}
 * (default true: each prompt is a user turn in the model's chat template; reasoning on unless the
 * prompt says {@code /no_think}); {@code max_new_tokens} (default 64); {@code greedy} (the default
 * when there is no {@code temperature}) or {@code temperature}, {@code top_p}, {@code top_k},
 * {@code seed}; {@code max_thinking_tokens} and {@code thinking_grace} (the reasoning budget);
 * {@code backend}. Summary: {@code generations} (the file), {@code prompts},
 * {@code completion_tokens}.
 */
public final class GenerateStageProvider implements StageProvider {
    static final List<String> FIELDS = List.of("prompts", "chat", "max_new_tokens", "greedy", "temperature", "top_p", "top_k",
            "seed", "max_thinking_tokens", "thinking_grace", "backend");
    static final int DEFAULT_MAX_NEW_TOKENS = 64;

    @Override
    public String type() {
        return "generate";
    }

    @Override
    public String description() {
        return "generate completions of prompts with the input model into generations.jsonl (no new model)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        p.requireOnly(FIELDS);
        List<String> prompts = p.strings("prompts");
        if (prompts.isEmpty()) {
            throw p.has("prompts") ? p.invalid("prompts", "must hold at least one prompt") : p.missing("prompts");
        }
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).isEmpty()) {
                throw p.invalid("prompts", "holds an empty prompt (number " + (i + 1) + ")");
            }
        }
        boolean greedy = p.bool("greedy", false);
        if (greedy && p.has("temperature")) {
            throw p.error("give at most one of 'greedy' and 'temperature'");
        }
        int maxNewTokens = p.integer("max_new_tokens", DEFAULT_MAX_NEW_TOKENS);
        if (maxNewTokens < 1) {
            throw p.invalid("max_new_tokens", "must be positive, got " + maxNewTokens);
        }
        OptionalInt maxThinking = p.optionalInteger("max_thinking_tokens");
        if (maxThinking.isPresent() && maxThinking.getAsInt() < 0) {
            throw p.invalid("max_thinking_tokens", "must be >= 0, got " + maxThinking.getAsInt());
        }
        int grace = p.integer("thinking_grace", ThinkingBudget.DEFAULT_GRACE_TOKENS);
        if (grace < 0) {
            throw p.invalid("thinking_grace", "must be >= 0, got " + grace);
        }
        SamplingParams sampling;
        try {
            SamplingParams.Builder b = SamplingParams.builder().maxTokens(maxNewTokens).temperature(p.number("temperature", 0))
                    .topP(p.number("top_p", 1.0)).topK(p.integer("top_k", 0));
            OptionalLong seed = p.optionalLong("seed");
            if (seed.isPresent()) {
                b.seed(seed.getAsLong());
            }
            sampling = b.build();
        } catch (NemotronException e) {
            if (e.getMessage().startsWith("stage '")) {
                throw e;
            }
            throw p.error(e.getMessage());
        }
        return new GenerateStage(new GenerateStage.Settings(prompts, p.bool("chat", true), sampling, maxThinking, grace,
                p.optionalString("backend").orElse(null)));
    }
}
