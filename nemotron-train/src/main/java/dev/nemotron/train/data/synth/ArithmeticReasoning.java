package dev.nemotron.train.data.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A seeded generator of arithmetic questions with step-by-step reasoning
 * ({@link ColumnArithmetic}): {@code What is 47 + 38?} → reasoning → {@code 85}.
 *
 * <p>Each problem draws an operation uniformly from the config's, then for each operand a digit
 * count uniformly in {@code 1..maxDigits} (the multiplier: {@code 1..maxMultiplierDigits}) and a
 * value uniformly among the numbers of that many digits ({@code 0..9} for one digit), so short
 * operands are as common as long ones. A subtraction puts the larger operand first (results are
 * never negative). The sequence is a pure function of the seed and the config
 * ({@link SplittableRandom}, whose algorithm is specified, so it is the same on every JVM).
 */
public final class ArithmeticReasoning implements Supplier<ReasoningSample> {
    private final ArithmeticConfig config;
    private final List<Operation> operations;
    private final SplittableRandom random;

    public ArithmeticReasoning(ArithmeticConfig config, long seed) {
        this.config = config;
        this.operations = config.operations().stream().sorted().toList();
        this.random = new SplittableRandom(seed);
    }

    /** The next problem. */
    public ReasoningSample next() {
        Operation op = operations.get(random.nextInt(operations.size()));
        long a = operand(config.maxDigits());
        long b = operand(op == Operation.MULTIPLY ? config.maxMultiplierDigits() : config.maxDigits());
        if (op == Operation.SUBTRACT && a < b) {
            long t = a;
            a = b;
            b = t;
        }
        return solve(op, a, b);
    }

    @Override
    public ReasoningSample get() {
        return next();
    }

    /** The next {@code n} problems. */
    public List<ReasoningSample> next(int n) {
        List<ReasoningSample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /** The sample for {@code a op b} (operands {@code >= 0}; for subtraction {@code a >= b}). */
    public static ReasoningSample solve(Operation op, long a, long b) {
        return new ReasoningSample(question(op, a, b), ColumnArithmetic.reasoning(op, a, b), Long.toString(op.apply(a, b)));
    }

    /** {@code What is A op B?} */
    public static String question(Operation op, long a, long b) {
        return "What is " + a + " " + op.symbol() + " " + b + "?";
    }

    private long operand(int maxDigits) {
        int digits = 1 + random.nextInt(maxDigits);
        long lo = digits == 1 ? 0 : pow10(digits - 1);
        long hi = pow10(digits);
        return random.nextLong(lo, hi);
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
