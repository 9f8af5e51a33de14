package dev.nemotron.eval.task;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.data.Doc;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the few-shot examples of each problem: {@code n} distinct records of the pool, chosen by
 * a generator seeded with {@code (seed, problem index)} — so a problem gets the same examples in
 * every run, whatever order samples run in and however many were resumed. When the pool is the
 * task's own data set the problem itself is never one of its examples.
 */
public final class FewShotSampler {
    private final List<Doc> pool;
    private final int n;
    private final long seed;
    private final boolean samePool;

    /**
     * @param samePool the pool is the evaluated data set (exclude the problem itself)
     * @throws NemotronException when the pool is too small for {@code n}
     */
    public FewShotSampler(List<Doc> pool, int n, long seed, boolean samePool) {
        this.pool = List.copyOf(pool);
        this.n = n;
        this.seed = seed;
        this.samePool = samePool;
        int available = samePool ? pool.size() - 1 : pool.size();
        if (n > available) {
            throw new NemotronException("few-shot: " + n + " examples asked but the pool has only " + available);
        }
    }

    /** The examples of {@code doc}, in prompt order. */
    public List<Doc> examples(Doc doc) {
        if (n == 0) {
            return List.of();
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + doc.index());
        int size = pool.size();
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        List<Doc> out = new ArrayList<>(n);
        for (int i = 0; i < size && out.size() < n; i++) {
            int j = i + rnd.nextInt(size - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            Doc pick = pool.get(order[i]);
            if (samePool && pick.index() == doc.index()) {
                continue;
            }
            out.add(pick);
        }
        return out;
    }
}
