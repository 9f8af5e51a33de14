package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.align.dpo.DpoObjective;
import dev.nemotron.align.dpo.DpoPairLoss;
import dev.nemotron.align.grpo.GrpoLoss;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.backend.TrainingExecution.StateSlot;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.train.autodiff.ForwardOptions;
import dev.nemotron.train.autodiff.ForwardPass;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;
import dev.nemotron.train.optim.AdamW;
import dev.nemotron.train.trainer.BatchGradients;
import dev.nemotron.train.trainer.DeviceSteps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DPO and GRPO on the device ({@code --backend cuda}: {@link DeviceSteps} over the CUDA trainer's
 * token log-probs and token-weighted backward) against the float64 host trainer
 * ({@link BatchGradients} with the same {@link DpoPairLoss} / {@link GrpoLoss}) on the fixture
 * {@code tiny-nemotron-h-a} (or {@code -Dnemotron.gputrain.model=DIR}): the loss and the gradient
 * of every parameter tensor, fp32, ≤ 1e-4 relative per tensor (‖dev − host‖ / ‖host‖). DeviceSteps
 * is opened from the host model, as the CLI does; the test reads the device's gradient sum through
 * a backend wrapper that keeps the trainer it opened. Prints the losses and the worst tensor.
 */
@Tag("gpu")
class AlignmentGradientTest {
    static final double BOUND = 1e-4;

    /** DPO (sigmoid, beta 0.1, label smoothing 0.1): two pairs, each one packed row of chosen ++ rejected. */
    @Test
    void dpoGradientsOnTheDeviceMatchTheHostTrainer() {
        Gpu.backend().close();  // skipped (with the reason) without a usable GPU, before any host work
        TrainingFixture.Host host = new TrainingFixture.Host(TrainingFixture.modelDir());
        int vocab = vocab();
        SplittableRandom rnd = new SplittableRandom(31);
        int[][] lengths = {{21, 13}, {9, 26}};  // chosen, rejected
        int[][] inputs = new int[2][];
        int[][] targets = new int[2][];
        Segments[] segments = new Segments[2];
        for (int b = 0; b < 2; b++) {
            segments[b] = Segments.of(lengths[b]);
            int n = segments[b].length();
            inputs[b] = new int[n];
            targets[b] = new int[n];
            for (int t = 0; t < n; t++) {
                inputs[b][t] = rnd.nextInt(vocab);
                int inSegment = t < lengths[b][0] ? t : t - lengths[b][0];
                int segLen = t < lengths[b][0] ? lengths[b][0] : lengths[b][1];
                // a 4-token prompt per segment and no target past a segment's end: -100
                targets[b][t] = inSegment < 3 || inSegment == segLen - 1 ? -100 : rnd.nextInt(vocab);
            }
        }
        DpoObjective objective = new DpoObjective(DpoObjective.Kind.SIGMOID, 0.1, 0.1);
        double[][] ref = {{-70.0, -52.0}, {-40.0, -90.0}};  // arbitrary references: h far from 0, both signs
        Function<Integer, List<Loss>> losses = unused -> {
            List<Loss> l = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                l.add(new DpoPairLoss(objective, targets[b], lengths[b][0], ref[b][0], ref[b][1]));
            }
            return l;
        };
        List<Loss> hostLosses = losses.apply(0);
        Gradients g = host.model.newGradients();
        double hostLoss = new BatchGradients(host.model, 1).compute(inputs, List.of(segments), hostLosses, g);
        List<Loss> devLosses = losses.apply(0);
        Run dev = onDevice(host, d -> d.lossAndGradients(inputs, b -> segments[b], devLosses));
        for (int b = 0; b < 2; b++) {
            DpoPairLoss.Result h = ((DpoPairLoss) hostLosses.get(b)).result();
            DpoPairLoss.Result d = ((DpoPairLoss) devLosses.get(b)).result();
            System.out.printf("DPO pair %d: log pi(chosen) host %.6f device %.6f, log pi(rejected) host %.6f device %.6f%n",
                    b, h.policyChosen(), d.policyChosen(), h.policyRejected(), d.policyRejected());
            assertThat(d.policyChosen()).isCloseTo(h.policyChosen(), org.assertj.core.data.Offset.offset(1e-4 * Math.abs(h.policyChosen())));
            assertThat(d.policyRejected()).isCloseTo(h.policyRejected(), org.assertj.core.data.Offset.offset(1e-4 * Math.abs(h.policyRejected())));
        }
        check("DPO", hostLoss, g, dev);
    }

    /**
     * GRPO (epsilon 0.2, beta 0.04): three prompt + completion sequences of different lengths, the
     * rollout policy's and the reference's log-probs the host's perturbed (so that ratios clip on
     * both sides and the KL term is not zero), advantages of both signs.
     */
    @Test
    void grpoGradientsOnTheDeviceMatchTheHostTrainer() {
        Gpu.backend().close();  // skipped (with the reason) without a usable GPU, before any host work
        TrainingFixture.Host host = new TrainingFixture.Host(TrainingFixture.modelDir());
        int vocab = vocab();
        SplittableRandom rnd = new SplittableRandom(47);
        int[] prompts = {6, 11, 4};
        int[] lens = {30, 19, 37};
        double[] adv = {1.2, -0.7, 0.3};
        int n = lens.length;
        int[][] inputs = new int[n][];
        int[][] targets = new int[n][];
        double[][] old = new double[n][];
        double[][] ref = new double[n][];
        long completion = 0;
        for (int i = 0; i < n; i++) {
            inputs[i] = new int[lens[i]];
            targets[i] = new int[lens[i]];
            for (int t = 0; t < lens[i]; t++) {
                inputs[i][t] = rnd.nextInt(vocab);
                targets[i][t] = t < prompts[i] - 1 ? -100 : rnd.nextInt(vocab);
                completion += targets[i][t] == -100 ? 0 : 1;
            }
            ForwardPass pass = host.model.forward(inputs[i], ForwardOptions.inference());
            double[] lp = TokenLogProbs.of(pass.logits(), pass.rows(), pass.vocab(), targets[i]).values();
            old[i] = new double[lens[i]];
            ref[i] = new double[lens[i]];
            for (int t = 0; t < lens[i]; t++) {
                old[i][t] = targets[i][t] == -100 ? 0 : lp[t] + 0.35 * (rnd.nextDouble() * 2 - 1);
                ref[i][t] = targets[i][t] == -100 ? 0 : lp[t] + 0.5 * (rnd.nextDouble() * 2 - 1);
            }
        }
        double scale = n / (double) completion;
        Function<Integer, List<Loss>> losses = unused -> {
            List<Loss> l = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                l.add(new GrpoLoss(targets[i], adv[i], old[i], ref[i], 0.2, 0.04, scale));
            }
            return l;
        };
        List<Loss> hostLosses = losses.apply(0);
        Gradients g = host.model.newGradients();
        double hostLoss = new BatchGradients(host.model, 1).compute(inputs, hostLosses, g);
        List<Loss> devLosses = losses.apply(0);
        Run dev = onDevice(host, d -> d.lossAndGradients(inputs, b -> null, devLosses));
        int hostClipped = 0;
        int devClipped = 0;
        for (int i = 0; i < n; i++) {
            hostClipped += ((GrpoLoss) hostLosses.get(i)).clippedTokens();
            devClipped += ((GrpoLoss) devLosses.get(i)).clippedTokens();
        }
        System.out.printf("GRPO: clipped tokens host %d device %d of %d%n", hostClipped, devClipped, completion);
        assertThat(hostClipped).as("the case clips some ratios").isGreaterThan(0);
        assertThat(Math.abs(devClipped - hostClipped)).as("clipped tokens, device vs host").isLessThanOrEqualTo(1);
        check("GRPO", hostLoss, g, dev);
    }

    private static int vocab() {
        return TrainingFixture.config(TrainingFixture.modelDir()).view().getInt("vocab_size");
    }

    /** A device run: its loss, its gradients (the sum over its backward passes / their number), the passes. */
    record Run(double loss, Map<String, double[]> gradients, int passes) {
    }

    /**
     * Runs {@code body} on DeviceSteps opened from the host model (fp32), returning its loss and the
     * gradients the device's step would use (DPO, GRPO: one backward pass; packed SFT: several).
     */
    static Run onDevice(TrainingFixture.Host host, java.util.function.ToDoubleFunction<DeviceSteps> body) {
        Backend cuda = Gpu.backend();
        CountingExecution capture = new CountingExecution(cuda.trainingExecution().orElseThrow());
        Backend wrapper = new Backend() {
            @Override
            public String name() {
                return cuda.name();
            }

            @Override
            public Set<Capability> capabilities() {
                return cuda.capabilities();
            }

            @Override
            public Optional<TrainingExecution> trainingExecution() {
                return Optional.of(capture);
            }
        };
        try (DeviceSteps d = DeviceSteps.of(wrapper, "fp32")) {
            d.open(host.model, new AdamW(), 0);
            d.requireTokenLosses("the test's loss");
            double loss = body.applyAsDouble(d);
            Map<String, double[]> sum = TrainingFixture.download(capture.opened, StateSlot.GRADIENT);
            for (double[] g : sum.values()) {
                for (int i = 0; i < g.length; i++) {
                    g[i] /= capture.backwards;
                }
            }
            return new Run(loss, sum, capture.backwards);
        }
    }

    static void check(String what, double hostLoss, Gradients g, Run dev) {
        Map<String, double[]> hostGrads = new LinkedHashMap<>();
        for (String name : g.names()) {
            hostGrads.put(name, g.get(name));
        }
        Map<String, Double> errors = new TreeMap<>();
        List<String> failures = TrainingFixture.compare(dev.gradients(), hostGrads, BOUND, errors);
        double worst = errors.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        String name = errors.entrySet().stream().filter(e -> e.getValue() == worst).map(Map.Entry::getKey).findFirst().orElse("-");
        System.out.printf("%s fp32: loss host %.8f device %.8f; gradients of %d tensors, worst relative error %.3e (%s), host norm %.4e%n",
                what, hostLoss, dev.loss(), errors.size(), worst, name, g.globalNorm());
        assertThat(dev.loss()).as(what + " loss").isCloseTo(hostLoss, org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(hostLoss))));
        assertThat(g.globalNorm()).as(what + ": the host gradient is not zero").isGreaterThan(1e-6);
        assertThat(failures).as(what + " per-tensor gradient errors (bound " + BOUND + "): " + errors).isEmpty();
    }
}
