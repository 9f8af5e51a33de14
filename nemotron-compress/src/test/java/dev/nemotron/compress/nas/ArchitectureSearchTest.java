package dev.nemotron.compress.nas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.estimate.MemoryBudget;
import dev.nemotron.arch.estimate.MemoryEstimate;
import dev.nemotron.arch.estimate.MemoryEstimator;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchitectureSearchTest {
    private static final Path NANO_12B = Fixtures.repoRoot().resolve("examples/configs/nemotron-nano-12b-v2-base/config.json");
    private static final Path NANO_9B = Fixtures.repoRoot().resolve("examples/configs/nemotron-nano-9b-v2/config.json");

    private static Nas.Request paper(Path config, Range layers, Range hidden, Range ffn, Range heads) {
        return new Nas.Request(config, 19.66, 131_072, 1, 0, DType.BF16, layers, hidden, ffn, heads, null, null);
    }

    /** The acceptance: the 12B parent does not fit 19.66 GiB at 128k, the Nano-9B-v2 shape does. */
    @Test
    void nano12bIsInfeasibleAndTheNano9bShapeIsFeasible() {
        NasReport r = Nas.run(paper(NANO_12B, null, null, null, null));
        assertThat(r.baseline().feasible()).isFalse();
        assertThat(r.baseline().layers()).isEqualTo(62);
        assertThat(r.baseline().budget().breaks().name()).isEqualTo("weights");
        Candidate nine = r.candidates().stream().filter(c -> c.layers() == 56 && c.hidden() == 4480 && c.ffn() == 15680
                && c.mambaHeads() == 128).findFirst().orElseThrow();
        assertThat(nine.feasible()).isTrue();
        assertThat(nine.rank()).isPositive();
        // the paper's space, exactly: 5 depths x 6 widths x 23 FFN widths x 3 head counts
        assertThat(r.space().layers()).isEqualTo(new Range(52, 56, 1));
        assertThat(r.space().hidden()).isEqualTo(new Range(4480, 5120, 128));
        assertThat(r.space().ffn()).isEqualTo(new Range(13440, 20480, 320));
        assertThat(r.space().mambaHeads()).isEqualTo(new Range(112, 128, 8));
        assertThat(r.candidates()).hasSize(5 * 6 * 23 * 3);
        // every infeasible candidate names the line it breaks, and that line really is the first over budget
        for (Candidate c : r.candidates()) {
            if (!c.feasible()) {
                MemoryBudget.Line b = c.budget().breaks();
                assertThat(b.cumulativeBytes()).isGreaterThan(r.budgetBytes());
                int i = c.budget().lines().indexOf(b);
                assertThat(i == 0 || c.budget().lines().get(i - 1).cumulativeBytes() <= r.budgetBytes()).isTrue();
            }
        }
    }

    /** A candidate's estimate is the estimator's on the config it describes (no second estimator). */
    @Test
    void candidateEstimateEqualsTheEstimatorOnThePublishedNano9bConfig() {
        // keep the 9B's own pattern by giving its depth directly: the 9B config searched at its own size
        NasReport r = Nas.run(paper(NANO_9B, Range.of(56), Range.of(4480), Range.of(15680), Range.of(128)));
        Candidate only = r.candidates().getFirst();
        MixerRegistry reg = MixerRegistry.discover();
        MemoryEstimate direct = MemoryEstimator.estimate(ModelGraph.of(new ConfigParser(reg).parse(NANO_9B), reg), 131_072, 1);
        assertThat(only.estimate().totalBytes()).isEqualTo(direct.totalBytes());
        assertThat(only.parameters()).isEqualTo(8_888_227_328L);
        assertThat(only.budget().totalBytes()).isEqualTo(direct.totalBytes());
        assertThat(only.feasible()).isTrue();
    }

    @Test
    void aTightBudgetBreaksAtTheKvCacheLineAndTheOverheadCounts() {
        // 9B: weights 16.56 GiB, + KV 2 GiB = 18.56 GiB: a budget of 17 GiB breaks at the KV cache
        NasReport r = Nas.run(new Nas.Request(NANO_9B, 17, 131_072, 1, 0, DType.BF16, Range.of(56), Range.of(4480),
                Range.of(15680), Range.of(128), null, null));
        assertThat(r.baseline().budget().breaks().name()).isEqualTo("kv_cache");
        assertThat(r.baseline().budget().describeBreak()).startsWith("kv_cache: weights .. kv_cache = 18.56 GiB > budget 17.00 GiB");
        // 18.69 GiB fits 19.66 GiB, but not with a stated 1 GiB overhead
        NasReport withOverhead = Nas.run(new Nas.Request(NANO_9B, 19.66, 131_072, 1, 1.0, DType.BF16, Range.of(56),
                Range.of(4480), Range.of(15680), Range.of(128), null, null));
        assertThat(withOverhead.baseline().feasible()).isFalse();
        assertThat(withOverhead.baseline().budget().breaks().name()).isEqualTo("overhead");
    }

    @Test
    void feasibleCandidatesAreRankedByTheProxyThenInfeasibleOnesBySize() {
        NasReport r = Nas.run(paper(NANO_12B, null, null, null, null));
        List<Candidate> c = r.candidates();
        int feasible = (int) r.feasibleCount();
        assertThat(feasible).isPositive().isLessThan(c.size());
        for (int i = 0; i < feasible; i++) {
            assertThat(c.get(i).rank()).isEqualTo(i + 1);
            if (i > 0) {
                assertThat(c.get(i).parameters()).isLessThanOrEqualTo(c.get(i - 1).parameters());
            }
        }
        for (int i = feasible; i < c.size(); i++) {
            assertThat(c.get(i).feasible()).isFalse();
            assertThat(c.get(i).rank()).isZero();
        }
        // the best feasible candidate is the largest model that fits: no feasible candidate has more parameters
        long best = c.getFirst().parameters();
        assertThat(c.stream().filter(Candidate::feasible).mapToLong(Candidate::parameters).max().orElseThrow()).isEqualTo(best);
    }

    @Test
    void depthPlanDropsEvenlySpacedLayersOrAGivenOrder() {
        DepthPlan even = new DepthPlan("ABCDEFGHIJ", null);
        assertThat(even.dropped(8)).containsExactly(2, 7);
        assertThat(even.keptPattern(8)).isEqualTo("ABDEFGIJ");
        DepthPlan ordered = new DepthPlan("ABCDEFGHIJ", List.of(9, 0, 4));
        assertThat(ordered.dropped(8)).containsExactly(0, 9);
        assertThatThrownBy(() -> ordered.dropped(6)).isInstanceOf(NemotronException.class).hasMessageContaining("names only 3");
        assertThatThrownBy(() -> new DepthPlan("ABC", List.of(1, 1))).hasMessageContaining("repeated");
    }

    @Test
    void theJsonHasTheScriptedFields() {
        NasReport r = Nas.run(paper(NANO_12B, Range.of(56), Range.parse("4480:5120:640", "--hidden"), Range.of(15680),
                Range.of(128)));
        JsonNode o = r.toJson();
        assertThat(o.get("dtype").asText()).isEqualTo("bf16");
        assertThat(o.get("overhead").asText()).contains("19.66 GiB");
        for (JsonNode c : List.of(o.get("baseline"), o.get("candidates").get(0))) {
            for (String f : List.of("num_hidden_layers", "hidden_size", "intermediate_size", "mamba_num_heads", "total_bytes",
                    "feasible")) {
                assertThat(c.has(f)).as(f).isTrue();
            }
        }
        assertThat(o.get("baseline").get("breaks").get("line").asText()).isEqualTo("weights");
        assertThat(o.get("candidates")).hasSize(2);
    }

    @Test
    void badRangesGetOneClearError() {
        assertThatThrownBy(() -> Nas.run(paper(NANO_12B, null, null, null, Range.parse("110:128:4", "--mamba-heads"))))
                .isInstanceOf(NemotronException.class).hasMessageContaining("not a multiple of n_groups = 8");
        assertThatThrownBy(() -> Nas.run(paper(NANO_12B, Range.parse("60:64", "--layers"), null, null, null)))
                .hasMessageContaining("goes above the parent's layers (62)");
        assertThatThrownBy(() -> Range.parse("1:x", "--ffn")).hasMessageContaining("--ffn must be LO:HI:STEP");
        assertThatThrownBy(() -> Range.parse("1:2000000000:1", "--ffn")).hasMessageContaining("give a larger STEP");
        assertThatThrownBy(() -> Nas.run(paper(Path.of("no/such/config.json"), null, null, null, null)))
                .hasMessageContaining("no such model config");
    }

    @Test
    void defaultsScaleToASmallModel() {
        NasReport r = Nas.run(new Nas.Request(Fixtures.repoRoot().resolve("examples/configs/tiny-hybrid/config.json"), 1,
                4096, 1, 0, DType.BF16, null, null, null, null, null, null));
        assertThat(r.space().layers()).isEqualTo(new Range(10, 11, 1));
        assertThat(r.space().mambaHeads()).isEqualTo(new Range(8, 8, 2));
        assertThat(r.candidates()).allMatch(Candidate::feasible);
    }
}
