package dev.nemotron.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMappersTest {
    @Test
    void readsNonNumericNumbersAndRejectsTrailingContent() throws Exception {
        assertThat(JsonMappers.json().readTree("{\"eps\": Infinity}").get("eps").doubleValue()).isInfinite();
        assertThatThrownBy(() -> JsonMappers.json().readTree("{\"a\": 1} x")).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void flavoursDifferOnlyWhereNamed() throws Exception {
        assertThat(JsonMappers.json().readTree("{\"a\": 1, \"a\": 2}").get("a").intValue()).isEqualTo(2);
        assertThatThrownBy(() -> JsonMappers.strict().readTree("{\"a\": 1, \"a\": 2}")).hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> JsonMappers.strict().readTree("{\"t\": NaN}")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> JsonMappers.strict().readTree("{} {}")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> JsonMappers.json().readTree("[1, 2,]")).isInstanceOf(JsonProcessingException.class);
        assertThat(JsonMappers.lenient().readTree("[1, 2,]").size()).isEqualTo(2);
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", 2);
        assertThat(JsonMappers.canonical().writeValueAsString(m)).isEqualTo("{\"a\":2,\"b\":1}");
        assertThat(JsonMappers.pretty().writeValueAsString(m)).contains("\n");
    }

    @Test
    void eachCallIsAFreshMapper() {
        assertThat(JsonMappers.json()).isNotSameAs(JsonMappers.json());
    }

    record Row(String modelName, int steps) {
    }

    @Test
    void snakeCaseBindingMapsRecordFieldsAndIgnoresUnknownOnes() throws Exception {
        Row r = JsonMappers.snakeCaseBinding().readValue("{\"model_name\": \"m\", \"steps\": 3, \"extra\": 1}", Row.class);
        assertThat(r).isEqualTo(new Row("m", 3));
    }
}
