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
        JsonNode first = arr.get(0);
        assertThat(first.get("name").asText()).isEqualTo("java");
        assertThat(first.get("available").asBoolean()).isTrue();
        assertThat(first.get("reason").asText()).contains("cores");
        assertThat(arr.findValuesAsText("name")).contains("java-reference");
    }
}
