package dev.nemotron.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StageParamsTest {
    private static StageParams params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return StageParams.of("pretrain", m);
    }

    @Test
    void typedGettersReadValuesAndDefaults() {
        StageParams p = params("steps", 200, "lr", 3.0e-4, "name", "x", "chat", false, "big", 5_000_000_000L,
                "exp", "3e-4", "whole", 2.0, "files", List.of("a", "b"), "one", "c", "none", null);
        assertThat(p.integer("steps")).isEqualTo(200);
        assertThat(p.integer("missing", 7)).isEqualTo(7);
        assertThat(p.integer("whole")).isEqualTo(2);
        assertThat(p.longInteger("big", 0)).isEqualTo(5_000_000_000L);
        assertThat(p.number("lr", 0)).isEqualTo(3.0e-4);
        assertThat(p.number("steps")).isEqualTo(200.0);
        assertThat(p.number("exp")).isEqualTo(3.0e-4);
        assertThat(p.string("name")).isEqualTo("x");
        assertThat(p.string("none", "d")).isEqualTo("d");
        assertThat(p.has("none")).isFalse();
        assertThat(p.bool("chat", true)).isFalse();
        assertThat(p.bool("missing", true)).isTrue();
        assertThat(p.strings("files")).containsExactly("a", "b");
        assertThat(p.strings("one")).containsExactly("c");
        assertThat(p.strings("missing")).isEmpty();
        assertThat(p.optionalInteger("missing")).isEmpty();
        assertThat(p.asMap().keySet()).startsWith("steps", "lr", "name");
    }

    @Test
    void errorsNameTheStageAndTheFieldAndShowTheValue() {
        StageParams p = params("steps", "abc", "lr", "fast", "chat", "yes", "files", List.of("a", 3), "frac", 2.5,
                "huge", new BigInteger("99999999999999999999"), "int", 3_000_000_000L, "name", 12);
        assertThatThrownBy(() -> p.integer("steps")).isInstanceOf(NemotronException.class)
                .hasMessage("stage 'pretrain': field 'steps' must be an integer, got \"abc\"");
        assertThatThrownBy(() -> p.number("lr", 1)).hasMessage("stage 'pretrain': field 'lr' must be a number, got \"fast\"");
        assertThatThrownBy(() -> p.bool("chat", true)).hasMessage("stage 'pretrain': field 'chat' must be true or false, got \"yes\"");
        assertThatThrownBy(() -> p.strings("files")).hasMessage("stage 'pretrain': field 'files' must be a list of strings, got [\"a\", 3]");
        assertThatThrownBy(() -> p.integer("frac")).hasMessage("stage 'pretrain': field 'frac' must be an integer, got 2.5");
        assertThatThrownBy(() -> p.longInteger("huge", 0)).hasMessage(
                "stage 'pretrain': field 'huge' must be an integer within 64 bits, got 99999999999999999999");
        assertThatThrownBy(() -> p.integer("int")).hasMessage(
                "stage 'pretrain': field 'int' must be an integer between -2147483648 and 2147483647, got 3000000000");
        assertThatThrownBy(() -> p.string("name")).hasMessage("stage 'pretrain': field 'name' must be a string, got 12");
        assertThatThrownBy(() -> p.string("data")).hasMessage("stage 'pretrain': missing field 'data'");
        assertThatThrownBy(() -> p.requireOnly(Set.of("steps", "lr"))).hasMessage(
                "stage 'pretrain': unknown fields 'chat', 'files', 'frac', 'huge', 'int', 'name' (known: lr, steps)");
        assertThatThrownBy(() -> params("stepz", 1).requireOnly(List.of("steps"))).hasMessage(
                "stage 'pretrain': unknown field 'stepz' (known: steps); did you mean 'steps'?");
        assertThat(p.invalid("steps", "must be positive, got 0")).hasMessage("stage 'pretrain': field 'steps' must be positive, got 0");
    }

    @Test
    void valuesAreCopiedAndMustBeJson() {
        Map<String, Object> nested = new HashMap<>();
        nested.put("p", Path.of("/x"));
        List<Object> list = new java.util.ArrayList<>(Arrays.asList(1, 2));
        StageParams p = StageParams.of("s", Map.of("m", nested, "l", list, "f", 1.5f));
        list.add(3);
        assertThat(p.asMap().get("l")).isEqualTo(List.of(1, 2));
        assertThat(p.asMap().get("m")).isEqualTo(Map.of("p", "/x"));
        assertThat(p.asMap().get("f")).isEqualTo(1.5);
        assertThatThrownBy(() -> StageParams.of("s", Map.of("bad", List.of(new Object()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("stage 's': field 'bad[0]' is a java.lang.Object");
    }

    @Test
    void describeQuotesAndCutsLongValues() {
        assertThat(StageParams.describe("a\"b\n")).isEqualTo("\"a\\\"b\\n\"");
        assertThat(StageParams.describe("x".repeat(200))).hasSize(80).endsWith("...");
        assertThat(StageParams.describe(Map.of("k", List.of(true)))).isEqualTo("{\"k\": [true]}");
    }
}
