package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.cuda.ffi.NmcConfig;
import dev.nemotron.backend.cuda.ffi.NmcLibrary;
import dev.nemotron.backend.cuda.ffi.NmcTrainer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Set;

/**
 * Training on the GPU ({@code nmc_trainer_*}, native/src/train*.cu): an HF model's spec becomes a
 * trainer with fp32 master weights, gradients and AdamW moments on device 0. The spec's compute
 * type picks the GEMM inputs: F32 (pedantic fp32, no TF32) or BF16 (BF16 inputs, fp32
 * accumulation). The one optimizer is {@code adamw} with the options of the host trainer's
 * ({@code beta1}, {@code beta2}, {@code eps}, {@code weight_decay}; defaults 0.9, 0.95, 1e-8, 0.1)
 * and its weight-decay rule ({@link #decays}).
 */
final class CudaTrainingExecution implements TrainingExecution {
    static final Set<String> OPTIONS = Set.of("beta1", "beta2", "eps", "weight_decay");

    private final NmcLibrary lib;

    CudaTrainingExecution(NmcLibrary lib) {
        this.lib = lib;
    }

    @Override
    public boolean opens(Class<? extends ModelArtifact> kind) {
        return kind == ModelArtifact.HfModel.class;
    }

    @Override
    public DeviceTrainer open(ModelArtifact artifact, String optimizer, OptimizerConfig options) {
        if (!"adamw".equals(optimizer)) {
            throw new NemotronException("the cuda trainer runs the optimizer adamw, not '" + optimizer
                    + "' (use --optimizer adamw, or train on the host)");
        }
        Hyper h;
        try {
            options.requireOnly(OPTIONS);
            h = new Hyper(options.getDouble("beta1", 0.9), options.getDouble("beta2", 0.95),
                    options.getDouble("eps", 1e-8), options.getDouble("weight_decay", 0.1));
        } catch (IllegalArgumentException e) {
            throw new NemotronException(e.getMessage(), e);
        }
        DeviceModelSpec spec = switch (artifact) {
            case ModelArtifact.HfModel hf -> hf.spec();
        };
        NmcConfig config = ConfigMapping.map(spec, CudaModelExecution.hasAttentionBias(spec));
        NmcTrainer calls = lib.trainer();
        MemorySegment trainer;
        try (Arena arena = Arena.ofConfined()) {
            trainer = calls.create(config.toNative(arena), CudaModelExecution.DEVICE);
        }
        try {
            boolean tied = spec.config().getBoolean("tie_word_embeddings", false);
            switch (spec.weights()) {
                case DeviceWeights.Random r -> calls.initRandom(trainer, r.seed());
                case DeviceWeights.Checkpoint c -> {
                    for (String name : c.names()) {
                        if (tied && name.equals("lm_head.weight")) {
                            continue;  // the embedding is the head
                        }
                        Tensor t = c.source().require(name);
                        try (Arena arena = Arena.ofConfined()) {
                            calls.setTensor(trainer, name, NmcTrainer.WEIGHT, HostMemory.dtypeCode(t.dtype()), t.shape(),
                                    HostMemory.nativeData(arena, t));
                        }
                    }
                }
            }
            var params = calls.params(trainer);
            for (NmcTrainer.Param p : params) {
                calls.setDecay(trainer, p.name(), decays(p.name()));
            }
            return new CudaDeviceTrainer(calls, trainer, params, h);
        } catch (RuntimeException e) {
            calls.destroy(trainer);
            throw e;
        }
    }

    /** AdamW's hyper-parameters. */
    record Hyper(double beta1, double beta2, double eps, double weightDecay) {
    }

    /**
     * Whether AdamW decays the parameter {@code name}: the Nemotron-H rule of the host trainer's
     * {@code DecayPolicy.nemotronDefault()} (no decay for norm weights, {@code norm_f}, biases,
     * {@code A_log}, {@code D}, {@code dt_bias}); a test checks the two agree on every parameter.
     */
    static boolean decays(String name) {
        String[] parts = name.split("\\.");
        String last = parts[parts.length - 1];
        if (last.equals("bias") || last.equals("A_log") || last.equals("D") || last.equals("dt_bias")) {
            return false;
        }
        for (String p : parts) {
            if (p.equals("norm_f")) {
                return false;
            }
        }
        return !(last.equals("weight") && parts.length >= 2
                && parts[parts.length - 2].toLowerCase(Locale.ROOT).contains("norm"));
    }
}
