package dev.nemotron.compress.nas;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.estimate.MemoryBudget;
import java.util.List;
import java.util.Locale;

/**
 * The search result as one JSON object ({@code baseline}, {@code candidates} and what they were
 * measured against) and as a text table.
 *
 * @param overheadNote the stated overhead assumption, in words
 */
public record NasReport(String config, DType dtype, long context, int batch, long budgetBytes, long overheadBytes,
                        String overheadNote, SearchSpace space, String depthPolicy, CandidateProxy proxy,
                        Candidate baseline, List<Candidate> candidates) {
    public static final String ESTIMATOR = "weights (parameters x dtype bytes) + KV cache (2 x layers_attn x context x "
            + "batch x kv_heads x head_dim x dtype bytes) + SSM state (fp32) + conv state (K-1 inputs per channel, dtype) "
            + "+ overhead";

    public NasReport {
        candidates = List.copyOf(candidates);
    }

    public long feasibleCount() {
        return candidates.stream().filter(Candidate::feasible).count();
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("config", config);
        o.put("dtype", dtype.safetensorsName().toLowerCase(Locale.ROOT));
        o.put("context", context);
        o.put("batch", batch);
        o.put("memory_budget_bytes", budgetBytes);
        o.put("memory_budget_gib", budgetBytes / MemoryBudget.GIB);
        o.put("overhead_bytes", overheadBytes);
        o.put("overhead", overheadNote);
        o.put("estimator", ESTIMATOR);
        ObjectNode s = o.putObject("search_space");
        s.put("num_hidden_layers", space.layers().toString());
        s.put("hidden_size", space.hidden().toString());
        s.put("intermediate_size", space.ffn() == null ? null : space.ffn().toString());
        s.put("mamba_num_heads", space.mambaHeads() == null ? null : space.mambaHeads().toString());
        s.put("depth", depthPolicy);
        s.put("size", space.size());
        o.put("proxy", proxy.name());
        o.put("proxy_description", proxy.description());
        o.put("feasible_count", feasibleCount());
        o.set("baseline", candidate(baseline, false));
        ArrayNode arr = o.putArray("candidates");
        for (Candidate c : candidates) {
            arr.add(candidate(c, true));
        }
        return o;
    }

    private static ObjectNode candidate(Candidate c, boolean ranked) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (ranked) {
            if (c.rank() > 0) {
                o.put("rank", c.rank());
            } else {
                o.putNull("rank");
            }
        }
        o.put("num_hidden_layers", c.layers());
        o.put("hidden_size", c.hidden());
        o.put("intermediate_size", c.ffn());
        o.put("mamba_num_heads", c.mambaHeads());
        o.put("hybrid_override_pattern", c.pattern());
        ArrayNode dropped = o.putArray("dropped_layers");
        c.dropped().forEach(dropped::add);
        o.put("parameters", c.parameters());
        o.put("weights_bytes", c.estimate().weightsBytes());
        o.put("kv_cache_bytes", c.estimate().kvCacheBytes());
        o.put("ssm_state_bytes", c.estimate().ssmStateBytes());
        o.put("conv_state_bytes", c.estimate().convStateBytes());
        o.put("overhead_bytes", c.budget().overheadBytes());
        o.put("total_bytes", c.budget().totalBytes());
        o.put("total_gib", c.budget().totalBytes() / MemoryBudget.GIB);
        o.put("headroom_bytes", c.budget().headroomBytes());
        o.put("feasible", c.feasible());
        if (c.feasible()) {
            o.putNull("breaks");
        } else {
            ObjectNode b = o.putObject("breaks");
            b.put("line", c.budget().breaks().name());
            b.put("cumulative_bytes", c.budget().breaks().cumulativeBytes());
            b.put("message", c.budget().describeBreak());
        }
        if (Double.isNaN(c.proxy())) {
            o.putNull("proxy");
        } else {
            o.put("proxy", c.proxy());
        }
        return o;
    }

    /** The baseline, the best {@code rows} feasible candidates and a count of the rest, as text. */
    public String table(int rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "budget %.2f GiB at context %,d, batch %d, %s weights and caches; overhead %.2f GiB (%s)%n",
                budgetBytes / MemoryBudget.GIB, context, batch, dtype, overheadBytes / MemoryBudget.GIB, overheadNote));
        sb.append("estimate: ").append(ESTIMATOR).append('\n');
        sb.append("depth: ").append(depthPolicy).append('\n');
        sb.append("ranked by ").append(proxy.description()).append('\n');
        String head = String.format(Locale.ROOT, "%-8s %6s %6s %6s %5s %14s %9s %9s %9s %9s  %s%n", "rank", "layers", "hidden",
                "ffn", "heads", "parameters", "weights", "kv", "ssm+conv", "total", "proxy / breaks");
        sb.append(head);
        sb.append(row("baseline", baseline));
        int shown = 0;
        for (Candidate c : candidates) {
            if (c.feasible() && shown < rows) {
                sb.append(row(Integer.toString(c.rank()), c));
                shown++;
            }
        }
        long infeasible = candidates.size() - feasibleCount();
        sb.append(String.format(Locale.ROOT, "%d of %d candidates feasible (%d shown); %d infeasible", feasibleCount(),
                candidates.size(), shown, infeasible));
        candidates.stream().filter(c -> !c.feasible()).findFirst().ifPresent(c -> sb.append(String.format(Locale.ROOT,
                ", the smallest of them: %d/%d/%d/%d breaks %s", c.layers(), c.hidden(), c.ffn(), c.mambaHeads(),
                c.budget().describeBreak())));
        sb.append('\n');
        return sb.toString();
    }

    private String row(String rank, Candidate c) {
        double g = MemoryBudget.GIB;
        String tail = c.feasible() ? (Double.isNaN(c.proxy()) ? "fits" : String.format(Locale.ROOT, "%.6g", c.proxy()))
                : "INFEASIBLE " + c.budget().describeBreak();
        return String.format(Locale.ROOT, "%-8s %6d %6d %6d %5d %,14d %8.2fG %8.2fG %8.3fG %8.2fG  %s%n", rank, c.layers(),
                c.hidden(), c.ffn(), c.mambaHeads(), c.parameters(), c.estimate().weightsBytes() / g,
                c.estimate().kvCacheBytes() / g, (c.estimate().ssmStateBytes() + c.estimate().convStateBytes()) / g,
                c.budget().totalBytes() / g, tail);
    }
}
