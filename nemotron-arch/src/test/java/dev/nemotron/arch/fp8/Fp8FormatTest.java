package dev.nemotron.arch.fp8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import org.junit.jupiter.api.Test;

/** The {@code quantization_config} written and read: HF's fine-grained FP8 form, one error line for anything else. */
class Fp8FormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode config(String quantization) throws Exception {
        return JSON.readTree("{\"hidden_size\": 64, \"quantization_config\": " + quantization + "}");
    }

    @Test
    void blockConfigIsWhatHfAndDeepSeekV3Write() throws Exception {
        assertThat(Fp8Format.BLOCKS.toConfig()).isEqualTo(JSON.readTree(
                "{\"quant_method\": \"fp8\", \"fmt\": \"e4m3\", \"activation_scheme\": \"dynamic\", \"weight_block_size\": [128, 128]}"));
        assertThat(Fp8Format.CHANNELS.toConfig()).isEqualTo(JSON.readTree(
                "{\"quant_method\": \"fp8\", \"fmt\": \"e4m3\", \"activation_scheme\": \"dynamic\", \"weight_block_size\": null,"
                        + " \"weight_scale_granularity\": \"channel\"}"));
    }

    @Test
    void writtenConfigsReadBack() throws Exception {
        for (Fp8Format f : new Fp8Format[] {Fp8Format.BLOCKS, Fp8Format.CHANNELS}) {
            assertThat(Fp8Format.fromConfig(config(f.toConfig().toString()), "c.json")).contains(f);
        }
        // HF's FineGrainedFP8Config defaults: no fmt, no block size -> 128 x 128
        assertThat(Fp8Format.fromConfig(config("{\"quant_method\": \"fp8\"}"), "c.json")).contains(Fp8Format.BLOCKS);
        assertThat(Fp8Format.fromConfig(config("null"), "c.json")).isEmpty();
        assertThat(Fp8Format.fromConfig(JSON.readTree("{\"hidden_size\": 64}"), "c.json")).isEmpty();
    }

    @Test
    void anythingElseIsOneClearError() {
        String[][] bad = {
                {"{\"quant_method\": \"gptq\", \"bits\": 4}", "quant_method \"gptq\" is not supported"},
                {"{\"quant_method\": \"fbgemm_fp8\"}", "quant_method \"fbgemm_fp8\""},
                {"{\"bits\": 4}", "quant_method (missing)"},
                {"{\"quant_method\": \"fp8\", \"fmt\": \"e5m2\"}", "fmt \"e5m2\""},
                {"{\"quant_method\": \"fp8\", \"activation_scheme\": \"static\"}", "activation_scheme \"static\""},
                {"{\"quant_method\": \"fp8\", \"weight_block_size\": [64, 64]}", "weight_block_size [64,64] is not supported"},
                {"{\"quant_method\": \"fp8\", \"weight_block_size\": [128]}", "weight_block_size [128]"},
                {"{\"quant_method\": \"fp8\", \"weight_block_size\": [1, 128]}", "weight_block_size [1,128]"},
                {"{\"quant_method\": \"fp8\", \"weight_block_size\": null}", "no weight_block_size"},
                {"{\"quant_method\": \"fp8\", \"weight_block_size\": null, \"weight_scale_granularity\": \"tensor\"}", "\"tensor\""},
                {"[1, 2]", "must be an object"},
        };
        for (String[] b : bad) {
            assertThatThrownBy(() -> Fp8Format.fromConfig(config(b[0]), "m/config.json"))
                    .as(b[0])
                    .isInstanceOf(NemotronException.class)
                    .hasMessageStartingWith("m/config.json: quantization_config")
                    .hasMessageContaining(b[1])
                    .hasMessageContaining("weight_block_size [128, 128] or per-channel")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void quantisedNamesAreTheLinearWeightsOnly() {
        for (String n : new String[] {"backbone.layers.0.mixer.in_proj.weight", "backbone.layers.0.mixer.out_proj.weight",
                "backbone.layers.3.mixer.q_proj.weight", "model.layers.3.mixer.k_proj.weight", "backbone.layers.3.mixer.v_proj.weight",
                "backbone.layers.3.mixer.o_proj.weight", "backbone.layers.1.mixer.up_proj.weight", "backbone.layers.1.mixer.down_proj.weight"}) {
            assertThat(Fp8Format.quantizes(n)).as(n).isTrue();
        }
        for (String n : new String[] {"backbone.embeddings.weight", "lm_head.weight", "backbone.norm_f.weight",
                "backbone.layers.0.norm.weight", "backbone.layers.0.mixer.norm.weight", "backbone.layers.0.mixer.conv1d.weight",
                "backbone.layers.0.mixer.A_log", "backbone.layers.0.mixer.D", "backbone.layers.0.mixer.dt_bias",
                "backbone.layers.0.mixer.in_proj.bias", "backbone.layers.3.mixer.q_proj.weight_scale_inv"}) {
            assertThat(Fp8Format.quantizes(n)).as(n).isFalse();
        }
    }
}
