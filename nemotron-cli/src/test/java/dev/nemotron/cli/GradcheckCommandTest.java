package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron gradcheck} on shapes no other test uses: odd widths, 3 groups, biases everywhere, attention first. */
class GradcheckCommandTest {
    @Test
    void gradientsOfAnUnseenShapeMatchFiniteDifferences(@TempDir Path tmp) throws Exception {
        Path config = Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 37, \"hidden_size\": 20,"
                + " \"hybrid_override_pattern\": \"*M-M\", \"num_attention_heads\": 5, \"num_key_value_heads\": 1,"
                + " \"head_dim\": 6, \"intermediate_size\": 28, \"mamba_num_heads\": 6, \"mamba_head_dim\": 3,"
                + " \"n_groups\": 3, \"ssm_state_size\": 5, \"conv_kernel\": 3, \"chunk_size\": 5, \"use_conv_bias\": true,"
                + " \"use_bias\": true, \"attention_bias\": true, \"mlp_bias\": true, \"initializer_range\": 0.2}");
        CliRun r = CliRun.of("gradcheck", "--model-config", config.toString(), "--seq-len", "11", "--json");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertThat(o.get("passed").asBoolean()).isTrue();
        assertThat(o.get("tensors").size()).isGreaterThan(30);
        assertThat(o.get("worst_relative_error").asDouble()).isLessThan(1e-6);
    }

    @Test
    void aPackedRowOfAnUnseenShapeEqualsItsSamplesAndPassesTheCheck(@TempDir Path tmp) throws Exception {
        Path config = Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 29, \"hidden_size\": 14,"
                + " \"hybrid_override_pattern\": \"*-MM*\", \"num_attention_heads\": 3, \"num_key_value_heads\": 3,"
                + " \"head_dim\": 4, \"intermediate_size\": 18, \"mamba_num_heads\": 4, \"mamba_head_dim\": 5,"
                + " \"n_groups\": 2, \"ssm_state_size\": 3, \"conv_kernel\": 4, \"chunk_size\": 4,"
                + " \"use_conv_bias\": true, \"initializer_range\": 0.25}");
        CliRun r = CliRun.of("gradcheck", "--model-config", config.toString(), "--segments", "4,2,6", "--json");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertThat(o.get("passed").asBoolean()).isTrue();
        assertThat(o.get("packed").get("passed").asBoolean()).isTrue();
        assertThat(o.get("packed").get("worst_gradient_error").asDouble()).isLessThan(1e-12);
        CliRun text = CliRun.of("gradcheck", "--model-config", config.toString(), "--segments", "3,1,5");
        assertThat(text.exitCode()).as(text.out() + text.err()).isZero();
        assertThat(text.out()).contains("passed: packed row Segments[3, 1, 5] against its samples one by one");
    }

    @Test
    void badSegmentsAreOneError(@TempDir Path tmp) throws Exception {
        Path config = Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 29, \"hidden_size\": 8,"
                + " \"hybrid_override_pattern\": \"M\", \"mamba_num_heads\": 2, \"mamba_head_dim\": 4,"
                + " \"n_groups\": 1, \"ssm_state_size\": 3}");
        CliRun zero = CliRun.of("gradcheck", "--model-config", config.toString(), "--segments", "3,0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--segments: segment 1 has length 0");
        CliRun both = CliRun.of("gradcheck", "--model-config", config.toString(), "--segments", "3,2", "--seq-len", "5");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give --seq-len or --segments, not both");
    }

    @Test
    void needsExactlyOneModelSource() {
        CliRun r = CliRun.of("gradcheck");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("give exactly one of --model-config and --model");
    }
}
