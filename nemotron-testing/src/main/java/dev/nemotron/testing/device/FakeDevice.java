package dev.nemotron.testing.device;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import java.util.Optional;
import java.util.Set;

/**
 * Stand-ins for a training device, for tests of the host side of device training (the trainer's
 * {@code DeviceSteps} and what drives it) without a GPU: a {@link Backend} named {@value #NAME}
 * that offers a given {@link TrainingExecution}, an {@link Execution} that opens every artifact, a
 * {@link Trainer} whose optimizer side does nothing, and a finished {@link TrainingExecution.SavedForward}.
 * A test extends {@link Execution} and {@link Trainer} with what it records or computes.
 */
public final class FakeDevice {
    /** The fake backend's name, as errors about it print it. */
    public static final String NAME = "fake";

    private FakeDevice() {
    }

    /** A backend named {@value #NAME} with {@link Capability#TRAINING_EXECUTION} that gives {@code exec} (null: none). */
    public static Backend backend(TrainingExecution exec) {
        return new Backend() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Set<Capability> capabilities() {
                return Set.of(Capability.TRAINING_EXECUTION);
            }

            @Override
            public Optional<TrainingExecution> trainingExecution() {
                return Optional.ofNullable(exec);
            }
        };
    }

    /** A forward pass whose loss and token count are these, with nothing to release. */
    public static TrainingExecution.SavedForward savedForward(double loss, long tokens) {
        return new TrainingExecution.SavedForward() {
            @Override
            public double loss() {
                return loss;
            }

            @Override
            public long tokens() {
                return tokens;
            }

            @Override
            public void close() {
            }
        };
    }

    /** A training execution that opens every kind of artifact; the test's {@code open} makes the trainer. */
    public abstract static class Execution implements TrainingExecution {
        @Override
        public boolean opens(Class<? extends ModelArtifact> kind) {
            return true;
        }
    }

    /**
     * A device trainer whose optimizer side does nothing: {@code step} returns 0, no weights or state
     * come back, the step counter and {@code close} are ignored. Forward and backward are the test's;
     * everything else keeps {@link TrainingExecution.DeviceTrainer}'s defaults.
     */
    public abstract static class Trainer implements TrainingExecution.DeviceTrainer {
        @Override
        public double step(double learningRate, double maxGradNorm) {
            return 0;
        }

        @Override
        public void downloadWeights(TrainingExecution.WeightSink sink) {
        }

        @Override
        public void downloadState(TrainingExecution.StateSlot slot, TrainingExecution.WeightSink sink) {
        }

        @Override
        public void optimizerSteps(long steps) {
        }

        @Override
        public void close() {
        }
    }
}
