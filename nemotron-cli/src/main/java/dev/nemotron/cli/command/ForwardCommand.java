package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.ForwardResult;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.cli.output.Json;
import dev.nemotron.infer.engine.DeviceModels;
import dev.nemotron.infer.engine.ModelRuns;
import dev.nemotron.infer.engine.RunningModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron forward}: prefill logits (and hidden states) of a token sequence, to safetensors. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run the model over token ids and write the logits (F32 [L, V]) and optionally every hidden state to a safetensors file.")
public final class ForwardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (config.json + safetensors).")
    Path model;

    @Option(names = "--ids", required = true, split = ",", paramLabel = "ID,ID,...", description = "Token ids, comma separated.")
    List<String> ids;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Output file.")
    Path out;

    @Option(names = "--hidden", description = "Also write hidden.J (F32 [L, d]) for J = 0 (embeddings) .. layers (after norm_f).")
    boolean hidden;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend to use (default: the best available; see 'nemotron backends').")
    String backendName;

    @Override
    public Integer call() {
        int[] tokens = parseIds();
        try (Backend backend = Backends.create(backendName)) {
            if (hidden && ModelRuns.mode(backend) == ModelRuns.Mode.WHOLE_MODEL) {
                throw new ParameterException(spec.commandLine(), "--hidden: backend '" + backend.name()
                        + "' runs the whole model on its device and returns logits only; use --backend java for hidden states");
            }
            var sizes = new DeviceModels.Options(1, tokens.length, Math.min(tokens.length, DeviceModels.DEFAULT_PREFILL_TOKENS), null);
            try (RunningModel m = ModelRuns.open(ModelDirectory.open(model), backend, sizes)) {
                switch (m) {
                    case RunningModel.OnDevice d -> forwardOnDevice(d.model(), backend.name(), tokens);
                    case RunningModel.OnHost h -> forward(h.model(), backend.name(), tokens);
                }
            }
        }
        return 0;
    }

    /** Whole-model execution (e.g. CUDA): logits of every position from one prefill; no hidden states. */
    private void forwardOnDevice(DeviceModel m, String backend, int[] tokens) {
        try (DeviceSequence seq = m.newSequence()) {
            long start = System.nanoTime();
            float[] logits = m.prefillAll(seq, tokens);
            double seconds = (System.nanoTime() - start) / 1e9;
            SafetensorsWriter.write(out, Map.of("logits", Tensor.ofFloats(logits, tokens.length, m.vocabSize())),
                    Map.of("producer", "nemotron forward", "model", model.toString()));
            print(tokens.length, m.vocabSize(), 0, backend, seconds);
        }
    }

    private void forward(HybridModel m, String backend, int[] tokens) {
        long start = System.nanoTime();
        ForwardResult r = m.forward(tokens, hidden);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("logits", Tensor.ofFloats(r.logits(), r.seqLen(), r.vocab()));
        for (int j = 0; j < r.hidden().size(); j++) {
            tensors.put("hidden." + j, Tensor.ofFloats(r.hidden().get(j), r.seqLen(), m.config().hiddenSize()));
        }
        SafetensorsWriter.write(out, tensors, Map.of("producer", "nemotron forward", "model", model.toString()));
        print(r.seqLen(), r.vocab(), r.hidden().size(), backend, seconds);
    }

    private void print(int tokens, int vocab, int hiddenStates, String backend, double seconds) {
        ObjectNode o = Json.object();
        o.put("out", out.toString());
        o.put("tokens", tokens);
        o.put("vocab_size", vocab);
        o.put("hidden_states", hiddenStates);
        o.put("backend", backend);
        o.put("seconds", seconds);
        o.put("tokens_per_second", tokens / seconds);
        Json.print(spec.commandLine().getOut(), o);
    }

    private int[] parseIds() {
        int[] tokens = new int[ids.size()];
        for (int i = 0; i < tokens.length; i++) {
            String s = ids.get(i).trim();
            try {
                tokens[i] = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--ids: '" + s + "' (item " + (i + 1) + ") is not an integer token id");
            }
            if (tokens[i] < 0) {
                throw new ParameterException(spec.commandLine(), "--ids: token ids must be >= 0, got " + tokens[i]);
            }
        }
        if (tokens.length == 0) {
            throw new ParameterException(spec.commandLine(), "--ids: give at least one token id");
        }
        return tokens;
    }
}
