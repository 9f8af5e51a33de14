package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Generates single RULER samples of a target length in a model's own tokens.
 *
 * <p>A sample's random choices (keys, values, depths, words) are drawn from its seed first; then
 * {@link LengthFitter} grows the haystack until the counted prompt — {@link PromptFormat} applied
 * to input and answer prefix, plus the task's answer budget when reserved — lands in
 * {@code [(1 - tolerance) · length, length]}. Thread-safe: samples can be generated in parallel.
 *
 * <pre>{@code
 * RulerGenerator gen = new RulerGenerator(TokenizerTokenCounter.load(Path.of("my-model")), RulerOptions.defaults());
 * RulerSample s = gen.generate(RulerTask.NIAH_SINGLE_2, 8192, 42L, 0);
 * }</pre>
 */
public final class RulerGenerator {
    /** The shortest target length accepted. */
    public static final int MIN_LENGTH = 64;

    private final TokenCounter counter;
    private final PieceCounter pieces;
    private final RulerOptions options;

    public RulerGenerator(TokenCounter counter, RulerOptions options) {
        this.counter = Objects.requireNonNull(counter, "counter");
        this.pieces = new PieceCounter(counter);
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The options samples are generated with. */
    public RulerOptions options() {
        return options;
    }

    /**
     * One sample of {@code task} whose prompt fits {@code length} tokens.
     *
     * @param seed  the sample's seed: the same task, length, seed, options and tokenizer give the same sample
     * @param index the number recorded in the sample
     * @throws NemotronException when the length is too small for the task or cannot be reached
     */
    public RulerSample generate(RulerTask task, int length, long seed, int index) {
        Objects.requireNonNull(task, "task");
        String what = task.id() + " at length " + length;
        if (length < MIN_LENGTH) {
            throw new NemotronException(what + ": lengths start at " + MIN_LENGTH + " tokens");
        }
        int reserve = options.reserveAnswerTokens() ? task.tokensToGenerate() : 0;
        int hi = length - reserve;
        int lo = (int) Math.ceil((1 - options.tolerance()) * length) - reserve;
        Random rng = new Random(seed);
        SampleDesign design = switch (task.family()) {
            case NIAH -> new NiahDesign(task, task.niah().haystack() == NiahSpec.HaystackType.ESSAY ? options.essayText() : null,
                    options.depths(), rng, pieces);
            case VT -> new VariableTrackingDesign(options.depths(), rng, pieces);
            case CWE -> new CommonWordsDesign(length, rng, pieces);
            case FWE -> new FrequentWordsDesign(length, rng, pieces);
        };
        LengthFitter.Fit fit = LengthFitter.fit(design, options.format(), counter, lo, hi, what);
        Draft d = fit.draft();
        design.check(d.haystackSize());
        List<NeedlePosition> needles = new ArrayList<>();
        for (Draft.Needle n : d.needles()) {
            int tokenOffset = counter.count(fit.rendered().text().substring(0, fit.rendered().inputStart() + n.charOffset()));
            needles.add(new NeedlePosition(n.text(), n.depth(), n.unit(), d.haystackUnits(), n.charOffset(), tokenOffset));
        }
        return new RulerSample(task, index, length, fit.tokens(), task.tokensToGenerate(), d.input(), d.answerPrefix(),
                d.outputs(), task.metric(), options.format().name(), seed, d.haystackName(), d.haystackSize(), d.haystackUnits(),
                needles, d.details());
    }
}
