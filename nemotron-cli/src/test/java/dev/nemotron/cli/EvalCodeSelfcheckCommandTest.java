package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.eval.code.sandbox.Sandbox;
import org.junit.jupiter.api.Test;

class EvalCodeSelfcheckCommandTest {
    @Test
    void checksTheFirstCanonicalSolutionsAndReportsTheSandbox() {
        assumeTrue(Sandbox.create().capabilities().available(), Sandbox.create().capabilities().reason());
        CliRun r = CliRun.of("eval", "code-selfcheck", "--tasks", "humaneval", "--limit", "3", "--parallel", "2");
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("sandbox mode:").contains("no network").contains("humaneval: 3/3 passed");
    }

    @Test
    void jsonForBothBenchmarks() throws Exception {
        assumeTrue(Sandbox.create().capabilities().available(), Sandbox.create().capabilities().reason());
        CliRun r = CliRun.of("eval", "code-selfcheck", "--tasks", "humaneval,humaneval_java", "--limit", "1", "--json");
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertThat(o.at("/sandbox/mode").asText()).isNotBlank();
        assertThat(o.at("/benchmarks/0/benchmark").asText()).isEqualTo("humaneval");
        assertThat(o.at("/benchmarks/1/benchmark").asText()).isEqualTo("humaneval-java");
        assertThat(o.at("/benchmarks/1/passed").asInt()).isEqualTo(1);
        assertThat(o.at("/benchmarks/1/toolchain").asText()).contains("JDK");
    }

    @Test
    void unknownBenchmarkIsOneLineError() {
        CliRun r = CliRun.of("eval", "code-selfcheck", "--tasks", "mbpp");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown code benchmark 'mbpp'");
    }
}
