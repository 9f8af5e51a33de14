package dev.nemotron.api.layer;

import dev.nemotron.api.tensor.Tensor;
import java.util.Optional;

/** The weights of one layer, by name relative to the layer (e.g. {@code "in_proj.weight"}). */
public interface WeightSource {
    /** The named tensor, if the checkpoint has it. */
    Optional<Tensor> find(String name);

    /**
     * The named tensor.
     *
     * @throws dev.nemotron.api.NemotronException naming the full tensor name when it is missing
     */
    Tensor require(String name);
}
