package dev.nemotron.align.grpo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.optim.LrSchedule;
import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.infer.engine.FinishReason;
import dev.nemotron.infer.engine.TextCodec;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.server.ModelText;
import dev.nemotron.text.chat.ChatTemplate;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.optim.DecayPolicy;
import dev.nemotron.train.optim.GradientClipping;
import dev.nemotron.train.optim.Optimizers;
import dev.nemotron.train.pretrain.PretrainSpec;
import dev.nemotron.train.schedule.ConstantSchedule;
import dev.nemotron.train.schedule.CosineSchedule;
import dev.nemotron.train.schedule.DecayShape;
import dev.nemotron.train.schedule.WarmupStableDecay;
import dev.nemotron.train.trainer.BatchGradients;
import dev.nemotron.train.trainer.DeviceSteps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One GRPO run (DeepSeekMath's group-relative policy optimisation, with DAPO's token-level loss).
 *
 * <pre>
 * policy pi = the init model; reference = a frozen copy (only when beta > 0); AdamW, the LR schedule
 * for step s = 1 .. steps:
 * 1. prompts: the next `batch` prompts of a seeded shuffle (a new order each epoch); each rendered
 *    with reasoning off with probability no_think_fraction
 * 2. rollout (GrpoRollout): G samples per prompt from the engine over pi's live weights
 * 3. rewards r = sum_k w_k reward_k(prompt, completion, answer); advantages per group (GroupAdvantages)
 * 4. reference log-probs of the completions (beta > 0)
 * 5. updates_per_rollout times: gradients of the GRPO loss (GrpoBatch / GrpoLoss: clipped ratio against
 *    the rollout policy, k3 KL, sum over tokens / tokens), clip to grad_clip, optimizer step
 * 6. metrics.jsonl line (GrpoStep), a few samples to rollouts.jsonl; a checkpoint every
 *    checkpoint_every steps, at stop_at and at the end (GrpoCheckpoints)
 * then OUT/model (HF layout: config.json, model.safetensors, tokenizer files), summary.json, charts
 * </pre>
 * With {@code backend} (--backend cuda) step 5 runs on that device ({@link DeviceSteps}: the device's
 * token log-probs, GrpoLoss's weights computed on the host, the weighted backward, clipping and AdamW
 * there); after the updates the weights and moments come back to the host policy, which the rollouts
 * and checkpoints use. The reference log-probs (step 4) stay a host forward of the frozen init model.
 * Every random choice of step s is seeded by (seed, s), so a run resumed from a checkpoint
 * ({@code resume}) continues bit-identically; an OUT holding a run is refused otherwise.
 */
public final class GrpoJob {
    private static final Logger LOG = LogManager.getLogger(GrpoJob.class);
    private static final int SAMPLES_LOGGED_PER_STEP = 4;

    private final GrpoSpec spec;
    private final String backendName;

    /** What a finished run reports. */
    public record Result(Path model, long steps, double lastLoss, double firstRewardMean, double lastRewardMean, double seconds,
                         double rolloutSeconds, double trainSeconds, long rolloutTokens, long trainTokens) {
    }

    /** @param backend the engine's backend for the rollouts (e.g. "java") */
    public GrpoJob(GrpoSpec spec, String backend) {
        this.spec = spec;
        this.backendName = backend;
    }

    public Result run(Consumer<GrpoStep> onStep) {
        PretrainSpec t = spec.training();
        Path out = t.out();
        Path checkpoint = GrpoCheckpoints.prepare(spec, backendName);
        // the pieces: prompts, rewards, model, tokenizer and template, reference, optimizer
        List<GrpoPrompt> prompts = GrpoPrompt.read(spec.prompts());
        GrpoRewards rewards = GrpoRewards.create(spec.rewards());
        ModelDirectory dir = ModelDirectory.open(t.initModel());
        ModelText text = ModelText.load(dir, spec.chatTemplate());
        if (text.tokenizer() == null) {
            throw new NemotronException(t.initModel() + ": no tokenizer.json: GRPO renders prompts and decodes completions "
                    + "with the model's tokenizer");
        }
        ChatTemplate template = text.chatTemplate() != null ? text.chatTemplate() : new NemotronChatTemplate();
        ModelGraph graph = ModelGraph.of(dir.config(), dir.registry());
        TrainableModel policy = new TrainableModel(graph, Parameters.load(graph, t.initModel()));
        TrainableModel reference = spec.beta() > 0 ? new TrainableModel(graph, Parameters.load(graph, t.initModel())) : null;
        checkVocab(text, graph.config().vocabSize());
        Optimizer optimizer = Optimizers.create(t.optimizer(), OptimizerConfig.of(Map.of(
                "weight_decay", Double.toString(t.weightDecay()), "beta1", Double.toString(t.beta1()),
                "beta2", Double.toString(t.beta2()))));
        long updates = t.steps() * spec.updatesPerRollout();
        LrSchedule schedule = schedule(t, updates);
        Gradients grads = policy.newGradients();
        DecayPolicy decay = DecayPolicy.nemotronDefault();
        List<Parameter> params = new ArrayList<>();
        for (Parameters.Param p : policy.parameters().all()) {
            params.add(new Parameter(p.name(), p.data(), grads.get(p.name()), decay.decays(p.name())));
        }
        ParameterGroup group = ParameterGroup.of(params);
        BatchGradients batchGradients = new BatchGradients(policy, t.threads());
        GrpoRollout rollout = new GrpoRollout(template, new TextCodec(text.tokenizer(), dir.eosIds()), spec.rolloutBatch());
        SamplingParams sampling = SamplingParams.builder().temperature(spec.temperature()).maxTokens(spec.maxTokens()).build();
        GrpoCheckpoints.Progress progress = checkpoint == null ? new GrpoCheckpoints.Progress()
                : GrpoCheckpoints.restore(checkpoint, out, policy.parameters(), optimizer);
        LOG.info("GRPO: {} prompts, {} per step x {} samples, rewards {}, beta {}, epsilon {}, {} update(s) per rollout",
                prompts.size(), t.batch(), spec.group(), spec.rewards().stream().map(GrpoRewards.Term::name).toList(),
                spec.beta(), spec.epsilon(), spec.updatesPerRollout());
        PromptOrder order = new PromptOrder(prompts.size(), t.seed());
        order.skip(progress.step * t.batch());
        long t0 = System.nanoTime();
        double secondsBefore = progress.seconds;
        long update = progress.step * spec.updatesPerRollout();
        long last = t.stopAt() > 0 ? Math.min(t.stopAt(), t.steps()) : t.steps();
        try (Backend backend = Backends.create(backendName);
             DeviceSteps device = t.backend() == null ? null : DeviceSteps.of(Backends.create(t.backend()), t.precision())) {
            if (device != null) {
                LOG.info("GRPO updates on backend {} ({} GEMM inputs)", device.backend(), t.precision());
                device.open(policy, optimizer, update);
                device.requireTokenLosses("the GRPO loss");
            }
            for (long step = progress.step + 1; step <= last; step++) {
                // 1. prompts, reasoning on or off
                Random think = new Random(t.seed() * 1_000_003L + step);
                List<GrpoRollout.Rendered> rendered = new ArrayList<>();
                for (int k = 0; k < t.batch(); k++) {
                    int index = order.next();
                    rendered.add(rollout.render(index, prompts.get(index), think.nextDouble() >= spec.noThinkFraction()));
                }
                // 2. rollout
                long r0 = System.nanoTime();
                List<GrpoRollout.Sample> samples = rollout.generate(policy, backend, rendered, spec.group(), sampling,
                        t.seed() * 1_000_000_007L + step * 100_003L);
                double rolloutSeconds = (System.nanoTime() - r0) / 1e9;
                // 3. rewards and advantages
                int n = samples.size();
                double[] total = new double[n];
                double[] termMeans = new double[spec.rewards().size()];
                List<int[]> promptIds = new ArrayList<>();
                List<int[]> completionIds = new ArrayList<>();
                long generated = 0;
                int truncated = 0;
                int noThink = 0;
                for (int i = 0; i < n; i++) {
                    GrpoRollout.Sample s = samples.get(i);
                    GrpoPrompt p = prompts.get(s.prompt());
                    double[] scores = rewards.scores(new RewardInput(p.question(), s.text(), p.reference(), p.metadata()));
                    total[i] = rewards.total(scores);
                    for (int k = 0; k < scores.length; k++) {
                        termMeans[k] += scores[k] / n;
                    }
                    promptIds.add(s.promptIds());
                    completionIds.add(s.completionIds());
                    generated += s.completionIds().length;
                    truncated += s.finish() == FinishReason.LENGTH ? 1 : 0;
                    noThink += s.thinking() ? 0 : 1;
                }
                double[] adv = GroupAdvantages.of(total, spec.group(), spec.scaleRewards(), spec.advEps());
                // 4-5. reference log-probs, updates
                long u0 = System.nanoTime();
                GrpoBatch batch = new GrpoBatch(promptIds, completionIds, adv);
                if (reference != null) {
                    batch.referenceLogProbs(reference, t.threads());
                }
                double lossSum = 0;
                double kl = 0;
                long clipped = 0;
                long counted = 0;
                double norm = 0;
                double lr = 0;
                for (int u = 1; u <= spec.updatesPerRollout(); u++) {
                    update++;
                    GrpoBatch.Update r = device != null
                            ? batch.gradients((in, losses) -> device.lossAndGradients(in, b -> null, losses), spec.epsilon(), spec.beta())
                            : batch.gradients(batchGradients, grads, spec.epsilon(), spec.beta());
                    if (u == 1) {
                        kl = r.kl();
                    }
                    lossSum += r.loss();
                    clipped += r.clipped();
                    counted += r.counted();
                    lr = schedule.lr(update);
                    if (device != null) {
                        norm = device.step(lr, t.gradClip());
                    } else {
                        norm = t.gradClip() > 0 ? GradientClipping.clipGlobalNorm(group, t.gradClip())
                                : GradientClipping.globalNorm(group);
                        optimizer.step(group, update, lr);
                    }
                }
                if (device != null) {  // the next rollout and the checkpoints read the host policy
                    device.syncTo(policy, optimizer);
                }
                double trainSeconds = (System.nanoTime() - u0) / 1e9;
                // 6. metrics
                double mean = 0;
                for (double r : total) {
                    mean += r / n;
                }
                double var = 0;
                for (double r : total) {
                    var += (r - mean) * (r - mean) / n;
                }
                long forwarded = batch.positions() * spec.updatesPerRollout() + (reference != null ? batch.positions() : 0);
                GrpoStep m = new GrpoStep(step, lossSum / spec.updatesPerRollout(), mean, Math.sqrt(var), termMeans, kl,
                        counted == 0 ? 0 : clipped / (double) counted, generated / (double) n, truncated / (double) n,
                        noThink / (double) n, lr, norm, generated, forwarded, rolloutSeconds, trainSeconds);
                appendMetrics(out, m);
                logSamples(out, step, samples, prompts, total, adv);
                progress.add(m);
                progress.seconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
                if ((t.checkpointEvery() > 0 && step % t.checkpointEvery() == 0) || step == last) {
                    GrpoCheckpoints.save(spec, policy.parameters(), optimizer, progress);
                }
                onStep.accept(m);
            }
        }
        Path model = GrpoOutputs.writeModel(out.resolve("model"), t.initModel(), policy.parameters());
        Result result = new Result(model, progress.step, progress.lastLoss, progress.firstReward, progress.lastReward,
                progress.seconds, progress.rolloutSeconds, progress.trainSeconds, progress.rolloutTokens, progress.trainTokens);
        GrpoOutputs.writeSummary(out.resolve("summary.json"), result);
        GrpoOutputs.charts(out);
        return result;
    }

    private void checkVocab(ModelText text, int vocab) {
        int max = 0;
        for (int id : text.tokenizer().ids()) {
            max = Math.max(max, id);
        }
        if (max >= vocab) {
            throw new NemotronException("the model's tokenizer has id " + max + " but its vocab_size is " + vocab);
        }
    }

    private static LrSchedule schedule(PretrainSpec t, long updates) {
        long warmup = Math.min(t.warmup(), updates);
        return switch (t.schedule()) {
            case "constant" -> new ConstantSchedule(t.lr(), warmup);
            case "cosine" -> new CosineSchedule(t.lr(), t.minLr(), warmup, updates);
            default -> WarmupStableDecay.withDecayFraction(t.lr(), t.minLr(), warmup, updates, t.decayStart(), DecayShape.LINEAR);
        };
    }

    private void appendMetrics(Path out, GrpoStep m) {
        ObjectNode o = JsonMappers.json().createObjectNode();
        o.put("step", m.step());
        o.put("loss", m.loss());
        o.put("reward_mean", m.rewardMean());
        o.put("reward_std", m.rewardStd());
        for (int k = 0; k < m.rewardTerms().length; k++) {
            o.put("reward_" + spec.rewards().get(k).name(), m.rewardTerms()[k]);
        }
        o.put("kl", m.kl());
        o.put("clip_fraction", m.clipFraction());
        o.put("response_length", m.responseLength());
        o.put("truncated_fraction", m.truncatedFraction());
        o.put("no_think_fraction", m.noThinkFraction());
        o.put("lr", m.lr());
        o.put("grad_norm", m.gradNorm());
        o.put("rollout_tokens", m.rolloutTokens());
        o.put("train_tokens", m.trainTokens());
        o.put("rollout_tokens_per_s", m.rolloutTokensPerSecond());
        o.put("train_tokens_per_s", m.trainTokensPerSecond());
        o.put("rollout_seconds", m.rolloutSeconds());
        o.put("train_seconds", m.trainSeconds());
        append(out.resolve(GrpoCheckpoints.METRICS), o + "\n");
    }

    private static void logSamples(Path out, long step, List<GrpoRollout.Sample> samples, List<GrpoPrompt> prompts,
                                   double[] rewards, double[] adv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(SAMPLES_LOGGED_PER_STEP, samples.size()); i++) {
            GrpoRollout.Sample s = samples.get(i);
            ObjectNode o = JsonMappers.json().createObjectNode();
            o.put("step", step);
            o.put("question", prompts.get(s.prompt()).question());
            o.put("reference", prompts.get(s.prompt()).reference());
            o.put("thinking", s.thinking());
            o.put("completion", s.text());
            o.put("tokens", s.completionIds().length);
            o.put("reward", rewards[i]);
            o.put("advantage", adv[i]);
            sb.append(o).append('\n');
        }
        append(out.resolve(GrpoCheckpoints.ROLLOUTS), sb.toString());
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Prompt indices in seeded shuffles, one per epoch: the n-th index depends on the seed and n only. */
    private static final class PromptOrder {
        private final int size;
        private final long seed;
        private int[] perm;
        private int pos;
        private int epoch;

        PromptOrder(int size, long seed) {
            this.size = size;
            this.seed = seed;
        }

        /** Moves past the first {@code n} indices (those of the steps before a resumed run's first). */
        void skip(long n) {
            epoch = (int) (n / size);
            pos = (int) (n % size);
            perm = pos == 0 ? null : shuffle(epoch++);
        }

        int next() {
            if (perm == null || pos == size) {
                perm = shuffle(epoch++);
                pos = 0;
            }
            return perm[pos++];
        }

        private int[] shuffle(int e) {
            int[] perm = java.util.stream.IntStream.range(0, size).toArray();
            Random r = new Random(seed * 31 + e);
            for (int i = size - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int x = perm[i];
                perm[i] = perm[j];
                perm[j] = x;
            }
            return perm;
        }
    }
}
