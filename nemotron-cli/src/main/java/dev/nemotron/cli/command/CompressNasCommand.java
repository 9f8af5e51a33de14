package dev.nemotron.cli.command;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.cli.output.Json;
import dev.nemotron.compress.importance.CalibrationSet;
import dev.nemotron.compress.nas.LogitMseProxy;
import dev.nemotron.compress.nas.Nas;
import dev.nemotron.compress.nas.NasReport;
import dev.nemotron.compress.nas.Range;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron compress nas}: every architecture of a depth x width x FFN x Mamba-heads space,
 * held against a memory budget at a context length and batch; the feasible ones ranked.
 */
@Command(name = "nas", mixinStandardHelpOptions = true,
        description = "Search depth / hidden / FFN / Mamba-head shapes that fit a memory budget at a context length and batch.")
public final class CompressNasCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model-config", paramLabel = "CONFIG.json|DIR", description = "The parent model's config.json (or its directory).")
    Path modelConfig;

    @Option(names = "--model", paramLabel = "DIR", converter = ModelDirectoryOption.class,
            description = "The parent with weights: rank feasible candidates by logit MSE after pruning (needs --calibration) instead of parameter count.")
    Path model;

    @Option(names = "--calibration", paramLabel = "DATA", description = "With --model: token dataset, .jsonl or text file for the logit MSE.")
    Path calibration;

    @Option(names = "--importance", paramLabel = "FILE.json", description = "With --model: rank units and layers by this 'compress importance' report (default: weight magnitude).")
    Path importance;

    @Option(names = "--samples", paramLabel = "N", description = "With --model: calibration sequences (default 16).")
    int samples = 16;

    @Option(names = "--seq-len", paramLabel = "L", description = "With --model: tokens per calibration sequence (default 128).")
    int seqLen = 128;

    @Option(names = "--proxy-top", paramLabel = "K", description = "With --model: score the K largest feasible candidates (default 10).")
    int proxyTop = 10;

    @Option(names = "--memory-budget-gib", required = true, paramLabel = "G", description = "Memory the model may use, GiB (Nemotron Nano 2: 19.66).")
    double budgetGib;

    @Option(names = "--context", paramLabel = "N", description = "Context length the caches must hold (default 131072).")
    long context = 131_072;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences held at once (default 1).")
    int batch = 1;

    @Option(names = "--overhead-gib", paramLabel = "G", description = "Stated overhead on top of weights and caches, GiB (default 0: the budget is the model's share).")
    double overheadGib;

    @Option(names = "--dtype", paramLabel = "bf16|fp16|fp32", description = "Deployment dtype of weights, KV cache and conv state (default bf16; SSM state is fp32).")
    String dtype = "bf16";

    @Option(names = "--layers", paramLabel = "LO:HI[:STEP]", description = "Depths to try (default: the paper's 52-56 of 62, scaled to the parent).")
    String layers;

    @Option(names = "--hidden", paramLabel = "LO:HI[:STEP]", description = "hidden_size values (default: 7/8 of the parent .. the parent, step parent/40).")
    String hidden;

    @Option(names = "--ffn", paramLabel = "LO:HI[:STEP]", description = "intermediate_size values (default: 21/32 of the parent .. the parent, step parent/64).")
    String ffn;

    @Option(names = "--mamba-heads", paramLabel = "LO:HI[:STEP]", description = "mamba_num_heads values (default: 7/8 of the parent .. the parent, step n_groups).")
    String mambaHeads;

    @Option(names = "--drop-order", split = ",", paramLabel = "I", description = "Layer indices, most removable first (e.g. a layer-importance order); default: evenly spaced.")
    List<Integer> dropOrder = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the JSON result here.")
    Path out;

    @Option(names = "--top", paramLabel = "N", description = "Feasible candidates shown in the table (default 15).")
    int top = 15;

    @Option(names = "--json", description = "Print the result as one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        DType d = switch (dtype.toLowerCase(java.util.Locale.ROOT)) {
            case "bf16", "bfloat16" -> DType.BF16;
            case "fp16", "f16", "float16" -> DType.F16;
            case "fp32", "f32", "float32" -> DType.F32;
            default -> throw new NemotronException("--dtype must be bf16, fp16 or fp32, got '" + dtype + "'");
        };
        if (modelConfig == null && model == null) {
            throw new NemotronException("give the parent: --model-config CONFIG.json (memory only) or --model DIR (with weights)");
        }
        LogitMseProxy proxy = null;
        List<Integer> order = dropOrder.isEmpty() ? null : dropOrder;
        if (model != null) {
            if (calibration == null) {
                throw new NemotronException("--model ranks candidates by logit MSE over calibration data: give --calibration DATA");
            }
            proxy = LogitMseProxy.forModel(model, importance, new CalibrationSet.Spec(calibration, "text", samples, seqLen, 0),
                    proxyTop);
            if (order == null) {
                order = proxy.layerRemovalOrder();
            }
        }
        NasReport r = Nas.run(new Nas.Request(modelConfig != null ? modelConfig : model, budgetGib, context, batch,
                overheadGib, d, range(layers, "--layers"), range(hidden, "--hidden"), range(ffn, "--ffn"),
                range(mambaHeads, "--mamba-heads"), order, proxy));
        var tree = r.toJson();
        if (out != null) {
            try {
                AtomicFiles.writeString(out, tree.toPrettyString() + "\n");
            } catch (java.io.IOException e) {
                throw new NemotronException(out + ": cannot write the result: " + e.getMessage(), e);
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Json.print(w, tree);
        } else {
            w.print(r.table(top));
            if (out != null) {
                w.println("JSON: " + out);
            }
            w.flush();
        }
        return 0;
    }

    private static Range range(String text, String option) {
        return text == null ? null : Range.parse(text, option);
    }
}
