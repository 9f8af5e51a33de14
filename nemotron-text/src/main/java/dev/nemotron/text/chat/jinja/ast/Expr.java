package dev.nemotron.text.chat.jinja.ast;

import java.util.List;
import java.util.Map;

/** Jinja expressions. Every node carries the 1-based source line it starts on. */
public sealed interface Expr {
    /** The source line, for error messages. */
    int line();

    /** A literal: string, {@link Long}, {@link Double}, {@link Boolean} or {@code null} (none). */
    record Literal(Object value, int line) implements Expr { }

    /** A variable reference. */
    record Name(String name, int line) implements Expr { }

    /** {@code target.name}. */
    record GetAttr(Expr target, String name, int line) implements Expr { }

    /** {@code target[index]}. */
    record GetItem(Expr target, Expr index, int line) implements Expr { }

    /** {@code target[start:stop:step]}; absent parts are {@code null}. */
    record Slice(Expr target, Expr start, Expr stop, Expr step, int line) implements Expr { }

    /** {@code callee(args, name=value)}. */
    record Call(Expr callee, List<Expr> args, Map<String, Expr> kwargs, int line) implements Expr { }

    /** {@code value | name(args)}. */
    record Filter(Expr value, String name, List<Expr> args, Map<String, Expr> kwargs, int line) implements Expr { }

    /** {@code value is [not] name(args)}. */
    record Test(Expr value, String name, List<Expr> args, boolean negated, int line) implements Expr { }

    /** {@code not x}, {@code -x}, {@code +x}. */
    record Unary(String op, Expr operand, int line) implements Expr { }

    /** Arithmetic, comparison, {@code in}, {@code not in}, {@code ~}, {@code and}, {@code or}. */
    record Binary(String op, Expr left, Expr right, int line) implements Expr { }

    /** {@code then if condition else otherwise}; {@code otherwise} may be {@code null} (undefined). */
    record Conditional(Expr condition, Expr then, Expr otherwise, int line) implements Expr { }

    /** {@code [a, b]} or a tuple {@code (a, b)}. */
    record ListLiteral(List<Expr> items, int line) implements Expr { }

    /** {@code {k: v}}. */
    record DictLiteral(List<Expr> keys, List<Expr> values, int line) implements Expr { }
}
