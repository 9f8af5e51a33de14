package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.cuda.ffi.NmcLibrary;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Set;

/**
 * The linear weights of an FP8 checkpoint (F8_E4M3 {@code <name>} + F32 {@code <name>_scale_inv},
 * docs/backend-cuda.md "FP8 weights and checkpoints") uploaded as they are with
 * {@code nmc_model_set_fp8_tensor}: no BF16 copy is made. The scale layout follows from the
 * shapes: {@code [ceil(out/128), ceil(in/128)]} is 128 × 128 blocks, {@code [out, 1]} one scale per
 * output channel (the two coincide only for a single-row matrix of at most 128 columns, where they
 * mean the same). The arch module has checked the config's {@code quantization_config} already.
 */
final class Fp8Upload {
    static final String SCALE_SUFFIX = "_scale_inv";
    static final int BLOCK = 128;

    private Fp8Upload() {
    }

    /** True when the spec's checkpoint holds FP8 weights. */
    static boolean isFp8(DeviceModelSpec spec) {
        return spec.weights() instanceof DeviceWeights.Checkpoint c
                && c.names().stream().anyMatch(n -> n.endsWith(SCALE_SUFFIX) && c.names().contains(
                        n.substring(0, n.length() - SCALE_SUFFIX.length())));
    }

    /** True for the scale tensor of another tensor of {@code names}. */
    static boolean isScale(String name, Set<String> names) {
        return name.endsWith(SCALE_SUFFIX) && names.contains(name.substring(0, name.length() - SCALE_SUFFIX.length()));
    }

    /** The block size (0: per channel) of the scales {@code scale} of a weight {@code [out, in]}. */
    static int blockOf(String name, long out, long in, long[] scale) {
        long[] blocks = {(out + BLOCK - 1) / BLOCK, (in + BLOCK - 1) / BLOCK};
        if (Arrays.equals(scale, blocks)) {
            return BLOCK;
        }
        if (Arrays.equals(scale, new long[] {out, 1}) || Arrays.equals(scale, new long[] {out})) {
            return 0;
        }
        throw new NemotronException("scale tensor '" + name + SCALE_SUFFIX + "' has shape " + Arrays.toString(scale)
                + "; a [" + out + ", " + in + "] weight needs " + Arrays.toString(blocks) + " (128 x 128 blocks) or ["
                + out + ", 1] (per channel)");
    }

    static void upload(NmcLibrary lib, java.lang.foreign.MemorySegment model, WeightSource source, Set<String> names,
                       String name, Tensor q) {
        String scaleName = name + SCALE_SUFFIX;
        if (q.rank() != 2 || !names.contains(scaleName)) {
            throw new NemotronException("FP8 tensor '" + name + "' " + Arrays.toString(q.shape())
                    + (q.rank() != 2 ? " is not a matrix" : " has no scale tensor '" + scaleName + "'"));
        }
        Tensor scale = source.require(scaleName);
        if (scale.dtype() != DType.F32) {
            throw new NemotronException("scale tensor '" + scaleName + "' is " + scale.dtype() + "; FP8 scales are F32");
        }
        long out = q.dim(0);
        long in = q.dim(1);
        int block = blockOf(name, out, in, scale.shape());
        long rows = block > 0 ? scale.dim(0) : out;
        long cols = block > 0 ? scale.dim(1) : 1;
        try (Arena arena = Arena.ofConfined()) {
            lib.modelSetFp8Tensor(model, name, out, in, HostMemory.nativeData(arena, q), block, rows, cols,
                    HostMemory.nativeData(arena, scale));
        } catch (NemotronException e) {
            throw new NemotronException(e.getMessage() + " (" + q + ")", e);
        }
    }
}
