package dev.nemotron.gguf;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.export.ExportRequest;
import dev.nemotron.api.export.ExportResult;
import dev.nemotron.api.export.ExporterProvider;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code nemotron export gguf --model DIR --out FILE.gguf [--type f32|f16|bf16|q8_0]}: the model
 * as llama.cpp's convert_hf_to_gguf.py would write it for {@code nemotron_h} (keys:
 * {@link NemotronHMetadata}, {@link GgufVocab}; names and transforms: {@link NemotronHTensors}).
 * Norms, the conv kernel, biases, A and D stay F32 at every type, as in the converter.
 */
public final class GgufExporter implements ExporterProvider {
    /** Elements converted per step (a multiple of the Q8_0 block). */
    private static final int CHUNK = 32 * 8192;

    @Override
    public String format() {
        return "gguf";
    }

    @Override
    public String description() {
        return "GGUF v3 for llama.cpp (architecture nemotron_h, tokenizer embedded)";
    }

    @Override
    public Availability availability() {
        return Availability.available("pure Java, no native code");
    }

    @Override
    public List<String> weightTypes() {
        return List.of("f32", "f16", "bf16", "q8_0");
    }

    @Override
    public ExportResult export(ExportRequest request) throws IOException {
        GgmlType type = switch (request.weightType().toLowerCase(Locale.ROOT)) {
            case "f32" -> GgmlType.F32;
            case "f16" -> GgmlType.F16;
            case "bf16" -> GgmlType.BF16;
            case "q8_0" -> GgmlType.Q8_0;
            default -> throw new IllegalArgumentException("GGUF export writes f32, f16, bf16 or q8_0, not '" + request.weightType() + "'");
        };
        ModelDirectory dir = ModelDirectory.open(request.modelDirectory());
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            write(dir, ckpt, request.output(), type);
        }
        return new ExportResult(List.of(request.output()), "gguf " + type + " (nemotron_h): " + request.output() + ", "
                + Files.size(request.output()) + " bytes");
    }

    /** Writes the model of {@code dir} (weights from {@code weights}) to {@code out} as GGUF with matrices of {@code type}. */
    public static void write(ModelDirectory dir, Checkpoint weights, Path out, GgmlType type) throws IOException {
        NemotronHConfig c = dir.config();
        int groups = c.view().has("n_groups") ? c.view().getInt("n_groups") : 1;
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        Path name = dir.path().toAbsolutePath().normalize().getFileName();
        kv.putAll(NemotronHMetadata.of(c, name == null ? "model" : name.toString(), type));
        kv.putAll(GgufVocab.of(dir));
        List<String> names = new ArrayList<>(weights.names());
        names.sort(Comparator.comparingInt(GgufExporter::order).thenComparing(Comparator.naturalOrder()));
        List<GgufWriter.Entry> entries = new ArrayList<>();
        for (String hf : names) {
            if (hf.equals("lm_head.weight") && c.tieWordEmbeddings()) {
                continue;
            }
            String gguf = NemotronHTensors.toGguf(hf).orElseThrow(() -> new GgufException(weights.path() + ": tensor '" + hf
                    + "' has no place in llama.cpp's nemotron_h (it holds Mamba-2, attention and MLP layers without MoE or MTP)"));
            Tensor t = weights.require(hf);
            if (!t.dtype().isFloatingPoint() || t.dtype() == DType.F64) {
                throw new GgufException(weights.path() + ": tensor '" + hf + "' is " + t.dtype() + "; GGUF export reads F32, BF16 and F16 weights");
            }
            long[] ne = NemotronHTensors.ggufNe(hf, t.shape(), groups);
            GgmlType tt = NemotronHTensors.typeFor(gguf, ne, type);
            boolean negExp = NemotronHTensors.isA(gguf);
            entries.add(new GgufWriter.Entry(gguf, ne, tt, ch -> encode(t, tt, negExp, ch)));
        }
        GgufWriter.write(out, kv, entries);
    }

    /** Layer order: embeddings, layers by index, final norm, head. */
    private static int order(String hf) {
        if (hf.startsWith("backbone.embeddings")) {
            return -1;
        }
        if (hf.startsWith("backbone.layers.")) {
            String rest = hf.substring("backbone.layers.".length());
            int dot = rest.indexOf('.');
            try {
                return Integer.parseInt(rest.substring(0, dot));
            } catch (RuntimeException e) {
                return Integer.MAX_VALUE - 2;
            }
        }
        return hf.startsWith("backbone.") ? Integer.MAX_VALUE - 1 : Integer.MAX_VALUE;
    }

    /** Streams {@code t} encoded as {@code type}; {@code negExp}: the values are A_log, written as A = -exp(A_log). */
    static void encode(Tensor t, GgmlType type, boolean negExp, java.nio.channels.FileChannel ch) throws IOException {
        long n = t.numel();
        boolean same = !negExp && (type == GgmlType.F32 && t.dtype() == DType.F32 || type == GgmlType.BF16 && t.dtype() == DType.BF16
                || type == GgmlType.F16 && t.dtype() == DType.F16);
        if (same) {
            MemorySegment d = t.data();
            for (long at = 0; at < d.byteSize(); at += 1L << 30) {
                GgufWriter.writeFully(ch, d.asSlice(at, Math.min(1L << 30, d.byteSize() - at)).asByteBuffer());
            }
            return;
        }
        float[] x = new float[(int) Math.min(n, CHUNK)];
        ByteBuffer buf = ByteBuffer.allocateDirect((int) type.bytes(x.length));
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        for (long start = 0; start < n; start += x.length) {
            int len = (int) Math.min(x.length, n - start);
            for (int i = 0; i < len; i++) {
                float v = t.getFloat(start + i);
                x[i] = negExp ? (float) -Math.exp(v) : v;
            }
            Quant.encode(type, x, 0, len, seg, 0);
            buf.clear().limit((int) type.bytes(len));
            GgufWriter.writeFully(ch, buf);
        }
    }
}
