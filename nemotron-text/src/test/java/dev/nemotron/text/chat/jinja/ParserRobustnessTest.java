package dev.nemotron.text.chat.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.text.chat.jinja.error.TemplateSyntaxError;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Found by ChatTemplateFuzzTest. Deeply nested expressions overflowed the stack while parsing
 * ({@code [[[[...}, {@code ((((...}) or evaluating ({@code - - - 1}, {@code 1 + 1 + ... + 1}); they are
 * now a syntax error, while realistic depths still render.
 */
class ParserRobustnessTest {
    static String nested(String kind, int n) {
        return switch (kind) {
            case "list" -> "[".repeat(n) + "1" + "]".repeat(n);
            case "parens" -> "(".repeat(n) + "1" + ")".repeat(n);
            case "dict" -> "{'a':".repeat(n) + "1" + "}".repeat(n);
            case "minus" -> "- ".repeat(n) + "1";
            case "not" -> "not ".repeat(n) + "1";
            case "sum" -> "1" + " + 1".repeat(n);
            case "and" -> "1" + " and 1".repeat(n);
            case "compare" -> "1" + " < 2".repeat(n);
            case "filters" -> "1" + " | abs".repeat(n);
            case "tests" -> "1" + " is number".repeat(n);
            case "attributes" -> "x" + ".a".repeat(n);
            case "calls" -> "f" + "()".repeat(n);
            case "conditional" -> "1" + " if 1".repeat(n);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "parens", "dict", "minus", "not", "sum", "and", "compare", "filters", "tests",
        "attributes", "calls", "conditional"})
    void tooDeepIsASyntaxErrorNotAStackOverflow(String kind) {
        for (int n : new int[] {300, 20_000}) {
            assertThatThrownBy(() -> JinjaTemplate.compile("{{ " + nested(kind, n) + " }}"))
                    .isInstanceOf(TemplateSyntaxError.class)
                    .hasMessageContaining("expression nested more than 256 levels deep");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "parens", "dict", "minus", "not", "sum", "and", "filters"})
    void realisticDepthsRender(String kind) {
        Map<String, Object> ctx = new HashMap<>();
        String out = JinjaTemplate.compile("{{ " + nested(kind, 40) + " }}").render(ctx);
        assertThat(out).isNotEmpty();
    }

    /** Found by ChatTemplateFuzzTest: a string token with a line break made a two-line error message. */
    @org.junit.jupiter.api.Test
    void unexpectedTokenIsShownOnOneLine() {
        assertThatThrownBy(() -> JinjaTemplate.compile("{{ x '<tool_call>\n{\"name\": \"' }}"))
                .isInstanceOf(TemplateSyntaxError.class)
                .hasMessage("chat template syntax error at line 1, column 6: expected '}}' but found string "
                        + "'<tool_call>\\n{\"name\": \"'");
        assertThatThrownBy(() -> JinjaTemplate.compile("{{ x '" + "y".repeat(100) + "' }}"))
                .hasMessageEndingWith("'" + "y".repeat(37) + "...'");
    }

    /** Found by ChatTemplateFuzzTest: an integer beyond 64 bits was a NumberFormatException. */
    @org.junit.jupiter.api.Test
    void hugeIntegerIsASyntaxError() {
        for (String src : new String[] {"{{ messages[99999999999999999999999999] }}", "{{ x.99999999999999999999 }}"}) {
            assertThatThrownBy(() -> JinjaTemplate.compile(src))
                    .isInstanceOf(TemplateSyntaxError.class)
                    .hasMessageContaining("is out of range (at most 9223372036854775807)");
        }
        assertThat(JinjaTemplate.compile("{{ 9223372036854775807 }}").render(new HashMap<>())).isEqualTo("9223372036854775807");
    }

    /** Found by ChatTemplateFuzzTest: {@code \\u} or {@code \\U} not followed by hex digits (or past U+10FFFF) threw. */
    @org.junit.jupiter.api.Test
    void badUnicodeEscapesAreKeptAsWritten() {
        assertThat(JinjaTemplate.compile("{{ '\\u007\"x' }}").render(new HashMap<>())).isEqualTo("\\u007\"x");
        assertThat(JinjaTemplate.compile("{{ '\\U00110000' }}").render(new HashMap<>())).isEqualTo("\\U00110000");
        assertThat(JinjaTemplate.compile("{{ '\\u+041' }}").render(new HashMap<>())).isEqualTo("\\u+041");
        assertThat(JinjaTemplate.compile("{{ '\\u0041\\U0001F600' }}").render(new HashMap<>())).isEqualTo("A\uD83D\uDE00");
    }

    /** Found by ChatTemplateFuzzTest: a slice bound that is not a number was a ClassCastException. */
    @org.junit.jupiter.api.Test
    void nonIntegerSliceBoundIsARenderError() {
        for (String src : new String[] {"{{ 'abc'[1:nothing] }}", "{{ [1, 2][none:'x'] }}", "{{ 'abc'[::[1]] }}"}) {
            assertThatThrownBy(() -> JinjaTemplate.compile(src).render(new HashMap<>()))
                    .isInstanceOf(dev.nemotron.text.chat.jinja.error.TemplateRenderError.class)
                    .hasMessageContaining("cannot be interpreted as an integer");
        }
    }
}
