package dev.nemotron.align;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.engine.GenerationEngine;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.HybridLanguageModel;
import dev.nemotron.infer.engine.TextCodec;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.train.autodiff.ForwardOptions;
import dev.nemotron.train.autodiff.ForwardPass;
import dev.nemotron.train.autodiff.LiveWeights;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;
import dev.nemotron.train.optim.AdamW;
import dev.nemotron.train.optim.DecayPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The loop GRPO will run, on the tiny fixture (docs/training.md, "Generating from live weights"):
 * generate with the inference engine from the trainer's live weights (no checkpoint written),
 * score the completions, compute a custom loss on their token log-probs, backward, step.
 *
 * <pre>
 * for each step:
 * 1. live = LiveWeights.snapshot(policy.parameters());  engine over HybridModel.of(graph, live, backend)
 * 2. G completions of one prompt, sampled at temperature 1
 * 3. reward r_i (here: the share of even token ids); advantage A_i = (r_i - mean r) / (std r + 1e-6)
 * 4. loss = -(1 / sum_i |o_i|) sum_i sum_t rho_{i,t} A_i,  rho = pi / pi_old = 1 on the first update
 *    of a rollout (so the clip is inactive), beta = 0: d loss / d logProb_{i,t} = -A_i / sum_i |o_i|
 * 5. TokenLogProbs.backward -> dLogits -> ForwardPass.backward -> grads;  AdamW step
 * </pre>
 */
class LiveWeightsLoopTest {
    static final Path FIXTURE = dev.nemotron.testing.Fixtures.dir("tiny-nemotron-h-a").toAbsolutePath();
    private static final int[] PROMPT = {1, 17, 42, 99, 7};
    private static final int GROUP = 4;
    private static final int NEW_TOKENS = 6;

    /** One completion's input tokens and targets: the prompt positions are not scored. */
    private record Scored(int[] input, int[] targets) {
        static Scored of(int[] prompt, int[] completion) {
            int[] all = new int[prompt.length + completion.length];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            System.arraycopy(completion, 0, all, prompt.length, completion.length);
            int[] input = Arrays.copyOf(all, all.length - 1);
            int[] targets = new int[input.length];
            for (int t = 0; t < input.length; t++) {
                targets[t] = t + 1 < prompt.length ? CrossEntropy.IGNORE_INDEX : all[t + 1];
            }
            return new Scored(input, targets);
        }
    }

    private static double reward(int[] completion) {
        return Arrays.stream(completion).filter(id -> id % 2 == 0).count() / (double) completion.length;
    }

    private static double[] advantages(double[] rewards) {
        double mean = Arrays.stream(rewards).average().orElseThrow();
        double var = Arrays.stream(rewards).map(r -> (r - mean) * (r - mean)).sum() / (rewards.length - 1);
        return Arrays.stream(rewards).map(r -> (r - mean) / (Math.sqrt(var) + 1e-6)).toArray();
    }

    /** The GRPO objective sum_i A_i sum_t logProb_{i,t} / sum_i |o_i| under the policy's weights now. */
    private static double objective(TrainableModel policy, List<Scored> scored, double[] adv, int tokens) {
        double j = 0;
        for (int i = 0; i < scored.size(); i++) {
            ForwardPass pass = policy.forward(scored.get(i).input(), ForwardOptions.inference());
            j += adv[i] * TokenLogProbs.of(pass.logits(), pass.rows(), pass.vocab(), scored.get(i).targets()).sum();
        }
        return j / tokens;
    }

    /** The trainer's greedy continuation, one float64 forward pass per token. */
    private static int[] greedy(TrainableModel policy, int[] prompt, int n) {
        int[] seq = prompt.clone();
        int vocab = policy.graph().config().vocabSize();
        for (int k = 0; k < n; k++) {
            double[] logits = policy.logits(seq);
            int best = 0;
            for (int v = 1; v < vocab; v++) {
                if (logits[(seq.length - 1) * vocab + v] > logits[(seq.length - 1) * vocab + best]) {
                    best = v;
                }
            }
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = best;
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }

    @Test
    void generateFromLiveWeightsThenBackpropagateACustomLossAndStep() {
        TrainableModel policy = TrainableModel.load(FIXTURE);
        Gradients grads = policy.newGradients();
        List<Parameter> params = new ArrayList<>();
        DecayPolicy decay = DecayPolicy.nemotronDefault();
        for (Parameters.Param p : policy.parameters().all()) {
            params.add(decay.parameter(p.name(), p.data(), grads.get(p.name())));
        }
        ParameterGroup group = ParameterGroup.of(params);
        Optimizer adamw = new AdamW();
        int[] greedyBefore = null;
        try (Backend backend = Backends.create("java")) {
            for (int step = 1; step <= 2; step++) {
                // 1. the engine over the policy's current weights: a float32 snapshot, no checkpoint
                HybridModel live = HybridModel.of(policy.graph(), LiveWeights.snapshot(policy.parameters()), backend);
                List<int[]> completions = new ArrayList<>();
                int[] greedyEngine;
                try (GenerationEngine engine = new GenerationEngine(new HybridLanguageModel(live),
                        TextCodec.idsOnly(Set.of()), EngineConfig.defaults())) {
                    // 2. a group of sampled completions
                    for (int i = 0; i < GROUP; i++) {
                        SamplingParams sampling = SamplingParams.builder().temperature(1.0).seed(100L * step + i)
                                .maxTokens(NEW_TOKENS).build();
                        completions.add(engine.generate(GenerationRequest.of(PROMPT, sampling)).outputIds());
                    }
                    greedyEngine = engine.generate(GenerationRequest.of(PROMPT, SamplingParams.greedy(NEW_TOKENS))).outputIds();
                }
                // the engine generates from the weights of this moment: its greedy tokens are the trainer's
                assertThat(greedyEngine).as("step %d: engine greedy = trainer greedy", step)
                        .containsExactly(greedy(policy, PROMPT, NEW_TOKENS));
                if (greedyBefore != null) {
                    assertThat(greedyEngine).as("the engine follows the updated weights").isNotEqualTo(greedyBefore);
                }
                greedyBefore = greedyEngine;

                // 3. rewards and group-normalised advantages
                double[] rewards = completions.stream().mapToDouble(LiveWeightsLoopTest::reward).toArray();
                assertThat(Arrays.stream(rewards).distinct().count()).as("rewards differ within the group").isGreaterThan(1);
                double[] adv = advantages(rewards);
                List<Scored> scored = completions.stream().map(c -> Scored.of(PROMPT, c)).toList();
                int tokens = completions.stream().mapToInt(c -> c.length).sum();

                // 4-5. the custom loss on token log-probs, backward, step
                double before = objective(policy, scored, adv, tokens);
                grads.zero();
                for (int i = 0; i < GROUP; i++) {
                    ForwardPass pass = policy.forward(scored.get(i).input(), ForwardOptions.training());
                    TokenLogProbs lp = TokenLogProbs.of(pass.logits(), pass.rows(), pass.vocab(), scored.get(i).targets());
                    double[] dLogProb = new double[pass.rows()];
                    Arrays.fill(dLogProb, -adv[i] / tokens);
                    pass.backward(lp.backward(dLogProb), grads);
                }
                adamw.step(group, step, 2e-3);
                double after = objective(policy, scored, adv, tokens);
                assertThat(after).as("step %d raises the advantage-weighted log-likelihood", step).isGreaterThan(before);
            }
        }
    }
}
