package dev.nemotron.infer.engine;

import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.ModelExecution;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens {@link DeviceModel}s with a backend's {@link ModelExecution}, as
 * {@link ModelArtifact.HfModel}s: from a HF model directory (config.json + safetensors; every
 * tensor of the checkpoint uploaded under its own name) or from a config with random weights.
 * Which facet runs a model is {@link ModelRuns}' choice.
 */
public final class DeviceModels {
    /** Tokens one device prefill call handles (longer prompts go in pieces). */
    public static final int DEFAULT_PREFILL_TOKENS = 2048;

    private DeviceModels() {
    }

    /**
     * Sizes of the device session.
     *
     * @param computeType   F32 or BF16; null: F32 for an F32 model, BF16 otherwise (and for an FP8 checkpoint)
     * @param kvCacheTokens KV cache tokens of all sequences together, on a device that allocates it
     *                      as sequences grow (paged); 0: every sequence at maxSequenceLength
     */
    public record Options(int maxSequences, int maxSequenceLength, int maxPrefillTokens, DType computeType,
                          long kvCacheTokens) {
        /** With the KV cache sized for every sequence at its maximum. */
        public Options(int maxSequences, int maxSequenceLength, int maxPrefillTokens, DType computeType) {
            this(maxSequences, maxSequenceLength, maxPrefillTokens, computeType, 0);
        }
    }

    /** The compute type for a model stored as {@code stored}: F32 stays F32, BF16/F16 compute in BF16. */
    public static DType computeTypeFor(DType stored) {
        return stored == DType.F32 || stored == DType.F64 ? DType.F32 : DType.BF16;
    }

    /** The model in {@code dir} on the device; the checkpoint is closed again once uploaded. */
    public static DeviceModel load(ModelDirectory dir, ModelExecution execution, Options options) {
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            return execution.open(artifact(dir, ckpt, options));
        }
    }

    /**
     * The model in {@code dir} as an artifact reading its tensors from {@code ckpt} (every tensor
     * under its own name, sorted); valid while {@code ckpt} is open. Exporters take this form.
     */
    public static ModelArtifact.HfModel artifact(ModelDirectory dir, Checkpoint ckpt, Options options) {
        List<String> names = new ArrayList<>(ckpt.names());
        names.sort(null);
        Options o = options;
        if (o.computeType() == null && dir.fp8().isPresent()) {
            // an FP8 checkpoint computes in BF16, whatever dtype its config names
            o = new Options(o.maxSequences(), o.maxSequenceLength(), o.maxPrefillTokens(), DType.BF16, o.kvCacheTokens());
        }
        return new ModelArtifact.HfModel(spec(dir.config(), dir.registry(), DeviceWeights.checkpoint(ckpt, names), o));
    }

    /** A model of the shape of {@code config} with device-generated random weights. */
    public static DeviceModel random(NemotronHConfig config, long seed, ModelExecution execution, Options options) {
        return execution.open(new ModelArtifact.HfModel(spec(config, MixerRegistry.discover(), DeviceWeights.random(seed), options)));
    }

    /**
     * The spec of {@code c}: each layer's sizes as its factory read them; a backend that cannot run
     * a layer type says so when it loads the model.
     */
    private static DeviceModelSpec spec(NemotronHConfig c, MixerRegistry registry, DeviceWeights weights, Options o) {
        List<LayerDims> layers = ModelGraph.of(c, registry).layerDims();
        DType compute = o.computeType() != null ? o.computeType() : computeTypeFor(c.dtype());
        return new DeviceModelSpec(c.view(), c.pattern(), layers, weights, compute, o.maxSequences(), o.maxSequenceLength(),
                o.maxPrefillTokens(), o.kvCacheTokens());
    }
}
