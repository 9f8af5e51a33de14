package dev.nemotron.infer.sampling;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses the next token of one request from its logits. One per request, not thread-safe.
 *
 * <pre>
 * next(logits, history), in the order of vLLM and HF transformers:
 * 1. penalties        repetition (prompt + output), then frequency and presence (output only)
 * 2. processors       the extra {@link LogitsProcessor}s, in order (e.g. the thinking budget)
 * 3. greedy           temperature &lt; {@link SamplingParams#GREEDY_BELOW}: argmax, ties to the lowest id; done
 * 4. temperature      logit / temperature
 * 5. top-k            keep the k largest (ties with the k-th kept), by partial selection
 * 6. top-p            nucleus over the softmax of what is left, sorting only what is kept
 * 7. min-p            keep p &gt;= min_p * p_max
 * 8. draw             from softmax of what is left with a SplittableRandom seeded from the seed
 * </pre>
 * Steps 1 and 2 edit {@code logits} in place; steps 4 to 8 work on a copy of the surviving
 * candidates. A token whose logit is {@code -Infinity} after step 2 is never chosen; NaN or
 * {@code +Infinity} logits are rejected.
 *
 * <p>The same parameters, seed, processors and logits give the same tokens.
 */
public final class Sampler {
    private final SamplingParams params;
    private final LogitsProcessor processors;
    private final Penalties penalties;
    private final SplittableRandom random;
    private final Candidates candidates = new Candidates();

    /** A sampler without extra processors. */
    public Sampler(SamplingParams params) {
        this(params, List.of());
    }

    /** A sampler running {@code processors} (in order) after the penalties. */
    public Sampler(SamplingParams params, List<? extends LogitsProcessor> processors) {
        this.params = params;
        this.processors = LogitsProcessors.chain(List.copyOf(processors));
        this.penalties = params.hasPenalties() ? new Penalties(params) : null;
        this.random = params.seed().isPresent()
                ? new SplittableRandom(params.seed().getAsLong())
                : new SplittableRandom();
    }

    public SamplingParams params() {
        return params;
    }

    /**
     * The next token.
     *
     * @param logits  logits of this sequence for the next position, length = vocabulary size;
     *                edited in place (penalties and processors)
     * @param history prompt and tokens generated so far; it only grows between calls
     */
    public int next(float[] logits, TokenHistory history) {
        // 1. penalties
        if (penalties != null) {
            penalties.apply(logits, history);
        }
        // 2. extra processors
        processors.apply(logits, history);
        // 3. greedy
        if (params.isGreedy()) {
            return argmax(logits);
        }
        // 4. temperature (applied while gathering) and 5. top-k
        float temperature = (float) params.temperature();
        int k = Math.min(params.topK(), logits.length);   // top_k beyond the vocabulary keeps every token
        float threshold = k > 0 && k < logits.length ? candidates.kthLargest(logits, temperature, k) : Float.NEGATIVE_INFINITY;
        candidates.gather(logits, temperature, threshold);
        // 6. top-p
        if (params.topP() < 1) {
            candidates.keepTopP(params.topP());
        }
        // 7. min-p
        if (params.minP() > 0) {
            candidates.keepMinP(params.minP());
        }
        // 8. draw
        return candidates.draw(random);
    }

    /** Tells the processors which token was generated; call once per token, after {@link #next}. */
    public void observe(int token) {
        processors.observe(token);
    }

    /** The index of the largest logit, the lowest index among equals; {@code -Infinity} never wins. */
    public static int argmax(float[] logits) {
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            float l = Candidates.checked(i, logits[i]);
            if (l > max) {
                max = l;
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("no token can be chosen: every logit is -Infinity");
        }
        return best;
    }
}
