package dev.nemotron.eval.model;

import dev.nemotron.api.NemotronException;

/**
 * The harness's self-check ({@code --model canonical}): answers every problem with the task's
 * reference completion (its {@code canonical} template, e.g. GSM8K's full solution ending in
 * {@code #### 18}) and gives the correct option of a multiple-choice problem log-probability 0,
 * every other option -1000. A task whose prompt, filters and metrics are consistent scores 1.0
 * with it; anything less points at the task, not at a model.
 */
public final class CanonicalEvalModel implements EvalModel {
    /** The log-probability given to wrong continuations. */
    public static final double WRONG = -1000;

    /** The self-check model; it holds nothing. */
    public CanonicalEvalModel() {
    }

    @Override
    public String id() {
        return "canonical";
    }

    @Override
    public Completion generate(GenerateRequest request) {
        if (request.reference() == null) {
            throw new NemotronException("the canonical model needs the task's reference completion, and this task"
                    + " declares none (give it 'target' or 'canonical')");
        }
        return new Completion(request.reference(), null, 0, 0, 0, "stop");
    }

    @Override
    public boolean supportsLoglikelihood() {
        return true;
    }

    @Override
    public Loglikelihood loglikelihood(LoglikelihoodRequest request) {
        return request.reference() ? new Loglikelihood(0, true, 1) : new Loglikelihood(WRONG, false, 1);
    }
}
