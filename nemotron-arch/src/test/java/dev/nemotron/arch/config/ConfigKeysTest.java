package dev.nemotron.arch.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.layer.ModelConfigView;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {
    @Test
    void onlyKeysNeitherHfNorALayerTypeReadsWarn() {
        List<String> keys = List.of("hidden_size", "n_routed_experts", "architectures", "my_plugin_width",
                "num_atention_heads", "completely_unrelated");
        assertThat(ConfigKeys.warnings(keys.iterator(), Set.of("my_plugin_width"), "m/config.json")).containsExactly(
                "m/config.json: unknown field 'completely_unrelated' (ignored)",
                "m/config.json: unknown field 'num_atention_heads' (ignored); did you mean 'num_attention_heads'?");
    }

    @Test
    void recordingViewNotesEveryFieldALayerAsksAbout() {
        JsonConfigView view = new JsonConfigView(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("hidden_size", 8).put("plugin_flag", true), "x");
        Set<String> read = new HashSet<>();
        ModelConfigView r = ConfigKeys.recording(view, read);
        assertThat(r.getBoolean("plugin_flag", false)).isTrue();
        assertThat(r.has("plugin_size")).isFalse();
        assertThat(r.getString("plugin_name")).isEmpty();
        assertThat(r.hiddenSize()).isEqualTo(8);
        assertThat(read).containsExactlyInAnyOrder("plugin_flag", "plugin_size", "plugin_name");
    }
}
