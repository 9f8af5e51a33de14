package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    private static final String TINY = CliRun.fixture("tiny-nemotron-h-a").toString();

    @Test
    void cpuBenchReportsPrefillAndDecodeSpeed() throws Exception {
        CliRun r = CliRun.of("bench", "--backend", "java", "--model", TINY, "--isl", "8", "--osl", "4", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertThat(o.path("backend").asText()).isEqualTo("java");
        assertThat(o.path("prefill_tokens_per_s").asDouble()).isPositive();
        assertThat(o.path("decode_tokens_per_s").asDouble()).isPositive();
    }

    @Test
    void deviceOnlyFlagsAreRefusedOnTheCpuWithTheReason() {
        CliRun r = CliRun.of("bench", "--backend", "java", "--model-config", TINY + "/config.json", "--random-weights");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("--random-weights").doesNotContain("\tat ");
        CliRun batches = CliRun.of("bench", "--backend", "java", "--model", TINY, "--batch", "1,8");
        assertThat(batches.exitCode()).isNotZero();
        assertThat(batches.err()).contains("--batch").doesNotContain("\tat ");
    }

    @Test
    void aNegativePrefillIsRefused() {
        CliRun r = CliRun.of("bench", "--backend", "java", "--model", TINY, "--prefill", "-1");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("--prefill >= 0");
    }

    @Test
    void theCudaBackendWithoutItsLibraryIsAnErrorNamingWhatIsMissing() {
        CliRun r = CliRun.of("bench", "--backend", "cuda", "--model-config", TINY + "/config.json", "--random-weights");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("cuda").contains("libnemotron_cuda.so").doesNotContain("\tat ");
    }
}
