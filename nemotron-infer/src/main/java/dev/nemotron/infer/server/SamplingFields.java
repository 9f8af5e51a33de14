package dev.nemotron.infer.server;

import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.thinking.ThinkingBudget;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The request fields that chat completions and completions share: sampling, {@code n},
 * {@code stream}, and the thinking-budget extensions. Types are checked here (400 naming the
 * field); ranges by {@link SamplingParams}, whose messages name the OpenAI field too.
 *
 * @param maxTokens          {@code max_completion_tokens}, else {@code max_tokens}; empty when neither is given
 * @param n                  independent samples of the same prompt
 * @param stream             answer with server-sent events
 * @param includeUsage       {@code stream_options.include_usage}: a last chunk with the usage
 * @param maxThinkingTokens  the reasoning budget (extension), if any
 * @param thinkingGraceTokens tokens to wait for a newline once the budget is reached (extension)
 * @param seed               the seed of sample 0; sample {@code i} uses {@code seed + i}
 */
record SamplingFields(SamplingParams.Builder base, OptionalInt maxTokens, int n, boolean stream, boolean includeUsage,
                      OptionalInt maxThinkingTokens, int thinkingGraceTokens, OptionalLong seed) {
    /** Most samples one request may ask for. */
    static final int MAX_N = 128;

    static SamplingFields parse(JsonFields f) {
        SamplingParams.Builder b = SamplingParams.builder();
        f.number("temperature").ifPresent(b::temperature);
        f.number("top_p").ifPresent(b::topP);
        f.number("min_p").ifPresent(b::minP);
        f.number("presence_penalty").ifPresent(b::presencePenalty);
        f.number("frequency_penalty").ifPresent(b::frequencyPenalty);
        f.number("repetition_penalty").ifPresent(b::repetitionPenalty);
        OptionalInt topK = f.intInRange("top_k", -1, Integer.MAX_VALUE);
        topK.ifPresent(k -> b.topK(k < 0 ? 0 : k));          // vLLM spells "off" as -1
        b.stop(f.stringOrStrings("stop"));
        b.stopTokenIds(f.tokenIds("stop_token_ids"));
        OptionalLong seed = f.integer("seed");

        OptionalInt maxTokens = positive(f, "max_completion_tokens");
        if (maxTokens.isEmpty()) {
            maxTokens = positive(f, "max_tokens");
        }
        int n = f.intInRange("n", 1, MAX_N).orElse(1);
        boolean stream = f.bool("stream").orElse(false);
        boolean includeUsage = f.object("stream_options").flatMap(o -> o.bool("include_usage")).orElse(false);
        OptionalInt maxThinking = f.intInRange("max_thinking_tokens", 0, Integer.MAX_VALUE);
        int grace = f.intInRange("thinking_grace_tokens", 0, Integer.MAX_VALUE).orElse(ThinkingBudget.DEFAULT_GRACE_TOKENS);
        rejectLogprobs(f);
        return new SamplingFields(b, maxTokens, n, stream, includeUsage, maxThinking, grace, seed);
    }

    private static OptionalInt positive(JsonFields f, String field) {
        OptionalLong v = f.integer(field);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        if (v.getAsLong() <= 0) {
            throw ApiException.badRequest(field + " must be > 0, got " + v.getAsLong(), field);
        }
        return OptionalInt.of((int) Math.min(v.getAsLong(), Integer.MAX_VALUE));
    }

    private static void rejectLogprobs(JsonFields f) {
        var lp = f.node("logprobs");
        if (lp != null && !(lp.isBoolean() && !lp.asBoolean())) {
            throw ApiException.badRequest("logprobs is not supported by this server", "logprobs");
        }
        if (f.has("top_logprobs")) {
            throw ApiException.badRequest("top_logprobs is not supported by this server", "top_logprobs");
        }
    }

    /** The validated parameters of sample {@code i}. */
    SamplingParams forSample(int i, int maxNewTokens) {
        return base.seed(seed.isPresent() ? OptionalLong.of(seed.getAsLong() + i) : OptionalLong.empty())
                .maxTokens(maxNewTokens)
                .build();
    }
}
