package dev.nemotron.infer.engine;

import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.arch.model.HybridModel;
import java.util.Objects;

/**
 * A model opened by {@link ModelRuns#open}: on the host over a backend's kernels, or as a whole on
 * a device. Callers that only generate use {@link #languageModel()}; those that need what one side
 * alone offers (hidden states, all-position device logits) match on the record. Closing it frees
 * the model (the backend belongs to the caller).
 */
public sealed interface RunningModel extends AutoCloseable {
    /** The model as the generation engine drives it. */
    LanguageModel languageModel();

    @Override
    void close();

    /** The host model, layer by layer on a backend's kernels. */
    record OnHost(HybridModel model) implements RunningModel {
        public OnHost {
            Objects.requireNonNull(model, "model");
        }

        @Override
        public LanguageModel languageModel() {
            return new HybridLanguageModel(model);
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** A model run as a whole on a device, whose sequences hold {@code maxSequenceLength} tokens each. */
    record OnDevice(DeviceModel model, int maxSequenceLength) implements RunningModel {
        public OnDevice {
            Objects.requireNonNull(model, "model");
        }

        @Override
        public LanguageModel languageModel() {
            return new DeviceLanguageModel(model, maxSequenceLength);
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
