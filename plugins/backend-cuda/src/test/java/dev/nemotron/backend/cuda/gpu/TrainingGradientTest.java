package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.backend.TrainingExecution.StateSlot;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.train.autodiff.core.Gradients;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The device trainer's gradients of every parameter tensor against the float64 host trainer's on
 * the same weights and batch (the fixture {@code tiny-nemotron-h-a}: Mamba-2 with two groups, GQA
 * attention, relu² MLP, untied head; or {@code -Dnemotron.gputrain.model=DIR}).
 * <ul>
 *   <li>fp32 (no TF32): ≤ 1e-4 relative per tensor (‖dev − host‖ / ‖host‖);</li>
 *   <li>BF16 GEMM inputs, fp32 accumulation: ≤ 5e-2 relative per tensor (BF16 keeps 8 mantissa
 *       bits: each GEMM input is off by up to 2^-9 relative, and gradients pass through ~30
 *       GEMMs of the tiny model).</li>
 * </ul>
 * Positions 3, 10, 17 ... are ignored (-100) so the mean over kept positions is exercised.
 */
@Tag("gpu")
class TrainingGradientTest {
    static final double FP32_BOUND = 1e-4;
    static final double BF16_BOUND = 5e-2;

    @Test
    void fp32GradientsOfOneRowMatchTheHostTrainer() {
        check(DType.F32, 1, 40, FP32_BOUND);
    }

    @Test
    void fp32GradientsOfABatchOfRowsMatchTheHostTrainer() {
        check(DType.F32, 3, 33, FP32_BOUND);
    }

    @Test
    void bf16GradientsMatchTheHostTrainerWithinTheStatedBound() {
        check(DType.BF16, 2, 40, BF16_BOUND);
    }

    /**
     * The device runs one forward/backward per row (each adds its row's mean-loss gradients, as the
     * host does), then the whole batch at once, whose gradient is the mean over all kept positions
     * (equal counts per row here, so the host's sum divided by the rows).
     */
    private static void check(DType compute, int rows, int len, double bound) {
        Backend backend = Gpu.backend();
        Path dir = TrainingFixture.modelDir();
        TrainingFixture.Host host = new TrainingFixture.Host(dir);
        int vocab = TrainingFixture.config(dir).view().getInt("vocab_size");
        TrainingFixture.Batch b = TrainingFixture.batch(vocab, rows, len, 18L + rows, true);
        Gradients g = host.model.newGradients();
        double hostLoss = host.gradients(b, g);
        Map<String, double[]> hostGrads = new LinkedHashMap<>();
        for (String n : g.names()) {
            hostGrads.put(n, g.get(n));
        }
        try (TrainingExecution.DeviceTrainer t = TrainingFixture.device(backend, dir, compute)) {
            // 1. row by row: the gradient sum equals the host's sum
            double devLoss = 0;
            for (int r = 0; r < rows; r++) {
                try (var f = t.forward(b.idsOf(r), b.labelsOf(r), 1, len)) {
                    devLoss += f.loss();
                    t.backward(f);
                }
            }
            assertThat(devLoss).as("summed loss").isCloseTo(hostLoss, org.assertj.core.data.Percentage.withPercentage(
                    compute == DType.F32 ? 1e-3 : 1));
            report(compute + " rows one by one", assertAgree(TrainingFixture.download(t, StateSlot.GRADIENT), hostGrads, bound));
            t.step(0, 0);  // clears the gradients (learning rate 0 leaves the weights)
            // 2. the batch at once: mean over the kept positions = host sum / rows
            try (var f = t.forward(b.ids(), b.labels(), rows, len)) {
                assertThat(f.loss()).isCloseTo(hostLoss / rows, org.assertj.core.data.Percentage.withPercentage(
                        compute == DType.F32 ? 1e-3 : 1));
                t.backward(f);
            }
            Map<String, double[]> scaled = new LinkedHashMap<>();
            hostGrads.forEach((n, v) -> {
                double[] s = v.clone();
                for (int i = 0; i < s.length; i++) {
                    s[i] /= rows;
                }
                scaled.put(n, s);
            });
            report(compute + " batch of " + rows, assertAgree(TrainingFixture.download(t, StateSlot.GRADIENT), scaled, bound));
        }
    }

    private static Map<String, Double> assertAgree(Map<String, double[]> device, Map<String, double[]> host, double bound) {
        Map<String, Double> errors = new TreeMap<>();
        List<String> failures = TrainingFixture.compare(device, host, bound, errors);
        assertThat(failures).as("per-tensor gradient errors (bound " + bound + "): " + errors).isEmpty();
        return errors;
    }

    private static void report(String what, Map<String, Double> errors) {
        double worst = errors.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        String name = errors.entrySet().stream().filter(e -> e.getValue() == worst).map(Map.Entry::getKey).findFirst().orElse("-");
        System.out.println("gradients " + what + ": " + errors.size() + " tensors, worst relative error " + worst + " (" + name + ")");
    }
}
