package dev.nemotron.train.trainer;

import dev.nemotron.train.autodiff.loss.Loss;
import java.util.List;

/**
 * The loss a {@link Trainer} minimises, one {@link Loss} per sequence of a batch (default:
 * cross-entropy against the batch's targets). Logit distillation gives a KL to a frozen teacher's
 * logits here. The losses' {@code compute} runs on the trainer's worker threads, one sequence each.
 */
@FunctionalInterface
public interface BatchLoss {
    List<? extends Loss> losses(TrainingBatch batch);
}
