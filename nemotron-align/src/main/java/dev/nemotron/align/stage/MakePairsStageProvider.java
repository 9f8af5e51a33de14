package dev.nemotron.align.stage;

import dev.nemotron.align.pairs.EngineSampler;
import dev.nemotron.align.pairs.PairMaker;
import dev.nemotron.align.pairs.RewardChoice;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.server.ModelOptions;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.api.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code make-pairs} stage: {@code nemotron align make-pairs} in a pipeline. K answers per
 * prompt sampled from the input model with the inference engine, scored by a reward plugin,
 * best vs worst written as DPO pairs (ties dropped) to {@code pairs.jsonl} in the stage
 * directory, for a following {@code dpo} stage ({@code data: ["${NAME.jsonl}"]}). Parameters:
 * {@code prompts} (required; JSONL: prompt or messages, and answer), {@code reward} (required,
 * {@code NAME[:key=value,...]}), {@code samples} (4), {@code temperature} (1), {@code max_tokens}
 * (256), {@code thinking} (on, off, auto), {@code seed} (0), {@code backend}, {@code limit} (the
 * first N prompts only; default all). No new model (the
 * input model goes on to the next stage); summary: jsonl, prompts, pairs, ties_dropped, mean_score.
 */
public final class MakePairsStageProvider implements StageProvider {
    static final List<String> FIELDS = List.of("prompts", "reward", "samples", "temperature", "max_tokens", "thinking", "seed", "backend", "limit");

    @Override
    public String type() {
        return "make-pairs";
    }

    @Override
    public String description() {
        return "on-policy DPO pairs: K answers per prompt from the input model, scored by a reward, best vs worst (summary: jsonl)";
    }

    /** The checked parameters. */
    private record Params(String prompts, RewardChoice reward, int samples, double temperature, int maxTokens, Boolean thinking,
                          long seed, String backend, long limit) {
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        p.requireOnly(FIELDS);
        if (!p.has("prompts")) {
            throw p.missing("prompts");
        }
        if (!p.has("reward")) {
            throw p.missing("reward");
        }
        int samples = p.integer("samples", 4);
        if (samples < 2 || samples > 1024) {
            throw p.invalid("samples", "must be in 2..1024 (a pair needs two answers), got " + samples);
        }
        double temperature = p.number("temperature", 1.0);
        if (!(temperature >= 0)) {
            throw p.invalid("temperature", "must be >= 0, got " + temperature);
        }
        int maxTokens = p.integer("max_tokens", 256);
        if (maxTokens < 1) {
            throw p.invalid("max_tokens", "must be >= 1, got " + maxTokens);
        }
        Boolean thinking;
        RewardChoice reward;
        try {
            thinking = EngineSampler.thinking(p.string("thinking", "auto"), "thinking");
            reward = RewardChoice.parse(p.string("reward"));
            reward.create(MakePairsStageProvider.class.getClassLoader()); // an unknown reward or option fails at validation
        } catch (NemotronException e) {
            throw p.error(e.getMessage());
        }
        long limit = p.longInteger("limit", Long.MAX_VALUE);
        if (limit < 1) {
            throw p.invalid("limit", "must be >= 1, got " + limit);
        }
        Params params = new Params(p.string("prompts"), reward, samples, temperature, maxTokens, thinking, p.longInteger("seed", 0),
                p.string("backend", null), limit);
        return context -> run(params, context);
    }

    private static StageResult run(Params p, StageContext context) {
        Path model = context.requireInputModel();
        Path prompts = context.resolve(p.prompts());
        if (!Files.isRegularFile(prompts)) {
            throw new NemotronException("stage '" + context.stageName() + "': prompts: no such file " + prompts);
        }
        if (p.limit() < Long.MAX_VALUE) {
            prompts = firstLines(prompts, p.limit(), context.workDir().resolve("prompts.jsonl"));
        }
        Reward reward = p.reward().create(MakePairsStageProvider.class.getClassLoader());
        Path out = context.workDir().resolve("pairs.jsonl");
        PairMaker.Counts c;
        try (ServedModel m = ServedModel.load(model, new ModelOptions(p.backend(), EngineConfig.defaults(), null, ChatTemplateChoice.AUTO))) {
            if (m.chatTemplate() == null || m.tokenizer() == null) {
                throw new NemotronException("stage '" + context.stageName() + "': the input model " + model
                        + " has no tokenizer or chat template; make-pairs renders prompts with them");
            }
            EngineSampler sampler = new EngineSampler(m.engine(), m.chatTemplate(), m.tokenizer(), p.temperature(), p.maxTokens(),
                    p.thinking());
            c = new PairMaker(sampler, reward, p.samples(), p.seed()).run(prompts, out);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("jsonl", out.toString());
        summary.put("prompts", c.prompts());
        summary.put("pairs", c.pairs());
        summary.put("ties_dropped", c.ties());
        summary.put("mean_score", c.meanScore());
        return StageResult.of(summary);
    }

    /** The first {@code n} lines of {@code file}, written to {@code to}. */
    private static Path firstLines(Path file, long n, Path to) {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            AtomicFiles.writeString(to, lines.limit(n).map(l -> l + "\n").collect(Collectors.joining()));
            return to;
        } catch (IOException | UncheckedIOException e) {
            throw new NemotronException(file + ": cannot read the prompts: " + e.getMessage());
        }
    }
}
