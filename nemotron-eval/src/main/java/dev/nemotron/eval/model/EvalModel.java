package dev.nemotron.eval.model;

import dev.nemotron.api.NemotronException;

/**
 * A model under evaluation. Built in: the in-process engine ({@link EngineEvalModel}), an
 * OpenAI-compatible endpoint ({@link OpenAiEvalModel}) and the {@code canonical} self-check
 * ({@link CanonicalEvalModel}). Implementations must be safe to call from several threads at once:
 * the runner keeps up to its concurrency of requests in flight.
 */
public interface EvalModel extends AutoCloseable {
    /**
     * The model's identity: part of the config digest of every sample, so results of another
     * model are never reused on resume.
     */
    String id();

    /**
     * Generates one completion.
     *
     * @throws NemotronException when the model cannot answer (the run stops; finished samples are kept)
     */
    Completion generate(GenerateRequest request);

    /** True when {@link #loglikelihood} works (multiple-choice and log-likelihood tasks). */
    default boolean supportsLoglikelihood() {
        return false;
    }

    /**
     * Scores a continuation.
     *
     * @throws NemotronException when this model cannot score log-likelihoods (the default)
     */
    default Loglikelihood loglikelihood(LoglikelihoodRequest request) {
        throw new NemotronException("model '" + id() + "' cannot score log-likelihoods, which loglikelihood and"
                + " multiple_choice tasks need");
    }

    /** Releases what the model holds (an engine, HTTP connections). */
    @Override
    default void close() {
    }
}
