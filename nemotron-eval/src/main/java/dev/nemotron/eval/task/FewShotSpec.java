package dev.nemotron.eval.task;


/**
 * Few-shot examples placed before each problem.
 *
 * @param n      how many (0: zero-shot)
 * @param file   a JSONL file of examples (relative to the task file), or null: the task's own data
 *               set, the problem itself excluded
 * @param seed   the examples of problem i are drawn with a generator seeded by (seed, i): the
 *               same for every run and every repeat, whatever the order samples run in
 * @param target the example's answer text, or null for the task's {@code target}
 */
public record FewShotSpec(int n, String file, long seed, Template target) {
    public FewShotSpec {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
    }

    /** Zero-shot. */
    public static FewShotSpec none() {
        return new FewShotSpec(0, null, 1234, null);
    }
}
