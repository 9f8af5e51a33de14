package dev.nemotron.infer.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The tokens still in the running for one draw: parallel arrays of token ids,
 * temperature-scaled logits and unnormalised probabilities {@code exp(v - v_max)}, narrowed by
 * top-k, top-p and min-p, then drawn from. The exponentials are computed once per step: top-p and
 * min-p always keep the most likely token, so {@code v_max} does not change.
 *
 * <p>Scratch arrays are reused between steps and grow only to the largest candidate set seen:
 * about {@code k} entries with top-k on, the whole vocabulary (16 bytes per entry) without it.
 */
final class Candidates {
    private int[] ids = new int[0];
    private float[] vals = new float[0];
    private double[] weights = new double[0];
    private float[] heap = new float[0];
    private int size;

    int size() {
        return size;
    }

    int id(int i) {
        return ids[i];
    }

    /**
     * The {@code k}-th largest of the finite logits divided by {@code temperature}, or
     * {@code -Infinity} when fewer than {@code k} logits are finite. A min-heap of size {@code k}:
     * {@code O(V log k)} at worst, about {@code O(V)} in practice, no sort and no copy of the row.
     */
    float kthLargest(float[] logits, float temperature, int k) {
        if (k > logits.length) {
            return Float.NEGATIVE_INFINITY;            // fewer logits than k: never size the heap from k
        }
        if (heap.length < k) {
            heap = new float[k];
        }
        float[] h = heap;
        int n = 0;
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (l == Float.NEGATIVE_INFINITY) {
                continue;
            }
            float v = checked(i, l) / temperature;
            if (n < k) {
                int c = n++;
                h[c] = v;
                while (c > 0) {                       // sift up
                    int p = (c - 1) >>> 1;
                    if (h[p] <= v) {
                        break;
                    }
                    h[c] = h[p];
                    c = p;
                }
                h[c] = v;
            } else if (v > h[0]) {
                siftDownMin(h, k, v);
            }
        }
        return n < k ? Float.NEGATIVE_INFINITY : h[0];
    }

    private static void siftDownMin(float[] h, int n, float v) {
        int c = 0;
        while (true) {
            int l = 2 * c + 1;
            if (l >= n) {
                break;
            }
            int r = l + 1;
            int m = r < n && h[r] < h[l] ? r : l;
            if (h[m] >= v) {
                break;
            }
            h[c] = h[m];
            c = m;
        }
        h[c] = v;
    }

    /**
     * Every token whose logit is finite and whose scaled logit {@code logit / temperature} is at
     * least {@code threshold}, in id order. {@code -Infinity} logits never become candidates.
     */
    void gather(float[] logits, float temperature, float threshold) {
        int n = 0;
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (l == Float.NEGATIVE_INFINITY) {
                continue;
            }
            float v = checked(i, l) / temperature;
            if (v >= threshold) {
                if (n == ids.length) {
                    grow(Math.max(16, Math.min(logits.length, n * 2)));
                }
                ids[n] = i;
                vals[n] = v;
                m = Math.max(m, v);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no token can be sampled: every logit is -Infinity");
        }
        size = n;
        for (int j = 0; j < n; j++) {
            weights[j] = Math.exp(vals[j] - m);
        }
    }

    /**
     * Nucleus: the smallest set of most likely candidates whose probability mass reaches
     * {@code p} (at least one). A candidate is kept while the mass of those ranked above it is
     * below {@code p}, as HF's and vLLM's ascending-cumsum form. Only the kept ones are ordered: a
     * max-heap over the candidates is popped until the mass is reached ({@code O(n + m log n)}
     * for {@code m} kept). Equal probabilities rank by lower id. Leaves the kept ones in
     * descending order.
     */
    void keepTopP(double p) {
        double total = total();
        double target = p * total;
        // 1. heapify [0, size) as a max-heap on (value desc, id asc)
        for (int j = (size >>> 1) - 1; j >= 0; j--) {
            siftDownMax(j, size);
        }
        // 2. pop the largest to the end of the heap until the kept mass reaches the target
        int end = size;
        double kept = 0;
        while (end > 0 && kept < target) {
            swap(0, end - 1);
            end--;
            siftDownMax(0, end);
            kept += weights[end];
        }
        // 3. [end, size) holds the kept ones, ascending; reverse and move them to the front
        for (int a = end, b = size - 1; a < b; a++, b--) {
            swap(a, b);
        }
        int count = size - end;
        System.arraycopy(ids, end, ids, 0, count);
        System.arraycopy(vals, end, vals, 0, count);
        System.arraycopy(weights, end, weights, 0, count);
        size = count;
    }

    /** Keeps the candidates whose probability is at least {@code minP} times the largest one. */
    void keepMinP(double minP) {
        int n = 0;
        for (int j = 0; j < size; j++) {
            if (weights[j] >= minP) {      // p_j / p_max
                ids[n] = ids[j];
                vals[n] = vals[j];
                weights[n] = weights[j];
                n++;
            }
        }
        size = n;
    }

    /** Draws one candidate with probability {@code softmax(vals)}, walking the candidates in their order. */
    int draw(SplittableRandom random) {
        double u = random.nextDouble() * total();
        double acc = 0;
        int last = 0;
        for (int j = 0; j < size; j++) {
            if (weights[j] > 0) {
                acc += weights[j];
                last = j;
                if (u < acc) {
                    return ids[j];
                }
            }
        }
        return ids[last];   // u rounded up to the total
    }

    private double total() {
        double total = 0;
        for (int j = 0; j < size; j++) {
            total += weights[j];
        }
        return total;
    }

    /** {@code a} ranks above {@code b}: larger value, or equal value and lower id. */
    private boolean above(int a, int b) {
        return vals[a] > vals[b] || (vals[a] == vals[b] && ids[a] < ids[b]);
    }

    private void siftDownMax(int c, int n) {
        while (true) {
            int l = 2 * c + 1;
            if (l >= n) {
                return;
            }
            int r = l + 1;
            int m = r < n && above(r, l) ? r : l;
            if (!above(m, c)) {
                return;
            }
            swap(c, m);
            c = m;
        }
    }

    private void swap(int a, int b) {
        int t = ids[a];
        ids[a] = ids[b];
        ids[b] = t;
        float v = vals[a];
        vals[a] = vals[b];
        vals[b] = v;
        double w = weights[a];
        weights[a] = weights[b];
        weights[b] = w;
    }

    private void grow(int capacity) {
        ids = Arrays.copyOf(ids, capacity);
        vals = Arrays.copyOf(vals, capacity);
        weights = Arrays.copyOf(weights, capacity);
    }

    /** Logits must be finite or {@code -Infinity}; NaN or {@code +Infinity} is a bug upstream. */
    static float checked(int token, float logit) {
        if (!(logit < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("logit of token " + token + " is " + logit
                    + "; logits must be finite or -Infinity");
        }
        return logit;
    }
}
