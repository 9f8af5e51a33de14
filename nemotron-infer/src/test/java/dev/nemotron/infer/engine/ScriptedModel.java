package dev.nemotron.infer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * A language model whose logits a test controls: after each sequence's tokens so far, the
 * {@code script} names the token that gets logit 10 (every other token gets 0). Records the
 * largest decode batch it was given.
 */
final class ScriptedModel implements LanguageModel {
    private final int vocab;
    private final ToIntFunction<List<Integer>> script;
    private final long bytesPerToken;
    final AtomicInteger maxBatchSeen = new AtomicInteger();
    final AtomicInteger decodeSteps = new AtomicInteger();
    final AtomicInteger sequencesCreated = new AtomicInteger();

    ScriptedModel(int vocab, long bytesPerToken, ToIntFunction<List<Integer>> script) {
        this.vocab = vocab;
        this.bytesPerToken = bytesPerToken;
        this.script = script;
    }

    static final class Seq implements ModelSequence {
        final List<Integer> ids = new ArrayList<>();

        @Override
        public int length() {
            return ids.size();
        }

        @Override
        public long bytes() {
            return ids.size();
        }
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public ModelSequence newSequence() {
        sequencesCreated.incrementAndGet();
        return new Seq();
    }

    private void row(Seq s, float[] out, int offset) {
        out[offset + script.applyAsInt(s.ids)] = 10f;
    }

    @Override
    public float[] prefill(ModelSequence sequence, int[] ids) {
        Seq s = (Seq) sequence;
        for (int id : ids) {
            s.ids.add(id);
        }
        float[] logits = new float[vocab];
        row(s, logits, 0);
        return logits;
    }

    @Override
    public float[] decode(List<ModelSequence> sequences, int[] tokens) {
        maxBatchSeen.accumulateAndGet(sequences.size(), Math::max);
        decodeSteps.incrementAndGet();
        float[] logits = new float[sequences.size() * vocab];
        for (int b = 0; b < tokens.length; b++) {
            Seq s = (Seq) sequences.get(b);
            s.ids.add(tokens[b]);
            row(s, logits, b * vocab);
        }
        return logits;
    }

    @Override
    public long sequenceBytes(long tokens) {
        return tokens * bytesPerToken;
    }
}
