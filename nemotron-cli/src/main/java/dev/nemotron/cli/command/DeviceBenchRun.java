package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.ModelExecution;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.estimate.MemoryEstimator;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.cli.output.Json;
import dev.nemotron.cli.output.Sizes;
import dev.nemotron.infer.bench.DeviceBench;
import dev.nemotron.infer.bench.DeviceBenchResult;
import dev.nemotron.infer.engine.DeviceModels;
import dev.nemotron.infer.engine.ModelRuns;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ParameterException;

/**
 * The device path of {@code nemotron bench}: the model (a checkpoint, or random weights of a
 * config's shape) on the backend's device, prefill of {@code --prefill} tokens, then decode with
 * on-device greedy sampling at every {@code --batch} size, each next to the HBM roofline.
 */
final class DeviceBenchRun {
    /** The most sequences --memory-budget-gib picks (a bound on what a budget can allocate). */
    static final int MAX_BUDGET_BATCH = 1024;
    /**
     * Tokens per block of a paged device KV cache (the cuda backend's
     * {@code nmc_session_kv_block_tokens}): --memory-budget-gib sizes each sequence at its context
     * rounded up to whole blocks, and the device pool at the batch's blocks.
     */
    static final int KV_BLOCK_TOKENS = 16;
    /** The most streaming multiprocessors {@link #decodeWorkspaceBytes} sizes for (a full GH100: 144). */
    static final int MAX_SMS = 144;

    private final BenchCommand cmd;
    private final Backend backend;
    private long budgetContext;
    private long budgetEstimateBytes;
    private long kvCacheTokens;  // 0: every sequence at the session's maximum length

    DeviceBenchRun(BenchCommand cmd, Backend backend) {
        this.cmd = cmd;
        this.backend = backend;
    }

    void run() {
        ModelExecution execution = ModelRuns.wholeModel(backend).orElseThrow();
        Path source = cmd.model != null ? cmd.model : cmd.modelConfig;
        // the config is parsed once: from the model directory, or the --model-config file
        ModelDirectory dir = cmd.model != null ? ModelDirectory.open(cmd.model) : null;
        NemotronHConfig config = dir != null ? dir.config() : ConfigParser.withDiscoveredLayers().parse(cmd.modelConfig);
        DType compute = computeType(config);
        List<Integer> batches = cmd.memoryBudgetGib == null ? cmd.batch : List.of(budgetBatch(config));
        int maxBatch = Collections.max(batches);
        int sequenceLength = DeviceBench.sequenceLength(cmd.prefill, cmd.isl, cmd.osl);
        if (cmd.memoryBudgetGib != null) {
            // the pool for the batch at its actual need (ISL + OSL + the capture step), and at least one
            // sequence of the session's maximum (the warm-up and the --prefill run, alone)
            long perSequence = roundUpToBlocks(Math.max(budgetContext, (long) cmd.isl + cmd.osl + 2));
            kvCacheTokens = Math.max(maxBatch * perSequence, roundUpToBlocks(sequenceLength));
        }
        var options = new DeviceModels.Options(maxBatch, sequenceLength, Math.max(cmd.prefill, cmd.isl), compute,
                kvCacheTokens);
        try (DeviceModel m = dir == null
                ? DeviceModels.random(config, cmd.seed, execution, options)
                : DeviceModels.load(dir, execution, options)) {
            DeviceBenchResult r = DeviceBench.run(m, config, compute, cmd.prefill, cmd.isl, cmd.osl, batches, cmd.seed);
            print(source, config, compute, r);
        }
    }

    /** --memory-budget-gib: the largest batch whose weights + caches fit, by the SDK's estimate. */
    private int budgetBatch(NemotronHConfig config) {
        budgetContext = roundUpToBlocks(cmd.budgetContext > 0 ? cmd.budgetContext : (long) cmd.isl + cmd.osl);
        long budget = (long) (cmd.memoryBudgetGib * (1L << 30)) - decodeWorkspaceBytes(MAX_BUDGET_BATCH);
        MixerRegistry registry = MixerRegistry.discover();
        ModelGraph graph = ModelGraph.of(config, registry);
        int b = MemoryEstimator.largestBatch(graph, budgetContext, budget, MAX_BUDGET_BATCH);
        if (b == 0) {
            double one = MemoryEstimator.estimate(graph, budgetContext, 1).totalBytes() / (double) (1L << 30);
            throw new ParameterException(cmd.spec.commandLine(), String.format(Locale.ROOT,
                    "--memory-budget-gib %s: the weights and one sequence of %d tokens need %.2f GiB; raise the budget or"
                            + " lower --budget-context/--isl/--osl", cmd.memoryBudgetGib, budgetContext, one));
        }
        budgetEstimateBytes = MemoryEstimator.estimate(graph, budgetContext, b).totalBytes() + decodeWorkspaceBytes(b);
        return b;
    }

    /**
     * Device work memory of batched decode that the weights + caches estimate does not hold: the
     * skinny decode GEMM's split-K partial sums (native skinny_workspace_floats: min(rows, 64) x 2 x
     * 2 blocks per SM x SMs x 128 outputs, fp32; allocated by every BF16-compute session), sized for
     * {@link #MAX_SMS} so that it bounds every current card (17.3 MB at 64 rows on 132 SMs).
     */
    static long decodeWorkspaceBytes(int rows) {
        return (long) Math.min(Math.max(rows, 0), 64) * 2 * 2 * MAX_SMS * 128 * Float.BYTES;
    }

    static long roundUpToBlocks(long tokens) {
        return (tokens + KV_BLOCK_TOKENS - 1) / KV_BLOCK_TOKENS * KV_BLOCK_TOKENS;
    }

    private DType computeType(NemotronHConfig config) {
        if (cmd.randomWeights && cmd.model != null) {
            throw new ParameterException(cmd.spec.commandLine(), "--random-weights goes with --model-config, not --model");
        }
        if (cmd.dtype == null) {
            return cmd.randomWeights ? DType.BF16 : DeviceModels.computeTypeFor(config.dtype());
        }
        return switch (cmd.dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new ParameterException(cmd.spec.commandLine(), "--dtype: expected f32 or bf16, got '" + cmd.dtype + "'");
        };
    }

    private void print(Path source, NemotronHConfig config, DType compute, DeviceBenchResult r) {
        PrintWriter out = cmd.spec.commandLine().getOut();
        if (cmd.json) {
            ObjectNode o = Json.object();
            o.put(cmd.model != null ? "model" : "model_config", source.toString());
            o.put("weights", cmd.randomWeights ? "random" : "checkpoint");
            o.put("backend", backend.name());
            o.put("dtype", compute.name().toLowerCase(Locale.ROOT));
            o.put("layers", config.numLayers());
            o.put("weight_bytes", r.weightBytes());
            o.put("weight_bytes_per_step", r.weightBytesPerStep());
            o.put("bandwidth_gb_per_s", r.bandwidthBytesPerSecond() / 1e9);
            o.put("prefill_tokens", r.prefillTokens());
            if (r.prefillTokens() > 0) {
                o.put("prefill_tokens_per_s", r.prefillTokensPerSecond());
            }
            o.put("isl", r.inputTokens());
            o.put("osl", r.outputTokens());
            if (cmd.memoryBudgetGib != null) {
                ObjectNode b = o.putObject("memory_budget");
                b.put("gib", cmd.memoryBudgetGib);
                b.put("context", budgetContext);
                b.put("batch", r.decode().get(0).batch());
                b.put("estimate_bytes", budgetEstimateBytes);
                b.put("max_batch", MAX_BUDGET_BATCH);
                b.put("kv_cache_tokens", kvCacheTokens);
            }
            ArrayNode arr = o.putArray("decode");
            for (DeviceBenchResult.Point p : r.decode()) {
                ObjectNode d = arr.addObject();
                d.put("batch", p.batch());
                d.put("decode_tokens_per_s", p.decodeTokensPerSecond());
                d.put("decode_step_ms", p.decodeStepMillis());
                d.put("bytes_per_decode_step", p.bytesPerStep());
                d.put("roofline_tokens_per_s", p.rooflineTokensPerSecond());
                d.put("roofline_fraction", p.rooflineFraction());
                d.put("end_to_end_output_tokens_per_s", p.endToEndOutputTokensPerSecond());
            }
            Json.print(out, o);
            return;
        }
        out.printf(Locale.ROOT, "%s (%d layers, %s weights, %s) on %s: weights %s, bandwidth %.0f GB/s%n", source,
                config.numLayers(), cmd.randomWeights ? "random" : "checkpoint", compute, backend.name(),
                Sizes.bytes(r.weightBytes()), r.bandwidthBytesPerSecond() / 1e9);
        if (r.prefillTokens() > 0) {
            out.printf(Locale.ROOT, "prefill  %,d tokens: %12.1f tokens/s%n", r.prefillTokens(), r.prefillTokensPerSecond());
        }
        if (cmd.memoryBudgetGib != null) {
            out.printf(Locale.ROOT, "budget   %s GiB: batch %d (weights + caches at %d tokens: %s by the memory estimate;"
                            + " device KV pool %d tokens)%n",
                    cmd.memoryBudgetGib, r.decode().get(0).batch(), budgetContext, Sizes.bytes(budgetEstimateBytes),
                    kvCacheTokens);
        }
        out.printf(Locale.ROOT, "decode   isl %d, osl %d, greedy on the device%n", r.inputTokens(), r.outputTokens());
        out.printf(Locale.ROOT, "%8s %14s %10s %16s %9s %18s%n", "batch", "tokens/s", "ms/step", "roofline tok/s", "achieved",
                "end-to-end tok/s");
        for (DeviceBenchResult.Point p : r.decode()) {
            out.printf(Locale.ROOT, "%8d %14.1f %10.3f %16.1f %8.0f%% %18.1f%n", p.batch(), p.decodeTokensPerSecond(),
                    p.decodeStepMillis(), p.rooflineTokensPerSecond(), 100 * p.rooflineFraction(),
                    p.endToEndOutputTokensPerSecond());
        }
        out.flush();
    }
}
