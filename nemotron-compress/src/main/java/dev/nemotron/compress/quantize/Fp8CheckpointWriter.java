package dev.nemotron.compress.quantize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.fp8.Fp8Format;
import dev.nemotron.arch.fp8.Fp8Quantizer;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.compress.checkpoint.ModelFiles;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code nemotron quantize --fp8}: a model directory to an FP8 checkpoint ({@link Fp8Format}),
 * streamed one tensor at a time.
 *
 * <pre>
 * 1. refuse a model that is FP8 already (quantization_config, or an F8_E4M3 tensor)
 * 2. plan: each linear weight W [out, in] (Fp8Format.quantizes) -> W as F8_E4M3 [out, in] and
 *    W_scale_inv as F32 (scaleShape); every other tensor copied as stored
 * 3. config.json + quantization_config (Fp8Format.toConfig); tokenizer files copied
 * 4. each weight: values rounded to BF16 (what the CUDA backend quantises), refused if not finite,
 *    then Fp8Quantizer.quantize (the CUDA kernel's numerics); its scales written right after it
 * </pre>
 */
public final class Fp8CheckpointWriter {
    private Fp8CheckpointWriter() {
    }

    /**
     * What was written.
     *
     * @param quantized the number of weights stored as FP8
     * @param bytesIn   tensor bytes of the input checkpoint
     * @param bytesOut  tensor bytes written (FP8 codes, scales and the unquantised tensors)
     */
    public record Result(Path out, Fp8Format format, int quantized, int copied, long bytesIn, long bytesOut,
                         List<Path> shards, List<String> companions) {
    }

    /**
     * Writes the model of {@code modelDir} with FP8 linear weights to {@code out} (absent or empty).
     *
     * @throws NemotronException for an FP8 input, a model with no linear weights, or a non-finite weight
     */
    public static Result write(Path modelDir, Fp8Format format, Path out, long maxShardBytes) {
        ModelFiles.checkOutput(out, modelDir);
        ModelDirectory dir = ModelDirectory.open(modelDir);
        // 1. an FP8 model is refused, whatever its layout
        if (dir.fp8().isPresent()) {
            throw new NemotronException(modelDir + " is an FP8 checkpoint already (config.json has quantization_config "
                    + dir.fp8().get().label() + "); quantize the BF16 model it was made from");
        }
        ObjectNode config = ModelFiles.readConfig(modelDir);
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            // 2. the plan
            Map<String, SafetensorsWriter.Planned> layout = new LinkedHashMap<>();
            int quantized = 0;
            long bytesIn = 0;
            long bytesOut = 0;
            for (String name : new TreeSet<>(ckpt.names())) {
                Tensor t = ckpt.require(name);
                bytesIn += t.data().byteSize();
                if (t.dtype() == DType.F8_E4M3 || name.endsWith(Fp8Format.SCALE_SUFFIX)) {
                    throw new NemotronException(ckpt.path() + ": tensor '" + name + "' is FP8 already (" + t.dtype()
                            + "); quantize the BF16 model it was made from");
                }
                if (quantizes(name, t)) {
                    layout.put(name, new SafetensorsWriter.Planned(DType.F8_E4M3, t.shape()));
                    long[] scaleShape = format.scaleShape(t.dim(0), t.dim(1));
                    layout.put(Fp8Format.scaleName(name), new SafetensorsWriter.Planned(DType.F32, scaleShape));
                    bytesOut += t.numel() + 4 * Tensor.numel(scaleShape);
                    quantized++;
                } else {
                    layout.put(name, new SafetensorsWriter.Planned(t.dtype(), t.shape()));
                    bytesOut += t.data().byteSize();
                }
            }
            if (quantized == 0) {
                throw new NemotronException(ckpt.path() + ": no linear weight to quantise (Mamba in_proj/out_proj, "
                        + "attention q/k/v/o_proj, MLP up/down_proj of floating-point type)");
            }
            // 3. the config and the tokenizer
            config.set("quantization_config", format.toConfig());
            ModelFiles.writeConfig(out, config);
            // 4. the tensors, one at a time; a weight's scales are kept until they are written
            Map<String, float[]> pendingScales = new HashMap<>();
            List<Path> shards = SafetensorsWriter.writeSharded(out, layout, (name, arena) -> {
                if (name.endsWith(Fp8Format.SCALE_SUFFIX)) {
                    String weight = name.substring(0, name.length() - Fp8Format.SCALE_SUFFIX.length());
                    float[] scales = pendingScales.remove(weight);
                    if (scales == null) {
                        scales = Fp8Quantizer.quantize(name, ckpt.require(weight), format).scales();
                    }
                    return new Tensor(DType.F32, layout.get(name).shape(),
                            arena.allocateFrom(Tensor.F32_LE, scales));
                }
                Tensor t = ckpt.require(name);
                if (layout.get(name).dtype() != DType.F8_E4M3) {
                    return t;
                }
                Fp8Quantizer.Quantized q = Fp8Quantizer.quantize(name, t, format);
                pendingScales.put(name, q.scales());
                MemorySegment codes = arena.allocate(q.codes().length);
                MemorySegment.copy(q.codes(), 0, codes, ValueLayout.JAVA_BYTE, 0, q.codes().length);
                return new Tensor(DType.F8_E4M3, t.shape(), codes);
            }, maxShardBytes, Map.of("format", "pt"));
            List<String> companions = ModelFiles.copyCompanions(modelDir, out);
            return new Result(out, format, quantized, ckpt.names().size() - quantized, bytesIn, bytesOut, shards, companions);
        }
    }

    /** True for the tensors written as FP8: the linear weights, rank 2 and floating point. */
    static boolean quantizes(String name, Tensor t) {
        return Fp8Format.quantizes(name) && t.rank() == 2 && t.dtype().isFloatingPoint();
    }
}
