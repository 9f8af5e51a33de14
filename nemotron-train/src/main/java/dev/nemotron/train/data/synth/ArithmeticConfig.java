package dev.nemotron.train.data.synth;

import dev.nemotron.api.NemotronException;
import java.util.EnumSet;
import java.util.Set;

/**
 * What {@link ArithmeticReasoning} generates.
 *
 * @param maxDigits           operands have 1..maxDigits digits (1..9)
 * @param operations          the operations to draw from, uniformly (not empty)
 * @param maxMultiplierDigits the second factor of a multiplication has 1..this many digits
 *                            (1..maxDigits; 1 = "small multiplication" by one digit)
 */
public record ArithmeticConfig(int maxDigits, Set<Operation> operations, int maxMultiplierDigits) {
    /** Operands of at most 9 digits keep every product below 10^18 (a {@code long}). */
    public static final int MAX_DIGITS = 9;

    public ArithmeticConfig {
        if (maxDigits < 1 || maxDigits > MAX_DIGITS) {
            throw new NemotronException("max digits must be 1.." + MAX_DIGITS + ", got " + maxDigits);
        }
        if (operations == null || operations.isEmpty()) {
            throw new NemotronException("give at least one operation (+, - or *)");
        }
        if (maxMultiplierDigits < 1 || maxMultiplierDigits > maxDigits) {
            throw new NemotronException("max multiplier digits must be 1.." + maxDigits + ", got " + maxMultiplierDigits);
        }
        operations = Set.copyOf(EnumSet.copyOf(operations));
    }

    /** Up to 3-digit operands, all three operations, one-digit multipliers. */
    public static ArithmeticConfig defaults() {
        return new ArithmeticConfig(3, EnumSet.allOf(Operation.class), 1);
    }
}
