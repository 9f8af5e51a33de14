package dev.nemotron.eval.math;

import dev.nemotron.eval.math.Expr.Binary;
import dev.nemotron.eval.math.Expr.Const;
import dev.nemotron.eval.math.MathAnswer.Bracketed;
import dev.nemotron.eval.math.MathAnswer.Choice;
import dev.nemotron.eval.math.MathAnswer.Equation;
import dev.nemotron.eval.math.MathAnswer.Relation;
import dev.nemotron.eval.math.MathAnswer.Scalar;
import dev.nemotron.eval.math.MathAnswer.SetOf;
import dev.nemotron.eval.math.MathAnswer.Text;
import dev.nemotron.eval.math.MathAnswer.Union;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether two parsed answers are equivalent.
 *
 * <ol>
 *   <li>Scalars: {@link ExprEquivalence}. When exactly one side was written as a percentage and
 *       {@link MathVerifyOptions#percentAsFraction()} is on, the percentage also matches its
 *       fraction: {@code 28\%} ≡ {@code 28} and {@code 28\%} ≡ {@code 0.28}.</li>
 *   <li>Tuples and intervals: the same brackets, the same length, equivalent items in order.</li>
 *   <li>Sets, bare lists and unions: the same size, and the items can be paired off equivalently
 *       in some order. A bare list also matches a tuple in order ({@code 1,2} ≡ {@code (1,2)}),
 *       and a one-item set or list matches its item ({@code \{3\}} ≡ {@code 3}).</li>
 *   <li>Equations: side by side, or (two scalar sides each) the same difference of sides up to
 *       sign ({@code y=2x+3} ≡ {@code y-2x=3}); an equation against anything else compares its last side
 *       ({@code x=3} ≡ {@code 3}, {@code y=2x+1} ≡ {@code 2x+1}).</li>
 *   <li>Inequalities: the same chain, or the same interval: {@code x>2} ≡ {@code 2<x} ≡
 *       {@code (2,\infty)}, {@code 1<x\le 3} ≡ {@code (1,3]}.</li>
 *   <li>Choices: the same letter. Text: the same text, ignoring case and spaces.</li>
 *   <li>Anything else is not equivalent.</li>
 * </ol>
 */
final class AnswerEquivalence {
    private final MathVerifyOptions options;

    AnswerEquivalence(MathVerifyOptions options) {
        this.options = options;
    }

    boolean equivalent(MathAnswer a, MathAnswer b) {
        if (a instanceof Equation ea && b instanceof Equation eb) {
            return pairwise(ea.sides(), eb.sides()) || sameBalance(ea, eb);
        }
        if (a instanceof Equation ea) {
            return equivalent(ea.sides().getLast(), b);
        }
        if (b instanceof Equation eb) {
            return equivalent(a, eb.sides().getLast());
        }
        if (a instanceof Relation ra && b instanceof Relation rb && sameChain(ra, rb)) {
            return true;
        }
        if (a instanceof Relation ra) {
            MathAnswer interval = asInterval(ra);
            return interval != null && equivalent(interval, b);
        }
        if (b instanceof Relation rb) {
            MathAnswer interval = asInterval(rb);
            return interval != null && equivalent(a, interval);
        }
        return switch (a) {
            case Scalar sa -> b instanceof Scalar sb ? scalars(sa, sb) : singleItem(b, a);
            case Bracketed ba -> switch (b) {
                case Bracketed bb -> ba.open() == bb.open() && ba.close() == bb.close() && pairwise(ba.items(), bb.items());
                case SetOf sb -> !sb.braced() && ba.open() == '(' && pairwise(ba.items(), sb.items());
                default -> singleItem(b, a);
            };
            case SetOf sa -> switch (b) {
                case SetOf sb -> unordered(sa.items(), sb.items());
                case Bracketed bb -> !sa.braced() && bb.open() == '(' && pairwise(sa.items(), bb.items());
                default -> singleItem(a, b);
            };
            case MathAnswer.Union ua -> b instanceof Union ub ? unordered(ua.parts(), ub.parts()) : singleItem(b, a);
            case Choice ca -> b instanceof Choice cb ? ca.letter() == cb.letter() : singleItem(b, a);
            case Text ta -> b instanceof Text tb ? squash(ta.text()).equals(squash(tb.text())) : singleItem(b, a);
            default -> false;
        };
    }

    /**
     * Whether two two-sided scalar equations say the same thing rearranged: {@code l1 - r1} is
     * equivalent to {@code l2 - r2} or to its negation ({@code y = 2x+3} ≡ {@code y-2x = 3}).
     */
    private boolean sameBalance(Equation a, Equation b) {
        Expr da = balance(a);
        Expr db = balance(b);
        if (da == null || db == null) {
            return false;
        }
        double tol = options.relativeTolerance();
        return ExprEquivalence.equivalent(da, db, tol) || ExprEquivalence.equivalent(da, new Expr.Neg(db), tol);
    }

    private static Expr balance(Equation e) {
        if (e.sides().size() != 2 || !(e.sides().get(0) instanceof Scalar l) || !(e.sides().get(1) instanceof Scalar r)
                || l.percent() || r.percent()) {
            return null;
        }
        return new Binary(Binary.Op.SUB, l.expr(), r.expr());
    }

    /** Whether {@code set} is a one-item set or list whose item is equivalent to {@code other}. */
    private boolean singleItem(MathAnswer set, MathAnswer other) {
        return set instanceof SetOf s && s.items().size() == 1 && equivalent(s.items().getFirst(), other);
    }

    private boolean scalars(Scalar a, Scalar b) {
        double tol = options.relativeTolerance();
        if (ExprEquivalence.equivalent(a.expr(), b.expr(), tol)) {
            return true;
        }
        if (!options.percentAsFraction() || a.percent() == b.percent()) {
            return false;
        }
        Scalar p = a.percent() ? a : b;
        Scalar q = a.percent() ? b : a;
        Expr fraction = new Binary(Binary.Op.DIV, p.expr(), new Expr.Num(Rational.of(100), false));
        return ExprEquivalence.equivalent(fraction, q.expr(), tol);
    }

    private boolean pairwise(List<MathAnswer> a, List<MathAnswer> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!equivalent(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the items pair off equivalently in some order (greedy matching). */
    private boolean unordered(List<MathAnswer> a, List<MathAnswer> b) {
        if (a.size() != b.size()) {
            return false;
        }
        List<MathAnswer> left = new ArrayList<>(b);
        outer:
        for (MathAnswer x : a) {
            for (int i = 0; i < left.size(); i++) {
                if (equivalent(x, left.get(i))) {
                    left.remove(i);
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    private boolean sameChain(Relation a, Relation b) {
        if (!a.ops().equals(b.ops()) || a.operands().size() != b.operands().size()) {
            return false;
        }
        for (int i = 0; i < a.operands().size(); i++) {
            if (!ExprEquivalence.equivalent(a.operands().get(i), b.operands().get(i), options.relativeTolerance())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The interval a one-variable inequality describes ({@code x<3}, {@code 3>=x}, {@code 1<x<=3}),
     * or null when it is not of that shape.
     */
    static MathAnswer asInterval(Relation r) {
        List<Expr> xs = r.operands();
        List<String> ops = r.ops();
        if (xs.size() == 2) {
            boolean varLeft = xs.get(0) instanceof Expr.Var && Expr.variables(xs.get(1)).isEmpty();
            boolean varRight = xs.get(1) instanceof Expr.Var && Expr.variables(xs.get(0)).isEmpty();
            if (!varLeft && !varRight) {
                return null;
            }
            String op = varLeft ? ops.get(0) : flip(ops.get(0));
            Expr bound = varLeft ? xs.get(1) : xs.get(0);
            Expr inf = new Const(Const.Kind.INFINITY);
            return switch (op) {
                case "<" -> interval('(', new Expr.Neg(inf), bound, ')');
                case "<=" -> interval('(', new Expr.Neg(inf), bound, ']');
                case ">" -> interval('(', bound, inf, ')');
                default -> interval('[', bound, inf, ')');
            };
        }
        if (xs.size() == 3 && xs.get(1) instanceof Expr.Var && Expr.variables(xs.get(0)).isEmpty()
                && Expr.variables(xs.get(2)).isEmpty()) {
            boolean up = ops.stream().allMatch(o -> o.startsWith("<"));
            boolean down = ops.stream().allMatch(o -> o.startsWith(">"));
            if (up) {
                return interval(ops.get(0).equals("<") ? '(' : '[', xs.get(0), xs.get(2), ops.get(1).equals("<") ? ')' : ']');
            }
            if (down) {
                return interval(ops.get(1).equals(">") ? '(' : '[', xs.get(2), xs.get(0), ops.get(0).equals(">") ? ')' : ']');
            }
        }
        return null;
    }

    private static Bracketed interval(char open, Expr low, Expr high, char close) {
        return new Bracketed(open, close, List.of(new Scalar(low, false), new Scalar(high, false)));
    }

    private static String flip(String op) {
        return switch (op) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            default -> "<=";
        };
    }

    private static String squash(String s) {
        return s.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    }
}
