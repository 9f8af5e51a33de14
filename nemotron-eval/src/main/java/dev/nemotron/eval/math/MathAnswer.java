package dev.nemotron.eval.math;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed answer: a value, or a structure of values. Made by {@link AnswerParser}, compared by
 * {@link AnswerEquivalence}.
 */
sealed interface MathAnswer {
    /** A number or expression; {@code percent} when it was written with {@code %} or "percent". */
    record Scalar(Expr expr, boolean percent) implements MathAnswer {
    }

    /**
     * A tuple or an interval: {@code (1,2)}, {@code [0,1)}, {@code (-\infty, 3]}. Brackets and
     * order matter.
     */
    record Bracketed(char open, char close, List<MathAnswer> items) implements MathAnswer {
        public Bracketed {
            items = List.copyOf(items);
        }
    }

    /**
     * A set, {@code \{1,2\}} ({@code braced}), or a bare list {@code 1, 2}; order does not matter,
     * multiplicity does.
     */
    record SetOf(List<MathAnswer> items, boolean braced) implements MathAnswer {
        public SetOf {
            items = List.copyOf(items);
        }
    }

    /** A union of intervals or sets, {@code (-\infty,1)\cup(2,\infty)}; order does not matter. */
    record Union(List<MathAnswer> parts) implements MathAnswer {
        public Union {
            parts = List.copyOf(parts);
        }
    }

    /** {@code x = 3}, {@code y = 2x + 1}: two or more sides. */
    record Equation(List<MathAnswer> sides) implements MathAnswer {
        public Equation {
            sides = List.copyOf(sides);
        }
    }

    /** An inequality chain: {@code x > 2}, {@code 1 < x \le 3}; {@code ops} are {@code < <= > >=}. */
    record Relation(List<Expr> operands, List<String> ops) implements MathAnswer {
        public Relation {
            operands = List.copyOf(operands);
            ops = List.copyOf(ops);
        }
    }

    /** A multiple-choice letter: {@code A}, {@code (B)}, {@code \text{(C)}}. */
    record Choice(char letter) implements MathAnswer {
    }

    /** Anything else, compared as text (case and spaces ignored). */
    record Text(String text) implements MathAnswer {
    }

    /** A short rendering of the parse, for {@code --explain}. */
    static String render(MathAnswer a) {
        return switch (a) {
            case Scalar s -> Expr.render(s.expr()) + (s.percent() ? " %" : "");
            case Bracketed b -> b.open() + join(b.items()) + b.close();
            case SetOf s -> s.braced() ? "{" + join(s.items()) + "}" : "list(" + join(s.items()) + ")";
            case Union u -> u.parts().stream().map(MathAnswer::render).collect(Collectors.joining(" U "));
            case Equation e -> e.sides().stream().map(MathAnswer::render).collect(Collectors.joining(" = "));
            case Relation r -> {
                StringBuilder sb = new StringBuilder(Expr.render(r.operands().get(0)));
                for (int i = 0; i < r.ops().size(); i++) {
                    sb.append(' ').append(r.ops().get(i)).append(' ').append(Expr.render(r.operands().get(i + 1)));
                }
                yield sb.toString();
            }
            case Choice c -> "choice " + c.letter();
            case Text t -> "text \"" + t.text() + "\"";
        };
    }

    private static String join(List<MathAnswer> items) {
        return items.stream().map(MathAnswer::render).collect(Collectors.joining(", "));
    }
}
