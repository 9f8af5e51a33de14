package dev.nemotron.cli.command;

import dev.nemotron.align.pairs.EngineSampler;
import dev.nemotron.align.pairs.PairMaker;
import dev.nemotron.align.pairs.RewardChoice;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.cli.output.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron align make-pairs}: K answers per prompt sampled with the inference engine,
 * scored by a reward plugin, best vs worst written as DPO pairs (ties dropped). See
 * docs/alignment.md.
 */
@Command(name = "make-pairs", mixinStandardHelpOptions = true,
        description = "Sample K answers per prompt (JSONL: prompt or messages, and answer), score them with a reward, write best-vs-worst "
                + "DPO pairs (ties dropped).")
public final class AlignMakePairsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model to sample from (the policy DPO will train).")
    String model;

    @Option(names = "--prompts", required = true, paramLabel = "FILE.jsonl", description = "One prompt a line: 'prompt' (text) or 'messages' "
            + "(trailing assistant turns are dropped), and the reference 'answer' (or 'reference').")
    Path prompts;

    @Option(names = "--reward", required = true, paramLabel = "NAME[:k=v,...]", description = "The reward (see `nemotron eval rewards`), e.g. math.")
    String reward;

    @Option(names = "--samples", paramLabel = "K", description = "Answers per prompt (default 4).")
    int samples = 4;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (default 1).")
    double temperature = 1.0;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per answer, reasoning included (default 256).")
    int maxTokens = 256;

    @Option(names = "--thinking", paramLabel = "on|off|auto", description = "Reasoning on, off, or the template's default (auto).")
    String thinking = "auto";

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the samples (default 0): answer j of prompt i uses S + i K + j.")
    long seed;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend (default: the best available).")
    String backendName;

    @Mixin
    HostRunOptions host = new HostRunOptions();

    @Option(names = "--out", required = true, paramLabel = "PAIRS.jsonl", description = "The pairs file to write.")
    Path out;

    @Option(names = "--json", description = "Print the counts as JSON.")
    boolean json;

    @Override
    public Integer call() {
        ModelDirectoryOption.check(spec, "--model", model);
        if (!Files.isRegularFile(prompts)) {
            throw new NemotronException(prompts + ": no such prompts file");
        }
        if (samples < 2 || samples > 1024) {
            throw new NemotronException("--samples must be in 2..1024 (a pair needs two answers), got " + samples);
        }
        if (maxTokens < 1 || !(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new NemotronException("--max-tokens must be >= 1 and --temperature a number >= 0");
        }
        Boolean think = EngineSampler.thinking(thinking, "--thinking");
        Reward r = RewardChoice.parse(reward).create(AlignMakePairsCommand.class.getClassLoader());
        PairMaker.Counts c;
        try (ModelSession session = new ModelSession(Path.of(model), backendName, host)) {
            if (session.model.chatTemplate() == null) {
                throw new NemotronException("the model has no chat template (no tokenizer.json / tokenizer_config.json)");
            }
            EngineSampler sampler = new EngineSampler(session.model.engine(), session.model.chatTemplate(),
                    session.tokenizer("make-pairs"), temperature, maxTokens, think);
            c = new PairMaker(sampler, r, samples, seed).run(prompts, out);
        }
        var o = Json.object();
        o.put("prompts", c.prompts());
        o.put("samples", c.samples());
        o.put("pairs", c.pairs());
        o.put("ties_dropped", c.ties());
        o.put("mean_score", c.meanScore());
        o.put("out", out.toString());
        if (json) {
            Json.print(spec.commandLine().getOut(), o);
        } else {
            spec.commandLine().getOut().printf("%d prompts x %d samples: %d pairs written to %s, %d ties dropped; mean %s score %.4f%n",
                    c.prompts(), samples, c.pairs(), out, c.ties(), r.name(), c.meanScore());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
