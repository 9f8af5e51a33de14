package dev.nemotron.api.backend;

import java.util.Objects;

/**
 * A model for {@link ModelExecution#open} to run as a whole. One record per format the SDK knows;
 * a backend says which it opens ({@link ModelExecution#opens}). Today that is an HF model
 * directory; an ONNX export is the next kind, added here when a backend runs it.
 */
public sealed interface ModelArtifact {
    /** Where the model comes from, for messages (a directory, a file, a config). */
    String source();

    /**
     * A Nemotron-H model of an HF directory ({@code config.json} + safetensors) as the SDK parsed
     * it, or random weights of a config's shape, with the sizes of the device session to open.
     */
    record HfModel(DeviceModelSpec spec) implements ModelArtifact {
        public HfModel {
            Objects.requireNonNull(spec, "spec");
        }

        @Override
        public String source() {
            return spec.config().source();
        }
    }
}
