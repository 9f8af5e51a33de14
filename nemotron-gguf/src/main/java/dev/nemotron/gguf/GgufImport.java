package dev.nemotron.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@code nemotron_h} GGUF file as a HF model directory: {@code config.json} rebuilt from the
 * metadata ({@link NemotronHMetadata#config}), the tokenizer files ({@link GgufVocab#hfFiles}),
 * {@code generation_config.json}, and {@code model.safetensors} with the converter's transforms
 * undone (A_log = log(-A), the squeezed/grouped shapes restored).
 *
 * <p>Weights keep their type where the SDK runs it: a file whose matrices are all BF16 (or all
 * F16) gives a BF16 (F16) checkpoint, copied byte for byte; anything else, Q8_0 included, is
 * decoded to F32 (Q8_0 values d*q are exact in F32). F32 tensors of a BF16 file (norms, conv, A,
 * D, biases: F32 in every GGUF) are rounded to BF16, which gives back the original values of a
 * BF16 checkpoint. This is where a native Q8_0 weight type of the Java backend would take the
 * Q8_0 blocks instead (see docs/gguf.md).
 */
public final class GgufImport {
    private static final ObjectMapper JSON = JsonMappers.pretty();
    private static final Set<String> MATRICES = Set.of("token_embd.weight", "output.weight");

    private GgufImport() {
    }

    /** The dtype the checkpoint of {@code f} gets: BF16 or F16 when every matrix is, else F32. */
    static DType checkpointType(GgufFile f) {
        DType common = null;
        for (GgufFile.TensorInfo t : f.tensors().values()) {
            boolean matrix = MATRICES.contains(t.name()) || t.name().matches("blk\\.\\d+\\.(ssm_in|ssm_out|attn_[qkv]|attn_output|ffn_up|ffn_down)\\.weight");
            if (!matrix) {
                continue;
            }
            DType d = switch (t.type()) {
                case BF16 -> DType.BF16;
                case F16 -> DType.F16;
                default -> DType.F32;
            };
            if (common != null && common != d) {
                return DType.F32;
            }
            common = d;
        }
        return common == null ? DType.F32 : common;
    }

    /** Writes the HF model directory of {@code f} into {@code dir} (an existing, empty directory). */
    public static void writeDirectory(GgufFile f, Path dir) throws IOException {
        DType dtype = checkpointType(f);
        ObjectNode config = NemotronHMetadata.config(f, switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        });
        Map<String, JsonNode> tokenizer = GgufVocab.hfFiles(f);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (GgufFile.TensorInfo t : f.tensors().values()) {
                String hf = NemotronHTensors.toHf(t.name()).orElseThrow(() -> new GgufException(f.label() + ": tensor '"
                        + GgufFile.printable(t.name()) + "' is not part of nemotron_h as this SDK runs it (MoE and MTP tensors are not)"));
                tensors.put(hf, tensor(f, t, dtype, arena));
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors,
                    Map.of("format", "pt", "source", "gguf " + f.label()));
        }
        AtomicFiles.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config));
        ObjectNode gen = JsonNodeFactory.instance.objectNode();
        for (String k : new String[] {"bos_token_id", "eos_token_id", "pad_token_id"}) {
            if (config.has(k)) {
                gen.set(k, config.get(k));
            }
        }
        AtomicFiles.writeString(dir.resolve("generation_config.json"), JSON.writeValueAsString(gen));
        for (Map.Entry<String, JsonNode> e : tokenizer.entrySet()) {
            AtomicFiles.writeString(dir.resolve(e.getKey()), JSON.writeValueAsString(e.getValue()));
        }
    }

    /** GGUF tensor {@code t} as an SDK tensor of {@code dtype} in HF shape, transforms undone. */
    static Tensor tensor(GgufFile f, GgufFile.TensorInfo t, DType dtype, Arena arena) {
        long[] shape = NemotronHTensors.hfShape(t.name(), t.ne());
        boolean a = NemotronHTensors.isA(t.name());
        DType stored = switch (t.type()) {
            case F32 -> DType.F32;
            case BF16 -> DType.BF16;
            case F16 -> DType.F16;
            case Q8_0 -> null;
        };
        if (!a && stored == dtype) {
            return new Tensor(dtype, shape, f.bytes(t));
        }
        long n = t.elements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new GgufException(f.label() + ": tensor '" + t.name() + "' has " + n + " elements; converting it needs a smaller tensor");
        }
        float[] x = new float[(int) n];
        Quant.decode(t.type(), f.bytes(t), 0, x, 0, x.length);
        if (a) {
            for (int i = 0; i < x.length; i++) {
                if (!(x[i] < 0)) {
                    throw new GgufException(f.label() + ": tensor '" + t.name() + "' (A = -exp(A_log)) holds " + x[i] + "; A must be negative");
                }
                x[i] = (float) Math.log(-(double) x[i]);
            }
        }
        return RandomWeights.store(x, shape, dtype, arena);
    }
}
