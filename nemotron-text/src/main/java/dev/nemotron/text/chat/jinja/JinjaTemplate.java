package dev.nemotron.text.chat.jinja;

import dev.nemotron.text.chat.jinja.ast.Stmt;
import dev.nemotron.text.chat.jinja.error.TemplateRenderError;
import dev.nemotron.text.chat.jinja.error.TemplateSyntaxError;
import dev.nemotron.text.chat.jinja.parser.Parser;
import dev.nemotron.text.chat.jinja.runtime.Interpreter;

import java.util.List;
import java.util.Map;

/**
 * A compiled Jinja template of the subset HF chat templates use, rendered with the HF
 * environment's rules ({@code trim_blocks}, {@code lstrip_blocks}, Python string methods,
 * HF's {@code tojson}, {@code raise_exception}).
 */
public final class JinjaTemplate {
    private final List<Stmt> body;

    private JinjaTemplate(List<Stmt> body) {
        this.body = body;
    }

    /**
     * Parses {@code source}.
     *
     * @throws TemplateSyntaxError with the line and column of the first error
     */
    public static JinjaTemplate compile(String source) {
        try {
            return new JinjaTemplate(Parser.parse(source));
        } catch (StackOverflowError e) {
            // the parser descends once per nesting level: a template nested thousands deep cannot be read
            throw new TemplateSyntaxError("the template nests expressions or blocks too deeply to parse");
        }
    }

    /**
     * Renders with {@code context} (values: String, Long, Double, Boolean, null, List, Map).
     *
     * @throws TemplateRenderError when the template fails or calls {@code raise_exception}
     */
    public String render(Map<String, Object> context) {
        return Interpreter.render(body, context);
    }
}
