package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.cli.output.Json;
import dev.nemotron.eval.math.ExtractedAnswer;
import dev.nemotron.eval.math.MathAnswerExtractor;
import dev.nemotron.eval.math.MathVerifier;
import dev.nemotron.eval.math.MathVerifyOptions;
import dev.nemotron.eval.math.Verdict;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code nemotron eval verify-math --gold G --pred P}: whether two math answers are equivalent
 * ({@link MathVerifier}), as {@code {"equivalent": true|false}}; with {@code --explain} also the
 * normalised and parsed forms. Bad flags are one error line and exit code 2 (the answer options
 * take an optional value and unknown arguments are collected, so that picocli's multi-line usage
 * errors never show).
 */
@Command(name = "verify-math", mixinStandardHelpOptions = true,
        description = "Whether a predicted math answer is equivalent to a gold answer (1/2 = 0.5 = \\frac{1}{2},"
                + " 2\\sqrt2 = \\sqrt8, {1,2} = {2,1}, 7,425,000 = 7425000, 28\\%% = 28 percent); prints"
                + " {\"equivalent\": true|false}. Rules: docs/eval-math.md.")
public final class EvalVerifyMathCommand implements Callable<Integer> {
    /** What picocli gives a bare {@code --gold} / {@code --pred} (no value), told apart from an empty answer {@code ''}. */
    private static final String NO_VALUE = "\u0000no value";

    @Spec
    CommandSpec spec;

    @Option(names = "--gold", arity = "0..1", fallbackValue = NO_VALUE, paramLabel = "ANSWER", description = "The reference answer (LaTeX or plain; a \\boxed{} or #### inside is used).")
    String gold;

    @Option(names = "--pred", arity = "0..1", fallbackValue = NO_VALUE, paramLabel = "ANSWER", description = "The predicted answer (with --completion: a whole model completion).")
    String pred;

    @Option(names = "--completion", description = "--pred is a model completion: strip <think>...</think> and extract its final answer"
            + " (\\boxed{}, ####, 'the answer is', last number).")
    boolean completion;

    @Option(names = "--tolerance", paramLabel = "REL", description = "Relative tolerance for answers written with a decimal point,"
            + " in [0, 1) (default: ${DEFAULT-VALUE}).")
    double tolerance = MathVerifyOptions.DEFAULTS.relativeTolerance();

    @Option(names = "--explain", description = "Also print the answers as compared, normalised and parsed.")
    boolean explain;

    @Unmatched
    List<String> unmatched;

    @Override
    public Integer call() {
        if (unmatched != null && !unmatched.isEmpty()) {
            throw new NemotronException("verify-math: unknown argument '" + unmatched.getFirst() + "' (try 'nemotron eval verify-math --help')");
        }
        if (gold == null || pred == null) {
            throw new NemotronException("verify-math: give --gold ANSWER and --pred ANSWER");
        }
        if (NO_VALUE.equals(gold) || NO_VALUE.equals(pred)) {
            throw new NemotronException("verify-math: " + (NO_VALUE.equals(gold) ? "--gold" : "--pred") + " needs an answer (--pred '' is an empty one)");
        }
        if (gold.isBlank()) {
            throw new NemotronException("verify-math: --gold needs a non-empty answer");
        }
        // an empty or blank prediction is an answer that matches nothing: {"equivalent": false}
        MathVerifier verifier = new MathVerifier(MathVerifyOptions.DEFAULTS.withRelativeTolerance(tolerance));
        Verdict v = completion ? verifier.explainCompletion(gold, pred) : verifier.explain(gold, pred);
        ObjectNode o = Json.object();
        o.put("equivalent", v.equivalent());
        if (explain) {
            o.put("gold", v.gold());
            o.put("prediction", v.prediction());
            o.put("gold_normalized", v.goldNormalized());
            o.put("prediction_normalized", v.predictionNormalized());
            o.put("gold_parsed", v.goldParsed());
            o.put("prediction_parsed", v.predictionParsed());
            if (completion) {
                ArrayNode candidates = o.putArray("candidates");
                for (ExtractedAnswer a : MathAnswerExtractor.extract(pred)) {
                    candidates.addObject().put("text", a.text()).put("source", a.source().name().toLowerCase(Locale.ROOT));
                }
            }
        }
        Json.print(spec.commandLine().getOut(), o);
        return 0;
    }
}
