package dev.nemotron.train.data.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * The school algorithms, written out one step per line: the reasoning traces of
 * {@link ArithmeticReasoning}. Every trace is a deterministic function of the operands, so a
 * model can learn the procedure, and ends with {@code The answer is N.}
 *
 * <pre>
 * 47 + 38:  Add 47 and 38 column by column, from the right.
 *           7 + 8 = 15, write 5 carry 1.
 *           4 + 3 + 1 = 8, write 8.
 *           The answer is 85.
 * 83 - 38:  Subtract 38 from 83 column by column, from the right.
 *           3 - 8 = -5, borrow 1: -5 + 10 = 5, write 5.
 *           8 - 3 - 1 = 4, write 4.
 *           The answer is 45.
 * 47 * 6:   Multiply 47 by 6 digit by digit, from the right.
 *           7 * 6 = 42, write 2 carry 4.
 *           4 * 6 + 4 = 28, write 8 carry 2.
 *           Write the final carry 2.
 *           The answer is 282.
 * </pre>
 * Columns beyond the shorter operand use the digit 0. A multi-digit multiplier gives one row per
 * digit (each a one-digit multiplication, shifted), then the rows are added column by column.
 */
public final class ColumnArithmetic {
    private ColumnArithmetic() {
    }

    /** The reasoning for {@code a op b} (for subtraction {@code a >= b}), lines joined with {@code \n}. */
    public static String reasoning(Operation op, long a, long b) {
        List<String> lines = new ArrayList<>();
        long result = switch (op) {
            case ADD -> {
                lines.add("Add " + a + " and " + b + " column by column, from the right.");
                yield add(a, b, lines);
            }
            case SUBTRACT -> {
                lines.add("Subtract " + b + " from " + a + " column by column, from the right.");
                yield subtract(a, b, lines);
            }
            case MULTIPLY -> multiply(a, b, lines);
        };
        lines.add("The answer is " + result + ".");
        return String.join("\n", lines);
    }

    /** Column addition with carries; appends its lines and returns the sum. */
    static long add(long a, long b, List<String> lines) {
        int[] da = digits(a);
        int[] db = digits(b);
        int n = Math.max(da.length, db.length);
        int carry = 0;
        long result = 0;
        long place = 1;
        for (int i = 0; i < n; i++) {
            int x = digit(da, i);
            int y = digit(db, i);
            int sum = x + y + carry;
            StringBuilder l = new StringBuilder().append(x).append(" + ").append(y);
            if (carry > 0) {
                l.append(" + ").append(carry);
            }
            l.append(" = ").append(sum).append(", write ").append(sum % 10);
            carry = sum / 10;
            l.append(carry > 0 ? " carry " + carry + "." : ".");
            lines.add(l.toString());
            result += (sum % 10) * place;
            place *= 10;
        }
        if (carry > 0) {
            lines.add("Write the final carry " + carry + ".");
            result += carry * place;
        }
        return result;
    }

    /** Column subtraction with borrows ({@code a >= b}); appends its lines and returns the difference. */
    static long subtract(long a, long b, List<String> lines) {
        if (a < b) {
            throw new IllegalArgumentException("subtract needs a >= b, got " + a + " - " + b);
        }
        int[] da = digits(a);
        int[] db = digits(b);
        int borrow = 0;
        long result = 0;
        long place = 1;
        for (int i = 0; i < da.length; i++) {
            int x = digit(da, i);
            int y = digit(db, i);
            int diff = x - y - borrow;
            StringBuilder l = new StringBuilder().append(x).append(" - ").append(y);
            if (borrow > 0) {
                l.append(" - ").append(borrow);
            }
            l.append(" = ").append(diff);
            if (diff < 0) {
                l.append(", borrow 1: ").append(diff).append(" + 10 = ").append(diff + 10);
                diff += 10;
                borrow = 1;
            } else {
                borrow = 0;
            }
            l.append(", write ").append(diff).append('.');
            lines.add(l.toString());
            result += diff * place;
            place *= 10;
        }
        return result;
    }

    /** Long multiplication: one row per digit of {@code b}, then the rows added. */
    static long multiply(long a, long b, List<String> lines) {
        int[] db = digits(b);
        if (db.length == 1) {
            lines.add("Multiply " + a + " by " + b + " digit by digit, from the right.");
            return multiplyByDigit(a, db[0], lines);
        }
        lines.add("Multiply " + a + " by " + b + ": one row per digit of " + b + ", from the right.");
        long sum = 0;
        for (int i = 0; i < db.length; i++) {
            lines.add("Row " + (i + 1) + ": " + a + " * " + db[i] + (i == 0 ? "." : ", shifted " + i + (i == 1 ? " place." : " places.")));
            long row = multiplyByDigit(a, db[i], lines);
            long shifted = row * pow10(i);
            lines.add("Row " + (i + 1) + " is " + row + (i == 0 ? "." : ", shifted: " + shifted + "."));
            if (i == 0) {
                sum = shifted;
            } else {
                lines.add("Add it to the rows so far: " + sum + " + " + shifted + ".");
                sum = add(sum, shifted, lines);
                lines.add("Rows so far: " + sum + ".");
            }
        }
        return sum;
    }

    /** {@code a} times one digit, with carries. */
    static long multiplyByDigit(long a, int d, List<String> lines) {
        int[] da = digits(a);
        int carry = 0;
        long result = 0;
        long place = 1;
        for (int x : da) {
            int p = x * d + carry;
            StringBuilder l = new StringBuilder().append(x).append(" * ").append(d);
            if (carry > 0) {
                l.append(" + ").append(carry);
            }
            l.append(" = ").append(p).append(", write ").append(p % 10);
            carry = p / 10;
            l.append(carry > 0 ? " carry " + carry + "." : ".");
            lines.add(l.toString());
            result += (p % 10) * place;
            place *= 10;
        }
        if (carry > 0) {
            lines.add("Write the final carry " + carry + ".");
            result += carry * place;
        }
        return result;
    }

    /** Digits of {@code v >= 0}, least significant first ({@code 0} has one digit). */
    static int[] digits(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative operand " + v);
        }
        String s = Long.toString(v);
        int[] d = new int[s.length()];
        for (int i = 0; i < d.length; i++) {
            d[i] = s.charAt(s.length() - 1 - i) - '0';
        }
        return d;
    }

    private static int digit(int[] d, int i) {
        return i < d.length ? d[i] : 0;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
