package dev.nemotron.compress.distill;

import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.autodiff.loss.SoftTargetLoss;
import dev.nemotron.train.trainer.BatchLoss;
import dev.nemotron.train.trainer.TrainingBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * The distillation objective of a batch: per sequence, the teacher's logits for the same tokens
 * (computed inside {@link Loss#compute}, so on the trainer's worker threads, one sequence each) and
 * a {@link DistillationLoss} against them. Positions whose target is ignored (-100) do not count.
 * Each is a {@link SoftTargetLoss}: on a device ({@code --backend cuda}) the teacher still runs here,
 * on the host, and only its targets go to the device's soft-target head.
 */
public final class TeacherLoss implements BatchLoss {
    private final Teacher teacher;
    private final double temperature;
    private final Divergence divergence;
    private final int topK;

    public TeacherLoss(Teacher teacher, double temperature, Divergence divergence, int topK) {
        this.teacher = teacher;
        this.temperature = temperature;
        this.divergence = divergence;
        this.topK = topK;
        // fail now on bad settings, not on the first step's worker thread
        DistillationLoss.of(new double[0], temperature, divergence, topK, null);
    }

    @Override
    public List<? extends Loss> losses(TrainingBatch batch) {
        List<Loss> out = new ArrayList<>(batch.inputs().length);
        for (int b = 0; b < batch.inputs().length; b++) {
            int[] tokens = batch.inputs()[b];
            int[] targets = batch.targets()[b];
            boolean[] counted = new boolean[targets.length];
            for (int t = 0; t < targets.length; t++) {
                counted[t] = targets[t] != CrossEntropy.IGNORE_INDEX;
            }
            out.add(new Row(tokens, counted));
        }
        return out;
    }

    /**
     * One sequence's loss: the teacher's forward runs when the loss is computed (on the host trainer's
     * worker threads) or when a device asks for its targets.
     */
    private final class Row implements SoftTargetLoss {
        private final int[] tokens;
        private final boolean[] counted;

        Row(int[] tokens, boolean[] counted) {
            this.tokens = tokens;
            this.counted = counted;
        }

        private SoftTargetLoss loss() {
            return DistillationLoss.of(teacher.logits(tokens), temperature, divergence, topK, counted);
        }

        @Override
        public Value compute(double[] logits, int rows, int vocab) {
            return loss().compute(logits, rows, vocab);
        }

        @Override
        public boolean[] counted(int rows) {
            return counted.clone();
        }

        @Override
        public TrainingExecution.SoftTargets softTargets(int rows, int vocab) {
            return loss().softTargets(rows, vocab);
        }
    }

    public String describe() {
        return divergence.label() + " KL, T = " + temperature + (topK > 0 ? ", teacher top-" + topK : "");
    }
}
