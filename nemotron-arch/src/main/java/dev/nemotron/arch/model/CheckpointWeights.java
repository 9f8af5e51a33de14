package dev.nemotron.arch.model;

import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.safetensors.SafetensorsException;
import java.util.Optional;

/**
 * The weights of one layer's mixer: names relative to {@code prefix} in a checkpoint (or any
 * whole-model {@link WeightSource}, such as a trainer's live weights).
 */
final class CheckpointWeights implements WeightSource {
    private final WeightSource checkpoint;
    private final String prefix;

    CheckpointWeights(WeightSource checkpoint, String prefix) {
        this.checkpoint = checkpoint;
        this.prefix = prefix;
    }

    @Override
    public Optional<Tensor> find(String name) {
        return checkpoint.find(prefix + name);
    }

    @Override
    public Tensor require(String name) {
        return find(name).orElseThrow(() -> new SafetensorsException(
                "checkpoint has no tensor '" + prefix + name + "'"));
    }
}
