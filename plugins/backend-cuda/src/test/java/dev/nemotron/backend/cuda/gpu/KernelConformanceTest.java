package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code nmc_k_*} kernel (through the backend's kernel interfaces) against the scalar
 * {@code java-reference} backend on random inputs, with odd sizes and F32/BF16/F16 weights.
 * Relative error ≤ 1e-4 (the GPU computes in fp32 without TF32).
 */
@Tag("gpu")
class KernelConformanceTest {
    private static final double TOL = 1e-4;
    private static Backend cudaBackend;
    private static Backend refBackend;
    private static Kernels cuda;
    private static Kernels ref;

    @BeforeAll
    static void open() {
        cudaBackend = Gpu.backend();
        refBackend = Backends.create("java-reference");
        cuda = cudaBackend.kernels().orElseThrow();
        ref = refBackend.kernels().orElseThrow();
    }

    @AfterAll
    static void close() {
        if (cudaBackend != null) {
            cudaBackend.close();
        }
        if (refBackend != null) {
            refBackend.close();
        }
    }

    static Stream<DType> weightTypes() {
        return Stream.of(DType.F32, DType.BF16, DType.F16);
    }

    @ParameterizedTest
    @MethodSource("weightTypes")
    void matmulWithAndWithoutBias(DType type) {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int[] s : new int[][] {{1, 7, 5}, {3, 33, 17}, {17, 130, 67}, {64, 256, 96}}) {
            int rows = s[0];
            int in = s[1];
            int outF = s[2];
            float[] x = uniform(rnd, rows * in);
            Tensor w = tensor(uniform(rnd, outF * in), type, outF, in);
            Tensor bias = tensor(uniform(rnd, outF), type, outF);
            for (Tensor b : new Tensor[] {null, bias}) {
                float[] want = new float[rows * outF];
                float[] got = new float[rows * outF];
                ref.linear().matmul(x, rows, w, b, want);
                cuda.linear().matmul(x, rows, w, b, got);
                assertThat(Gpu.relativeError(got, want)).as("%s %dx%d->%d bias %s", type, rows, in, outF, b != null)
                        .isLessThanOrEqualTo(TOL);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("weightTypes")
    void norms(DType type) {
        SplittableRandom rnd = new SplittableRandom(2);
        int rows = 5;
        int dim = 48;
        float[] x = uniform(rnd, rows * dim);
        float[] z = uniform(rnd, rows * dim);
        Tensor w = tensor(uniform(rnd, dim), type, dim);
        float[] want = new float[rows * dim];
        float[] got = new float[rows * dim];
        ref.norms().rmsNorm(x, rows, dim, w, 1e-5f, want);
        cuda.norms().rmsNorm(x, rows, dim, w, 1e-5f, got);
        assertThat(Gpu.relativeError(got, want)).as("rmsNorm").isLessThanOrEqualTo(TOL);
        for (int groups : new int[] {1, 3, 4}) {
            ref.norms().gatedGroupRmsNorm(x, z, rows, dim, groups, w, 1e-5f, want);
            cuda.norms().gatedGroupRmsNorm(x, z, rows, dim, groups, w, 1e-5f, got);
            assertThat(Gpu.relativeError(got, want)).as("gated group norm, %d groups", groups).isLessThanOrEqualTo(TOL);
        }
    }

    @Test
    void activations() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 1001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 60 - 30);
        }
        for (String kind : new String[] {"silu", "relu2", "softplus"}) {
            float[] want = x.clone();
            float[] got = x.clone();
            switch (kind) {
                case "silu" -> {
                    ref.activations().silu(want, n);
                    cuda.activations().silu(got, n);
                }
                case "relu2" -> {
                    ref.activations().relu2(want, n);
                    cuda.activations().relu2(got, n);
                }
                default -> {
                    ref.activations().softplus(want, n);
                    cuda.activations().softplus(got, n);
                }
            }
            assertThat(Gpu.relativeError(got, want)).as(kind).isLessThanOrEqualTo(TOL);
        }
    }

    @ParameterizedTest
    @MethodSource("weightTypes")
    void causalConvPrefillThenStep(DType type) {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int k : new int[] {3, 4}) {
            int channels = 37;
            int len = 11;
            Tensor w = tensor(uniform(rnd, channels * k), type, channels, 1, k);
            Tensor b = tensor(uniform(rnd, channels), type, channels);
            float[] x = uniform(rnd, len * channels);
            float[] winRef = new float[channels * (k - 1)];
            float[] winGot = new float[channels * (k - 1)];
            float[] want = new float[len * channels];
            float[] got = new float[len * channels];
            ref.mamba().causalConv1d(x, len, channels, w, b, winRef, want);
            cuda.mamba().causalConv1d(x, len, channels, w, b, winGot, got);
            assertThat(Gpu.relativeError(got, want)).as("conv prefill k=%d", k).isLessThanOrEqualTo(TOL);
            assertThat(Gpu.relativeError(winGot, winRef)).as("window k=%d", k).isLessThanOrEqualTo(TOL);
            float[] step = uniform(rnd, channels);
            float[] wantStep = new float[channels];
            float[] gotStep = new float[channels];
            ref.mamba().causalConv1d(step, 1, channels, w, null, winRef, wantStep);
            cuda.mamba().causalConv1d(step, 1, channels, w, null, winGot, gotStep);
            assertThat(Gpu.relativeError(gotStep, wantStep)).as("conv step k=%d", k).isLessThanOrEqualTo(TOL);
        }
    }

    @Test
    void scansChunkedAndRecurrentFromAState() {
        SplittableRandom rnd = new SplittableRandom(5);
        SsmShape s = new SsmShape(6, 10, 3, 12);
        for (int[] lc : new int[][] {{1, 4}, {13, 5}, {37, 8}, {64, 16}}) {
            int len = lc[0];
            int chunk = lc[1];
            float[] x = uniform(rnd, len * s.innerSize());
            float[] dt = new float[len * s.heads()];
            for (int i = 0; i < dt.length; i++) {
                dt[i] = (float) (0.001 + 0.2 * rnd.nextDouble());
            }
            float[] a = new float[s.heads()];
            for (int h = 0; h < a.length; h++) {
                a[h] = -(h + 1);
            }
            float[] b = uniform(rnd, len * s.groups() * s.stateSize());
            float[] c = uniform(rnd, len * s.groups() * s.stateSize());
            float[] d = uniform(rnd, s.heads());
            float[] state0 = uniform(rnd, s.stateFloats());
            float[] stRef = state0.clone();
            float[] stGot = state0.clone();
            float[] want = new float[len * s.innerSize()];
            float[] got = new float[len * s.innerSize()];
            ref.mamba().chunkedScan(s, len, chunk, x, dt, a, b, c, d, stRef, want);
            cuda.mamba().chunkedScan(s, len, chunk, x, dt, a, b, c, d, stGot, got);
            assertThat(Gpu.relativeError(got, want)).as("chunked L=%d chunk=%d", len, chunk).isLessThanOrEqualTo(TOL);
            assertThat(Gpu.relativeError(stGot, stRef)).as("chunked state L=%d", len).isLessThanOrEqualTo(TOL);
            stRef = state0.clone();
            stGot = state0.clone();
            ref.mamba().recurrentScan(s, len, x, dt, a, b, c, null, stRef, want);
            cuda.mamba().recurrentScan(s, len, x, dt, a, b, c, null, stGot, got);
            assertThat(Gpu.relativeError(got, want)).as("recurrent L=%d", len).isLessThanOrEqualTo(TOL);
            assertThat(Gpu.relativeError(stGot, stRef)).as("recurrent state L=%d", len).isLessThanOrEqualTo(TOL);
        }
    }

    @Test
    void attentionPrefillAndContinuation() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int[] p : new int[][] {{1, 1, 4, 2, 16}, {7, 7, 6, 3, 8}, {1, 29, 4, 1, 20}, {5, 40, 8, 2, 128}, {130, 130, 4, 4, 64}}) {
            int queries = p[0];
            int keys = p[1];
            int qh = p[2];
            int kvh = p[3];
            int hd = p[4];
            float scale = (float) (1 / Math.sqrt(hd));
            float[] q = uniform(rnd, queries * qh * hd);
            float[] k = uniform(rnd, keys * kvh * hd);
            float[] v = uniform(rnd, keys * kvh * hd);
            float[] want = new float[queries * qh * hd];
            float[] got = new float[queries * qh * hd];
            ref.attention().causalAttention(queries, keys, qh, kvh, hd, scale, q, k, v, want);
            cuda.attention().causalAttention(queries, keys, qh, kvh, hd, scale, q, k, v, got);
            assertThat(Gpu.relativeError(got, want)).as("attention q=%d k=%d %d/%d heads of %d", queries, keys, qh, kvh, hd)
                    .isLessThanOrEqualTo(TOL);
        }
    }

    private static float[] uniform(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** {@code v} stored as {@code type}; F32 on the Java heap (the backend must copy it), the others in native memory. */
    private static Tensor tensor(float[] v, DType type, long... shape) {
        if (type == DType.F32) {
            return Tensor.ofFloats(v.clone(), shape);
        }
        MemorySegment seg = Arena.ofAuto().allocate(2L * v.length, 2);
        for (int i = 0; i < v.length; i++) {
            short bits = type == DType.BF16 ? bf16(v[i]) : Float.floatToFloat16(v[i]);
            seg.setAtIndex(Tensor.I16_LE, i, bits);
        }
        return new Tensor(type, shape, seg);
    }

    private static short bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
