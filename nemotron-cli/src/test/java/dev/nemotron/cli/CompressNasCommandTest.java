package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressNasCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The scripted form of the issue: one JSON object; 12B infeasible, the Nano-9B-v2 shape feasible. */
    @Test
    void scriptedFormOnThePublished12bConfig(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("nas.json");
        CliRun r = CliRun.of("compress", "nas", "--model-config",
                CliRun.repoRoot().resolve("examples/configs/nemotron-nano-12b-v2-base/config.json").toString(),
                "--memory-budget-gib", "19.66", "--context", "131072", "--batch", "1", "--json", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("baseline").get("feasible").asBoolean()).isFalse();
        assertThat(o.get("baseline").get("num_hidden_layers").asInt()).isEqualTo(62);
        assertThat(o.get("baseline").get("breaks").get("message").asText()).contains("> budget 19.66 GiB");
        JsonNode nine = null;
        for (JsonNode c : o.get("candidates")) {
            if (c.get("num_hidden_layers").asInt() == 56 && c.get("hidden_size").asInt() == 4480
                    && c.get("intermediate_size").asInt() == 15680 && c.get("mamba_num_heads").asInt() == 128) {
                nine = c;
            }
            assertThat(c.has("total_bytes")).isTrue();
            assertThat(c.get("feasible").asBoolean()).isEqualTo(c.get("total_bytes").asLong() <= o.get("memory_budget_bytes").asLong());
        }
        assertThat(nine).isNotNull();
        assertThat(nine.get("feasible").asBoolean()).isTrue();
        assertThat(o.get("dtype").asText()).isEqualTo("bf16");
        assertThat(JSON.readTree(Files.readString(out))).isEqualTo(o);
    }

    @Test
    void tableShowsBaselineAndRankedCandidates() {
        CliRun r = CliRun.of("compress", "nas", "--model-config",
                CliRun.repoRoot().resolve("examples/configs/nemotron-nano-12b-v2-base").toString(),
                "--memory-budget-gib", "19.66", "--layers", "56", "--ffn", "15680", "--top", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("baseline").contains("INFEASIBLE weights").contains("ranked by parameter count")
                .contains("feasible (3 shown)");
    }

    @Test
    void badInputIsOneErrorLine() {
        CliRun r = CliRun.of("compress", "nas", "--model-config",
                CliRun.repoRoot().resolve("examples/configs/nemotron-nano-12b-v2-base").toString(),
                "--memory-budget-gib", "19.66", "--mamba-heads", "100:128:3");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err().strip()).startsWith("error:").contains("n_groups").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
