package dev.nemotron.text.chat.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.JinjaChatTemplate;
import dev.nemotron.text.chat.jinja.error.TemplateRenderError;
import dev.nemotron.text.chat.jinja.error.TemplateSyntaxError;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Templates that recurse or grow without end fail with a clear error, never a StackOverflowError or OutOfMemoryError. */
class JinjaLimitsTest {

    @Test
    void aMacroThatCallsItselfForEverIsAClearRenderError() {
        JinjaTemplate t = JinjaTemplate.compile("{% macro f(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}");
        assertThatThrownBy(() -> t.render(Map.of()))
                .isInstanceOf(TemplateRenderError.class)
                .hasMessageContaining("macro 'f' calls nest deeper than 100");
    }

    @Test
    void boundedRecursionStillWorks() {
        JinjaTemplate t = JinjaTemplate.compile(
                "{% macro down(n) %}{{ n }}{% if n > 0 %},{{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(50) }}");
        assertThat(t.render(Map.of())).startsWith("50,49,").endsWith(",1,0");
    }

    @Test
    void deeplyNestedSourceIsASyntaxOrRenderErrorNotAStackOverflow() {
        String deep = "{{ " + "(".repeat(200_000) + "1" + ")".repeat(200_000) + " }}";
        assertThatThrownBy(() -> JinjaTemplate.compile(deep).render(Map.of()))
                .isInstanceOfAny(TemplateSyntaxError.class, TemplateRenderError.class)
                .hasMessageContaining("nested more than 256 levels deep");
    }

    @Test
    void exponentialOutputAndHugeRangesAreRefused() {
        JinjaTemplate doubling = JinjaTemplate.compile("{% macro d(n) %}{% if n > 0 %}{{ d(n - 1) }}{{ d(n - 1) }}"
                + "{% else %}xxxxxxxxxxxxxxxx{% endif %}{% endmacro %}{{ d(40) }}");
        assertThatThrownBy(() -> doubling.render(Map.of())).isInstanceOf(TemplateRenderError.class)
                .hasMessageContaining("more than 2000000 statements");
        JinjaTemplate wide = JinjaTemplate.compile("{% set s = 'x' * 1000000 %}{% for i in range(100) %}{{ s }}{% endfor %}");
        assertThatThrownBy(() -> wide.render(Map.of())).isInstanceOf(TemplateRenderError.class)
                .hasMessageContaining("more than 16777216 characters");
        assertThatThrownBy(() -> JinjaTemplate.compile("{{ 'ab' * 100000000000 }}").render(Map.of()))
                .isInstanceOf(TemplateRenderError.class).hasMessageContaining("repetition");
        assertThatThrownBy(() -> JinjaTemplate.compile("{% for i in range(10000000000) %}{% endfor %}").render(Map.of()))
                .isInstanceOf(TemplateRenderError.class).hasMessageContaining("range()");
    }

    /** A template that fails on every conversation is refused when it is loaded, with one clear message. */
    @Test
    void aTemplateThatCannotRenderIsRefusedAtLoad() {
        assertThatThrownBy(() -> JinjaChatTemplate.of("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", null, null))
                .isInstanceOf(NemotronException.class)
                .hasMessageStartingWith("chat template cannot render a simple conversation")
                .hasMessageContaining("nest deeper than 100");
        // a template that refuses some inputs by raise_exception is a valid template
        JinjaChatTemplate strict = JinjaChatTemplate.of("{% if messages[0].role == 'user' %}"
                + "{{ raise_exception('a system message must come first') }}{% endif %}", null, null);
        assertThat(strict).isNotNull();
    }
}
