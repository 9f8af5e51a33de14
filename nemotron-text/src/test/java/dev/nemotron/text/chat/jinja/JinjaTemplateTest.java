package dev.nemotron.text.chat.jinja;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.jinja.error.TemplateRenderError;
import dev.nemotron.text.chat.jinja.error.TemplateSyntaxError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Jinja subset HF chat templates use; expected values are what Python's Jinja2 prints. */
class JinjaTemplateTest {
    private static String render(String source, Map<String, Object> context) {
        return JinjaTemplate.compile(source).render(context);
    }

    private static String render(String source) {
        return render(source, new HashMap<>());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
        "{{ [1, 2, 3][::-1] }} => [3, 2, 1]",
        "{{ [1, 2, 3][1:] }} => [2, 3]",
        "{{ [1, 2, 3][:-1] }} => [1, 2]",
        "{{ 'abcdef'[1:5:2] }} => bd",
        "{{ 'abc'.startswith('a') }} {{ 'abc'.endswith(('x', 'c')) }} => True True",
        "{{ '  x  '.strip() }} => x",
        "{{ 'xxaxx'.lstrip('x') }}{{ 'xxaxx'.rstrip('x') }} => axxxxa",
        "{{ 'a</think>b</think>c'.split('</think>')[1] }} => b",
        "{{ 'a b  c'.split() }} => ['a', 'b', 'c']",
        "{{ 'a,b,c'.split(',', 1) }} => ['a', 'b,c']",
        "{{ 'a/think b'.replace('/think', '') }} => a b",
        "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }} => 3",
        "{% set n = 0 %}{% for i in range(3) %}{% set n = n + i %}{% endfor %}{{ n }} => 0",
        "{% for x in 'ab' %}{{ loop.index0 }}{{ loop.index }}{{ loop.first }}{{ loop.last }};{% endfor %} => 01TrueFalse;12FalseTrue;",
        "{{ {'a': 1, 'b': [true, none, 1.5, 'x']} | tojson }} => {\"a\": 1, \"b\": [true, null, 1.5, \"x\"]}",
        "{{ {'a': 1} | tojson(indent=2) }} => `{\n  \"a\": 1\n}`",
        "{{ foo is defined }} {{ foo is not defined }} {{ none is none }} => False True True",
        "{{ 'x' is string }} {{ 1 is number }} {{ false is false }} {{ 0 is false }} => True True True False",
        "{{ foo | default('d') }} {{ '' | default('e', true) }} => d e",
        "{{ [3, 1] | length }} {{ 'héllo' | length }} => 2 5",
        "{{ 1 if false }} => ``",
        "{{ 'a' if 1 > 2 else 'b' }} => b",
        "{{ 7 // 2 }} {{ 7 / 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 'ab' * 2 }} => 3 3.5 2 1024 abab",
        "{{ 'x' ~ 1 ~ none }} => x1None",
        "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} => True True True True",
        "{{ [1, 2] | join(', ') }} => 1, 2",
        "{{ [{'n': 'a'}, {'n': 'b'}] | map(attribute='n') | join }} => ab",
        "{{ [{'r': 'x'}, {'r': 'y'}] | selectattr('r', 'equalto', 'y') | list | length }} => 1",
        "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %} => a=1;b=2;",
        "{% for x in [1, 2, 3, 4] if x is even %}{{ x }}{% endfor %} => 24",
        "{% for x in [] %}a{% else %}empty{% endfor %} => empty",
        "{% for x in [1, 2, 3] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %} => 1",
        "{% macro m(a, b='B') %}{{ a }}{{ b }}{% endmacro %}{{ m('A') }}{{ m('C', b='D') }} => ABCD",
        "{% set x %}in{{ 1 }}{% endset %}{{ x }} => in1",
        "{{ 1.0 }} {{ 1e20 }} {{ 0.0001 }} {{ 1e-05 }} {{ true }} => 1.0 1e+20 0.0001 1e-05 True",
        "{{ 'it''s' }}{{ \"a\\nb\" | length }} => its3",
        "{# comment #}{{ 'x' | upper }}{{ 'Hello World' | lower }} => Xhello world",
    })
    void pythonSemantics(String template, String expected) {
        assertThat(render(template)).isEqualTo(expected);
    }

    @Test
    void whitespaceControlAsInHfEnvironment() {
        // trim_blocks drops the newline after a block tag; lstrip_blocks drops the indentation before it;
        // '-' strips all whitespace on its side.
        String template = "<\n    {%- if true %}\n    a\n    {% endif %}\n>{{- '  b  ' -}}  \n\n<";
        assertThat(render(template)).isEqualTo("<    a\n>  b  <");
    }

    @Test
    void plusDisablesLstrip() {
        assertThat(render("x\n  {%+ if true %}y{% endif %}")).isEqualTo("x\n  y");
    }

    @Test
    void messagesFromJavaCollections() {
        Map<String, Object> ctx = Map.of("messages", List.of(Map.of("role", "user", "content", "hi")),
                "add_generation_prompt", true);
        assertThat(render("{% for m in messages %}<{{ m.role }}|{{ m['content'] }}>{% endfor %}"
                + "{% if add_generation_prompt %}[gen]{% endif %}", ctx)).isEqualTo("<user|hi>[gen]");
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> JinjaTemplate.compile("line one\n{% if x %}\n  {{ x + }}\n{% endif %}"))
                .isInstanceOf(TemplateSyntaxError.class).isInstanceOf(NemotronException.class)
                .hasMessage("chat template syntax error at line 3, column 10: unexpected '}}'");
        assertThatThrownBy(() -> JinjaTemplate.compile("{% for x in y %}no end"))
                .hasMessage("chat template syntax error at line 1, column 23: missing '{% else %}' or '{% endfor %}'");
        assertThatThrownBy(() -> JinjaTemplate.compile("{% frobnicate %}"))
                .hasMessage("chat template syntax error at line 1, column 4: unknown tag 'frobnicate'");
        assertThatThrownBy(() -> JinjaTemplate.compile("{{ 'open }}"))
                .hasMessageStartingWith("chat template syntax error at line 1, column 4: unterminated string");
    }

    @Test
    void raiseExceptionIsAUserError() {
        assertThatThrownBy(() -> render("ok\n{{ raise_exception('Conversation roles must alternate') }}"))
                .isInstanceOf(TemplateRenderError.class).isInstanceOf(NemotronException.class)
                .hasMessage("chat template raised an error at line 2: Conversation roles must alternate");
    }

    @Test
    void runtimeErrorsNameTheLine() {
        assertThatThrownBy(() -> render("\n{{ foo.bar }}"))
                .hasMessage("chat template failed at line 2: 'foo' is undefined");
        assertThatThrownBy(() -> render("{{ 'a' + 1 }}"))
                .hasMessage("chat template failed at line 1: unsupported operand type(s) for +: 'str' and 'int'");
        assertThatThrownBy(() -> render("{{ 'x' | nosuchfilter }}"))
                .hasMessage("chat template failed at line 1: no filter named 'nosuchfilter'");
    }
}
