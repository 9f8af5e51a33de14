package dev.nemotron.eval.math;

import java.util.Set;

/**
 * The named functions an answer may use ({@code \sin x}, {@code \ln(2)}, ...), and their values.
 * {@code \log} without a base is the natural logarithm, as in SymPy; {@code \log_b x} becomes
 * {@code ln x / ln b} in the parser.
 */
final class Functions {
    /** The LaTeX command names (without the backslash) that are functions. */
    static final Set<String> NAMES = Set.of("sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan",
            "sinh", "cosh", "tanh", "ln", "log", "exp");

    private Functions() {
    }

    /** The value of {@code function} at {@code x}; NaN outside its domain. */
    static double apply(String function, double x) {
        return switch (function) {
            case "sin" -> Math.sin(x);
            case "cos" -> Math.cos(x);
            case "tan" -> Math.tan(x);
            case "cot" -> 1 / Math.tan(x);
            case "sec" -> 1 / Math.cos(x);
            case "csc" -> 1 / Math.sin(x);
            case "arcsin" -> Math.asin(x);
            case "arccos" -> Math.acos(x);
            case "arctan" -> Math.atan(x);
            case "sinh" -> Math.sinh(x);
            case "cosh" -> Math.cosh(x);
            case "tanh" -> Math.tanh(x);
            case "ln", "log" -> Math.log(x);
            case "exp" -> Math.exp(x);
            default -> Double.NaN;
        };
    }
}
