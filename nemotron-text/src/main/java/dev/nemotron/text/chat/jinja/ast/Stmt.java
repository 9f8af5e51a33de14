package dev.nemotron.text.chat.jinja.ast;

import java.util.List;

/** Jinja statements (template nodes). Every node carries the 1-based source line it starts on. */
public sealed interface Stmt {
    /** The source line, for error messages. */
    int line();

    /** Literal text. */
    record Text(String text, int line) implements Stmt { }

    /** {@code {{ expr }}}. */
    record Output(Expr expr, int line) implements Stmt { }

    /** {@code {% if %}…{% elif %}…{% else %}…{% endif %}}: elifs are nested {@code If}s in {@code otherwise}. */
    record If(Expr condition, List<Stmt> then, List<Stmt> otherwise, int line) implements Stmt { }

    /** {@code {% for targets in iterable [if filter] %}body{% else %}empty{% endfor %}}. */
    record For(List<String> targets, Expr iterable, Expr filter, List<Stmt> body, List<Stmt> empty, int line)
            implements Stmt { }

    /** {@code {% set a[, b] = expr %}}. */
    record Set(List<String> targets, Expr value, int line) implements Stmt { }

    /** {@code {% set ns.attr = expr %}}. */
    record SetAttr(String target, String attr, Expr value, int line) implements Stmt { }

    /** {@code {% set name %}body{% endset %}}. */
    record SetBlock(String target, List<Stmt> body, int line) implements Stmt { }

    /** {@code {% macro name(params) %}body{% endmacro %}}; {@code defaults} aligns with the trailing params. */
    record Macro(String name, List<String> params, List<Expr> defaults, List<Stmt> body, int line) implements Stmt { }

    /** {@code {% break %}}. */
    record Break(int line) implements Stmt { }

    /** {@code {% continue %}}. */
    record Continue(int line) implements Stmt { }

    /** A block whose body is rendered as is ({@code {% generation %}} of HF's assistant-mask extension). */
    record Block(List<Stmt> body, int line) implements Stmt { }
}
