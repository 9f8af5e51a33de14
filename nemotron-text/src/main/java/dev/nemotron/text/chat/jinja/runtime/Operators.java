package dev.nemotron.text.chat.jinja.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Python's binary operators on template values ({@code and}/{@code or} short-circuit in the evaluator). */
final class Operators {
    private Operators() {
    }

    static Object apply(String op, Object a, Object b) {
        if (!op.equals("==") && !op.equals("!=")) {
            if (a instanceof Undefined u) {
                throw u.fail();
            }
            if (b instanceof Undefined u) {
                throw u.fail();
            }
        }
        return switch (op) {
            case "==" -> Values.equal(a, b);
            case "!=" -> !Values.equal(a, b);
            case "<" -> Values.compare(a, b) < 0;
            case ">" -> Values.compare(a, b) > 0;
            case "<=" -> Values.compare(a, b) <= 0;
            case ">=" -> Values.compare(a, b) >= 0;
            case "in" -> contains(b, a);
            case "not in" -> !contains(b, a);
            case "~" -> Values.str(a) + Values.str(b);
            case "+" -> add(a, b);
            case "*" -> multiply(a, b);
            default -> arithmetic(op, a, b);
        };
    }

    static boolean contains(Object container, Object item) {
        return switch (container) {
            case String s when item instanceof String t -> s.contains(t);
            case String s -> throw new RenderFailure("'in <string>' requires string as left operand, not "
                    + Values.typeName(item));
            case List<?> l -> l.stream().anyMatch(x -> Values.equal(x, item));
            case Map<?, ?> m -> m.containsKey(item);
            case null, default -> throw new RenderFailure("argument of type '" + Values.typeName(container)
                    + "' is not iterable");
        };
    }

    private static Object add(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return x + y;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return out;
        }
        if (Values.isNumber(a) && Values.isNumber(b)) {
            return Values.isIntegral(a) && Values.isIntegral(b) ? (Object) (Values.toLong(a) + Values.toLong(b))
                    : (Object) (Values.toDouble(a) + Values.toDouble(b));
        }
        throw unsupported("+", a, b);
    }

    private static Object multiply(Object a, Object b) {
        if (a instanceof String s && Values.isIntegral(b)) {
            long n = Math.max(0, Values.toLong(b));
            checkRepeat((double) s.length() * n);
            return s.repeat((int) n);
        }
        if (a instanceof List<?> l && Values.isIntegral(b)) {
            checkRepeat((double) l.size() * Values.toLong(b));
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < Values.toLong(b); i++) {
                out.addAll(l);
            }
            return out;
        }
        return arithmetic("*", a, b);
    }

    /** A repeated string or list is sized from a template's number: never beyond the output limit. */
    private static void checkRepeat(double size) {
        if (size > Interpreter.MAX_OUTPUT_CHARS) {
            throw new RenderFailure("a repetition ('*') of more than " + Interpreter.MAX_OUTPUT_CHARS + " items");
        }
    }

    private static Object arithmetic(String op, Object a, Object b) {
        if (!Values.isNumber(a) || !Values.isNumber(b)) {
            throw unsupported(op, a, b);
        }
        boolean ints = Values.isIntegral(a) && Values.isIntegral(b);
        if (op.equals("/")) {
            return Values.toDouble(a) / nonZero(Values.toDouble(b));
        }
        if (ints) {
            long x = Values.toLong(a);
            long y = Values.toLong(b);
            return switch (op) {
                case "-" -> x - y;
                case "*" -> x * y;
                case "//" -> Math.floorDiv(x, (long) nonZero(y));
                case "%" -> Math.floorMod(x, (long) nonZero(y));
                case "**" -> y >= 0 ? (Object) (long) Math.pow(x, y) : (Object) Math.pow(x, y);
                default -> throw new RenderFailure("unknown operator " + op);
            };
        }
        double x = Values.toDouble(a);
        double y = Values.toDouble(b);
        return switch (op) {
            case "-" -> x - y;
            case "*" -> x * y;
            case "//" -> Math.floor(x / nonZero(y));
            case "%" -> x - Math.floor(x / nonZero(y)) * y;
            case "**" -> Math.pow(x, y);
            default -> throw new RenderFailure("unknown operator " + op);
        };
    }

    private static double nonZero(double y) {
        if (y == 0) {
            throw new RenderFailure("division by zero");
        }
        return y;
    }

    private static RenderFailure unsupported(String op, Object a, Object b) {
        return new RenderFailure("unsupported operand type(s) for " + op + ": '" + Values.typeName(a) + "' and '"
                + Values.typeName(b) + "'");
    }
}
