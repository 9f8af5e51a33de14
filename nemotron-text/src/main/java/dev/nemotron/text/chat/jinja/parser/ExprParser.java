package dev.nemotron.text.chat.jinja.parser;

import dev.nemotron.text.chat.jinja.ast.Expr;
import dev.nemotron.text.chat.jinja.lexer.Token;
import dev.nemotron.text.chat.jinja.lexer.TokenType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recursive-descent parser for Jinja expressions, with Jinja's operator precedence. An expression
 * nested deeper than {@link #MAX_DEPTH} (brackets, prefix operators, or a chain of binary operators,
 * filters or attribute accesses, each of which nests the tree one level) is a syntax error: parsing
 * or evaluating it would overflow the stack.
 */
final class ExprParser {
    /** The deepest expression tree accepted; real chat templates stay far below it. */
    static final int MAX_DEPTH = 256;
    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", ">", "<=", ">=");
    private static final Set<String> NOT_TEST_ARGUMENT = Set.of("else", "or", "and", "if", "is", "in", "not");

    private final TokenStream ts;
    private int depth;

    ExprParser(TokenStream ts) {
        this.ts = ts;
    }

    /** An integer literal; integers are 64-bit here (Python's are unbounded). */
    private static long integer(Token t) {
        try {
            return Long.parseLong(t.value());
        } catch (NumberFormatException e) {
            throw TokenStream.error("integer " + (t.value().length() > 40 ? t.value().substring(0, 37) + "..." : t.value())
                    + " is out of range (at most " + Long.MAX_VALUE + ")", t);
        }
    }

    /** One level deeper into the expression tree at {@code at}; the caller restores {@link #depth}. */
    private void deeper(Token at) {
        if (++depth > MAX_DEPTH) {
            throw TokenStream.error("expression nested more than " + MAX_DEPTH + " levels deep", at);
        }
    }

    /** A full expression, including {@code a if b else c}. */
    Expr expression() {
        int saved = depth;
        deeper(ts.peek());
        Expr e = or();
        while (ts.peek().isName("if")) {
            Token t = ts.next();
            deeper(t);
            Expr cond = or();
            Expr otherwise = ts.acceptName("else") ? expression() : null;
            e = new Expr.Conditional(cond, e, otherwise, t.line());
        }
        depth = saved;
        return e;
    }

    /** An expression without a top-level conditional (the iterable of a for loop). */
    Expr noConditional() {
        int saved = depth;
        deeper(ts.peek());
        Expr e = or();
        depth = saved;
        return e;
    }

    private Expr or() {
        int saved = depth;
        Expr e = and();
        while (ts.peek().isName("or")) {
            Token t = ts.next();
            deeper(t);
            e = new Expr.Binary("or", e, and(), t.line());
        }
        depth = saved;
        return e;
    }

    private Expr and() {
        int saved = depth;
        Expr e = not();
        while (ts.peek().isName("and")) {
            Token t = ts.next();
            deeper(t);
            e = new Expr.Binary("and", e, not(), t.line());
        }
        depth = saved;
        return e;
    }

    private Expr not() {
        if (ts.peek().isName("not")) {
            Token t = ts.next();
            int saved = depth;
            deeper(t);
            Expr operand = not();
            depth = saved;
            return new Expr.Unary("not", operand, t.line());
        }
        return compare();
    }

    private Expr compare() {
        int saved = depth;
        Expr e = math1();
        while (true) {
            Token t = ts.peek();
            boolean operator = (t.type() == TokenType.OPERATOR && COMPARISONS.contains(t.value())) || t.isName("in")
                    || (t.isName("not") && ts.peek(1).isName("in"));
            if (operator) {
                deeper(t);
            }
            if (t.type() == TokenType.OPERATOR && COMPARISONS.contains(t.value())) {
                ts.next();
                e = new Expr.Binary(t.value(), e, math1(), t.line());
            } else if (t.isName("in")) {
                ts.next();
                e = new Expr.Binary("in", e, math1(), t.line());
            } else if (t.isName("not") && ts.peek(1).isName("in")) {
                ts.next();
                ts.next();
                e = new Expr.Binary("not in", e, math1(), t.line());
            } else {
                depth = saved;
                return e;
            }
        }
    }

    private Expr math1() {
        int saved = depth;
        Expr e = concat();
        while (ts.peek().isOperator("+") || ts.peek().isOperator("-")) {
            Token op = ts.next();
            deeper(op);
            e = new Expr.Binary(op.value(), e, concat(), op.line());
        }
        depth = saved;
        return e;
    }

    private Expr concat() {
        int saved = depth;
        Expr e = math2();
        while (ts.peek().isOperator("~")) {
            Token op = ts.next();
            deeper(op);
            e = new Expr.Binary("~", e, math2(), op.line());
        }
        depth = saved;
        return e;
    }

    private Expr math2() {
        int saved = depth;
        Expr e = pow();
        while (ts.peek().isOperator("*") || ts.peek().isOperator("/") || ts.peek().isOperator("//")
                || ts.peek().isOperator("%")) {
            Token op = ts.next();
            deeper(op);
            e = new Expr.Binary(op.value(), e, pow(), op.line());
        }
        depth = saved;
        return e;
    }

    private Expr pow() {
        int saved = depth;
        Expr e = unary(true);
        while (ts.peek().isOperator("**")) {
            Token op = ts.next();
            deeper(op);
            e = new Expr.Binary("**", e, unary(true), op.line());
        }
        depth = saved;
        return e;
    }

    private Expr unary(boolean withFilter) {
        Token t = ts.peek();
        Expr e;
        if (t.isOperator("-") || t.isOperator("+")) {
            ts.next();
            int saved = depth;
            deeper(t);
            e = new Expr.Unary(t.value(), unary(false), t.line());
            depth = saved;
        } else {
            e = postfix(primary());
        }
        return withFilter ? filtersAndTests(e) : e;
    }

    private Expr primary() {
        Token t = ts.next();
        switch (t.type()) {
            case STRING -> {
                StringBuilder sb = new StringBuilder(t.value());
                while (ts.peek().type() == TokenType.STRING) {
                    sb.append(ts.next().value());
                }
                return new Expr.Literal(sb.toString(), t.line());
            }
            case INTEGER -> {
                return new Expr.Literal(integer(t), t.line());
            }
            case FLOAT -> {
                return new Expr.Literal(Double.parseDouble(t.value()), t.line());
            }
            case NAME -> {
                return switch (t.value()) {
                    case "true", "True" -> new Expr.Literal(Boolean.TRUE, t.line());
                    case "false", "False" -> new Expr.Literal(Boolean.FALSE, t.line());
                    case "none", "None" -> new Expr.Literal(null, t.line());
                    default -> new Expr.Name(t.value(), t.line());
                };
            }
            case OPERATOR -> {
                switch (t.value()) {
                    case "(" -> {
                        return parenthesized(t);
                    }
                    case "[" -> {
                        return new Expr.ListLiteral(items("]"), t.line());
                    }
                    case "{" -> {
                        return dict(t);
                    }
                    default -> {
                        // fall through to the error below
                    }
                }
            }
            default -> {
                // fall through to the error below
            }
        }
        throw TokenStream.error("unexpected " + TokenStream.describe(t), t);
    }

    private Expr parenthesized(Token open) {
        if (ts.acceptOperator(")")) {
            return new Expr.ListLiteral(List.of(), open.line());
        }
        Expr first = expression();
        if (ts.acceptOperator(")")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (ts.acceptOperator(",")) {
            if (ts.peek().isOperator(")")) {
                break;
            }
            items.add(expression());
        }
        ts.expectOperator(")");
        return new Expr.ListLiteral(items, open.line());
    }

    private List<Expr> items(String close) {
        List<Expr> items = new ArrayList<>();
        while (!ts.acceptOperator(close)) {
            if (!items.isEmpty()) {
                ts.expectOperator(",");
                if (ts.acceptOperator(close)) {
                    break;
                }
            }
            items.add(expression());
        }
        return items;
    }

    private Expr dict(Token open) {
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!ts.acceptOperator("}")) {
            if (!keys.isEmpty()) {
                ts.expectOperator(",");
                if (ts.acceptOperator("}")) {
                    break;
                }
            }
            keys.add(expression());
            ts.expectOperator(":");
            values.add(expression());
        }
        return new Expr.DictLiteral(keys, values, open.line());
    }

    private Expr postfix(Expr e) {
        int saved = depth;
        while (true) {
            Token t = ts.peek();
            if (t.isOperator(".") || t.isOperator("[") || t.isOperator("(")) {
                deeper(t);
            }
            if (t.isOperator(".")) {
                ts.next();
                Token name = ts.next();
                if (name.type() != TokenType.NAME && name.type() != TokenType.INTEGER) {
                    throw TokenStream.error("expected an attribute name after '.'", name);
                }
                e = name.type() == TokenType.INTEGER
                        ? new Expr.GetItem(e, new Expr.Literal(integer(name), name.line()), t.line())
                        : new Expr.GetAttr(e, name.value(), t.line());
            } else if (t.isOperator("[")) {
                ts.next();
                e = subscript(e, t);
            } else if (t.isOperator("(")) {
                ts.next();
                Arguments args = arguments();
                e = new Expr.Call(e, args.positional, args.keywords, t.line());
            } else {
                depth = saved;
                return e;
            }
        }
    }

    private Expr subscript(Expr target, Token open) {
        Expr start = ts.peek().isOperator(":") ? null : expression();
        if (ts.acceptOperator("]")) {
            return new Expr.GetItem(target, start, open.line());
        }
        ts.expectOperator(":");
        Expr stop = ts.peek().isOperator(":") || ts.peek().isOperator("]") ? null : expression();
        Expr step = null;
        if (ts.acceptOperator(":") && !ts.peek().isOperator("]")) {
            step = expression();
        }
        ts.expectOperator("]");
        return new Expr.Slice(target, start, stop, step, open.line());
    }

    private record Arguments(List<Expr> positional, Map<String, Expr> keywords) { }

    /** Call arguments after '(' up to and including ')'. */
    private Arguments arguments() {
        List<Expr> positional = new ArrayList<>();
        Map<String, Expr> keywords = new LinkedHashMap<>();
        while (!ts.acceptOperator(")")) {
            if (!positional.isEmpty() || !keywords.isEmpty()) {
                ts.expectOperator(",");
                if (ts.acceptOperator(")")) {
                    break;
                }
            }
            if (ts.peek().type() == TokenType.NAME && ts.peek(1).isOperator("=")) {
                String name = ts.next().value();
                ts.next();
                keywords.put(name, expression());
            } else {
                if (!keywords.isEmpty()) {
                    throw TokenStream.error("positional argument follows keyword argument", ts.peek());
                }
                positional.add(expression());
            }
        }
        return new Arguments(positional, keywords);
    }

    private Expr filtersAndTests(Expr e) {
        int saved = depth;
        while (true) {
            Token t = ts.peek();
            if (t.isOperator("|") || t.isName("is")) {
                deeper(t);
            }
            if (t.isOperator("|")) {
                ts.next();
                String name = ts.expect(TokenType.NAME, "a filter name").value();
                Arguments args = ts.acceptOperator("(") ? arguments() : new Arguments(List.of(), Map.of());
                e = new Expr.Filter(e, name, args.positional, args.keywords, t.line());
            } else if (t.isName("is")) {
                ts.next();
                boolean negated = ts.acceptName("not");
                Token name = ts.expect(TokenType.NAME, "a test name");
                List<Expr> args = List.of();
                if (ts.acceptOperator("(")) {
                    args = arguments().positional;
                } else if (startsTestArgument(ts.peek())) {
                    args = List.of(postfix(primary()));
                }
                e = new Expr.Test(e, name.value(), args, negated, t.line());
            } else {
                depth = saved;
                return e;
            }
        }
    }

    private static boolean startsTestArgument(Token t) {
        return switch (t.type()) {
            case STRING, INTEGER, FLOAT -> true;
            case NAME -> !NOT_TEST_ARGUMENT.contains(t.value());
            case OPERATOR -> t.value().equals("[") || t.value().equals("{");
            default -> false;
        };
    }
}
