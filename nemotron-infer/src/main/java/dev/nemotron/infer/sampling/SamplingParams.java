package dev.nemotron.infer.sampling;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How one request chooses its tokens; the fields of the OpenAI/vLLM request body.
 *
 * <p>The canonical constructor validates every field and throws a {@link NemotronException}
 * whose one-line message names the field by its OpenAI name ({@code top_p}, {@code max_tokens},
 * …) and the allowed range, since the server passes it to the client unchanged.
 *
 * @param temperature       softmax temperature, {@code >= 0}; {@code 0} (or anything below
 *                          {@link #GREEDY_BELOW}) means greedy (argmax)
 * @param topK              keep the {@code topK} largest logits (ties with the last kept one are
 *                          kept too); {@code 0} = off
 * @param topP              nucleus: keep the most likely tokens until their mass reaches
 *                          {@code topP}, in {@code (0, 1]}; {@code 1} = off
 * @param minP              keep tokens whose probability is at least {@code minP} times the
 *                          largest probability, in {@code [0, 1]}; {@code 0} = off
 * @param repetitionPenalty HF/CTRL penalty on every token present in prompt or output: positive
 *                          logits divided by it, the others multiplied; {@code > 0}, {@code 1} = off
 * @param presencePenalty   OpenAI: subtracted once from the logit of every token present in the
 *                          output, in {@code [-2, 2]}; {@code 0} = off
 * @param frequencyPenalty  OpenAI: subtracted from a token's logit once per occurrence in the
 *                          output, in {@code [-2, 2]}; {@code 0} = off
 * @param seed              the same seed (with the same logits) gives the same tokens; empty =
 *                          a fresh random seed per request
 * @param maxTokens         most tokens to generate, {@code > 0} (enforced by the engine)
 * @param stop              stop strings (non-empty); the returned text ends before the first one
 * @param stopTokenIds      token ids that end generation (besides the model's end-of-sequence)
 */
public record SamplingParams(
        double temperature,
        int topK,
        double topP,
        double minP,
        double repetitionPenalty,
        double presencePenalty,
        double frequencyPenalty,
        OptionalLong seed,
        int maxTokens,
        List<String> stop,
        Set<Integer> stopTokenIds) {

    /** Temperatures below this are treated as 0 (greedy), as vLLM does: dividing by them overflows. */
    public static final double GREEDY_BELOW = 1e-5;

    /** {@code max_tokens} when none is given (the OpenAI and vLLM default). */
    public static final int DEFAULT_MAX_TOKENS = 16;

    /** Validates every field and copies the collections (immutable). */
    public SamplingParams {
        // checked as the float the sampler computes with: a double that rounds to 0 or overflows is refused
        if (!(temperature >= 0 && (float) temperature < Float.POSITIVE_INFINITY)) {
            throw invalid("temperature must be a finite number >= 0 (at most " + Float.MAX_VALUE + "), got " + temperature);
        }
        if (topK < 0) {
            throw invalid("top_k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw invalid("top_p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw invalid("min_p must be in [0, 1], got " + minP);
        }
        if (!((float) repetitionPenalty > 0 && (float) repetitionPenalty < Float.POSITIVE_INFINITY)) {
            throw invalid("repetition_penalty must be a finite number > 0 (in [" + Float.MIN_VALUE + ", " + Float.MAX_VALUE
                    + "] as a 32-bit float), got " + repetitionPenalty);
        }
        if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
            throw invalid("presence_penalty must be in [-2, 2], got " + presencePenalty);
        }
        if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
            throw invalid("frequency_penalty must be in [-2, 2], got " + frequencyPenalty);
        }
        if (seed == null) {
            throw invalid("seed must not be null (use OptionalLong.empty())");
        }
        if (maxTokens <= 0) {
            throw invalid("max_tokens must be > 0, got " + maxTokens);
        }
        stop = checkedStop(stop);
        stopTokenIds = checkedStopTokenIds(stopTokenIds);
    }

    /** The defaults: temperature 1, all filters and penalties off, no seed, 16 tokens, no stops. */
    public static SamplingParams defaults() {
        return builder().build();
    }

    /** Greedy decoding (temperature 0) of at most {@code maxTokens} tokens. */
    public static SamplingParams greedy(int maxTokens) {
        return builder().temperature(0).maxTokens(maxTokens).build();
    }

    /** A builder holding the {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these parameters. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.minP = minP;
        b.repetitionPenalty = repetitionPenalty;
        b.presencePenalty = presencePenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.seed = seed;
        b.maxTokens = maxTokens;
        b.stop = stop;
        b.stopTokenIds = stopTokenIds;
        return b;
    }

    /** Whether the token is the argmax ({@code temperature < GREEDY_BELOW}). */
    public boolean isGreedy() {
        return temperature < GREEDY_BELOW;
    }

    /** Whether any of the three penalties is on. */
    public boolean hasPenalties() {
        return repetitionPenalty != 1 || presencePenalty != 0 || frequencyPenalty != 0;
    }

    private static List<String> checkedStop(List<String> stop) {
        if (stop == null) {
            throw invalid("stop must not be null (use an empty list)");
        }
        for (String s : stop) {
            if (s == null || s.isEmpty()) {
                throw invalid("stop must not contain an empty or null string");
            }
        }
        return List.copyOf(stop);
    }

    private static Set<Integer> checkedStopTokenIds(Set<Integer> ids) {
        if (ids == null) {
            throw invalid("stop_token_ids must not be null (use an empty set)");
        }
        for (Integer id : ids) {
            if (id == null || id < 0) {
                throw invalid("stop_token_ids must hold token ids >= 0, got " + id);
            }
        }
        return Set.copyOf(ids);
    }

    private static NemotronException invalid(String message) {
        return new NemotronException(message);
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private double temperature = 1;
        private int topK;
        private double topP = 1;
        private double minP;
        private double repetitionPenalty = 1;
        private double presencePenalty;
        private double frequencyPenalty;
        private OptionalLong seed = OptionalLong.empty();
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private Collection<String> stop = List.of();
        private Collection<Integer> stopTokenIds = Set.of();

        private Builder() {
        }

        public Builder temperature(double v) {
            temperature = v;
            return this;
        }

        public Builder topK(int v) {
            topK = v;
            return this;
        }

        public Builder topP(double v) {
            topP = v;
            return this;
        }

        public Builder minP(double v) {
            minP = v;
            return this;
        }

        public Builder repetitionPenalty(double v) {
            repetitionPenalty = v;
            return this;
        }

        public Builder presencePenalty(double v) {
            presencePenalty = v;
            return this;
        }

        public Builder frequencyPenalty(double v) {
            frequencyPenalty = v;
            return this;
        }

        public Builder seed(long v) {
            seed = OptionalLong.of(v);
            return this;
        }

        public Builder seed(OptionalLong v) {
            seed = v;
            return this;
        }

        public Builder maxTokens(int v) {
            maxTokens = v;
            return this;
        }

        public Builder stop(String... v) {
            stop = Arrays.asList(v);
            return this;
        }

        public Builder stop(Collection<String> v) {
            stop = v;
            return this;
        }

        public Builder stopTokenIds(int... v) {
            stopTokenIds = Arrays.stream(v).boxed().toList();
            return this;
        }

        public Builder stopTokenIds(Collection<Integer> v) {
            stopTokenIds = v;
            return this;
        }

        /** The validated parameters; a {@link NemotronException} names the first bad field. */
        public SamplingParams build() {
            return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                    frequencyPenalty, seed, maxTokens,
                    stop == null ? null : new ArrayList<>(stop),
                    stopTokenIds == null ? null : new LinkedHashSet<>(stopTokenIds));
        }
    }
}
