package dev.nemotron.compress.nas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.estimate.MemoryBudget;
import dev.nemotron.arch.estimate.MemoryEstimate;
import dev.nemotron.arch.estimate.MemoryEstimator;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Exhaustive architecture search under a memory budget (Minitron / Nemotron Nano 2 §4).
 *
 * <pre>
 * for each (layers d, hidden h, ffn f, mamba heads m) of the space:
 * 1. config  = the parent's config.json with those four fields, the pattern of the d kept layers
 *              ({@link DepthPlan}) and torch_dtype = the deployment dtype
 * 2. memory  = {@link MemoryEstimator}: weights + KV cache + SSM state + conv state, at (context, batch)
 * 3. budget  = {@link MemoryBudget}: memory + the stated overhead against the budget; infeasible
 *              candidates keep the first budget line they break
 * then: score the largest proxy.maxScored() feasible ones with the proxy and rank them by it (best = 1),
 * the other feasible ones after them by parameter count; infeasible ones follow, smallest total first
 * </pre>
 */
public final class ArchitectureSearch {
    private final ObjectNode parent;
    private final MixerRegistry registry;
    private final ConfigParser parser;
    private final DType dtype;
    private final long context;
    private final int batch;
    private final long budgetBytes;
    private final long overheadBytes;

    /**
     * @param parentConfig the parent's config.json tree (not modified)
     * @param dtype        the deployment dtype of weights and caches (the paper: BF16)
     */
    public ArchitectureSearch(ObjectNode parentConfig, MixerRegistry registry, DType dtype, long context, int batch,
                              long budgetBytes, long overheadBytes) {
        if (context < 1 || batch < 1) {
            throw new NemotronException("--context and --batch must be >= 1, got " + context + " and " + batch);
        }
        if (budgetBytes <= 0 || overheadBytes < 0) {
            throw new NemotronException("--memory-budget-gib must be > 0 and --overhead-gib >= 0");
        }
        this.parent = parentConfig.deepCopy();
        this.registry = registry;
        this.parser = new ConfigParser(registry);
        this.dtype = dtype;
        this.context = context;
        this.batch = batch;
        this.budgetBytes = budgetBytes;
        this.overheadBytes = overheadBytes;
    }

    /** The parent itself, in the deployment dtype. */
    public Candidate baseline() {
        NemotronHConfig c = parse(parent.deepCopy(), "the parent config");
        return evaluate(c, List.of());
    }

    /** Every candidate of {@code space}: feasible ones ranked by {@code proxy}, then the infeasible ones. */
    public List<Candidate> search(SearchSpace space, DepthPlan depth, CandidateProxy proxy) {
        List<Candidate> feasible = new ArrayList<>();
        List<Candidate> infeasible = new ArrayList<>();
        for (int d : space.layers().values()) {
            String pattern = depth.keptPattern(d);
            List<Integer> dropped = depth.dropped(d);
            for (int h : space.hidden().values()) {
                for (int f : space.ffn() == null ? List.of(0) : space.ffn().values()) {
                    for (int m : space.mambaHeads() == null ? List.of(0) : space.mambaHeads().values()) {
                        ObjectNode cfg = parent.deepCopy();
                        cfg.put("hybrid_override_pattern", pattern);
                        cfg.remove("layers_block_type");
                        cfg.put("num_hidden_layers", d);
                        cfg.put("hidden_size", h);
                        if (f > 0) {
                            cfg.put("intermediate_size", f);
                        }
                        if (m > 0) {
                            cfg.put("mamba_num_heads", m);
                        }
                        String what = "candidate layers=" + d + " hidden=" + h + " ffn=" + f + " mamba_heads=" + m;
                        Candidate c = evaluate(parse(cfg, what), dropped);
                        (c.feasible() ? feasible : infeasible).add(c);
                    }
                }
            }
        }
        // rank: the largest maxScored() feasible candidates by the proxy, the rest after them by parameter count
        Comparator<Candidate> bySize = Comparator.comparingLong(Candidate::parameters).reversed();
        feasible.sort(bySize);
        int scoredCount = Math.min(feasible.size(), proxy.maxScored());
        List<Candidate> scored = new ArrayList<>();
        for (int i = 0; i < scoredCount; i++) {
            scored.add(feasible.get(i).withProxy(proxy.score(feasible.get(i))));
        }
        Comparator<Candidate> byProxy = Comparator.comparingDouble(Candidate::proxy);
        if (!proxy.lowerIsBetter()) {
            byProxy = byProxy.reversed();
        }
        scored.sort(byProxy.thenComparing(bySize));
        scored.addAll(feasible.subList(scoredCount, feasible.size()));
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            out.add(scored.get(i).withRank(i + 1));
        }
        infeasible.sort(Comparator.comparingLong(c -> c.budget().totalBytes()));
        out.addAll(infeasible);
        return out;
    }

    private NemotronHConfig parse(ObjectNode cfg, String what) {
        cfg.put("torch_dtype", torchName(dtype));
        cfg.remove("dtype");
        try {
            return parser.parse(cfg.toString(), what);
        } catch (NemotronException e) {
            throw new NemotronException(e.getMessage() + " (narrow the search range that produced it)", e);
        }
    }

    private Candidate evaluate(NemotronHConfig config, List<Integer> dropped) {
        ModelGraph graph = ModelGraph.of(config, registry);
        MemoryEstimate e = MemoryEstimator.estimate(graph, context, batch);
        MemoryBudget b = MemoryBudget.check(e, budgetBytes, overheadBytes);
        var view = config.view();
        return new Candidate(config.numLayers(), config.hiddenSize(),
                view.has("intermediate_size") ? view.getInt("intermediate_size") : 0,
                view.has("mamba_num_heads") ? view.getInt("mamba_num_heads") : 0, config.pattern(), dropped, e, b,
                Double.NaN, 0);
    }

    static String torchName(DType dtype) {
        return switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            case F32 -> "float32";
            default -> throw new NemotronException("--dtype must be bf16, fp16 or fp32, got " + dtype);
        };
    }
}
