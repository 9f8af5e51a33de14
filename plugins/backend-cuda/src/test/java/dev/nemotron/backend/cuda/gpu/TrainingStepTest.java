package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.backend.TrainingExecution.StateSlot;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The device's AdamW step and short runs against the float64 host trainer (nemotron-train's
 * AdamW, global-norm clipping and Nemotron-H weight-decay rule), fp32 GEMMs:
 * <ul>
 *   <li>one step: both moments per tensor within 1e-4 / 2e-4 relative, the weight updates
 *       (after − before) within 1e-3 relative where the gradient is not tiny (|m| ≥ 1e-3 rms);</li>
 *   <li>20 steps at lr 3e-3 with clipping at 1.0: every step's loss within 1e-3 relative of the
 *       host's, and the loss falls;</li>
 *   <li>interrupted after 10 steps (weights, both moments and the step counter downloaded, the
 *       trainer closed, a new one opened from them) and resumed: steps 11-20 match the
 *       uninterrupted run's within 1e-4 relative (atomics make the device's sums not bit-exact).</li>
 * </ul>
 */
@Tag("gpu")
class TrainingStepTest {
    private static final double LR = 3e-3;
    private static final double MAX_NORM = 1.0;

    @Test
    void oneAdamWStepMatchesTheHostTrainer() {
        Backend backend = Gpu.backend();
        Path dir = TrainingFixture.modelDir();
        TrainingFixture.Host host = new TrainingFixture.Host(dir);
        TrainingFixture.Batch b = batch(dir, 0);
        Map<String, double[]> before = host.weights();
        host.trainStep(b, LR, MAX_NORM);
        Map<String, double[]> hostAfter = host.weights();
        try (TrainingExecution.DeviceTrainer t = TrainingFixture.device(backend, dir, DType.F32)) {
            try (var f = t.forward(b.ids(), b.labels(), b.rows(), b.len())) {
                t.backward(f);
            }
            double norm = t.step(LR, MAX_NORM);
            assertThat(norm).isPositive();
            assertThat(t.optimizerSteps()).isEqualTo(1);
            Map<String, double[]> devAfter = TrainingFixture.download(t, null);
            Map<String, double[]> devM = TrainingFixture.download(t, StateSlot.EXP_AVG);
            Map<String, double[]> devV = TrainingFixture.download(t, StateSlot.EXP_AVG_SQ);
            var hostState = host.adamw.state();
            Map<String, Double> errors = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            for (String n : before.keySet()) {
                double[] hm = hostState.get("exp_avg/" + n);
                double[] hv = hostState.get("exp_avg_sq/" + n);
                double em = TrainingFixture.relative(devM.get(n), hm);
                double ev = TrainingFixture.relative(devV.get(n), hv);
                // the first update is about lr * sign(g): compare where |g| is not tiny (a sign
                // flip of a near-zero gradient element is rounding, not a defect)
                double rms = Math.sqrt(java.util.Arrays.stream(hm).map(x -> x * x).average().orElse(0));
                double[] dh = delta(hostAfter.get(n), before.get(n));
                double[] dd = delta(devAfter.get(n), before.get(n));
                for (int i = 0; i < hm.length; i++) {
                    if (Math.abs(hm[i]) < 1e-3 * rms) {
                        dh[i] = 0;
                        dd[i] = 0;
                    }
                }
                double eu = TrainingFixture.relative(dd, dh);
                errors.put(n, Math.max(eu, Math.max(em, ev)));
                if (!(em <= 1e-4 && ev <= 2e-4 && eu <= 1e-3)) {
                    failures.add(n + ": exp_avg " + em + ", exp_avg_sq " + ev + ", update " + eu);
                }
            }
            System.out.println("adamw step: worst error " + errors.values().stream().mapToDouble(d -> d).max().orElse(0));
            assertThat(failures).as("errors " + errors).isEmpty();
        }
    }

    @Test
    void twentyStepsTrackTheHostLossCurve() {
        Backend backend = Gpu.backend();
        Path dir = TrainingFixture.modelDir();
        TrainingFixture.Host host = new TrainingFixture.Host(dir);
        double[] hostCurve = new double[20];
        for (int s = 0; s < 20; s++) {
            hostCurve[s] = host.trainStep(batch(dir, s), LR, MAX_NORM);
        }
        double[] devCurve;
        try (TrainingExecution.DeviceTrainer t = TrainingFixture.device(backend, dir, DType.F32)) {
            devCurve = run(t, 0, 20);
        }
        System.out.println("loss curve host   " + java.util.Arrays.toString(hostCurve));
        System.out.println("loss curve device " + java.util.Arrays.toString(devCurve));
        for (int s = 0; s < 20; s++) {
            assertThat(Math.abs(devCurve[s] - hostCurve[s]) / hostCurve[s]).as("step " + (s + 1)).isLessThan(1e-3);
        }
        assertThat(devCurve[19]).isLessThan(devCurve[0]);
    }

    @Test
    void anInterruptedRunResumesItsLossCurve() {
        Backend backend = Gpu.backend();
        Path dir = TrainingFixture.modelDir();
        double[] straight;
        try (TrainingExecution.DeviceTrainer t = TrainingFixture.device(backend, dir, DType.F32)) {
            straight = run(t, 0, 20);
        }
        Map<String, Tensor> weights;
        Map<String, double[]> m;
        Map<String, double[]> v;
        long steps;
        double[] first;
        try (TrainingExecution.DeviceTrainer t = TrainingFixture.device(backend, dir, DType.F32)) {
            first = run(t, 0, 10);
            weights = TrainingFixture.weightsAsTensors(t);
            m = TrainingFixture.download(t, StateSlot.EXP_AVG);
            v = TrainingFixture.download(t, StateSlot.EXP_AVG_SQ);
            steps = t.optimizerSteps();
        }
        assertThat(steps).isEqualTo(10);
        double[] second;
        try (TrainingExecution.DeviceTrainer t = TrainingFixture.device(backend, dir, weights, DType.F32)) {
            m.forEach((n, a) -> t.uploadState(StateSlot.EXP_AVG, n, floats(a)));
            v.forEach((n, a) -> t.uploadState(StateSlot.EXP_AVG_SQ, n, floats(a)));
            t.optimizerSteps(steps);
            second = run(t, 10, 20);
        }
        for (int s = 0; s < 10; s++) {
            assertThat(Math.abs(first[s] - straight[s]) / straight[s]).as("step " + (s + 1)).isLessThan(1e-4);
            assertThat(Math.abs(second[s] - straight[10 + s]) / straight[10 + s]).as("step " + (11 + s)).isLessThan(1e-4);
        }
    }

    private static double[] run(TrainingExecution.DeviceTrainer t, int from, int to) {
        double[] curve = new double[to - from];
        Path dir = TrainingFixture.modelDir();
        for (int s = from; s < to; s++) {
            TrainingFixture.Batch b = batch(dir, s);
            try (var f = t.forward(b.ids(), b.labels(), b.rows(), b.len())) {
                curve[s - from] = f.loss();
                t.backward(f);
            }
            t.step(LR, MAX_NORM);
        }
        return curve;
    }

    /** Step s's batch: 2 rows of 32 with no ignored position (the host's row mean = the device's token mean). */
    private static TrainingFixture.Batch batch(Path dir, int s) {
        int vocab = TrainingFixture.config(dir).view().getInt("vocab_size");
        // a small repeating corpus so that the loss can fall in 20 steps
        TrainingFixture.Batch r = TrainingFixture.batch(vocab, 2, 32, 1000 + (s % 4), false);
        return r;
    }

    private static double[] delta(double[] after, double[] before) {
        double[] d = new double[after.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = after[i] - before[i];
        }
        return d;
    }

    private static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
