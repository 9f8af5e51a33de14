package dev.nemotron.train.data.synth;

import dev.nemotron.api.NemotronException;
import java.util.EnumSet;
import java.util.Set;

/** An arithmetic operation of {@link ArithmeticReasoning}, written with its ASCII symbol. */
public enum Operation {
    ADD("+"),
    SUBTRACT("-"),
    MULTIPLY("*");

    private final String symbol;

    Operation(String symbol) {
        this.symbol = symbol;
    }

    /** {@code +}, {@code -} or {@code *}. */
    public String symbol() {
        return symbol;
    }

    /** The exact result. */
    public long apply(long a, long b) {
        return switch (this) {
            case ADD -> Math.addExact(a, b);
            case SUBTRACT -> Math.subtractExact(a, b);
            case MULTIPLY -> Math.multiplyExact(a, b);
        };
    }

    /** The operation written {@code s}: {@code +}, {@code -}, {@code *} (or {@code x}). */
    public static Operation of(String s) {
        return switch (s.strip()) {
            case "+" -> ADD;
            case "-" -> SUBTRACT;
            case "*", "x" -> MULTIPLY;
            default -> throw new NemotronException("unknown operation '" + s + "': expected +, - or *");
        };
    }

    /** A comma-separated list such as {@code +,-,*}. */
    public static Set<Operation> parseList(String list) {
        Set<Operation> ops = EnumSet.noneOf(Operation.class);
        for (String part : list.split(",", -1)) {
            ops.add(of(part));
        }
        return ops;
    }
}
