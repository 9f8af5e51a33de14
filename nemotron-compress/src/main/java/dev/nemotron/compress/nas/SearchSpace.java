package dev.nemotron.compress.nas;

import dev.nemotron.api.NemotronException;

/**
 * The four dimensions of the Minitron architecture search on a hybrid model: depth (layers kept),
 * embedding width (hidden_size), FFN width (intermediate_size) and Mamba heads.
 *
 * <p>{@link #paperDefaults} scales the Nemotron Nano 2 search (§4: depth 52–56 of 62 layers,
 * hidden 4480–5120, FFN 13440–20480, Mamba heads 112–128) to the parent's dimensions, so that on
 * the 12B parent it is exactly the paper's space:
 * <pre>
 * layers:   round(L * 52/62) .. round(L * 56/62), step 1
 * hidden:   round(H * 7/8) .. H, step max(1, round(H / 40))          (12B: 4480..5120 step 128)
 * ffn:      round(F * 21/32) .. F, step max(1, round(F / 64))        (12B: 13440..20480 step 320)
 * heads:    ceil(M * 7/8) rounded up to a multiple of n_groups .. M, step n_groups   (12B: 112..128 step 8)
 * </pre>
 */
public record SearchSpace(Range layers, Range hidden, Range ffn, Range mambaHeads) {

    public static SearchSpace paperDefaults(int layers, int hidden, int ffn, int mambaHeads, int groups) {
        int lLo = Math.max(1, (int) Math.round(layers * 52.0 / 62));
        int lHi = Math.max(lLo, (int) Math.round(layers * 56.0 / 62));
        int hStep = Math.max(1, (int) Math.round(hidden / 40.0));
        int fStep = Math.max(1, (int) Math.round(ffn / 64.0));
        Range f = ffn > 0 ? new Range(Math.max(1, (int) Math.round(ffn * 21.0 / 32)), ffn, fStep) : null;
        Range m = null;
        if (mambaHeads > 0) {
            int g = Math.max(1, groups);
            int mLo = (int) Math.ceil(mambaHeads * 7.0 / 8);
            mLo = Math.min(mambaHeads, (mLo + g - 1) / g * g);
            m = new Range(mLo, mambaHeads, g);
        }
        return new SearchSpace(new Range(lLo, lHi, 1), new Range(Math.max(1, (int) Math.round(hidden * 7.0 / 8)),
                hidden, hStep), f, m);
    }

    /** Checks the space against the parent: no dimension grows, heads stay a multiple of the groups. */
    public void validate(int parentLayers, int parentHidden, int parentFfn, int parentHeads, int groups) {
        check("--layers", layers, parentLayers, "layers");
        check("--hidden", hidden, parentHidden, "hidden_size");
        if (ffn != null) {
            check("--ffn", ffn, parentFfn, "intermediate_size");
        }
        if (mambaHeads != null) {
            check("--mamba-heads", mambaHeads, parentHeads, "mamba_num_heads");
            for (int h : mambaHeads.values()) {
                if (groups > 0 && h % groups != 0) {
                    throw new NemotronException("--mamba-heads " + mambaHeads + ": " + h + " is not a multiple of n_groups = "
                            + groups + " (heads are pruned by the same count per group); use a step of " + groups);
                }
            }
        }
    }

    private static void check(String option, Range r, int parent, String field) {
        if (r.hi() > parent) {
            throw new NemotronException(option + " " + r + " goes above the parent's " + field + " (" + parent
                    + "): pruning only removes");
        }
    }

    /** The number of architectures in the space. */
    public long size() {
        return (long) layers.values().size() * hidden.values().size() * (ffn == null ? 1 : ffn.values().size())
                * (mambaHeads == null ? 1 : mambaHeads.values().size());
    }
}
