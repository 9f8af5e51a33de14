package dev.nemotron.train.trainer;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.data.Batch;
import dev.nemotron.train.data.DataLoader;
import dev.nemotron.train.data.LoaderConfig;
import dev.nemotron.train.data.TokenDataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A fixed set of held-out sequences and the model's mean loss on them.
 *
 * <pre>
 * 1. once: the first `sequences` windows of seq_len + 1 tokens of the held-out dataset,
 *    packed (Concat&amp;Chunk) in manifest order, without shuffling
 * 2. each evaluation: per-sequence mean cross-entropy (in parallel), then the mean over
 *    sequences summed in sequence order, so the value does not depend on thread timing
 * </pre>
 */
public final class HeldOutLoss {
    private final List<int[]> inputs;
    private final List<int[]> targets;
    /** Per sequence its samples, null entries: one sample. */
    private final Segments[] segments;

    private HeldOutLoss(List<int[]> inputs, List<int[]> targets, Segments[] segments) {
        this.inputs = inputs;
        this.targets = targets;
        this.segments = segments;
    }

    /** Up to {@code sequences} sequences of {@code seqLen} tokens (fewer when the dataset is short). */
    public static HeldOutLoss of(TokenDataset dataset, int seqLen, int sequences, int eosId) {
        long streamTokens = dataset.manifest().tokens() + (eosId >= 0 ? dataset.manifest().documents() : 0);
        long available = Math.max(1, (streamTokens - 1) / seqLen);
        int n = (int) Math.min(sequences, available);
        LoaderConfig config = LoaderConfig.of(seqLen, 1, 0, eosId).withShuffle(false);
        List<int[]> in = new ArrayList<>(n);
        List<int[]> tg = new ArrayList<>(n);
        try (DataLoader loader = DataLoader.open(dataset, config)) {
            for (int i = 0; i < n; i++) {
                Batch b = loader.next();
                in.add(b.inputRow(0));
                tg.add(b.targetRow(0));
            }
        }
        return new HeldOutLoss(List.copyOf(in), List.copyOf(tg), new Segments[n]);
    }

    /** Sequences of explicit token rows (targets: -100 ignores a position). */
    public static HeldOutLoss ofRows(List<int[]> inputs, List<int[]> targets) {
        if (inputs.isEmpty() || inputs.size() != targets.size()) {
            throw new IllegalArgumentException("need as many target rows as input rows, and at least one");
        }
        return new HeldOutLoss(List.copyOf(inputs), List.copyOf(targets), new Segments[inputs.size()]);
    }

    /** Packed rows: {@code segments.get(i)} the samples of {@code inputs.get(i)} (null: one sample). */
    public static HeldOutLoss ofRows(List<int[]> inputs, List<int[]> targets, List<Segments> segments) {
        if (inputs.isEmpty() || inputs.size() != targets.size() || inputs.size() != segments.size()) {
            throw new IllegalArgumentException("need as many target rows and segment lists as input rows, and at least one");
        }
        Segments[] s = segments.toArray(new Segments[0]);
        for (int i = 0; i < s.length; i++) {
            if (s[i] != null) {
                s[i].requireLength(inputs.get(i).length);
            }
        }
        return new HeldOutLoss(List.copyOf(inputs), List.copyOf(targets), Arrays.copyOf(s, s.length));
    }

    public int sequences() {
        return inputs.size();
    }

    /** The model's mean loss over the held-out sequences. */
    public double evaluate(TrainableModel model) {
        double[] losses = new double[inputs.size()];
        IntStream.range(0, losses.length).parallel()
                .forEach(i -> losses[i] = model.loss(inputs.get(i), segments[i], targets.get(i)));
        double sum = 0;
        for (double l : losses) {
            sum += l;
        }
        return sum / losses.length;
    }
}
