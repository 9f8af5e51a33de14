package dev.nemotron.eval.math;

import dev.nemotron.eval.math.Expr.Binary;
import dev.nemotron.eval.math.Expr.Binary.Op;
import dev.nemotron.eval.math.Expr.Const;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses one normalised scalar answer into an {@link Expr}, by recursive descent:
 *
 * <pre>
 * sum     := product (('+' | '-') product)*
 * product := unary (('*' | '/' | \cdot | \times | \div) unary | implicit factor)*
 * unary   := ('-' | '+') unary | power
 * power   := primary ('^' exponent)?          (right-associative)
 * primary := number | letter [_sub] | \greek | (sum) | [sum] | {sum} | |sum| | \frac A B
 *          | \sqrt[n] A | \pi | \infty | function [^exp] argument
 * </pre>
 *
 * <p>Rules that follow LaTeX rather than plain text:
 * <ol>
 *   <li>A macro argument or exponent without braces is one character: {@code \frac13} is 1/3,
 *       {@code \sqrt3} is √3, {@code x^23} is x²·3 (as LaTeX typesets it).</li>
 *   <li>Juxtaposition multiplies ({@code 2x}, {@code 2\sqrt2}, {@code (x+1)(x-1)}, {@code xy}), at
 *       the same precedence as {@code *} and {@code /}: {@code 1/2x} is (1/2)·x. Two numbers side by
 *       side ({@code 2 3}) are an error, not a product.</li>
 *   <li>An integer followed by {@code \frac} of two integers with the numerator smaller than the
 *       denominator is a mixed number: {@code 2\frac{1}{2}} is 5/2.</li>
 *   <li>{@code e} is Euler's number (unless subscripted); {@code \log} is the natural logarithm,
 *       {@code \log_b x} is {@code ln x / ln b}.</li>
 * </ol>
 */
final class ExprParser {
    private static final int MAX_DEPTH = 100;
    private static final Set<String> GREEK = Set.of("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta",
            "eta", "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon",
            "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi",
            "Omega");
    private static final Set<String> TIMES = Set.of("cdot", "times", "ast");

    private final List<Token> tokens;
    private int pos;
    private int depth;
    private int absDepth;

    private ExprParser(List<Token> tokens) {
        this.tokens = new ArrayList<>(tokens);
    }

    /**
     * The expression {@code text} denotes.
     *
     * @throws ParseFailure when it is not an expression of this grammar
     */
    static Expr parse(String text) {
        ExprParser p = new ExprParser(Lexer.tokenize(text));
        Expr e = p.sum();
        if (p.peek().kind() != Token.Kind.END) {
            throw new ParseFailure("unexpected '" + p.peek().text() + "'");
        }
        return e;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Token.Kind.END) {
            pos++;
        }
        return t;
    }

    private void expectSymbol(String s) {
        Token t = next();
        if (!t.isSymbol(s)) {
            throw new ParseFailure("expected '" + s + "', got '" + t.text() + "'");
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new ParseFailure("expression nested too deeply");
        }
    }

    private Expr sum() {
        enter();
        Expr left = product();
        while (peek().isSymbol("+") || peek().isSymbol("-")) {
            Op op = next().text().equals("+") ? Op.ADD : Op.SUB;
            left = new Binary(op, left, product());
        }
        depth--;
        return left;
    }

    private Expr product() {
        Expr left = unary();
        while (true) {
            Token t = peek();
            if (t.isSymbol("*") || t.isSymbol("/") || (t.kind() == Token.Kind.COMMAND
                    && (TIMES.contains(t.text()) || t.text().equals("div")))) {
                next();
                Op op = t.isSymbol("/") || t.text().equals("div") ? Op.DIV : Op.MUL;
                left = new Binary(op, left, unary());
            } else if (startsImplicitFactor(t, left)) {
                left = new Binary(Op.MUL, left, power());
            } else {
                return left;
            }
        }
    }

    /** Whether {@code t} begins a factor multiplied by juxtaposition onto {@code left}. */
    private boolean startsImplicitFactor(Token t, Expr left) {
        return switch (t.kind()) {
            case NUMBER -> {
                if (left instanceof Expr.Num) {
                    throw new ParseFailure("two numbers side by side");
                }
                yield true;
            }
            case LETTER -> true;
            case COMMAND -> !TIMES.contains(t.text()) && !t.text().equals("div") && !t.text().equals("}")
                    && !t.text().equals("|") && !t.text().equals("{") && !t.text().equals("pm") && !t.text().equals("mp");
            case SYMBOL -> t.text().equals("(") || t.text().equals("[") || t.text().equals("{")
                    || (t.text().equals("|") && absDepth == 0);
            case END -> false;
        };
    }

    private Expr unary() {
        enter();
        Expr e;
        if (peek().isSymbol("-")) {
            next();
            e = new Expr.Neg(unary());
        } else if (peek().isSymbol("+")) {
            next();
            e = unary();
        } else {
            e = power();
        }
        depth--;
        return e;
    }

    private Expr power() {
        Expr base = primary();
        if (peek().isSymbol("^")) {
            next();
            Expr exponent;
            if (peek().isSymbol("-") || peek().isSymbol("+")) {
                exponent = unary();
            } else {
                exponent = argument();
            }
            return new Binary(Op.POW, base, exponent);
        }
        return base;
    }

    /**
     * A macro argument: a braced group, or else one character (the first digit of a number, one
     * letter, one command).
     */
    private Expr argument() {
        enter();
        Token t = peek();
        Expr e;
        if (t.isSymbol("{")) {
            next();
            e = sum();
            expectSymbol("}");
        } else if (t.kind() == Token.Kind.NUMBER && t.text().length() > 1) {
            next();
            tokens.add(pos, new Token(Token.Kind.NUMBER, t.text().substring(1), false));
            e = number(t.text().substring(0, 1));
        } else {
            e = primary();
        }
        depth--;
        return e;
    }

    private Expr primary() {
        enter();
        Token t = next();
        Expr e = switch (t.kind()) {
            case NUMBER -> mixedNumberOr(number(t.text()));
            case LETTER -> letter(t.text());
            case COMMAND -> command(t.text());
            case SYMBOL -> group(t.text());
            case END -> throw new ParseFailure("unexpected end");
        };
        depth--;
        return e;
    }

    private static Expr.Num number(String text) {
        try {
            return new Expr.Num(Rational.parseDecimal(text), text.indexOf('.') >= 0);
        } catch (NumberFormatException e) {
            throw new ParseFailure("bad number " + text);
        }
    }

    /** {@code n} or, when a proper fraction of integers follows, the mixed number {@code n a/b}. */
    private Expr mixedNumberOr(Expr.Num n) {
        if (n.decimal() || !n.value().isInteger() || !peek().is(Token.Kind.COMMAND, "frac")) {
            return n;
        }
        int mark = pos;
        List<Token> saved = new ArrayList<>(tokens);
        next();
        Expr a = argument();
        Expr b = argument();
        if (a instanceof Expr.Num na && b instanceof Expr.Num nb && !na.decimal() && !nb.decimal()
                && na.value().isInteger() && nb.value().isInteger() && na.value().signum() > 0
                && na.value().compareTo(nb.value()) < 0) {
            return new Expr.Num(n.value().add(na.value().divide(nb.value())), false);
        }
        pos = mark;
        tokens.clear();
        tokens.addAll(saved);
        return n;
    }

    private Expr letter(String name) {
        if (peek().isSymbol("_")) {
            next();
            return new Expr.Var(name + "_" + subscript());
        }
        return name.equals("e") ? new Const(Const.Kind.E) : new Expr.Var(name);
    }

    /** The text of a subscript: a braced group's tokens, or one character. */
    private String subscript() {
        StringBuilder sb = new StringBuilder();
        if (peek().isSymbol("{")) {
            next();
            int open = 1;
            while (true) {
                Token t = next();
                if (t.kind() == Token.Kind.END) {
                    throw new ParseFailure("unclosed subscript");
                }
                open += t.isSymbol("{") ? 1 : t.isSymbol("}") ? -1 : 0;
                if (open == 0) {
                    return "{" + sb + "}";
                }
                sb.append(t.kind() == Token.Kind.COMMAND ? "\\" + t.text() : t.text());
            }
        }
        Token t = next();
        if (t.kind() == Token.Kind.NUMBER) {
            if (t.text().length() > 1) {
                tokens.add(pos, new Token(Token.Kind.NUMBER, t.text().substring(1), false));
            }
            return t.text().substring(0, 1);
        }
        if (t.kind() == Token.Kind.LETTER) {
            return t.text();
        }
        throw new ParseFailure("bad subscript");
    }

    private Expr command(String name) {
        switch (name) {
            case "frac" -> {
                Expr num = argument();
                return new Binary(Op.DIV, num, argument());
            }
            case "sqrt" -> {
                Expr index = new Expr.Num(Rational.of(2), false);
                if (peek().isSymbol("[")) {
                    next();
                    index = sum();
                    expectSymbol("]");
                }
                return new Expr.Root(argument(), index);
            }
            case "pi" -> {
                return new Const(Const.Kind.PI);
            }
            case "infty", "infinity", "inf", "oo" -> {
                return new Const(Const.Kind.INFINITY);
            }
            case "|" -> {
                return absolute("\\|");
            }
            default -> {
                if (GREEK.contains(name)) {
                    return letter("\\" + name);
                }
                if (Functions.NAMES.contains(name)) {
                    return function(name);
                }
                throw new ParseFailure("unknown command \\" + name);
            }
        }
    }

    /** {@code \f[_base][^exp] arg}: the argument is parenthesised, or else one factor. */
    private Expr function(String name) {
        Expr base = null;
        Expr exponent = null;
        if (name.equals("log") && peek().isSymbol("_")) {
            next();
            base = argument();
        }
        if (peek().isSymbol("^")) {
            next();
            exponent = argument();
        }
        Expr arg;
        if (peek().isSymbol("(")) {
            next();
            arg = sum();
            expectSymbol(")");
        } else {
            arg = power();
        }
        Expr value = base == null ? new Expr.Call(name, arg)
                : new Binary(Op.DIV, new Expr.Call("ln", arg), new Expr.Call("ln", base));
        return exponent == null ? value : new Binary(Op.POW, value, exponent);
    }

    private Expr group(String open) {
        return switch (open) {
            case "(" -> closed(")");
            case "[" -> closed("]");
            case "{" -> closed("}");
            case "|" -> absolute("|");
            default -> throw new ParseFailure("unexpected '" + open + "'");
        };
    }

    private Expr closed(String close) {
        Expr e = sum();
        expectSymbol(close);
        return e;
    }

    private Expr absolute(String close) {
        absDepth++;
        Expr e = sum();
        absDepth--;
        Token t = next();
        boolean closes = close.equals("|") ? t.isSymbol("|") : t.is(Token.Kind.COMMAND, "|");
        if (!closes) {
            throw new ParseFailure("unclosed absolute value");
        }
        return new Expr.Abs(e);
    }
}
