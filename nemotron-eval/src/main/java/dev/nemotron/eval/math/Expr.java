package dev.nemotron.eval.math;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A small expression tree for math answers: numbers, variables, the constants {@code π},
 * {@code e} and {@code ∞}, the four operations, powers, roots, absolute values and a few named
 * functions. Built by {@link ExprParser}; compared by {@link ExprEquivalence}.
 */
sealed interface Expr {
    /** A number literal; {@code decimal} when it was written with a decimal point ({@code 0.5}). */
    record Num(Rational value, boolean decimal) implements Expr {
    }

    /** A variable, e.g. {@code x}, {@code x_1}, {@code \theta}. */
    record Var(String name) implements Expr {
    }

    /** A named constant. */
    record Const(Kind kind) implements Expr {
        /** π, Euler's number, and positive infinity. */
        enum Kind { PI, E, INFINITY }
    }

    /** {@code -operand}. */
    record Neg(Expr operand) implements Expr {
    }

    /** {@code left op right} for the four operations and powers. */
    record Binary(Op op, Expr left, Expr right) implements Expr {
        /** The binary operations. */
        enum Op { ADD, SUB, MUL, DIV, POW }
    }

    /** The {@code index}-th root of {@code radicand} ({@code index} 2 for {@code \sqrt{x}}). */
    record Root(Expr radicand, Expr index) implements Expr {
    }

    /** {@code |operand|}. */
    record Abs(Expr operand) implements Expr {
    }

    /** A named function of one argument ({@code sin}, {@code ln}, ...), see {@link Functions}. */
    record Call(String function, Expr argument) implements Expr {
    }

    /** Whether a number literal of this tree was written with a decimal point. */
    static boolean hasDecimal(Expr e) {
        return anyNode(e, n -> n instanceof Num num && num.decimal());
    }

    /** Whether this tree mentions {@code ∞}. */
    static boolean hasInfinity(Expr e) {
        return anyNode(e, n -> n instanceof Const c && c.kind() == Const.Kind.INFINITY);
    }

    /** Whether {@code test} holds for a node of this tree. */
    static boolean anyNode(Expr e, Predicate<Expr> test) {
        if (test.test(e)) {
            return true;
        }
        return switch (e) {
            case Num n -> false;
            case Var v -> false;
            case Const c -> false;
            case Neg n -> anyNode(n.operand(), test);
            case Binary b -> anyNode(b.left(), test) || anyNode(b.right(), test);
            case Root r -> anyNode(r.radicand(), test) || anyNode(r.index(), test);
            case Abs a -> anyNode(a.operand(), test);
            case Call c -> anyNode(c.argument(), test);
        };
    }

    /** The names of the variables of this tree, sorted. */
    static Set<String> variables(Expr e) {
        Set<String> out = new TreeSet<>();
        collect(e, out);
        return out;
    }

    private static void collect(Expr e, Set<String> out) {
        switch (e) {
            case Var v -> out.add(v.name());
            case Neg n -> collect(n.operand(), out);
            case Binary b -> {
                collect(b.left(), out);
                collect(b.right(), out);
            }
            case Root r -> {
                collect(r.radicand(), out);
                collect(r.index(), out);
            }
            case Abs a -> collect(a.operand(), out);
            case Call c -> collect(c.argument(), out);
            case Num n -> {
            }
            case Const c -> {
            }
        }
    }

    /** A compact, fully parenthesised rendering, for {@code --explain} and test messages. */
    static String render(Expr e) {
        return switch (e) {
            case Num n -> n.value().toString();
            case Var v -> v.name();
            case Const c -> switch (c.kind()) {
                case PI -> "pi";
                case E -> "e";
                case INFINITY -> "oo";
            };
            case Neg n -> "-(" + render(n.operand()) + ")";
            case Binary b -> "(" + render(b.left()) + " " + symbol(b.op()) + " " + render(b.right()) + ")";
            case Root r -> "root(" + render(r.radicand()) + ", " + render(r.index()) + ")";
            case Abs a -> "|" + render(a.operand()) + "|";
            case Call c -> c.function() + "(" + render(c.argument()) + ")";
        };
    }

    private static String symbol(Binary.Op op) {
        return switch (op) {
            case ADD -> "+";
            case SUB -> "-";
            case MUL -> "*";
            case DIV -> "/";
            case POW -> "^";
        };
    }
}
