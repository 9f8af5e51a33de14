package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.RunOptions;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.cli.output.Json;
import dev.nemotron.cli.output.Sizes;
import dev.nemotron.infer.bench.BenchResult;
import dev.nemotron.infer.bench.InterleaveBench;
import dev.nemotron.infer.bench.ThroughputBench;
import dev.nemotron.infer.engine.ModelRuns;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron bench}: prefill and decode throughput, next to the memory-bandwidth roofline. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill and decode throughput (random prompts, greedy decoding) and relate decode speed to the memory-bandwidth roofline measured in the same run.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", converter = ModelDirectoryOption.class, paramLabel = "DIR", description = "Model directory (or --model-config with --random-weights on a device backend).")
    Path model;

    @Option(names = "--model-config", paramLabel = "CONFIG.json", description = "Model shape to benchmark with --random-weights (device backends only).")
    Path modelConfig;

    @Option(names = "--random-weights", description = "Random weights generated on the device, no checkpoint (device backends only).")
    boolean randomWeights;

    @Option(names = "--dtype", paramLabel = "f32|bf16", description = "Device compute type (default: bf16 for --random-weights, else from the model's dtype).")
    String dtype;

    @Option(names = "--prefill", paramLabel = "N", description = "Tokens of the timed prefill on a device backend; 0 skips it (default: 8192).")
    int prefill = 8192;

    @Option(names = "--isl", paramLabel = "N", description = "Input (prompt) tokens per sequence (default: 128).")
    int isl = 128;

    @Option(names = "--osl", paramLabel = "M", description = "Output tokens per sequence (default: 64).")
    int osl = 64;

    @Option(names = "--batch", split = ",", paramLabel = "B[,B...]", description = "Sequences decoded together (default: 1); a device backend takes a list, e.g. 1,8,64.")
    List<Integer> batch = List.of(1);

    @Option(names = "--memory-budget-gib", paramLabel = "G", description = "Device backends: instead of --batch, the largest batch whose weights + caches (the SDK's memory estimate at --budget-context tokens per sequence) fit G GiB.")
    Double memoryBudgetGib;

    @Option(names = "--budget-context", paramLabel = "N", description = "Tokens per sequence the memory budget is sized for (default: --isl + --osl), e.g. 24576 for ISL/OSL 8k/16k measured with a shorter --osl.")
    long budgetContext;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random prompts (and weights) (default: 0).")
    long seed;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend (default: the best available).")
    String backendName;

    @Mixin
    HostRunOptions host = new HostRunOptions();

    @Option(names = "--interleave", paramLabel = "N", description = "Java backends: instead of throughput, time between tokens of a running stream (--isl prompt) while an N-token prompt is admitted, with whole-prompt and with chunked prefill (--prefill-chunk), in one run.")
    Integer interleave;

    @Option(names = "--prefill-chunk", paramLabel = "T", description = "With --interleave: the engine's prefill chunk in tokens (default: 256).")
    int prefillChunk = dev.nemotron.infer.engine.EngineConfig.DEFAULT_PREFILL_CHUNK;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (isl < 1 || osl < 1 || batch.isEmpty() || batch.stream().anyMatch(b -> b == null || b < 1) || prefill < 0) {
            throw new ParameterException(spec.commandLine(), "--isl, --osl and every --batch must be >= 1, --prefill >= 0");
        }
        if ((model == null) == (modelConfig == null)) {
            throw new ParameterException(spec.commandLine(), "give --model DIR, or --model-config CONFIG.json with --random-weights");
        }
        if (modelConfig != null && !randomWeights) {
            throw new ParameterException(spec.commandLine(), "--model-config needs --random-weights (there is no checkpoint)");
        }
        if (memoryBudgetGib != null) {
            if (!(memoryBudgetGib > 0 && memoryBudgetGib <= 1 << 20)) {
                throw new ParameterException(spec.commandLine(), "--memory-budget-gib must be in (0, 1048576], got " + memoryBudgetGib);
            }
            if (spec.commandLine().getParseResult().hasMatchedOption("--batch")) {
                throw new ParameterException(spec.commandLine(), "give --batch or --memory-budget-gib, not both");
            }
        }
        if (budgetContext < 0 || (budgetContext > 0 && memoryBudgetGib == null)) {
            throw new ParameterException(spec.commandLine(), "--budget-context needs --memory-budget-gib and must be >= 1");
        }
        try (Backend backend = Backends.create(backendName)) {
            if (ModelRuns.mode(backend) == ModelRuns.Mode.WHOLE_MODEL) {
                if (host.given()) {
                    throw new ParameterException(spec.commandLine(), ModelRuns.HOST_ONLY + "; '" + backend.name() + "' runs whole models");
                }
                new DeviceBenchRun(this, backend).run();
                return 0;
            }
            host.toRunOptions(); // parsed here so that a bad value is one clear error
            if (randomWeights || modelConfig != null || dtype != null || memoryBudgetGib != null) {
                throw new ParameterException(spec.commandLine(), "--model-config, --random-weights, --dtype and --memory-budget-gib need a backend with"
                        + " whole-model execution (e.g. --backend cuda); '" + backend.name() + "' runs the model kernel by kernel");
            }
            if (batch.size() != 1) {
                throw new ParameterException(spec.commandLine(), "--batch: backend '" + backend.name() + "' benchmarks one batch size per run");
            }
            if (interleave != null) {
                if (interleave < 1 || prefillChunk < 1) {
                    throw new ParameterException(spec.commandLine(), "--interleave and --prefill-chunk must be >= 1");
                }
                interleave(backend);
            } else {
                cpu(backend, batch.get(0));
            }
        }
        return 0;
    }

    private void interleave(Backend backend) {
        ModelDirectory dir = ModelDirectory.open(model);
        RunOptions options = host.toRunOptions();
        PrintWriter out = spec.commandLine().getOut();
        try (HybridModel m = HybridModel.load(dir, backend, options)) {
            InterleaveBench.warmUp(m, Math.min(interleave, 512), seed);
            List<InterleaveBench.Result> results = List.of(InterleaveBench.run(m, isl, interleave, 0, seed),
                    InterleaveBench.run(m, isl, interleave, prefillChunk, seed));
            if (json) {
                ObjectNode o = Json.object();
                o.put("model", model.toString());
                o.put("backend", backend.name());
                var rows = o.putArray("runs");
                for (InterleaveBench.Result r : results) {
                    ObjectNode row = rows.addObject();
                    row.put("prefill_chunk", r.prefillChunk());
                    row.put("stream_prompt_tokens", r.streamPromptTokens());
                    row.put("admitted_prompt_tokens", r.longPromptTokens());
                    row.put("admit_seconds", r.admitSeconds());
                    stats(row.putObject("tbt_before_ms"), r.before());
                    stats(row.putObject("tbt_during_ms"), r.during());
                }
                Json.print(out, o);
            } else {
                out.printf(Locale.ROOT, "model %s on %s: a stream (%d-token prompt) decoding while a %d-token prompt is admitted%n",
                        model, backend.name(), isl, interleave);
                out.printf(Locale.ROOT, "%-14s %9s | %-30s | %-30s%n", "prefill", "admit s", "TBT before: p50 / p99 / max ms",
                        "TBT during: p50 / p99 / max ms");
                for (InterleaveBench.Result r : results) {
                    out.printf(Locale.ROOT, "%-14s %9.2f | %8.1f / %8.1f / %8.1f | %8.1f / %8.1f / %8.1f%n",
                            r.prefillChunk() == 0 ? "whole prompt" : "chunks of " + r.prefillChunk(), r.admitSeconds(),
                            r.before().p50Millis(), r.before().p99Millis(), r.before().maxMillis(),
                            r.during().p50Millis(), r.during().p99Millis(), r.during().maxMillis());
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.nemotron.api.NemotronException("interrupted");
        }
    }

    private static void stats(ObjectNode o, InterleaveBench.Stats s) {
        o.put("gaps", s.gaps());
        o.put("p50", s.p50Millis());
        o.put("p99", s.p99Millis());
        o.put("max", s.maxMillis());
    }

    private void cpu(Backend backend, int batch) {
        ModelDirectory dir = ModelDirectory.open(model);
        RunOptions options = host.toRunOptions();
        try (HybridModel m = HybridModel.load(dir, backend, options);
             Checkpoint ckpt = dir.openCheckpoint()) {
            BenchResult r = ThroughputBench.run(m, ckpt, isl, osl, batch, seed);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = Json.object();
                o.put("model", model.toString());
                o.put("backend", backend.name());
                o.put("weights", options.weights() == null ? "stored" : "q8_0");
                o.put("kv_cache", options.kvCache().safetensorsName().toLowerCase(Locale.ROOT));
                o.put("parameters", ThroughputBench.parameters(m));
                o.put("batch", r.batch());
                o.put("isl", r.inputTokens());
                o.put("osl", r.outputTokens());
                o.put("prefill_tokens_per_s", r.prefillTokensPerSecond());
                o.put("decode_tokens_per_s", r.decodeTokensPerSecond());
                o.put("decode_step_ms", r.decodeStepMillis());
                o.put("weight_bytes_per_step", r.weightBytesPerStep());
                o.put("bytes_per_decode_step", r.bytesPerDecodeStep());
                o.put("bandwidth_gb_per_s", r.bandwidthBytesPerSecond() / 1e9);
                o.put("roofline_tokens_per_s", r.rooflineTokensPerSecond());
                o.put("roofline_fraction", r.rooflineFraction());
                o.put("peak_heap_after_gc_bytes", r.peakHeapAfterGcBytes());
                o.put("cache_bytes", r.cacheBytes());
                Json.print(out, o);
            } else {
                out.printf(Locale.ROOT, "model %s (%,d parameters) on %s, batch %d, isl %d, osl %d%n", model,
                        ThroughputBench.parameters(m), backend.name(), batch, isl, osl);
                out.printf(Locale.ROOT, "prefill  %10.1f tokens/s%n", r.prefillTokensPerSecond());
                out.printf(Locale.ROOT, "decode   %10.1f tokens/s  (%.2f ms/step)%n", r.decodeTokensPerSecond(), r.decodeStepMillis());
                out.printf(Locale.ROOT, "roofline %10.1f tokens/s  (%.1f GB/s read bandwidth, %s read per step) -> %.0f%%%n",
                        r.rooflineTokensPerSecond(), r.bandwidthBytesPerSecond() / 1e9, Sizes.bytes(r.bytesPerDecodeStep()),
                        100 * r.rooflineFraction());
                out.printf(Locale.ROOT, "memory   peak heap after GC %s, caches %s%n", Sizes.bytes(r.peakHeapAfterGcBytes()), Sizes.bytes(r.cacheBytes()));
                out.flush();
            }
        }
    }
}
