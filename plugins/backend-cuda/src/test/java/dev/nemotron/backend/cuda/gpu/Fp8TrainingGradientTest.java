package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.backend.TrainingExecution.StateSlot;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.fp8.Precision;
import dev.nemotron.train.fp8.PrecisionPolicy;
import dev.nemotron.train.trainer.DeviceSteps;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The FP8 recipe on the device (issue 18 item 2) against the host trainer's FP8 simulation: the
 * gradients of every parameter tensor summed over one forward/backward per row (so the weight
 * gradient's 128×1 tiles over the tokens cover the same rows on both sides), both trainers running
 * the same {@link PrecisionPolicy} (the first and last linear layer in BF16, every other linear
 * layer's GEMMs on E4M3 operands with 1×128 / 128×1 activation and gradient tiles and 128×128
 * weight blocks, scale amax/448), on the fixture {@code tiny-nemotron-h-a} (widths 64 and 192:
 * ragged tiles and blocks).
 * <ul>
 *   <li>per tensor ‖device − host FP8‖ / ‖host FP8‖ ≤ {@value #FP8_BOUND}: the device quantises fp32
 *       activations where the host quantises float64 ones, so a value lying within ~1e-7 of an E4M3
 *       rounding boundary may round the other way; everything else is the same arithmetic;</li>
 *   <li>the comparison discriminates: over all tensors the host's FP8 gradients differ from its
 *       full-precision ones at least {@value #SEPARATION}× more than the device's differ from the
 *       host's FP8 ones (a device that skipped or misplaced the quantisation fails this).</li>
 * </ul>
 * The device's F32 compute type keeps the non-linear GEMMs at full precision, as the host does.
 * <p>Those two bounds hold for the reference path, the fake quantiser with fp32 GEMMs
 * ({@code NMC_FP8_GEMM=fakequant}). The default path, cuBLASLt's block-scaled FP8 GEMMs, accumulates
 * with about 5e-4 relative error on Hopper (its self-test's probe against an exact reference), so
 * far more values of the next layer's operands fall on the other side of an E4M3 rounding
 * boundary, and the gradients move by FP8's own noise (an H100 measured 5.1e-2 over all tensors,
 * the host's FP8-vs-full-precision difference being 7.7e-2). With it the test asks that the
 * device's FP8 gradients stay closer to the host's FP8 ones than FP8 is from full precision, and
 * that they differ from full precision (the quantisation ran).
 */
@Tag("gpu")
class Fp8TrainingGradientTest {
    static final double FP8_BOUND = 1e-2;
    static final double SEPARATION = 5;
    static final int EDGE_LAYERS = 1;

    @Test
    void fp8GradientsMatchTheHostFp8Simulation() {
        Backend backend = Gpu.backend();
        Path dir = TrainingFixture.modelDir();
        int vocab = TrainingFixture.config(dir).view().getInt("vocab_size");
        int rows = 2;
        int len = 40;
        TrainingFixture.Batch b = TrainingFixture.batch(vocab, rows, len, 31L, true);
        PrecisionPolicy policy = PrecisionPolicy.bf16Edges(EDGE_LAYERS);
        TrainingFixture.Host fp8 = new TrainingFixture.Host(dir);
        fp8.model.precision(policy);
        PrecisionPolicy.Plan plan = policy.plan(fp8.model.graph());
        assertThat(plan.layers(Precision.FP8_E4M3)).as("linear layers in FP8").isNotEmpty();
        Map<String, double[]> hostFp8 = summedGradients(fp8, b);
        Map<String, double[]> hostFull = summedGradients(new TrainingFixture.Host(dir), b);
        try (TrainingExecution.DeviceTrainer t = TrainingFixture.device(backend, dir, DType.F32)) {
            DeviceSteps.applyPrecision(plan, t);
            for (int r = 0; r < rows; r++) {  // row by row, as the host: the same 128-token weight-gradient tiles
                try (var f = t.forward(b.idsOf(r), b.labelsOf(r), 1, len)) {
                    t.backward(f);
                }
            }
            Map<String, double[]> device = TrainingFixture.download(t, StateSlot.GRADIENT);
            Map<String, Double> errors = new TreeMap<>();
            List<String> failures = TrainingFixture.compare(device, hostFp8, FP8_BOUND, errors);
            double worst = errors.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            double deviceVsFp8 = global(device, hostFp8);
            double fullVsFp8 = global(hostFull, hostFp8);
            System.out.println("fp8 gradients: " + errors.size() + " tensors, worst relative error vs the host FP8"
                    + " simulation " + worst + "; all tensors: device vs host FP8 " + deviceVsFp8
                    + ", host full precision vs host FP8 " + fullVsFp8 + "; FP8 layers " + plan.layers(Precision.FP8_E4M3));
            if ("fakequant".equals(System.getenv("NMC_FP8_GEMM"))) {
                assertThat(failures).as("per-tensor gradient errors (bound " + FP8_BOUND + "): " + errors).isEmpty();
                assertThat(fullVsFp8).as("FP8 changes the host's gradients far more than the device differs from them")
                        .isGreaterThanOrEqualTo(SEPARATION * deviceVsFp8);
            } else {
                double deviceVsFull = global(device, hostFull);
                System.out.println("fp8 gradients (cuBLASLt where available): device vs host full precision " + deviceVsFull);
                assertThat(deviceVsFp8).as("the device's FP8 gradients are within FP8's own noise of the host's")
                        .isLessThanOrEqualTo(fullVsFp8);
                assertThat(deviceVsFull).as("the device quantised (its gradients differ from full precision)")
                        .isGreaterThanOrEqualTo(0.5 * fullVsFp8);
            }
        }
    }

    @Test
    void aWeightThatIsNoLinearLayerIsRefusedByName() {
        Path dir = TrainingFixture.modelDir();
        try (TrainingExecution.DeviceTrainer t = TrainingFixture.device(Gpu.backend(), dir, DType.F32)) {
            assertThatThrownBy(() -> t.gemmPrecision("backbone.norm_f.weight", DType.F8_E4M3))
                    .hasMessageContaining("not a linear layer");
        }
    }

    /** The host's gradients summed over the rows' mean losses (one pass per row). */
    private static Map<String, double[]> summedGradients(TrainingFixture.Host host, TrainingFixture.Batch b) {
        Gradients g = host.model.newGradients();
        host.gradients(b, g);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String n : g.names()) {
            out.put(n, g.get(n).clone());
        }
        return out;
    }

    /** ‖a − b‖ / ‖b‖ over all tensors of b together. */
    private static double global(Map<String, double[]> a, Map<String, double[]> b) {
        double num = 0;
        double den = 0;
        for (var e : b.entrySet()) {
            double[] x = a.get(e.getKey());
            double[] y = e.getValue();
            for (int i = 0; i < y.length; i++) {
                double d = x[i] - y[i];
                num += d * d;
                den += y[i] * y[i];
            }
        }
        return Math.sqrt(num / den);
    }
}
