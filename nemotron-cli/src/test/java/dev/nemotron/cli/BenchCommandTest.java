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
    void q8WeightsAndBf16CacheReadFewerBytesPerStep() throws Exception {
        CliRun stored = CliRun.of("bench", "--backend", "java", "--model", TINY, "--isl", "8", "--osl", "2", "--json");
        CliRun q8 = CliRun.of("bench", "--backend", "java", "--model", TINY, "--isl", "8", "--osl", "2", "--json",
                "--weights", "q8_0", "--kv-cache", "bf16");
        assertThat(q8.exitCode()).as(q8.err()).isZero();
        JsonNode a = new ObjectMapper().readTree(stored.out());
        JsonNode b = new ObjectMapper().readTree(q8.out());
        assertThat(b.path("weights").asText()).isEqualTo("q8_0");
        assertThat(b.path("kv_cache").asText()).isEqualTo("bf16");
        // F32 fixture: projections at 34 bytes per 32 weights instead of 128
        assertThat(b.path("weight_bytes_per_step").asDouble() / a.path("weight_bytes_per_step").asDouble()).isLessThan(0.4);
        assertThat(b.path("cache_bytes").asLong()).isLessThan(a.path("cache_bytes").asLong());
        CliRun bad = CliRun.of("bench", "--backend", "java", "--model", TINY, "--weights", "q4");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--weights must be 'stored' or 'q8_0'").doesNotContain("\tat ");
    }

    @Test
    void interleaveReportsTimeBetweenTokensWholeAndChunked() throws Exception {
        CliRun r = CliRun.of("bench", "--backend", "java", "--model", TINY, "--isl", "4", "--interleave", "40",
                "--prefill-chunk", "8", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode runs = new ObjectMapper().readTree(r.out()).path("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).path("prefill_chunk").asInt()).isZero();
        assertThat(runs.get(1).path("prefill_chunk").asInt()).isEqualTo(8);
        for (JsonNode run : runs) {
            assertThat(run.path("tbt_during_ms").path("gaps").asInt()).isPositive();
            assertThat(run.path("tbt_during_ms").path("max").asDouble()).isPositive();
        }
    }

    @Test
    void aMemoryBudgetIsCheckedAndExcludesAnExplicitBatch() {
        CliRun both = CliRun.of("bench", "--backend", "java", "--model", TINY, "--batch", "2", "--memory-budget-gib", "22");
        assertThat(both.exitCode()).isNotZero();
        assertThat(both.err()).contains("--batch or --memory-budget-gib, not both").doesNotContain("\tat ");
        CliRun negative = CliRun.of("bench", "--backend", "java", "--model", TINY, "--memory-budget-gib", "-1");
        assertThat(negative.exitCode()).isNotZero();
        assertThat(negative.err()).contains("--memory-budget-gib must be in").doesNotContain("\tat ");
        CliRun cpu = CliRun.of("bench", "--backend", "java", "--model", TINY, "--memory-budget-gib", "22");
        assertThat(cpu.exitCode()).isNotZero();
        assertThat(cpu.err()).contains("--memory-budget-gib need a backend with").doesNotContain("\tat ");
        CliRun context = CliRun.of("bench", "--backend", "java", "--model", TINY, "--budget-context", "100");
        assertThat(context.exitCode()).isNotZero();
        assertThat(context.err()).contains("--budget-context needs --memory-budget-gib");
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
