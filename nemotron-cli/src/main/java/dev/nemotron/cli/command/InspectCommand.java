package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.estimate.LayerEstimate;
import dev.nemotron.arch.estimate.MemoryEstimate;
import dev.nemotron.arch.estimate.MemoryEstimator;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.cli.output.Json;
import dev.nemotron.cli.output.Sizes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron inspect}: the layer table, parameter count and inference memory of a model. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's layers, parameter count and inference memory (weights, KV cache, SSM and conv state).")
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL_DIR_OR_CONFIG", description = "A model directory (config.json + safetensors) or a config.json.")
    Path model;

    @Option(names = "--context", paramLabel = "N", description = "Context length for the cache estimate (default: 4096).")
    long context = 4096;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences decoded at once (default: 1).")
    int batch = 1;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        if (context < 0) {
            throw new ParameterException(spec.commandLine(), "--context must be >= 0, got " + context);
        }
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be >= 1, got " + batch);
        }
        MixerRegistry registry = MixerRegistry.discover();
        NemotronHConfig config = new ConfigParser(registry).parse(model);
        ModelGraph graph = ModelGraph.of(config, registry);
        MemoryEstimate est;
        boolean fromCheckpoint = Files.isDirectory(model) && hasWeights(model);
        if (fromCheckpoint) {
            try (Checkpoint ckpt = Checkpoint.open(model)) {
                est = MemoryEstimator.estimate(graph, context, batch, ckpt.dtypes());
            }
        } else {
            est = MemoryEstimator.estimate(graph, context, batch);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, toJson(config, est, fromCheckpoint));
        } else {
            printTable(out, config, est, fromCheckpoint);
        }
        return 0;
    }

    private static boolean hasWeights(Path dir) {
        return Files.exists(dir.resolve("model.safetensors")) || Files.exists(dir.resolve("model.safetensors.index.json"));
    }

    private ObjectNode toJson(NemotronHConfig config, MemoryEstimate est, boolean fromCheckpoint) {
        ObjectNode o = Json.object();
        o.put("source", config.source());
        o.put("pattern", est.pattern());
        o.put("layers", config.numLayers());
        o.put("hidden_size", config.hiddenSize());
        o.put("vocab_size", config.vocabSize());
        o.put("parameters", est.parameters());
        o.put("weights_bytes", est.weightsBytes());
        ObjectNode byDtype = o.putObject("weights_bytes_by_dtype");
        est.weightsByDtype().forEach((k, v) -> byDtype.put(k.safetensorsName(), v));
        o.put("weights_from", fromCheckpoint ? "checkpoint" : "config dtype");
        o.put("context", est.context());
        o.put("batch", est.batch());
        o.put("cache_dtype", est.cacheDtype().safetensorsName());
        o.put("kv_cache_bytes", est.kvCacheBytes());
        o.put("ssm_state_bytes", est.ssmStateBytes());
        o.put("conv_state_bytes", est.convStateBytes());
        o.put("total_bytes", est.totalBytes());
        ObjectNode counts = o.putObject("layer_counts");
        layerCounts(est).forEach(counts::put);
        ArrayNode table = o.putArray("layer_table");
        for (LayerEstimate l : est.layers()) {
            ObjectNode row = table.addObject();
            row.put("index", l.index());
            row.put("symbol", String.valueOf(l.symbol()));
            row.put("type", l.type());
            row.put("parameters", l.parameters());
            row.put("kv_cache_bytes", l.cache().kvCacheBytes());
            row.put("ssm_state_bytes", l.cache().ssmStateBytes());
            row.put("conv_state_bytes", l.cache().convStateBytes());
        }
        return o;
    }

    private static Map<String, Integer> layerCounts(MemoryEstimate est) {
        Map<String, Integer> counts = new TreeMap<>();
        for (LayerEstimate l : est.layers()) {
            counts.merge(l.type(), 1, Integer::sum);
        }
        return counts;
    }

    private void printTable(PrintWriter out, NemotronHConfig config, MemoryEstimate est, boolean fromCheckpoint) {
        out.printf("model    %s%n", config.source());
        out.printf("pattern  %s  (%d layers: %s)%n", est.pattern(), config.numLayers(), layerCounts(est));
        out.printf("hidden %d, vocab %d, dtype %s%n%n", config.hiddenSize(), config.vocabSize(),
                config.dtype().safetensorsName());
        out.printf("%5s  %-3s %-10s %15s %14s %14s %14s%n", "LAYER", "SYM", "TYPE", "PARAMETERS", "KV CACHE", "SSM STATE", "CONV STATE");
        for (LayerEstimate l : est.layers()) {
            out.printf("%5d  %-3s %-10s %,15d %14s %14s %14s%n", l.index(), l.symbol(), l.type(), l.parameters(),
                    Sizes.bytes(l.cache().kvCacheBytes()), Sizes.bytes(l.cache().ssmStateBytes()),
                    Sizes.bytes(l.cache().convStateBytes()));
        }
        out.printf("%nparameters   %,d%n", est.parameters());
        StringBuilder dtypes = new StringBuilder();
        for (Map.Entry<DType, Long> e : est.weightsByDtype().entrySet()) {
            dtypes.append(dtypes.isEmpty() ? "" : ", ").append(e.getKey().safetensorsName()).append(' ')
                    .append(Sizes.bytes(e.getValue()));
        }
        out.printf("weights      %s (%s; %s)%n", Sizes.bytes(est.weightsBytes()), dtypes,
                fromCheckpoint ? "from the checkpoint" : "in the config dtype");
        out.printf("at context %,d x batch %d:%n", est.context(), est.batch());
        out.printf("  KV cache   %s (%s)%n", Sizes.bytes(est.kvCacheBytes()), est.cacheDtype().safetensorsName());
        out.printf("  SSM state  %s (F32)%n", Sizes.bytes(est.ssmStateBytes()));
        out.printf("  conv state %s (%s)%n", Sizes.bytes(est.convStateBytes()), est.cacheDtype().safetensorsName());
        out.printf("total        %s%n", Sizes.bytes(est.totalBytes()));
        out.flush();
    }
}
