package dev.nemotron.eval.math;

import dev.nemotron.eval.math.Expr.Binary;
import java.math.BigInteger;
import java.util.Optional;

/**
 * Turns an {@link Expr} into its {@link ExactForm}, when the exact algebra can express it.
 *
 * <ol>
 *   <li>Numbers, variables, π and e map to constants and symbols; sums, differences and products
 *       are exact.</li>
 *   <li>A quotient is exact when the divisor is a single term ({@code 1/√3 = √3/3}, {@code x/x = 1});
 *       a divisor that is a sum, or zero, gives up.</li>
 *   <li>A power needs an exact rational exponent: integers up to 64 in size (negative ones on a
 *       single-term base), and halves ({@code 8^{1/2}}) on a non-negative rational base.</li>
 *   <li>{@code √q} of a non-negative rational {@code q = a/b} is {@code √(ab)/b}, with the square
 *       factors of {@code ab} taken out ({@link SquareFree}); an n-th root is exact when the
 *       rational is a perfect n-th power ({@code ∛8 = 2}).</li>
 *   <li>Infinity, functions, roots of anything else and absolute values of non-rationals give
 *       up: the caller compares such expressions numerically.</li>
 * </ol>
 */
final class ExactEvaluator {
    private static final int MAX_EXPONENT = 64;

    private ExactEvaluator() {
    }

    /** The exact form of {@code e}, or empty when the algebra cannot express it. */
    static Optional<ExactForm> evaluate(Expr e) {
        try {
            ExactForm f = eval(e);
            return f != null && f.isManageable() ? Optional.of(f) : Optional.empty();
        } catch (ArithmeticException ex) {
            return Optional.empty();
        }
    }

    private static ExactForm eval(Expr e) {
        ExactForm f = switch (e) {
            case Expr.Num n -> ExactForm.constant(n.value());
            case Expr.Var v -> ExactForm.symbol(v.name());
            case Expr.Const c -> switch (c.kind()) {
                case PI -> ExactForm.symbol("\\pi");
                case E -> ExactForm.symbol("\\e");
                case INFINITY -> null;
            };
            case Expr.Neg n -> negate(eval(n.operand()));
            case Binary b -> binary(b);
            case Expr.Root r -> root(eval(r.radicand()), eval(r.index()));
            case Expr.Abs a -> abs(eval(a.operand()));
            case Expr.Call c -> null;
        };
        return f == null || !f.isManageable() ? null : f;
    }

    private static ExactForm negate(ExactForm f) {
        return f == null ? null : f.negate();
    }

    private static ExactForm binary(Binary b) {
        ExactForm l = eval(b.left());
        ExactForm r = l == null ? null : eval(b.right());
        if (r == null) {
            return null;
        }
        return switch (b.op()) {
            case ADD -> l.add(r);
            case SUB -> l.add(r.negate());
            case MUL -> l.multiply(r).orElse(null);
            case DIV -> r.reciprocal().flatMap(l::multiply).orElse(null);
            case POW -> power(l, r);
        };
    }

    private static ExactForm power(ExactForm base, ExactForm exponent) {
        Rational k = exponent.asRational().orElse(null);
        if (k == null || k.num().bitLength() > 31) {
            return null;
        }
        int p = k.num().intValueExact();
        if (Math.abs(p) > MAX_EXPONENT) {
            return null;
        }
        if (k.isInteger()) {
            return integerPower(base, p);
        }
        if (k.den().equals(BigInteger.TWO)) {
            ExactForm root = sqrt(base);
            return root == null ? null : integerPower(root, p);
        }
        return null;
    }

    private static ExactForm integerPower(ExactForm base, int p) {
        if (p >= 0) {
            return base.pow(p).orElse(null);
        }
        return base.reciprocal().flatMap(inv -> inv.pow(-p)).orElse(null);
    }

    private static ExactForm root(ExactForm radicand, ExactForm index) {
        if (radicand == null || index == null) {
            return null;
        }
        Rational n = index.asRational().orElse(null);
        if (n == null || !n.isInteger() || n.signum() <= 0 || n.num().bitLength() > 8) {
            return null;
        }
        int k = n.num().intValue();
        if (k == 1) {
            return radicand;
        }
        if (k == 2) {
            return sqrt(radicand);
        }
        Rational q = radicand.asRational().orElse(null);
        if (q == null) {
            return null;
        }
        BigInteger a = nthRoot(q.num().abs(), k);
        BigInteger b = nthRoot(q.den(), k);
        if (a == null || b == null || (q.signum() < 0 && k % 2 == 0)) {
            return null;
        }
        return ExactForm.constant(new Rational(q.signum() < 0 ? a.negate() : a, b));
    }

    /** {@code √q} for a non-negative rational constant {@code q}; null otherwise. */
    private static ExactForm sqrt(ExactForm f) {
        Rational q = f.asRational().orElse(null);
        if (q == null || q.signum() < 0) {
            return null;
        }
        if (q.signum() == 0) {
            return ExactForm.constant(Rational.ZERO);
        }
        // √(a/b) = √(ab) / b = s√r / b
        return SquareFree.split(q.num().multiply(q.den()))
                .map(sr -> ExactForm.radical(new Rational(sr[0], q.den()), sr[1]))
                .orElse(null);
    }

    private static ExactForm abs(ExactForm f) {
        if (f == null) {
            return null;
        }
        Rational q = f.asRational().orElse(null);
        return q == null ? null : ExactForm.constant(q.signum() < 0 ? q.negate() : q);
    }

    /** The exact integer k-th root of {@code x ≥ 0}, or null when {@code x} is not a perfect k-th power. */
    private static BigInteger nthRoot(BigInteger x, int k) {
        if (x.bitLength() > 1000) {
            return null;
        }
        double approx = Math.pow(x.doubleValue(), 1.0 / k);
        if (!Double.isFinite(approx)) {
            return null;
        }
        BigInteger guess = BigInteger.valueOf(Math.round(approx));
        for (int d = -1; d <= 1; d++) {
            BigInteger c = guess.add(BigInteger.valueOf(d));
            if (c.signum() >= 0 && c.pow(k).equals(x)) {
                return c;
            }
        }
        return null;
    }
}
