package dev.nemotron.eval.math;

import java.util.List;
import java.util.Objects;

/**
 * Math answer equivalence in the spirit of Hugging Face Math-Verify, in plain Java: decides
 * whether a predicted answer means the same as a gold answer ({@code 1/2} ≡ {@code 0.5} ≡
 * {@code \frac{1}{2}}, {@code 2\sqrt2} ≡ {@code \sqrt8}, {@code x^2+2x+1} ≡ {@code (x+1)^2},
 * {@code \{1,2\}} ≡ {@code \{2,1\}}, {@code 7,425,000} ≡ {@code 7425000}).
 *
 * <p>Comparing two answers:
 * <ol>
 *   <li>Take the answer part of each: the last {@code \boxed{...}}, else what follows
 *       {@code ####}, else the whole text; for the prediction, after any {@code </think>}.</li>
 *   <li>Normalise both ({@link LatexNormalizer}: delimiters, {@code \text}, units, percent,
 *       thousands separators, ...). An empty answer is never equivalent to anything.</li>
 *   <li>Equal normal forms are equivalent.</li>
 *   <li>Otherwise parse both ({@link AnswerParser}: sets, tuples, intervals, equations,
 *       inequalities, choices, expressions) and compare the structures ({@link AnswerEquivalence},
 *       {@link ExprEquivalence}: exact algebra first, then numbers).</li>
 * </ol>
 * A verifier never throws for odd input: garbage, {@code null} or pathological answers are
 * simply not equivalent. Instances are immutable and thread-safe. The rules are documented in
 * {@code docs/eval-math.md}.
 */
public final class MathVerifier {
    private static final MathVerifier DEFAULT = new MathVerifier(MathVerifyOptions.DEFAULTS);

    private final MathVerifyOptions options;
    private final AnswerEquivalence equivalence;

    /** A verifier with {@code options}. */
    public MathVerifier(MathVerifyOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.equivalence = new AnswerEquivalence(options);
    }

    /** Whether {@code prediction} is equivalent to {@code gold}, with the default options. */
    public static boolean equivalent(String gold, String prediction) {
        return DEFAULT.verify(gold, prediction);
    }

    /** This verifier's options. */
    public MathVerifyOptions options() {
        return options;
    }

    /** Whether the answer {@code prediction} is equivalent to {@code gold}. */
    public boolean verify(String gold, String prediction) {
        return explain(gold, prediction).equivalent();
    }

    /**
     * Whether the final answer of the model completion {@code completion} (found by
     * {@link MathAnswerExtractor}, its first candidate) is equivalent to {@code gold}; false
     * when the completion has no answer.
     */
    public boolean verifyCompletion(String gold, String completion) {
        return explainCompletion(gold, completion).equivalent();
    }

    /** {@link #verifyCompletion} with the intermediate forms. */
    public Verdict explainCompletion(String gold, String completion) {
        List<ExtractedAnswer> found = MathAnswerExtractor.extract(completion);
        return explain(gold, found.isEmpty() ? "" : found.getFirst().text());
    }

    /** {@link #verify} with the intermediate forms. */
    public Verdict explain(String gold, String prediction) {
        String g = MathAnswerExtractor.answerPart(gold == null ? "" : gold).strip();
        String p = MathAnswerExtractor.answerPart(Reasoning.finalPart(prediction)).strip();
        String gn = LatexNormalizer.normalize(g);
        String pn = LatexNormalizer.normalize(p);
        if (gn.isEmpty() || pn.isEmpty()) {
            return new Verdict(false, g, p, gn, pn, "", "");
        }
        boolean same = gn.equals(pn);
        if (same || gn.length() > LatexNormalizer.MAX_LENGTH || pn.length() > LatexNormalizer.MAX_LENGTH) {
            return new Verdict(same, g, p, gn, pn, "", "");
        }
        try {
            MathAnswer ga = AnswerParser.parse(gn);
            MathAnswer pa = AnswerParser.parse(pn);
            return new Verdict(equivalence.equivalent(ga, pa), g, p, gn, pn, MathAnswer.render(ga), MathAnswer.render(pa));
        } catch (RuntimeException | StackOverflowError e) {
            return new Verdict(false, g, p, gn, pn, "", "");
        }
    }
}
