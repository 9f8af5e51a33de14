package dev.nemotron.eval.math;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An exact canonical form: a finite sum of terms {@code q · √r · x₁^k₁ ⋯ xₙ^kₙ} with {@code q} a
 * nonzero rational, {@code r} a square-free positive integer, and integer (also negative) powers
 * of symbols ({@code x}, {@code π}, {@code e}).
 *
 * <p>Square roots of distinct square-free integers are linearly independent over the rationals,
 * and symbols are treated as independent indeterminates (π and e are transcendental), so two
 * forms denote the same value exactly when their term maps are equal: {@code 2√2} and
 * {@code √8}, {@code √3/3} and {@code 1/√3}, {@code x²+2x+1} and {@code (x+1)²} get the same
 * form. What this algebra cannot express (a sum in a denominator, a root of a sum, a function)
 * is left to {@link ExactEvaluator}'s caller, which falls back to numbers.
 */
final class ExactForm {
    /** The largest number of terms kept; beyond it exact comparison gives up. */
    static final int MAX_TERMS = 512;
    /** The largest number of term products one multiplication may take; beyond it, give up. */
    static final int MAX_PRODUCTS = 20_000;

    /**
     * The non-coefficient part of a term.
     *
     * @param radicand the square-free {@code r} of {@code √r} (1 for none)
     * @param powers   symbol name → nonzero exponent, unmodifiable
     */
    record Term(BigInteger radicand, Map<String, Integer> powers) {
        static final Term ONE = new Term(BigInteger.ONE, Map.of());
    }

    private final Map<Term, Rational> terms;

    private ExactForm(Map<Term, Rational> terms) {
        this.terms = terms;
    }

    static ExactForm constant(Rational q) {
        Map<Term, Rational> m = new HashMap<>();
        if (q.signum() != 0) {
            m.put(Term.ONE, q);
        }
        return new ExactForm(m);
    }

    static ExactForm symbol(String name) {
        Map<Term, Rational> m = new HashMap<>();
        m.put(new Term(BigInteger.ONE, Map.of(name, 1)), Rational.ONE);
        return new ExactForm(m);
    }

    /** {@code coefficient · √radicand} for a square-free {@code radicand}. */
    static ExactForm radical(Rational coefficient, BigInteger radicand) {
        Map<Term, Rational> m = new HashMap<>();
        if (coefficient.signum() != 0) {
            m.put(new Term(radicand, Map.of()), coefficient);
        }
        return new ExactForm(m);
    }

    ExactForm add(ExactForm o) {
        Map<Term, Rational> m = new HashMap<>(terms);
        o.terms.forEach((t, q) -> accumulate(m, t, q));
        return new ExactForm(m);
    }

    ExactForm negate() {
        Map<Term, Rational> m = new HashMap<>();
        terms.forEach((t, q) -> m.put(t, q.negate()));
        return new ExactForm(m);
    }

    /** {@code this · o}; empty when it would take more than {@link #MAX_PRODUCTS} term products. */
    Optional<ExactForm> multiply(ExactForm o) {
        if ((long) terms.size() * o.terms.size() > MAX_PRODUCTS) {
            return Optional.empty();
        }
        Map<Term, Rational> m = new HashMap<>();
        for (var a : terms.entrySet()) {
            for (var b : o.terms.entrySet()) {
                BigInteger g = a.getKey().radicand().gcd(b.getKey().radicand());
                BigInteger radicand = a.getKey().radicand().divide(g).multiply(b.getKey().radicand().divide(g));
                Rational q = a.getValue().multiply(b.getValue()).multiply(new Rational(g, BigInteger.ONE));
                accumulate(m, new Term(radicand, mergePowers(a.getKey().powers(), b.getKey().powers(), 1)), q);
            }
        }
        return Optional.of(new ExactForm(m));
    }

    /** {@code 1 / this}, when this is a single nonzero term; empty otherwise. */
    Optional<ExactForm> reciprocal() {
        if (terms.size() != 1) {
            return Optional.empty();
        }
        var e = terms.entrySet().iterator().next();
        Term t = e.getKey();
        // 1 / (q √r m) = √r / (q r m)
        Rational q = e.getValue().multiply(new Rational(t.radicand(), BigInteger.ONE)).reciprocal();
        Map<Term, Rational> m = new HashMap<>();
        m.put(new Term(t.radicand(), mergePowers(Map.of(), t.powers(), -1)), q);
        return Optional.of(new ExactForm(m));
    }

    /** {@code this^n} for {@code n ≥ 0}, by repeated squaring; empty when it grows too large. */
    Optional<ExactForm> pow(int n) {
        ExactForm result = constant(Rational.ONE);
        ExactForm base = this;
        int k = n;
        while (k > 0) {
            if ((k & 1) == 1) {
                result = result.multiply(base).filter(ExactForm::isManageable).orElse(null);
                if (result == null) {
                    return Optional.empty();
                }
            }
            k >>= 1;
            if (k > 0) {
                base = base.multiply(base).filter(ExactForm::isManageable).orElse(null);
                if (base == null) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(result);
    }

    /** The value when this is a rational constant (no root, no symbol). */
    Optional<Rational> asRational() {
        if (terms.isEmpty()) {
            return Optional.of(Rational.ZERO);
        }
        if (terms.size() == 1 && terms.containsKey(Term.ONE)) {
            return Optional.of(terms.get(Term.ONE));
        }
        return Optional.empty();
    }

    /** Whether the form is small enough for exact arithmetic to continue. */
    boolean isManageable() {
        return terms.size() <= MAX_TERMS && terms.values().stream().allMatch(Rational::isManageable);
    }

    private static void accumulate(Map<Term, Rational> m, Term t, Rational q) {
        Rational sum = m.containsKey(t) ? m.get(t).add(q) : q;
        if (sum.signum() == 0) {
            m.remove(t);
        } else {
            m.put(t, sum);
        }
    }

    private static Map<String, Integer> mergePowers(Map<String, Integer> a, Map<String, Integer> b, int sign) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty() && sign == 1) {
            return b;
        }
        Map<String, Integer> m = new TreeMap<>(a);
        b.forEach((name, k) -> {
            long sum = (long) m.getOrDefault(name, 0) + (long) sign * k;
            if (Math.abs(sum) > 10_000) {
                throw new ArithmeticException("exponent too large");
            }
            if (sum == 0) {
                m.remove(name);
            } else {
                m.put(name, (int) sum);
            }
        });
        return Map.copyOf(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExactForm f && terms.equals(f.terms);
    }

    @Override
    public int hashCode() {
        return terms.hashCode();
    }

    @Override
    public String toString() {
        if (terms.isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(Map.copyOf(stringKeys())).forEach((k, q) -> sb.append(sb.isEmpty() ? "" : " + ").append(q).append(k));
        return sb.toString();
    }

    private Map<String, Rational> stringKeys() {
        Map<String, Rational> m = new HashMap<>();
        terms.forEach((t, q) -> {
            StringBuilder k = new StringBuilder();
            if (!t.radicand().equals(BigInteger.ONE)) {
                k.append("*sqrt(").append(t.radicand()).append(')');
            }
            new TreeMap<>(t.powers()).forEach((name, e) -> k.append('*').append(name).append(e == 1 ? "" : "^" + e));
            m.put(k.toString(), q);
        });
        return m;
    }
}
