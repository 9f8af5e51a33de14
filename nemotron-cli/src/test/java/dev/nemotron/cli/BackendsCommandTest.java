package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BackendsCommandTest {
    @Test
    void listsTheJavaBackendsWithReasons() throws Exception {
        CliRun r = CliRun.of("backends", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode arr = new ObjectMapper().readTree(r.out());
        assertThat(arr.isArray()).isTrue();
        JsonNode java = byName(arr, "java");
        assertThat(java.get("available").asBoolean()).isTrue();
        assertThat(java.get("reason").asText()).contains("cores");
        assertThat(java.get("capabilities").toString()).contains("KERNELS").contains("CPU")
                .doesNotContain("MODEL_EXECUTION").doesNotContain("TRAINING_EXECUTION");
        assertThat(arr.findValuesAsText("name")).contains("java-reference");
    }

    @Test
    void listsTheCudaBackendAsUnavailableWithTheReasonWhenThereIsNoLibrary() throws Exception {
        JsonNode arr = new ObjectMapper().readTree(CliRun.of("backends", "--json").out());
        assertThat(arr.get(0).get("name").asText()).as("highest priority first").isEqualTo("cuda");
        JsonNode cuda = byName(arr, "cuda");
        assertThat(cuda.get("priority").asInt()).isEqualTo(200);
        assertThat(cuda.get("available").asBoolean()).isFalse();
        assertThat(cuda.get("reason").asText()).contains("libnemotron_cuda.so not found").contains("nemotron.cuda.library");
        assertThat(cuda.get("module").asText()).isEqualTo("dev.nemotron.backend.cuda");
        assertThat(cuda.findValuesAsText("capabilities").toString()).isNotNull();
        assertThat(cuda.get("capabilities").toString()).contains("GPU").contains("KERNELS").contains("MODEL_EXECUTION");

        CliRun table = CliRun.of("backends");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).containsPattern("cuda +200 +no +libnemotron_cuda.so not found");
    }

    private static JsonNode byName(JsonNode arr, String name) {
        for (JsonNode b : arr) {
            if (b.get("name").asText().equals(name)) {
                return b;
            }
        }
        throw new AssertionError("no backend named " + name + " in " + arr);
    }
}
