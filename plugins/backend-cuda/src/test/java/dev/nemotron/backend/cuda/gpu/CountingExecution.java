package dev.nemotron.backend.cuda.gpu;

import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.tensor.DType;
import java.util.Optional;

/**
 * A training execution (the CUDA one) whose trainer counts its backward passes and keeps the trainer
 * it opened ({@link #opened}, for downloading the gradient sum): the device's step uses that sum
 * divided by the passes.
 */
final class CountingExecution implements TrainingExecution {
    private final TrainingExecution inner;
    DeviceTrainer opened;
    int backwards;

    CountingExecution(TrainingExecution inner) {
        this.inner = inner;
    }

    @Override
    public boolean opens(Class<? extends ModelArtifact> kind) {
        return inner.opens(kind);
    }

    @Override
    public DeviceTrainer open(ModelArtifact artifact, String optimizer, OptimizerConfig options) {
        opened = inner.open(artifact, optimizer, options);
        DeviceTrainer t = opened;
        return new DeviceTrainer() {
            @Override
            public SavedForward forward(int[] ids, int[] labels, int rows, int seqLen) {
                return t.forward(ids, labels, rows, seqLen);
            }

            @Override
            public void backward(SavedForward forward) {
                t.backward(forward);
                backwards++;
            }

            @Override
            public void backward(SavedForward forward, float[] weights) {
                t.backward(forward, weights);
                backwards++;
            }

            @Override
            public Optional<String> tokenWeightsUnavailable() {
                return t.tokenWeightsUnavailable();
            }

            @Override
            public float[] tokenLogProbs(SavedForward forward) {
                return t.tokenLogProbs(forward);
            }

            @Override
            public Optional<String> softTargetsUnavailable() {
                return t.softTargetsUnavailable();
            }

            @Override
            public void softTargets(SoftTargets targets) {
                t.softTargets(targets);
            }

            @Override
            public double step(double learningRate, double maxGradNorm) {
                return t.step(learningRate, maxGradNorm);
            }

            @Override
            public void gemmPrecision(String weightName, DType precision) {
                t.gemmPrecision(weightName, precision);
            }

            @Override
            public void downloadWeights(WeightSink sink) {
                t.downloadWeights(sink);
            }

            @Override
            public void downloadState(StateSlot slot, WeightSink sink) {
                t.downloadState(slot, sink);
            }

            @Override
            public void uploadState(StateSlot slot, String name, float[] values) {
                t.uploadState(slot, name, values);
            }

            @Override
            public long optimizerSteps() {
                return t.optimizerSteps();
            }

            @Override
            public void optimizerSteps(long steps) {
                t.optimizerSteps(steps);
            }

            @Override
            public void close() {
                t.close();
            }
        };
    }
}
