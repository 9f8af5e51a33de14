package dev.nemotron.arch.model;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.api.layer.WeightSource;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Checks a checkpoint (or in-memory weights) against a {@link ModelGraph} before the model is built: every expected tensor
 * present, with the shape the config implies and a dtype the backend reads. HF checkpoints name the
 * backbone {@code backbone.}; some exports use {@code model.}; both are accepted.
 */
final class WeightCheck {
    private static final Logger LOG = LogManager.getLogger(WeightCheck.class);

    private WeightCheck() {
    }

    /** The prefix the checkpoint uses for backbone weights ({@code backbone.} or {@code model.}). */
    static String backbonePrefix(WeightSource weights, String source) {
        for (String prefix : List.of(ModelGraph.BACKBONE, "model.")) {
            if (weights.find(prefix + "embeddings.weight").isPresent()) {
                return prefix;
            }
        }
        throw new NemotronException(source + ": no embedding tensor found (looked for "
                + "'backbone.embeddings.weight' and 'model.embeddings.weight'); is this a Nemotron-H checkpoint?");
    }

    /** Maps a graph name ({@code backbone.…}) to the checkpoint's spelling. */
    static String actualName(String graphName, String prefix) {
        return graphName.startsWith(ModelGraph.BACKBONE) ? prefix + graphName.substring(ModelGraph.BACKBONE.length())
                : graphName;
    }

    /**
     * @param names every tensor name of the source, for the warning about unused ones; null when
     *     the source cannot list them
     */
    static void check(ModelGraph graph, WeightSource checkpoint, String source, Set<String> names, String prefix,
                      Backend backend) {
        String configName = graph.config().source();
        Set<String> expected = new HashSet<>();
        for (NamedParameter p : graph.parameters()) {
            String name = actualName(p.name(), prefix);
            expected.add(name);
            Optional<Tensor> found = checkpoint.find(name);
            if (found.isEmpty() && p.spec().optional()) {
                continue;
            }
            if (found.isEmpty()) {
                throw new NemotronException(source + ": missing tensor '" + name + "' of shape "
                        + Arrays.toString(p.spec().shape()) + " (the config " + configName + " says layer pattern \""
                        + graph.config().pattern() + "\")");
            }
            Tensor t = found.get();
            if (!Arrays.equals(t.shape(), p.spec().shape())) {
                throw new NemotronException(source + ": tensor '" + name + "' has shape "
                        + Arrays.toString(t.shape()) + " but " + configName + " implies "
                        + Arrays.toString(p.spec().shape()) + " (from " + p.spec().shapeFrom() + ")");
            }
            requireReadable(source, name, t.dtype(), backend);
        }
        if (names == null) {
            return;
        }
        Set<String> unused = new TreeSet<>(names);
        unused.removeAll(expected);
        if (!unused.isEmpty()) {
            LOG.warn("{}: {} tensor(s) not used by this model, e.g. {}", source, unused.size(),
                    unused.iterator().next());
        }
    }

    private static void requireReadable(String source, String name, DType dtype, Backend backend) {
        Capability needed = switch (dtype) {
            case F32 -> Capability.WEIGHTS_F32;
            case BF16 -> Capability.WEIGHTS_BF16;
            case F16 -> Capability.WEIGHTS_F16;
            case Q8_0 -> Capability.WEIGHTS_Q8_0;
            default -> null;
        };
        if (needed == null || !backend.capabilities().contains(needed)) {
            throw new NemotronException(source + ": tensor '" + name + "' is stored as " + dtype
                    + ", which the '" + backend.name() + "' backend cannot read as weights");
        }
    }
}
