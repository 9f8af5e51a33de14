package dev.nemotron.arch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.testing.Fixtures;
import dev.nemotron.arch.testing.PatternSpelling;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConfigParser parser = ConfigParser.withDiscoveredLayers();

    private static ObjectNode fixtureConfig() throws Exception {
        return (ObjectNode) JSON.readTree(Files.readString(Fixtures.dir("tiny-nemotron-h-a").resolve("config.json")));
    }

    /** The fixture with hybrid_override_pattern instead of layers_block_type. */
    static ObjectNode patternSpelling(ObjectNode cfg) {
        return PatternSpelling.of(cfg);
    }

    @Test
    void readsBlockTypeSpellingOfTheFixture() {
        NemotronHConfig c = parser.parse(Fixtures.dir("tiny-nemotron-h-a"));
        assertThat(c.pattern()).isEqualTo("M-M*-M-M*-");
        assertThat(c.hiddenSize()).isEqualTo(64);
        assertThat(c.vocabSize()).isEqualTo(512);
        assertThat(c.dtype()).isEqualTo(DType.F32);
        assertThat(c.view().getDoubles("time_step_limit").orElseThrow()).containsExactly(0.0, Double.POSITIVE_INFINITY);
    }

    @Test
    void bothSpellingsGiveTheSameModel() throws Exception {
        ObjectNode cfg = fixtureConfig();
        NemotronHConfig a = parser.parse(cfg.toString(), "a.json");
        NemotronHConfig b = parser.parse(patternSpelling(cfg).toString(), "b.json");
        assertThat(b.pattern()).isEqualTo(a.pattern()).isEqualTo("M-M*-M-M*-");
    }

    @Test
    void acceptsInfinityLiteralsAsRealConfigsWriteThem() {
        String text = "{\"vocab_size\": 8, \"hidden_size\": 4, \"hybrid_override_pattern\": \"-\","
                + " \"intermediate_size\": 8, \"time_step_limit\": [0.0, Infinity]}";
        assertThat(parser.parse(text, "x").view().getDoubles("time_step_limit").orElseThrow()[1]).isInfinite();
    }

    @Test
    void misspeltKeyIsAWarningWithTheClosestKnownKey() throws Exception {
        ObjectNode cfg = fixtureConfig();
        cfg.put("layer_norm_epsilom", 1e-5);
        cfg.put("mamba_ssm_cache_dtype", "float32"); // an HF key the SDK does not read: no warning
        cfg.put("_comment", "private keys are never reported");
        java.util.List<String> warnings = new java.util.ArrayList<>();
        NemotronHConfig c = parser.parse(cfg.toString(), "config.json", warnings::add);
        assertThat(c.pattern()).isEqualTo("M-M*-M-M*-");
        assertThat(warnings).containsExactly(
                "config.json: unknown field 'layer_norm_epsilom' (ignored); did you mean 'layer_norm_epsilon'?");
    }

    @Test
    void theFixtureHasNoUnknownKeys() throws Exception {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        parser.parse(fixtureConfig().toString(), "config.json", warnings::add);
        parser.parse(patternSpelling(fixtureConfig()).toString(), "config.json", warnings::add);
        assertThat(warnings).isEmpty();
    }

    @Test
    void unknownPatternSymbolIsNamed() throws Exception {
        ObjectNode cfg = patternSpelling(fixtureConfig());
        cfg.put("hybrid_override_pattern", "M-X*-M-M*-");
        assertThatThrownBy(() -> parser.parse(cfg.toString(), "config.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hybrid_override_pattern[2] = 'X'")
                .hasMessageContaining("M (Mamba-2)");
    }

    @Test
    void unknownBlockTypeIsNamed() throws Exception {
        ObjectNode cfg = fixtureConfig();
        ((ArrayNode) cfg.get("layers_block_type")).set(4, "sliding_attention");
        assertThatThrownBy(() -> parser.parse(cfg.toString(), "config.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("layers_block_type[4] = \"sliding_attention\"");
    }

    @Test
    void missingFieldsAreNamed() throws Exception {
        for (String field : new String[] {"hidden_size", "vocab_size", "mamba_num_heads", "ssm_state_size",
            "num_attention_heads", "intermediate_size", "layers_block_type"}) {
            ObjectNode cfg = fixtureConfig();
            cfg.remove(field);
            assertThatThrownBy(() -> parser.parse(cfg.toString(), "config.json"))
                    .as(field).isInstanceOf(ConfigException.class).hasMessageContaining("'" + field + "'");
        }
    }

    @Test
    void headsMustDivideByKvHeads() throws Exception {
        ObjectNode cfg = fixtureConfig();
        cfg.put("num_key_value_heads", 3);
        assertThatThrownBy(() -> parser.parse(cfg.toString(), "config.json"))
                .hasMessageContaining("num_attention_heads (4) must be divisible by num_key_value_heads (3)");
    }

    @Test
    void mambaHeadsMustDivideByGroups() throws Exception {
        ObjectNode cfg = fixtureConfig();
        cfg.put("n_groups", 3);
        assertThatThrownBy(() -> parser.parse(cfg.toString(), "config.json"))
                .hasMessageContaining("mamba_num_heads (8) must be divisible by n_groups (3)");
    }

    @Test
    void inconsistentSpellingsAndLayerCountsAreRejected() throws Exception {
        ObjectNode both = fixtureConfig();
        both.put("hybrid_override_pattern", "M-M*-M-M--");
        assertThatThrownBy(() -> parser.parse(both.toString(), "c")).hasMessageContaining("disagrees with layers_block_type");
        ObjectNode count = fixtureConfig();
        count.put("num_hidden_layers", 12);
        assertThatThrownBy(() -> parser.parse(count.toString(), "c")).hasMessageContaining("num_hidden_layers = 12");
    }

    /** Found by ConfigFuzzTest: Jackson reports its nesting limit without a location (was a NullPointerException). */
    @Test
    void nestingBeyondJacksonsLimitIsAConfigError() {
        String deep = "{\"a\":" + "[".repeat(1001) + "]".repeat(1001) + "}";
        assertThatThrownBy(() -> parser.parse(deep, "c.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("c.json: not valid JSON: ")
                .hasMessageContaining("nesting depth");
    }

    /** Found by ConfigFuzzTest: a value holding a line break was quoted as is, making a two-line error. */
    @Test
    void quotedValuesStayOnOneLine() throws Exception {
        String c = Files.readString(Path.of("../examples/configs/tiny-hybrid/config.json"))
                .replace("\"mamba_hidden_act\": \"silu\"", "\"mamba_hidden_act\": \"gelu\\nsilu\"");
        assertThatThrownBy(() -> parser.parse(c, "c.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'mamba_hidden_act'")
                .hasMessageContaining("gelu\\nsilu")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void wrongTypesAndBadJsonGiveOneLine() {
        assertThatThrownBy(() -> parser.parse("{\"vocab_size\": \"many\"}", "c.json"))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parser.parse("{\"hidden_size\": 64,", "c.json"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parser.parse("[1, 2]", "c.json")).hasMessageContaining("JSON object");
        String negative = "{\"vocab_size\": 8, \"hidden_size\": -4, \"hybrid_override_pattern\": \"-\", \"intermediate_size\": 8}";
        assertThatThrownBy(() -> parser.parse(negative, "c.json")).hasMessageContaining("'hidden_size' must be positive");
    }

    @Test
    void missingFileIsReported(@TempDir Path dir) {
        assertThatThrownBy(() -> parser.parse(dir)).isInstanceOf(ConfigException.class).hasMessageContaining("config.json");
    }
}
