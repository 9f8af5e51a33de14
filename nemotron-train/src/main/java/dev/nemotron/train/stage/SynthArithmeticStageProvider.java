package dev.nemotron.train.stage;

import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.train.data.ArithmeticChat;
import dev.nemotron.train.data.synth.ArithmeticConfig;
import dev.nemotron.train.data.synth.ArithmeticReasoning;
import dev.nemotron.train.data.synth.Operation;
import dev.nemotron.train.data.synth.ReasoningJsonl;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code synth-arithmetic} stage: {@code nemotron data synth-arithmetic} in a pipeline.
 * Parameters: {@code count} (required), {@code seed} (0), {@code max_digits} (3),
 * {@code max_multiplier_digits} (1), {@code ops} ("+,-,*"), {@code no_think_fraction} (0).
 * Writes {@code arithmetic.jsonl} (field {@code text}: the chat-formatted conversation) in the
 * stage directory; no new model; summary: {@code jsonl}, {@code samples}, {@code thinking}.
 */
public final class SynthArithmeticStageProvider implements StageProvider {
    static final List<String> FIELDS = List.of("count", "seed", "max_digits", "max_multiplier_digits", "ops", "no_think_fraction");

    @Override
    public String type() {
        return "synth-arithmetic";
    }

    @Override
    public String description() {
        return "generate arithmetic problems with step-by-step <think> reasoning as chat-formatted JSONL (summary: jsonl)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        p.requireOnly(FIELDS);
        long count = p.longInteger("count", 0);
        if (count < 1) {
            throw p.has("count") ? p.invalid("count", "must be >= 1, got " + count) : p.missing("count");
        }
        long seed = p.longInteger("seed", 0);
        double noThink = p.number("no_think_fraction", 0);
        if (!(noThink >= 0 && noThink <= 1)) {
            throw p.invalid("no_think_fraction", "must be in [0, 1], got " + noThink);
        }
        ArithmeticConfig config;
        try {
            config = new ArithmeticConfig(p.integer("max_digits", 3), Operation.parseList(p.string("ops", "+,-,*")),
                    p.integer("max_multiplier_digits", 1));
        } catch (RuntimeException e) {
            throw p.error(e.getMessage());
        }
        return context -> {
            Path out = context.workDir().resolve("arithmetic.jsonl");
            ReasoningJsonl.Summary s = ReasoningJsonl.write(out, new ArithmeticReasoning(config, seed), count, noThink, seed,
                    ArithmeticChat.renderer());
            return StageResult.of(Map.of("jsonl", out.toString(), "samples", s.samples(), "thinking", s.thinking()));
        };
    }
}
