package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class InspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nano9bV2AtFullContextMatchesThePaper() throws Exception {
        CliRun r = CliRun.of("inspect", CliRun.repoRoot().resolve("examples/configs/nemotron-nano-9b-v2/config.json").toString(),
                "--context", "131072", "--batch", "1", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("parameters").asLong()).isEqualTo(8_888_227_328L);
        assertThat(o.get("kv_cache_bytes").asLong()).isEqualTo(2_147_483_648L);
        assertThat(o.get("ssm_state_bytes").asLong()).isEqualTo(141_557_760L);
        assertThat(o.get("pattern").asText()).hasSize(56);
        long total = o.get("weights_bytes").asLong() + o.get("kv_cache_bytes").asLong()
                + o.get("ssm_state_bytes").asLong() + o.get("conv_state_bytes").asLong();
        assertThat(o.get("total_bytes").asLong()).isEqualTo(total);
        // the paper's budget: 128k context at batch 1 within 19.66 GiB
        assertThat(total).isLessThan((long) (19.66 * (1L << 30)));
        assertThat(o.get("layer_counts").get("Mamba-2").asInt()).isEqualTo(27);
        assertThat(o.get("layer_counts").get("attention").asInt()).isEqualTo(4);
        assertThat(o.get("layer_counts").get("MLP").asInt()).isEqualTo(25);
    }

    @Test
    void modelDirectoryCountsWeightsFromTheCheckpoint() throws Exception {
        CliRun r = CliRun.of("inspect", CliRun.fixture("tiny-nemotron-h-a-bf16").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("weights_from").asText()).isEqualTo("checkpoint");
        assertThat(o.get("weights_bytes_by_dtype").get("BF16").asLong()).isEqualTo(o.get("parameters").asLong() * 2);
    }

    @Test
    void tableNamesEveryLayer() {
        CliRun r = CliRun.of("inspect", CliRun.fixture("tiny-nemotron-h-a").toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("M-M*-M-M*-").contains("Mamba-2").contains("attention").contains("MLP")
                .contains("KV cache");
    }
}
