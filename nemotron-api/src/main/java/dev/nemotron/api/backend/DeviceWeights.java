package dev.nemotron.api.backend;

import dev.nemotron.api.layer.WeightSource;
import java.util.List;
import java.util.Objects;

/** Where a {@link DeviceModel} gets its weights: a checkpoint, or deterministic random values. */
public sealed interface DeviceWeights {
    /**
     * The tensors {@code names} of {@code source}, by their full checkpoint names (e.g.
     * {@code "backbone.layers.3.mixer.in_proj.weight"}), uploaded in their stored dtype.
     */
    static DeviceWeights checkpoint(WeightSource source, List<String> names) {
        return new Checkpoint(source, names);
    }

    /** Random weights generated on the device from {@code seed} (benchmarks of shapes with no checkpoint). */
    static DeviceWeights random(long seed) {
        return new Random(seed);
    }

    /** Tensors read from {@code source} by full name. */
    record Checkpoint(WeightSource source, List<String> names) implements DeviceWeights {
        public Checkpoint {
            Objects.requireNonNull(source, "source");
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("no tensor names to upload");
            }
        }
    }

    /** Device-generated random weights. */
    record Random(long seed) implements DeviceWeights {
    }
}
