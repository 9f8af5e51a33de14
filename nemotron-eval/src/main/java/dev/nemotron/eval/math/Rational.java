package dev.nemotron.eval.math;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * An exact fraction {@code num/den} of big integers, always reduced, with {@code den > 0}.
 *
 * <p>Equal values have equal representations, so {@link #equals} is value equality
 * ({@code 2/4} equals {@code 1/2}, {@code 0.5} parses to {@code 1/2}).
 *
 * @param num the numerator, carrying the sign
 * @param den the denominator, positive
 */
record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {
    static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
    static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

    /** The largest numerator or denominator, in bits, that exact arithmetic keeps (beyond: give up). */
    static final int MAX_BITS = 4096;

    Rational {
        if (den.signum() == 0) {
            throw new ArithmeticException("zero denominator");
        }
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger g = num.gcd(den);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            num = num.divide(g);
            den = den.divide(g);
        }
        if (num.signum() == 0) {
            den = BigInteger.ONE;
        }
    }

    static Rational of(long n) {
        return new Rational(BigInteger.valueOf(n), BigInteger.ONE);
    }

    static Rational of(BigInteger n, BigInteger d) {
        return new Rational(n, d);
    }

    /**
     * Parses a decimal literal: digits with an optional fraction part and an optional exponent,
     * e.g. {@code "12"}, {@code "0.25"}, {@code ".5"}, {@code "1e3"}, {@code "2.5E-2"}.
     *
     * @throws NumberFormatException when {@code text} is not such a literal or its exponent is absurd
     */
    static Rational parseDecimal(String text) {
        BigDecimal d = new BigDecimal(text);
        if (Math.abs((long) d.scale()) > 1000) {
            throw new NumberFormatException("exponent out of range: " + text);
        }
        if (d.scale() <= 0) {
            return new Rational(d.toBigIntegerExact(), BigInteger.ONE);
        }
        return new Rational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
    }

    Rational add(Rational o) {
        return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    Rational subtract(Rational o) {
        return add(o.negate());
    }

    Rational multiply(Rational o) {
        return new Rational(num.multiply(o.num), den.multiply(o.den));
    }

    /** {@code this / o}; {@code o} must not be zero. */
    Rational divide(Rational o) {
        return new Rational(num.multiply(o.den), den.multiply(o.num));
    }

    Rational negate() {
        return new Rational(num.negate(), den);
    }

    /** {@code 1 / this}; this must not be zero. */
    Rational reciprocal() {
        return new Rational(den, num);
    }

    /** {@code this^n} for {@code n >= 0}; {@code 0^0 = 1}. */
    Rational pow(int n) {
        return new Rational(num.pow(n), den.pow(n));
    }

    int signum() {
        return num.signum();
    }

    boolean isInteger() {
        return den.equals(BigInteger.ONE);
    }

    /** Whether numerator and denominator are small enough for exact arithmetic to continue. */
    boolean isManageable() {
        return num.bitLength() <= MAX_BITS && den.bitLength() <= MAX_BITS;
    }

    /** The nearest double (infinite when the value is beyond the double range). */
    double toDouble() {
        if (isInteger()) {
            return num.doubleValue();
        }
        return new BigDecimal(num).divide(new BigDecimal(den), MathContext.DECIMAL64).doubleValue();
    }

    @Override
    public int compareTo(Rational o) {
        return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    @Override
    public String toString() {
        return isInteger() ? num.toString() : num + "/" + den;
    }
}
