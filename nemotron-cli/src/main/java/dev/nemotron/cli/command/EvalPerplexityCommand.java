package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.cli.output.Json;
import dev.nemotron.eval.metric.Perplexity;
import dev.nemotron.infer.engine.DeviceModels;
import dev.nemotron.infer.engine.ModelRuns;
import dev.nemotron.infer.engine.RunningModel;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron eval perplexity}: perplexity of a model on a text, over non-overlapping windows. */
@Command(name = "perplexity", mixinStandardHelpOptions = true,
        description = "Perplexity of a model on a text file (tokenised with the model's tokenizer), over non-overlapping windows.")
public final class EvalPerplexityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", converter = ModelDirectoryOption.class, required = true, paramLabel = "DIR",
            description = "Model directory (config.json + safetensors + tokenizer.json).")
    Path model;

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "UTF-8 text to score.")
    Path text;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "tokenizer.json (default: the model directory's).")
    Path tokenizer;

    @Option(names = "--window", paramLabel = "N", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int window = 512;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Score at most the first N tokens of the text (default: ${DEFAULT-VALUE}).")
    int maxTokens = 16384;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend to use (default: the best available; see 'nemotron backends').")
    String backendName;

    @Override
    public Integer call() throws IOException {
        if (window < 2 || maxTokens < 2) {
            throw new ParameterException(spec.commandLine(), "--window and --max-tokens must be at least 2");
        }
        ModelDirectory dir = ModelDirectory.open(model);
        Path tok = tokenizer != null ? tokenizer : dir.file("tokenizer.json").orElseThrow(() -> new NemotronException(
                model + " has no tokenizer.json; give --tokenizer FILE"));
        int[] all = Tokenizer.load(tok).encode(Files.readString(text));
        int[] ids = Arrays.copyOf(all, Math.min(all.length, maxTokens));
        if (ids.length < 2) {
            throw new NemotronException(text + ": fewer than 2 tokens to score");
        }
        int w = Math.min(window, ids.length);
        Perplexity ppl = new Perplexity();
        long start = System.nanoTime();
        try (Backend backend = Backends.create(backendName);
             RunningModel m = ModelRuns.open(dir, backend, new DeviceModels.Options(1, w,
                     Math.min(w, DeviceModels.DEFAULT_PREFILL_TOKENS), null))) {
            for (int at = 0; at + 1 < ids.length; at += w) {
                int[] piece = Arrays.copyOfRange(ids, at, Math.min(ids.length, at + w));
                if (piece.length < 2) {
                    break;
                }
                switch (m) {
                    case RunningModel.OnDevice d -> {
                        try (DeviceSequence seq = d.model().newSequence()) {
                            ppl.add(piece, d.model().prefillAll(seq, piece), d.model().vocabSize());
                        }
                    }
                    case RunningModel.OnHost h -> ppl.add(piece, h.model().forward(piece, false).logits(), h.model().config().vocabSize());
                }
            }
            ObjectNode o = Json.object();
            o.put("model", model.toString());
            o.put("text", text.toString());
            o.put("backend", backend.name());
            o.put("window", w);
            o.put("tokens_scored", ppl.tokens());
            o.put("nll_per_token", ppl.meanNll());
            o.put("perplexity", ppl.perplexity());
            o.put("seconds", (System.nanoTime() - start) / 1e9);
            Json.print(spec.commandLine().getOut(), o);
        }
        return 0;
    }
}
