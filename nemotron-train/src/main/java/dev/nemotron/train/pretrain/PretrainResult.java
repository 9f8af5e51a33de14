package dev.nemotron.train.pretrain;

import java.nio.file.Path;

/**
 * What a finished run reports (also written to {@code OUT/summary.json}).
 *
 * @param model        the final model in HF layout ({@code OUT/model})
 * @param steps        the run's last step
 * @param finalLoss    the training loss of the last step
 * @param evalLoss     the last held-out loss (NaN without held-out data)
 * @param initialEvalLoss the held-out loss after the first step (NaN without held-out data)
 * @param tokens       training tokens seen by this invocation (resumed steps excluded)
 * @param seconds      wall time of this invocation's steps
 * @param peakHeapAfterGcBytes the largest heap in use right after a garbage collection during training
 *                             (the live objects; see {@link dev.nemotron.arch.estimate.HeapMeter})
 * @param unigramEntropy the unigram entropy (nats per token, EOS counted) of the first training
 *                     source: the loss of a model that ignores context, the bar to get far below
 */
public record PretrainResult(Path model, long steps, double finalLoss, double evalLoss, double initialEvalLoss,
                             long tokens, double seconds, long peakHeapAfterGcBytes, double unigramEntropy) {
    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }
}
