package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.train.autodiff.TrainableModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron compress importance | prune}, {@code nemotron merge} and their pipeline stages. */
class CompressCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path base;

    private Path tinyModel() {
        Path model = base.resolve("model");
        CliRun init = CliRun.of("init", "--config", CliRun.repoRoot().resolve("examples/configs/tiny-hybrid/config.json").toString(),
                "--out", model.toString(), "--seed", "3", "--tokenizer", CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        return model;
    }

    @Test
    void pruneByMagnitudeSaysSoAndTheResultLoads() throws Exception {
        Path model = tinyModel();
        Path out = base.resolve("pruned");
        CliRun r = CliRun.of("compress", "prune", "--model", model.toString(), "--out", out.toString(), "--num-layers", "10",
                "--hidden-size", "96", "--intermediate-size", "256", "--mamba-num-heads", "6");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("ranking").asText()).isEqualTo("magnitude");
        assertThat(o.get("ranking_detail").asText()).contains("no --calibration");
        assertThat(o.get("num_hidden_layers").asInt()).isEqualTo(10);
        assertThat(o.get("parameters_after").asLong()).isLessThan(o.get("parameters_before").asLong());
        JsonNode cfg = JsonMappers.lenient().readTree(Files.readString(out.resolve("config.json")));
        assertThat(cfg.get("hybrid_override_pattern").asText()).hasSize(10);
        assertThat(cfg.get("hidden_size").asInt()).isEqualTo(96);
        assertThat(cfg.get("mamba_num_heads").asInt()).isEqualTo(6);
        assertThat(cfg.get("time_step_limit").get(1).isNumber()).as("Infinity stays a number").isTrue();
        assertThat(out.resolve("tokenizer.json")).exists();
        double[] logits = TrainableModel.load(out).logits(new int[] {5, 6, 7});
        assertThat(Arrays.stream(logits).allMatch(Double::isFinite)).isTrue();
        CliRun bad = CliRun.of("compress", "prune", "--model", model.toString(), "--out", base.resolve("x").toString(),
                "--mamba-num-heads", "5");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("error: --mamba-num-heads 5 must be a multiple of n_groups = 2 (every group keeps "
                + "the same number of heads)");
    }

    @Test
    void importanceThenPruneThenMergeAsAPipeline() throws Exception {
        tinyModel();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append("Document ").append(i).append(": the quick brown fox jumps over ").append(i * 7).append(" lazy dogs.\n\n");
        }
        Files.writeString(base.resolve("corpus.txt"), text);
        Path spec = Files.writeString(base.resolve("compress.yaml"), """
                name: compress
                out: runs/c
                model: model
                stages:
                  - {name: data, type: tokenize, text: corpus.txt}
                  - {name: imp, type: importance, calibration: "${data.dataset}", samples: 3, seq_len: 16, seed: 5}
                  - {name: small, type: prune, importance: "${imp.report}", num_layers: 9, hidden_size: 112}
                  - {name: self, type: merge, with: "${small.model}", alpha: 0.3}
                """);
        CliRun r = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode stages = JSON.readTree(r.out()).get("stages");
        assertThat(stages.findValuesAsText("status")).containsExactly("ran", "ran", "ran", "ran");
        JsonNode imp = stages.get(1).get("summary");
        assertThat(imp.get("layer_removal_order")).hasSize(12);
        assertThat(Path.of(imp.get("report").asText())).exists();
        JsonNode small = stages.get(2).get("summary");
        assertThat(small.get("ranking").asText()).isEqualTo("importance");
        assertThat(small.get("num_hidden_layers").asInt()).isEqualTo(9);
        // the three dropped layers are the first three of the importance removal order
        int[] order = new int[12];
        for (int i = 0; i < 12; i++) {
            order[i] = imp.get("layer_removal_order").get(i).asInt();
        }
        int[] kept = Arrays.stream(order, 3, 12).sorted().toArray();
        JsonNode keptJson = small.get("kept_layers");
        assertThat(keptJson).hasSize(9);
        for (int i = 0; i < 9; i++) {
            assertThat(keptJson.get(i).asInt()).isEqualTo(kept[i]);
        }
        JsonNode merged = stages.get(3).get("summary");
        assertThat(merged.get("copied_exactly").asInt()).as("a model merged with itself").isEqualTo(merged.get("tensors").asInt());
        // the importance command on the same data: deterministic for a seed
        Path dataset = Path.of(stages.get(0).get("summary").get("dataset").asText());
        Path json = base.resolve("imp.json");
        CliRun c = CliRun.of("compress", "importance", "--model", base.resolve("model").toString(), "--calibration",
                dataset.toString(), "--out", json.toString(), "--samples", "3", "--seq-len", "16", "--seed", "5");
        assertThat(c.exitCode()).as(c.err()).isZero();
        JsonNode a = JSON.readTree(Files.readString(json));
        JsonNode b = JSON.readTree(Files.readString(Path.of(imp.get("report").asText())));
        assertThat(a.get("layers")).isEqualTo(b.get("layers"));
        assertThat(a.get("hidden_channels")).isEqualTo(b.get("hidden_channels"));
        assertThat(base.resolve("imp.png")).exists();
        assertThat(base.resolve("imp-hidden.png")).exists();
    }

    @Test
    void mergeRefusesAMismatchedPairInOneLine() throws Exception {
        Path model = tinyModel();
        Path pruned = base.resolve("pruned");
        assertThat(CliRun.of("compress", "prune", "--model", model.toString(), "--out", pruned.toString(), "--intermediate-size", "300")
                .exitCode()).isZero();
        CliRun r = CliRun.of("merge", "--model", model.toString(), "--model", pruned.toString(), "--out", base.resolve("m").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: cannot merge: --model B").contains("intermediate_size").contains("300 vs 384");
        CliRun ok = CliRun.of("merge", "--model", model.toString(), "--model", model.toString(), "--alpha", "0.5",
                "--out", base.resolve("m2").toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(JSON.readTree(ok.out()).get("method").asText()).isEqualTo("linear");
        CliRun one = CliRun.of("merge", "--model", model.toString(), "--out", base.resolve("m3").toString());
        assertThat(one.exitCode()).isEqualTo(2);
        assertThat(one.err()).contains("give --model exactly twice");
    }
}
