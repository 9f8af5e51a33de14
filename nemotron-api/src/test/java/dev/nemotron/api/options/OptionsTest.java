package dev.nemotron.api.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {
    private static Options of(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return Options.of("t.yaml: metrics[0]", m);
    }

    @Test
    void typedGettersNameTheSourceAndTheField() {
        Options o = of("k", 3, "x", "2.5", "s", "abc", "b", true);
        assertThat(o.integer("k")).isEqualTo(3);
        assertThat(o.number("x")).isEqualTo(2.5);
        assertThat(o.integer("missing", 7)).isEqualTo(7);
        assertThat(o.bool("b", false)).isTrue();
        assertThatThrownBy(() -> o.integer("s")).isInstanceOf(NemotronException.class)
                .hasMessage("t.yaml: metrics[0]: field 's' must be an integer, got \"abc\"");
        assertThatThrownBy(() -> o.string("nope")).hasMessage("t.yaml: metrics[0]: missing field 'nope'");
    }

    @Test
    void unknownFieldIsAnErrorWithTheClosestKnownOne() {
        assertThatThrownBy(() -> of("ignore_cas", true).requireOnly(List.of("ignore_case", "regex")))
                .isInstanceOf(NemotronException.class)
                .hasMessage("t.yaml: metrics[0]: unknown field 'ignore_cas' (known: ignore_case, regex);"
                        + " did you mean 'ignore_case'?");
        assertThatThrownBy(() -> of("regx", 1, "zzzzzz", 2).requireOnly(List.of("ignore_case", "regex")))
                .hasMessage("t.yaml: metrics[0]: unknown fields 'regx', 'zzzzzz' (known: ignore_case, regex);"
                        + " did you mean 'regex' for 'regx'?");
        of("regex", 1).requireOnly(List.of("regex"));
    }

    @Test
    void unknownWarningsListEachUnknownFieldOnce() {
        Options o = of("layer_norm_epsilom", 1e-5, "hidden_size", 8, "totally_new_key", 1);
        assertThat(o.unknownWarnings(List.of("layer_norm_epsilon", "hidden_size"))).containsExactly(
                "t.yaml: metrics[0]: unknown field 'layer_norm_epsilom' (ignored); did you mean 'layer_norm_epsilon'?",
                "t.yaml: metrics[0]: unknown field 'totally_new_key' (ignored)");
        assertThat(of("hidden_size", 8).unknownWarnings(List.of("hidden_size"))).isEmpty();
    }
}
