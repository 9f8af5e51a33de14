package dev.nemotron.train.trainer;

import dev.nemotron.train.autodiff.loss.Loss;
import java.util.List;
import java.util.Map;

/**
 * The loss a {@link Trainer} minimises, one {@link Loss} per sequence of a batch (default:
 * cross-entropy against the batch's targets). Logit distillation gives a KL to a frozen teacher's
 * logits here; DPO a loss over a packed row of a chosen and a rejected response (the row's
 * segments keep them apart). The losses' {@code compute} runs on the trainer's worker threads,
 * one sequence each.
 */
@FunctionalInterface
public interface BatchLoss {
    List<? extends Loss> losses(TrainingBatch batch);

    /**
     * Extra metrics of the losses {@link #losses} last returned, once they have been computed
     * (DPO: reward accuracy and margin): added to that step's line of {@code metrics.jsonl}.
     * Default: none.
     */
    default Map<String, Double> metrics() {
        return Map.of();
    }
}
