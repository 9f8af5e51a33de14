package dev.nemotron.train.data.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The generator is deterministic, its answers are right, and every step of every trace is right. */
class ArithmeticReasoningTest {
    private static final Pattern QUESTION = Pattern.compile("What is (\\d+) ([-+*]) (\\d+)\\?");
    /** {@code A op B [op C] = R} anywhere in a trace (the forms the traces use). */
    private static final Pattern STEP = Pattern.compile("(-?\\d+) ([-+*]) (\\d+)(?: ([-+]) (\\d+))? = (-?\\d+)");

    @Test
    void sameSeedSameProblemsOtherSeedOthers() {
        ArithmeticConfig c = ArithmeticConfig.defaults();
        List<ReasoningSample> a = new ArithmeticReasoning(c, 7).next(200);
        assertThat(new ArithmeticReasoning(c, 7).next(200)).isEqualTo(a);
        assertThat(new ArithmeticReasoning(c, 8).next(200)).isNotEqualTo(a);
        // set order does not matter
        ArithmeticConfig reordered = new ArithmeticConfig(3, Set.of(Operation.MULTIPLY, Operation.ADD, Operation.SUBTRACT), 1);
        assertThat(new ArithmeticReasoning(reordered, 7).next(200)).isEqualTo(a);
    }

    @Test
    void everyAnswerIsCorrectAndEveryTraceStepToo() {
        for (ArithmeticConfig c : List.of(ArithmeticConfig.defaults(), new ArithmeticConfig(6, EnumSet.allOf(Operation.class), 3),
                new ArithmeticConfig(9, EnumSet.allOf(Operation.class), 9), new ArithmeticConfig(1, EnumSet.allOf(Operation.class), 1))) {
            ArithmeticReasoning gen = new ArithmeticReasoning(c, 42);
            for (int i = 0; i < 2000; i++) {
                ReasoningSample s = gen.next();
                Matcher q = QUESTION.matcher(s.question());
                assertThat(q.matches()).as(s.question()).isTrue();
                long a = Long.parseLong(q.group(1));
                long b = Long.parseLong(q.group(3));
                Operation op = Operation.of(q.group(2));
                assertThat(c.operations()).contains(op);
                assertThat(Long.toString(a).length()).isLessThanOrEqualTo(c.maxDigits());
                if (op == Operation.MULTIPLY) {
                    assertThat(Long.toString(b).length()).isLessThanOrEqualTo(c.maxMultiplierDigits());
                }
                long expected = switch (op) {
                    case ADD -> a + b;
                    case SUBTRACT -> a - b;
                    case MULTIPLY -> a * b;
                };
                assertThat(expected).isNotNegative();
                assertThat(s.answer()).as(s.question()).isEqualTo(Long.toString(expected));
                assertThat(s.reasoning()).endsWith("The answer is " + s.answer() + ".");
                assertThat(s.reasoning()).doesNotContain("</think>").doesNotContain("<think>").doesNotStartWith(" ").doesNotEndWith("\n");
                checkSteps(s.reasoning());
            }
        }
    }

    /** Every "A op B [op C] = R" in the trace is true. */
    private static void checkSteps(String trace) {
        Matcher m = STEP.matcher(trace);
        int n = 0;
        while (m.find()) {
            long x = Long.parseLong(m.group(1));
            long y = Long.parseLong(m.group(3));
            long v = switch (m.group(2)) {
                case "+" -> x + y;
                case "-" -> x - y;
                default -> x * y;
            };
            if (m.group(4) != null) {
                long z = Long.parseLong(m.group(5));
                v = m.group(4).equals("+") ? v + z : v - z;
            }
            assertThat(v).as("%s in%n%s", m.group(), trace).isEqualTo(Long.parseLong(m.group(6)));
            n++;
        }
        assertThat(n).as(trace).isPositive();
    }

    @Test
    void tracesAreTheSchoolAlgorithms() {
        assertThat(ArithmeticReasoning.solve(Operation.ADD, 47, 38)).isEqualTo(new ReasoningSample("What is 47 + 38?", """
                Add 47 and 38 column by column, from the right.
                7 + 8 = 15, write 5 carry 1.
                4 + 3 + 1 = 8, write 8.
                The answer is 85.""", "85"));
        assertThat(ArithmeticReasoning.solve(Operation.ADD, 958, 67).reasoning()).isEqualTo("""
                Add 958 and 67 column by column, from the right.
                8 + 7 = 15, write 5 carry 1.
                5 + 6 + 1 = 12, write 2 carry 1.
                9 + 0 + 1 = 10, write 0 carry 1.
                Write the final carry 1.
                The answer is 1025.""");
        assertThat(ArithmeticReasoning.solve(Operation.SUBTRACT, 83, 38).reasoning()).isEqualTo("""
                Subtract 38 from 83 column by column, from the right.
                3 - 8 = -5, borrow 1: -5 + 10 = 5, write 5.
                8 - 3 - 1 = 4, write 4.
                The answer is 45.""");
        assertThat(ArithmeticReasoning.solve(Operation.SUBTRACT, 100, 99).reasoning()).isEqualTo("""
                Subtract 99 from 100 column by column, from the right.
                0 - 9 = -9, borrow 1: -9 + 10 = 1, write 1.
                0 - 9 - 1 = -10, borrow 1: -10 + 10 = 0, write 0.
                1 - 0 - 1 = 0, write 0.
                The answer is 1.""");
        assertThat(ArithmeticReasoning.solve(Operation.MULTIPLY, 47, 6).reasoning()).isEqualTo("""
                Multiply 47 by 6 digit by digit, from the right.
                7 * 6 = 42, write 2 carry 4.
                4 * 6 + 4 = 28, write 8 carry 2.
                Write the final carry 2.
                The answer is 282.""");
        ReasoningSample m2 = ArithmeticReasoning.solve(Operation.MULTIPLY, 47, 36);
        assertThat(m2.answer()).isEqualTo("1692");
        assertThat(m2.reasoning()).isEqualTo("""
                Multiply 47 by 36: one row per digit of 36, from the right.
                Row 1: 47 * 6.
                7 * 6 = 42, write 2 carry 4.
                4 * 6 + 4 = 28, write 8 carry 2.
                Write the final carry 2.
                Row 1 is 282.
                Row 2: 47 * 3, shifted 1 place.
                7 * 3 = 21, write 1 carry 2.
                4 * 3 + 2 = 14, write 4 carry 1.
                Write the final carry 1.
                Row 2 is 141, shifted: 1410.
                Add it to the rows so far: 282 + 1410.
                2 + 0 = 2, write 2.
                8 + 1 = 9, write 9.
                2 + 4 = 6, write 6.
                0 + 1 = 1, write 1.
                Rows so far: 1692.
                The answer is 1692.""");
    }

    @Test
    void assistantContentFollowsTheReasoningConvention() {
        ReasoningSample s = ArithmeticReasoning.solve(Operation.ADD, 2, 3);
        assertThat(s.assistantContent(true)).isEqualTo(s.reasoning() + "\n</think>\n5");
        assertThat(s.assistantContent(false)).isEqualTo("5");
    }

    @Test
    void badConfig() {
        assertThatThrownBy(() -> new ArithmeticConfig(0, EnumSet.allOf(Operation.class), 1)).isInstanceOf(NemotronException.class);
        assertThatThrownBy(() -> new ArithmeticConfig(10, EnumSet.allOf(Operation.class), 1)).hasMessageContaining("1..9");
        assertThatThrownBy(() -> new ArithmeticConfig(3, Set.of(), 1)).hasMessageContaining("at least one operation");
        assertThatThrownBy(() -> new ArithmeticConfig(3, EnumSet.allOf(Operation.class), 4)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> Operation.parseList("+,/")).hasMessage("unknown operation '/': expected +, - or *");
        assertThat(Operation.parseList("+, -,*")).containsExactlyInAnyOrder(Operation.values());
    }
}
