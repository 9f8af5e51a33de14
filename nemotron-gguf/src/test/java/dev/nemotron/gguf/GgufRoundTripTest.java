package dev.nemotron.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.testing.Fixtures;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export to GGUF and import back: every tensor identical for F32 and BF16 (A_log through
 * A = -exp(A_log) within 2 ulps), Q8_0 within its error bound, the same logits from the imported
 * model, and the tokenizer unchanged.
 */
class GgufRoundTripTest {
    @TempDir
    Path tmp;

    private Path export(Path model, GgmlType type) throws Exception {
        Path out = tmp.resolve("model-" + type + ".gguf");
        ModelDirectory dir = ModelDirectory.open(model);
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            GgufExporter.write(dir, ckpt, out, type);
        }
        return out;
    }

    private Path importDir(Path gguf) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("imported-" + gguf.getFileName()));
        try (GgufFile f = GgufFile.open(gguf)) {
            GgufImport.writeDirectory(f, dir);
        }
        return dir;
    }

    @Test
    void f32RoundTripIsExactAndTheLlamaCppLayoutIsWritten() throws Exception {
        Path fixture = Fixtures.dir("tiny-nemotron-h-a");
        Path gguf = export(fixture, GgmlType.F32);
        try (GgufFile f = GgufFile.open(gguf)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.string("general.architecture")).contains("nemotron_h");
            // pattern MLMA... of layers_block_type: M - M * - M - M * -
            assertThat(f.perLayer("nemotron_h.attention.head_count_kv", 10)).containsExactly(0, 0, 0, 2, 0, 0, 0, 0, 2, 0);
            assertThat(f.perLayer("nemotron_h.feed_forward_length", 10)).containsExactly(0, 192, 0, 0, 192, 0, 192, 0, 0, 192);
            assertThat(f.requireInt("nemotron_h.ssm.time_step_rank")).isEqualTo(8);
            assertThat(f.requireInt("nemotron_h.ssm.inner_size")).isEqualTo(128);
            assertThat(f.requireInt("nemotron_h.ssm.group_count")).isEqualTo(2);
            assertThat(f.requireInt("nemotron_h.attention.key_length")).isEqualTo(16);
            assertThat(f.tensors().keySet()).contains("token_embd.weight", "output.weight", "output_norm.weight",
                    "blk.0.attn_norm.weight", "blk.0.ssm_in.weight", "blk.0.ssm_conv1d.weight", "blk.0.ssm_conv1d.bias",
                    "blk.0.ssm_dt.bias", "blk.0.ssm_a", "blk.0.ssm_d", "blk.0.ssm_norm.weight", "blk.0.ssm_out.weight",
                    "blk.1.ffn_up.weight", "blk.1.ffn_down.weight", "blk.3.attn_q.weight", "blk.3.attn_k.weight",
                    "blk.3.attn_v.weight", "blk.3.attn_output.weight");
            assertThat(f.tensors().get("blk.0.ssm_conv1d.weight").ne()).containsExactly(4, 192);
            assertThat(f.tensors().get("blk.0.ssm_a").ne()).containsExactly(1, 8);
            assertThat(f.tensors().get("blk.0.ssm_norm.weight").ne()).containsExactly(64, 2);
            assertThat(f.tensors().get("blk.0.ssm_in.weight").ne()).containsExactly(64, 328);
            for (GgufFile.TensorInfo t : f.tensors().values()) {
                assertThat(t.offset() % 32).as(t.name()).isZero();
            }
            // A = -exp(A_log)
            try (Checkpoint src = Checkpoint.open(fixture)) {
                Tensor aLog = src.require("backbone.layers.0.mixer.A_log");
                MemorySegment a = f.bytes(f.tensors().get("blk.0.ssm_a"));
                for (int h = 0; h < 8; h++) {
                    assertThat(a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, h)).isEqualTo((float) -Math.exp(aLog.getFloat(h)));
                }
            }
        }
        Path back = importDir(gguf);
        assertSameTensors(fixture, back, 0);
        assertSameLogits(fixture, back, 1e-5);
    }

    @Test
    void bf16RoundTripIsExact() throws Exception {
        Path fixture = Fixtures.dir("tiny-nemotron-h-a-bf16");
        Path gguf = export(fixture, GgmlType.BF16);
        try (GgufFile f = GgufFile.open(gguf)) {
            assertThat(f.tensors().get("blk.0.ssm_in.weight").type()).isEqualTo(GgmlType.BF16);
            assertThat(f.tensors().get("blk.0.ssm_norm.weight").type()).isEqualTo(GgmlType.F32);
            assertThat(f.tensors().get("blk.0.ssm_conv1d.weight").type()).isEqualTo(GgmlType.F32);
            assertThat(f.requireInt("general.file_type")).isEqualTo(32);
        }
        Path back = importDir(gguf);
        assertThat(ModelDirectory.open(back).config().dtype()).isEqualTo(DType.BF16);
        assertSameTensors(fixture, back, 0);
    }

    @Test
    void q8RoundTripIsWithinTheBlockErrorBound() throws Exception {
        Path fixture = Fixtures.dir("tiny-nemotron-h-a");
        Path gguf = export(fixture, GgmlType.Q8_0);
        try (GgufFile f = GgufFile.open(gguf)) {
            assertThat(f.tensors().get("blk.0.ssm_in.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(f.tensors().get("token_embd.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(f.tensors().get("blk.0.ssm_a").type()).isEqualTo(GgmlType.F32);
        }
        Path back = importDir(gguf);
        try (Checkpoint a = Checkpoint.open(fixture); Checkpoint b = Checkpoint.open(back)) {
            int quantized = 0;
            for (String name : a.names()) {
                float[] x = a.require(name).toFloatArray();
                float[] y = b.require(name).toFloatArray();
                boolean matrix = a.require(name).rank() == 2;
                if (!matrix) {
                    assertClose(name, x, y, name.endsWith("A_log") ? 2 : 0);
                    continue;
                }
                quantized++;
                for (int blk = 0; blk < x.length / 32; blk++) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(x[32 * blk + j]));
                    }
                    double bound = Quant.Q8_0_ERROR * amax / 127 + 1e-12;
                    for (int j = 0; j < 32; j++) {
                        assertThat((double) Math.abs(x[32 * blk + j] - y[32 * blk + j])).as(name).isLessThanOrEqualTo(bound);
                    }
                }
            }
            assertThat(quantized).isGreaterThan(10);
        }
        assertSameLogits(fixture, back, 0.05);
    }

    @Test
    void f16RoundTripIsWithinF16Rounding() throws Exception {
        Path fixture = Fixtures.dir("tiny-nemotron-h-a");
        Path gguf = export(fixture, GgmlType.F16);
        try (GgufFile f = GgufFile.open(gguf)) {
            assertThat(f.tensors().get("blk.0.ssm_in.weight").type()).isEqualTo(GgmlType.F16);
            assertThat(f.tensors().get("blk.0.ssm_d").type()).isEqualTo(GgmlType.F32);
            assertThat(f.requireInt("general.file_type")).isEqualTo(1);
        }
        Path back = importDir(gguf);
        assertThat(ModelDirectory.open(back).config().dtype()).isEqualTo(DType.F16);
        try (Checkpoint a = Checkpoint.open(fixture); Checkpoint b = Checkpoint.open(back)) {
            for (String name : a.names()) {
                float[] x = a.require(name).toFloatArray();
                float[] y = b.require(name).toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    // round to nearest F16: half a unit in the last of 11 significant bits (plus F16's subnormal step)
                    double bound = Math.abs(x[i]) * 0x1p-11 + 0x1p-25 + (name.endsWith("A_log") ? 4 * Math.ulp(x[i]) : 0);
                    assertThat((double) Math.abs(x[i] - y[i])).as(name + "[" + i + "]").isLessThanOrEqualTo(bound);
                }
            }
        }
    }

    @Test
    void theTokenizerTravelsWithTheModel() throws Exception {
        Path model = TestModels.tinyHybridWithTokenizer(tmp.resolve("tiny"), DType.F32);
        Path gguf = export(model, GgmlType.F32);
        try (GgufFile f = GgufFile.open(gguf)) {
            assertThat(f.string("tokenizer.ggml.model")).contains("gpt2");
            assertThat(f.string("tokenizer.ggml.pre")).contains("tekken");
            assertThat(f.string("tokenizer.chat_template")).isPresent();
            assertThat(f.requireInt("tokenizer.ggml.eos_token_id")).isEqualTo((long) ModelDirectory.open(model).eosIds().iterator().next());
        }
        Path back = importDir(gguf);
        Tokenizer a = Tokenizer.load(model.resolve("tokenizer.json"));
        Tokenizer b = Tokenizer.load(back.resolve("tokenizer.json"));
        for (String text : new String[] {"Call me Ishmael. Some years ago", "<think>12+30=42</think> The answer is 42.\n\n  x"}) {
            assertThat(b.encode(text, true)).isEqualTo(a.encode(text, true));
        }
        assertThat(b.specialIds()).isEqualTo(a.specialIds());
        assertSameTensors(model, back, 0);
        assertSameLogits(model, back, 1e-5);
    }

    @Test
    void aGgufFileOpensAsAModelDirectory() throws Exception {
        Path gguf = export(Fixtures.dir("tiny-nemotron-h-a"), GgmlType.F32);
        System.setProperty("nemotron.gguf.cache", tmp.resolve("cache").toString());
        try {
            ModelDirectory dir = ModelDirectory.open(gguf);
            assertThat(dir.config().pattern()).isEqualTo("M-M*-M-M*-");
            assertThat(ModelDirectory.open(gguf).path()).isEqualTo(dir.path());
            assertSameLogits(Fixtures.dir("tiny-nemotron-h-a"), gguf, 1e-5);
        } finally {
            System.clearProperty("nemotron.gguf.cache");
        }
    }

    static void assertSameTensors(Path a, Path b, int aLogUlps) {
        try (Checkpoint x = Checkpoint.open(a); Checkpoint y = Checkpoint.open(b instanceof Path p && Files.isDirectory(p) ? p : b)) {
            Set<String> names = new TreeSet<>(x.names());
            assertThat(new TreeSet<>(y.names())).isEqualTo(names);
            for (String n : names) {
                Tensor s = x.require(n);
                Tensor t = y.require(n);
                assertThat(t.shape()).as(n).isEqualTo(s.shape());
                assertThat(t.dtype()).as(n).isEqualTo(s.dtype());
                if (n.endsWith("A_log")) {
                    assertClose(n, s.toFloatArray(), t.toFloatArray(), Math.max(aLogUlps, 2));
                } else {
                    assertThat(t.data().mismatch(s.data())).as(n + " bytes").isEqualTo(-1);
                }
            }
        }
    }

    static void assertClose(String name, float[] x, float[] y, int ulps) {
        assertThat(y).as(name).hasSameSizeAs(x);
        for (int i = 0; i < x.length; i++) {
            assertThat(Math.abs(x[i] - y[i])).as(name + "[" + i + "]").isLessThanOrEqualTo(ulps * Math.ulp(x[i]));
        }
    }

    static void assertSameLogits(Path a, Path b, double tol) {
        int[] ids = {1, 5, 17, 42, 7, 99, 3, 250};
        try (Backend backend = Backends.create("java"); HybridModel x = HybridModel.load(a, backend);
             HybridModel y = HybridModel.load(b, backend)) {
            float[] la = x.forward(ids, false).logits();
            float[] lb = y.forward(ids, false).logits();
            assertThat(lb).hasSameSizeAs(la);
            double max = 0;
            for (int i = 0; i < la.length; i++) {
                max = Math.max(max, Math.abs(la[i] - lb[i]));
            }
            assertThat(max).as("max |logit difference|").isLessThanOrEqualTo(tol);
        }
    }

    static String names(Set<String> s) {
        return s.stream().collect(Collectors.joining(","));
    }
}
