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
    void needsExactlyOneModelSource() {
        CliRun r = CliRun.of("gradcheck");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("give exactly one of --model-config and --model");
    }
}
