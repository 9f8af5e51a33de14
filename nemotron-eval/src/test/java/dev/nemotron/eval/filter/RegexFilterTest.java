package dev.nemotron.eval.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.eval.config.Fields;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answer extraction: regex with group and first/last selection, strip, pipelines. */
class RegexFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static AnswerFilter filter(String json) throws Exception {
        return AnswerFilters.of(List.of()).create(Fields.of(JSON.readTree(json), "t.yaml: filters[0]"));
    }

    @Test
    void groupsAndSelection() throws Exception {
        assertThat(filter("{\"type\":\"regex\",\"pattern\":\"#### (-?[0-9.,]+)\"}").apply("a\n#### 1,200\n")).isEqualTo("1,200");
        AnswerFilter last = filter("{\"type\":\"regex\",\"pattern\":\"-?[0-9]+\",\"select\":\"last\"}");
        assertThat(last.apply("3 + 48 = 51")).isEqualTo("51");
        assertThat(last.apply("no digits")).isEqualTo("[invalid]");
        assertThat(filter("{\"type\":\"regex\",\"pattern\":\"[0-9]+\",\"select\":1}").apply("1 2 3")).isEqualTo("2");
        assertThat(filter("{\"type\":\"regex\",\"pattern\":\"[0-9]+\",\"select\":-2,\"fallback\":\"\"}").apply("1 2 3")).isEqualTo("2");
        assertThat(filter("{\"type\":\"regex\",\"pattern\":\"[0-9]+\",\"select\":5,\"fallback\":\"none\"}").apply("1 2")).isEqualTo("none");
        // lm-eval's flexible-extract: alternatives, the group that matched is taken
        AnswerFilter flexible = filter("{\"type\":\"regex\",\"pattern\":\"(-?[$0-9.,]{2,})|(-?[0-9]+)\",\"select\":\"last\"}");
        assertThat(flexible.apply("so she makes $18.")).isEqualTo("$18.");
        assertThat(flexible.apply("total 7 and then 5")).isEqualTo("5");
    }

    @Test
    void pipelineAndBuiltins() throws Exception {
        AnswerFilters filters = AnswerFilters.of(List.of());
        AnswerFilter p = filters.pipeline(List.of(Fields.of(JSON.readTree("{\"type\":\"take_first_line\"}"), "f[0]"),
                Fields.of(JSON.readTree("{\"type\":\"lowercase\"}"), "f[1]"), Fields.of(JSON.readTree("{\"type\":\"strip\"}"), "f[2]")));
        assertThat(p.apply("\n  Paris IS nice \nmore")).isEqualTo("paris is nice");
        assertThat(filters.pipeline(List.of()).apply(" x ")).isEqualTo(" x ");
    }

    @Test
    void badFiltersNameTheField() {
        assertThatThrownBy(() -> filter("{\"type\":\"regx\"}")).hasMessageContaining("t.yaml: filters[0].type: unknown filter type 'regx'");
        assertThatThrownBy(() -> filter("{\"type\":\"regex\",\"pattern\":\"(\"}"))
                .hasMessageContaining("t.yaml: filters[0].pattern is not a valid regular expression");
        assertThatThrownBy(() -> filter("{\"type\":\"regex\",\"pattern\":\"(a)\",\"group\":2}"))
                .hasMessageContaining("t.yaml: filters[0].group must be in 0..1");
        assertThatThrownBy(() -> filter("{\"type\":\"regex\",\"pattern\":\"a\",\"select\":\"middle\"}"))
                .hasMessageContaining("t.yaml: filters[0].select must be first, last or a match number");
        assertThatThrownBy(() -> filter("{\"type\":\"strip\",\"chars\":\"x\"}")).hasMessageContaining("unknown field 'chars'");
    }
}
