package dev.nemotron.align.grpo;

/**
 * What one GRPO step (a rollout and its optimizer updates) reports; each is a metrics.jsonl line.
 *
 * @param step              the step (rollout) number, from 1
 * @param loss              the GRPO loss, mean over the step's updates
 * @param rewardMean        mean total reward over the step's samples
 * @param rewardStd         its standard deviation (population)
 * @param rewardTerms       mean of each reward term (unweighted), in the run's order
 * @param kl                mean per-token k3 KL to the reference at the rollout policy (0 with beta 0)
 * @param clipFraction      share of completion tokens whose ratio was clipped, over all updates
 * @param responseLength    mean completion tokens per sample
 * @param truncatedFraction share of samples that hit max_tokens
 * @param noThinkFraction   share of samples rendered with reasoning off
 * @param lr                the learning rate of the last update
 * @param gradNorm          the global gradient norm of the last update (before clipping)
 * @param rolloutTokens     tokens generated
 * @param trainTokens       tokens forwarded and backpropagated (prompt and completion, every update)
 * @param rolloutSeconds    time in the engine
 * @param trainSeconds      time in reference log-probs, gradients and updates
 */
public record GrpoStep(long step, double loss, double rewardMean, double rewardStd, double[] rewardTerms, double kl,
                       double clipFraction, double responseLength, double truncatedFraction, double noThinkFraction,
                       double lr, double gradNorm, long rolloutTokens, long trainTokens, double rolloutSeconds,
                       double trainSeconds) {
    public double rolloutTokensPerSecond() {
        return rolloutTokens / Math.max(rolloutSeconds, 1e-9);
    }

    public double trainTokensPerSecond() {
        return trainTokens / Math.max(trainSeconds, 1e-9);
    }
}
