package dev.nemotron.compress.prune;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.model.NamedParameter;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.compress.checkpoint.StoredNames;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prunes a model directory into a new one: {@code config.json} rewritten, every tensor cut from
 * the original bytes (dtype kept, values bit for bit), written tensor by tensor as an HF sharded
 * checkpoint, the tokenizer's files copied. Memory: one output tensor at a time.
 */
public final class CheckpointPruner {
    /**
     * What was written.
     *
     * @param parametersBefore the original's parameter count
     * @param parametersAfter  the pruned model's
     */
    public record Result(Path out, PruneMapping mapping, long parametersBefore, long parametersAfter, List<Path> shards,
                         List<String> copied) {
    }

    private CheckpointPruner() {
    }

    /** {@link #prune(Path, PrunePlan, Path, long)} with shards of {@link ModelFiles#DEFAULT_SHARD_BYTES}. */
    public static Result prune(Path modelDir, PrunePlan plan, Path out) {
        return prune(modelDir, plan, out, ModelFiles.DEFAULT_SHARD_BYTES);
    }

    /**
     * Writes the model of {@code modelDir} pruned by {@code plan} to {@code out} (absent or empty).
     *
     * @throws NemotronException for a plan the model cannot take, or a checkpoint holding tensors the
     *     config does not describe (they would be dropped silently)
     */
    public static Result prune(Path modelDir, PrunePlan plan, Path out, long maxShardBytes) {
        ModelFiles.checkOutput(out, modelDir);
        ModelDirectory dir = ModelDirectory.open(modelDir);
        ModelGraph graph = ModelGraph.of(dir.config(), dir.registry());
        ObjectNode raw = ModelFiles.readConfig(modelDir);
        PruneMapping mapping = PruneMapping.of(graph, raw, plan, dir.registry());
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            StoredNames names = StoredNames.of(ckpt);
            checkNoStrays(ckpt, graph, names);
            Map<String, SafetensorsWriter.Planned> layout = new LinkedHashMap<>();
            Map<String, PruneMapping.Output> byName = new HashMap<>();
            for (PruneMapping.Output o : mapping.outputs()) {
                String src = names.stored(o.source());
                if (!ckpt.contains(src)) {
                    if (o.optional()) {
                        continue;
                    }
                    throw new NemotronException(ckpt.path() + ": missing tensor '" + src + "'");
                }
                Tensor t = ckpt.require(src);
                long[] shape = o.slice() == null ? t.shape() : o.slice().newShape();
                String name = names.stored(o.name());
                layout.put(name, new SafetensorsWriter.Planned(t.dtype(), shape));
                byName.put(name, o);
            }
            ModelFiles.writeConfig(out, mapping.config());
            List<Path> shards = SafetensorsWriter.writeSharded(out, layout, (name, arena) -> {
                PruneMapping.Output o = byName.get(name);
                return TensorSlicer.slice(ckpt.require(names.stored(o.source())), o.slice(), arena);
            }, maxShardBytes, Map.of("format", "pt"));
            List<String> copied = ModelFiles.copyCompanions(modelDir, out);
            return new Result(out, mapping, graph.parameterCount(), mapping.graph().parameterCount(), shards, copied);
        }
    }

    private static void checkNoStrays(Checkpoint ckpt, ModelGraph graph, StoredNames names) {
        Set<String> known = new HashSet<>();
        for (NamedParameter p : graph.parameters()) {
            known.add(names.stored(p.name()));
        }
        for (String n : ckpt.names()) {
            if (!known.contains(n)) {
                throw new NemotronException(ckpt.path() + ": tensor '" + n + "' is not a parameter of the model config.json "
                        + "describes; pruning would drop it. Remove it from the checkpoint first");
            }
        }
    }
}
