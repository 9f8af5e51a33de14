package dev.nemotron.compress.nas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.estimate.MemoryBudget;
import dev.nemotron.arch.layer.MixerRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code nemotron compress nas} without the command line: request in, {@link NasReport} out. */
public final class Nas {
    /** The stated default overhead assumption. */
    public static final String DEFAULT_OVERHEAD_NOTE = "the budget is the model's own share of the device "
            + "(Nemotron Nano 2 sets 19.66 GiB of the A10G's 22 GiB aside for it, the rest for the serving "
            + "framework and a vision encoder), so nothing more is added unless --overhead-gib says so";

    private Nas() {
    }

    /**
     * @param config      a config.json or a model directory holding one
     * @param layers      null: the paper's range scaled to the parent (see {@link SearchSpace#paperDefaults}); likewise the others
     * @param dropOrder   layer indices, most removable first (e.g. a layer-importance order); null: evenly spaced
     * @param proxy       null: parameter count
     */
    public record Request(Path config, double budgetGib, long context, int batch, double overheadGib, DType dtype,
                          Range layers, Range hidden, Range ffn, Range mambaHeads, List<Integer> dropOrder,
                          CandidateProxy proxy) {
    }

    public static NasReport run(Request r) {
        Path file = Files.isDirectory(r.config()) ? r.config().resolve("config.json") : r.config();
        if (!Files.isRegularFile(file)) {
            throw new NemotronException(r.config() + ": no such model config (give a config.json or a model directory)");
        }
        if (!(r.budgetGib() > 0) || Double.isInfinite(r.budgetGib()) || !(r.overheadGib() >= 0)
                || Double.isInfinite(r.overheadGib())) {
            throw new NemotronException("--memory-budget-gib must be a positive number and --overhead-gib >= 0");
        }
        MixerRegistry registry = MixerRegistry.discover();
        NemotronHConfig parentConfig = new ConfigParser(registry).parse(file);
        ObjectNode tree = readTree(file);
        var view = parentConfig.view();
        int ffn = view.has("intermediate_size") ? view.getInt("intermediate_size") : 0;
        int heads = view.has("mamba_num_heads") ? view.getInt("mamba_num_heads") : 0;
        int groups = view.has("n_groups") ? view.getInt("n_groups") : 1;
        SearchSpace defaults = SearchSpace.paperDefaults(parentConfig.numLayers(), parentConfig.hiddenSize(), ffn, heads, groups);
        SearchSpace space = new SearchSpace(or(r.layers(), defaults.layers()), or(r.hidden(), defaults.hidden()),
                ffn > 0 ? or(r.ffn(), defaults.ffn()) : null, heads > 0 ? or(r.mambaHeads(), defaults.mambaHeads()) : null);
        space.validate(parentConfig.numLayers(), parentConfig.hiddenSize(), ffn, heads, groups);
        if (space.size() > 200_000) {
            throw new NemotronException("the search space has " + space.size() + " architectures (at most 200,000): "
                    + "give larger steps or narrower ranges");
        }
        long budget = (long) Math.floor(r.budgetGib() * MemoryBudget.GIB);
        long overhead = (long) Math.ceil(r.overheadGib() * MemoryBudget.GIB);
        String note = r.overheadGib() > 0 ? "stated with --overhead-gib (framework workspace, fragmentation)"
                : DEFAULT_OVERHEAD_NOTE;
        DepthPlan depth = new DepthPlan(parentConfig.pattern(), r.dropOrder());
        CandidateProxy proxy = r.proxy() != null ? r.proxy() : CandidateProxy.parameterCount();
        ArchitectureSearch search = new ArchitectureSearch(tree, registry, r.dtype(), r.context(), r.batch(), budget, overhead);
        String depthPolicy = depth.evenlySpaced()
                ? "a candidate of d layers drops L - d layers evenly spaced over the stack (no layer-importance order given)"
                : "a candidate of d layers drops the first L - d layers of the removal order "
                + (r.proxy() != null && !"parameters".equals(r.proxy().name()) ? "of the ranking (as pruning does)" : "given");
        return new NasReport(file.toString(), r.dtype(), r.context(), r.batch(), budget, overhead, note, space, depthPolicy,
                proxy, search.baseline(), search.search(space, depth, proxy));
    }

    private static Range or(Range given, Range fallback) {
        return given != null ? given : fallback;
    }

    private static ObjectNode readTree(Path file) {
        try {
            JsonNode n = JsonMappers.json().readTree(Files.readString(file));
            return (ObjectNode) n;
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
