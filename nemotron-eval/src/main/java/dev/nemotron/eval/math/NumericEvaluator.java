package dev.nemotron.eval.math;

import java.util.Map;

/**
 * The floating-point value of an {@link Expr} with values for its variables. Outside a
 * function's domain (a square root of a negative number, {@code ln 0}) the value is NaN or
 * infinite; callers skip such points.
 */
final class NumericEvaluator {
    private NumericEvaluator() {
    }

    /** The value of {@code e}, with {@code values} for its variables (a missing one is NaN). */
    static double evaluate(Expr e, Map<String, Double> values) {
        return switch (e) {
            case Expr.Num n -> n.value().toDouble();
            case Expr.Var v -> values.getOrDefault(v.name(), Double.NaN);
            case Expr.Const c -> switch (c.kind()) {
                case PI -> Math.PI;
                case E -> Math.E;
                case INFINITY -> Double.POSITIVE_INFINITY;
            };
            case Expr.Neg n -> -evaluate(n.operand(), values);
            case Expr.Binary b -> binary(b, values);
            case Expr.Root r -> root(evaluate(r.radicand(), values), evaluate(r.index(), values));
            case Expr.Abs a -> Math.abs(evaluate(a.operand(), values));
            case Expr.Call c -> Functions.apply(c.function(), evaluate(c.argument(), values));
        };
    }

    private static double binary(Expr.Binary b, Map<String, Double> values) {
        double l = evaluate(b.left(), values);
        double r = evaluate(b.right(), values);
        return switch (b.op()) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case POW -> Math.pow(l, r);
        };
    }

    /** The real {@code n}-th root: odd roots of negative numbers are negative, even ones NaN. */
    private static double root(double x, double n) {
        if (n == 2) {
            return Math.sqrt(x);
        }
        if (n == 3) {
            return Math.cbrt(x);
        }
        if (x < 0 && n == Math.rint(n) && ((long) n) % 2 != 0) {
            return -Math.pow(-x, 1 / n);
        }
        return Math.pow(x, 1 / n);
    }
}
