package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.backend.cuda.WeightFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The opt-in FP8 lm_head ({@code -Dnemotron.cuda.lmhead=fp8} with FP8 weights;
 * {@code nmc_model_quantize_lm_head_fp8}) against the BF16 head of the same FP8 model, on the
 * fixtures whose hidden size is a multiple of 16: per golden case, every prefill position's logits
 * (the worst |on - off| over that position's logit range, the relative error, top-1 agreement);
 * batched decode of 3 rows against the one-row prefill of the same tokens; greedy decoding token by
 * token and greedy on-device sampling. Prints the numbers: this is the accuracy trade on random
 * fixtures, not on a trained model. Also the errors: no FP8 weights, a hidden size of 36.
 */
@Tag("gpu")
class Fp8LmHeadGpuTest {
    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String fixture : List.of("tiny-nemotron-h-a", "tiny-nemotron-h-a-bf16", "hf-more/g1-chunk5-kv1")) {
            for (WeightFormat f : List.of(WeightFormat.FP8_CHANNEL, WeightFormat.FP8_BLOCK)) {
                all.add(Arguments.of(fixture, f));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void fp8HeadStaysCloseToTheBf16Head(String fixture, WeightFormat format) {
        try (Backend backend = Gpu.backend();
             DeviceModel off = Gpu.withFormat(format, () -> Gpu.load(backend, fixture, DType.BF16, 3));
             DeviceModel on = Gpu.withFormat(format, () -> withFp8Head(() -> Gpu.load(backend, fixture, DType.BF16, 3)));
             SafetensorsFile g = SafetensorsFile.open(Gpu.fixture(fixture).resolve("golden.safetensors"))) {
            assertThat(on.weightBytes()).as("untied: the BF16 head freed").isLessThan(off.weightBytes());
            int vocab = on.vocabSize();
            for (int c = 0; g.find("case" + c + ".input_ids").isPresent(); c++) {
                int[] ids = Gpu.ints(g.tensor("case" + c + ".input_ids"));
                float[] a = Gpu.prefillAll(off, ids);
                float[] b = Gpu.prefillAll(on, ids);
                double worst = 0;
                int agree = 0;
                for (int t = 0; t < ids.length; t++) {
                    worst = Math.max(worst, errOverRange(b, a, t * vocab, vocab));
                    agree += Gpu.argmax(b, t * vocab, vocab) == Gpu.argmax(a, t * vocab, vocab) ? 1 : 0;
                }
                double rel = Gpu.relativeError(b, a);
                System.out.printf(Locale.ROOT, "FP8 lm_head %s %s case %d (L=%d): max |on - off| %.4f of the logit range,"
                        + " rel. error %.4f, top-1 agreement %d/%d%n", fixture, format.name(), c, ids.length, worst, rel, agree,
                        ids.length);
                assertThat(rel).as("%s case %d relative error of the FP8 head", fixture, c).isLessThanOrEqualTo(0.1);
                assertThat(agree).as("%s case %d top-1 agreement", fixture, c).isGreaterThanOrEqualTo(3 * ids.length / 4);
                batchedDecodeMatchesPrefill(on, ids, fixture + " case " + c);
            }
            if (g.find("generate.prompt_ids").isEmpty()) {
                return;
            }
            int[] prompt = Gpu.ints(g.tensor("generate.prompt_ids"));
            int steps = Gpu.ints(g.tensor("generate.output_ids")).length - prompt.length;
            int[] tb = Gpu.greedy(off, prompt, steps);
            int[] tf = Gpu.greedy(on, prompt, steps);
            int same = 0;
            while (same < steps && tb[same] == tf[same]) {
                same++;
            }
            System.out.printf(Locale.ROOT, "FP8 lm_head %s %s greedy decode: first %d of %d tokens equal to the BF16 head's %s / %s%n",
                    fixture, format.name(), same, steps, Arrays.toString(tf), Arrays.toString(tb));
            assertThat(Arrays.stream(tf).allMatch(t -> t >= 0 && t < vocab)).as("tokens in the vocabulary").isTrue();
            // greedy on-device sampling: the argmax of decode's logits in the same state
            on.sampling().ifPresent(s -> {
                int[] head = Arrays.copyOf(prompt, prompt.length - 1);
                int[] last = {prompt[prompt.length - 1]};
                try (DeviceSequence a = on.newSequence(); DeviceSequence b = on.newSequence()) {
                    on.prefill(a, head);
                    on.prefill(b, head);
                    float[] logits = on.decode(List.of(a), last);
                    int[] sampled = s.decodeSampled(List.of(b), last, 0f, 1f, 1);
                    assertThat(sampled[0]).as("greedy on-device sampling with the FP8 head")
                            .isEqualTo(Gpu.argmax(logits, 0, vocab));
                }
            });
        }
    }

    @Test
    void anFp8HeadNeedsFp8WeightsAndAHiddenSizeOf16s() {
        try (Backend backend = Gpu.backend()) {
            assertThatThrownBy(() -> withFp8Head(() -> Gpu.load(backend, "tiny-nemotron-h-a", DType.BF16, 1)))
                    .isInstanceOf(NemotronException.class)
                    .hasMessageContaining("FP8 weights");
            assertThatThrownBy(() -> Gpu.withFormat(WeightFormat.FP8_CHANNEL,
                    () -> withFp8Head(() -> Gpu.load(backend, "hf-more/deep-odd", DType.BF16, 1))))
                    .isInstanceOf(NemotronException.class)
                    .hasMessageContaining("multiple of 16");
        }
    }

    /** Three sequences with the prompt ids[0, n - 1) decode ids[n - 1] together: each row as the one-row prefill's last logits. */
    private static void batchedDecodeMatchesPrefill(DeviceModel m, int[] ids, String what) {
        if (ids.length < 2) {
            return;
        }
        int vocab = m.vocabSize();
        float[] want;
        try (DeviceSequence seq = m.newSequence()) {
            want = m.prefill(seq, ids);
        }
        int[] prompt = Arrays.copyOf(ids, ids.length - 1);
        try (DeviceSequence s0 = m.newSequence(); DeviceSequence s1 = m.newSequence(); DeviceSequence s2 = m.newSequence()) {
            for (DeviceSequence s : List.of(s0, s1, s2)) {
                m.prefill(s, prompt);
            }
            int last = ids[ids.length - 1];
            float[] got = m.decode(List.of(s0, s1, s2), new int[] {last, last, last});
            for (int r = 0; r < 3; r++) {
                assertThat(maxRelErr(got, r * vocab, want, vocab)).as("%s: row %d of a 3-row decode against prefill", what, r)
                        .isLessThanOrEqualTo(2e-2);
            }
        }
    }

    /** max |got - want| over want's max - min, for the row at {@code offset}. */
    private static double errOverRange(float[] got, float[] want, int offset, int vocab) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        double e = 0;
        for (int i = 0; i < vocab; i++) {
            lo = Math.min(lo, want[offset + i]);
            hi = Math.max(hi, want[offset + i]);
            e = Math.max(e, Math.abs((double) got[offset + i] - want[offset + i]));
        }
        return e / Math.max(hi - lo, 1e-30);
    }

    /** max |got[offset + i] - want[i]| / max |want| (the self-test's measure). */
    private static double maxRelErr(float[] got, int offset, float[] want, int vocab) {
        double norm = 1e-6;
        double e = 0;
        for (int i = 0; i < vocab; i++) {
            norm = Math.max(norm, Math.abs(want[i]));
            e = Math.max(e, Math.abs((double) got[offset + i] - want[i]));
        }
        return e / norm;
    }

    /** {@code open} with {@value WeightFormat#LM_HEAD_PROPERTY}=fp8 (restored after). */
    private static DeviceModel withFp8Head(Supplier<DeviceModel> open) {
        String old = System.getProperty(WeightFormat.LM_HEAD_PROPERTY);
        System.setProperty(WeightFormat.LM_HEAD_PROPERTY, "fp8");
        try {
            return open.get();
        } finally {
            if (old == null) {
                System.clearProperty(WeightFormat.LM_HEAD_PROPERTY);
            } else {
                System.setProperty(WeightFormat.LM_HEAD_PROPERTY, old);
            }
        }
    }
}
