package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.backend.KvCapacity;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.ModelExecution;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.cuda.ffi.NmcConfig;
import dev.nemotron.backend.cuda.ffi.NmcLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Opens an HF model ({@link ModelArtifact.HfModel}) as an {@code nmc_model} from its {@link DeviceModelSpec}: the config struct, every weight
 * tensor (uploaded from its own native segment, in its stored dtype; the library converts to the
 * compute type) or device-generated random weights, then one {@code nmc_session} with a slot per
 * sequence, whose paged KV pool holds {@link DeviceModelSpec#kvCacheTokens()} tokens (all
 * sequences at their maximum when 0). Device 0 is used.
 */
final class CudaModelExecution implements ModelExecution {
    static final int DEVICE = 0;

    private final NmcLibrary lib;

    CudaModelExecution(NmcLibrary lib) {
        this.lib = lib;
    }

    @Override
    public boolean opens(Class<? extends ModelArtifact> kind) {
        return kind == ModelArtifact.HfModel.class;
    }

    @Override
    public DeviceModel open(ModelArtifact artifact) {
        return switch (artifact) {
            case ModelArtifact.HfModel hf -> load(hf.spec());
        };
    }

    DeviceModel load(DeviceModelSpec spec) {
        WeightFormat format = WeightFormat.configured();
        if (Fp8Upload.isFp8(spec)) {
            if (spec.computeType() != DType.BF16) {
                throw new NemotronException("an FP8 checkpoint runs with the BF16 compute type, not " + spec.computeType()
                        + " (use --dtype bf16)");
            }
            if (format.quantized()) {
                throw new NemotronException("the checkpoint is FP8 already; unset " + WeightFormat.PROPERTY + "/"
                        + WeightFormat.ENV + " (" + format.name() + ") to run it");
            }
        }
        boolean fp8Head = WeightFormat.fp8LmHeadConfigured();
        if (fp8Head && !format.quantized() && !Fp8Upload.isFp8(spec)) {
            throw new NemotronException("an FP8 lm_head (" + WeightFormat.LM_HEAD_PROPERTY + "=fp8) goes with FP8 weights: set "
                    + WeightFormat.PROPERTY + "=fp8-channel|fp8-block or open an FP8 checkpoint");
        }
        if (format.quantized() && spec.computeType() != DType.BF16) {
            throw new NemotronException("FP8 weights (" + format.name() + ") need the BF16 compute type, not "
                    + spec.computeType() + " (use --dtype bf16, or unset " + WeightFormat.PROPERTY + "/" + WeightFormat.ENV + ")");
        }
        NmcConfig config = ConfigMapping.map(spec, hasAttentionBias(spec));
        MemorySegment model;
        try (Arena arena = Arena.ofConfined()) {
            model = lib.modelCreate(config.toNative(arena), DEVICE);
        }
        MemorySegment session = MemorySegment.NULL;
        try {
            upload(model, spec.weights());
            lib.modelFinalize(model);
            if (format.quantized()) {
                lib.modelQuantizeFp8(model, format.block());
            }
            if (fp8Head) {
                lib.modelQuantizeLmHeadFp8(model, -1); // the linears' block; a no-op when NMC_FP8_LM_HEAD=1 did it
            }
            session = lib.sessionCreate(model, spec.maxSequences(), spec.maxSequenceLength(), spec.maxPrefillTokens(),
                    kvBlocks(spec, lib.kvBlockTokens(MemorySegment.NULL)));
            return new CudaDeviceModel(lib, model, session, spec);
        } catch (RuntimeException e) {
            if (!session.equals(MemorySegment.NULL)) {
                lib.sessionDestroy(session);
            }
            lib.modelDestroy(model);
            throw e;
        }
    }

    private void upload(MemorySegment model, DeviceWeights weights) {
        switch (weights) {
            case DeviceWeights.Random r -> lib.modelInitRandom(model, r.seed());
            case DeviceWeights.Checkpoint c -> {
                java.util.Set<String> names = new java.util.HashSet<>(c.names());
                for (String name : c.names()) {
                    Tensor t = c.source().require(name);
                    if (Fp8Upload.isScale(name, names)) {
                        continue; // uploaded with its weight
                    }
                    if (t.dtype() == DType.F8_E4M3) {
                        Fp8Upload.upload(lib, model, c.source(), names, name, t);
                        continue;
                    }
                    try (Arena arena = Arena.ofConfined()) {
                        lib.modelSetTensor(model, name, HostMemory.dtypeCode(t.dtype()), t.shape(),
                                HostMemory.nativeData(arena, t));
                    } catch (NemotronException e) {
                        throw new NemotronException(e.getMessage() + " (" + t + ")", e);
                    }
                }
            }
        }
    }

    /** The KV pool's blocks for {@link DeviceModelSpec#kvCacheTokens()} (rounded up); 0: the library's full pool. */
    static long kvBlocks(DeviceModelSpec spec, int blockTokens) {
        return spec.kvCacheTokens() == 0 ? 0 : KvCapacity.blocksFor(spec.kvCacheTokens(), blockTokens);
    }

    /** Attention biases are on when the checkpoint has them (HF NemotronH creates none); random weights have none. */
    static boolean hasAttentionBias(DeviceModelSpec spec) {
        return spec.weights() instanceof DeviceWeights.Checkpoint c
                && c.names().stream().anyMatch(n -> n.endsWith(".q_proj.bias"));
    }
}
