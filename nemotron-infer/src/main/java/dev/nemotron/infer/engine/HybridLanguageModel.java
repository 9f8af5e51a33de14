package dev.nemotron.infer.engine;

import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.arch.model.SequenceState;
import java.util.List;

/** A {@link HybridModel} as the engine sees it. */
public final class HybridLanguageModel implements LanguageModel {
    private final HybridModel model;
    private final int prefillChunk;

    /** @param prefillChunk prompt tokens per prefill piece (bounds activation memory) */
    public HybridLanguageModel(HybridModel model, int prefillChunk) {
        this.model = model;
        this.prefillChunk = prefillChunk;
    }

    public HybridLanguageModel(HybridModel model) {
        this(model, 1024);
    }

    public HybridModel model() {
        return model;
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public ModelSequence newSequence() {
        return new Seq(model.newSequence());
    }

    @Override
    public float[] prefill(ModelSequence sequence, int[] ids) {
        return model.prefill(((Seq) sequence).state, ids, prefillChunk);
    }

    @Override
    public boolean prefillsInPieces() {
        return true;
    }

    @Override
    public void extend(ModelSequence sequence, int[] ids) {
        model.extend(((Seq) sequence).state, ids, prefillChunk);
    }

    @Override
    public float[] decode(List<ModelSequence> sequences, int[] tokens) {
        SequenceState[] states = new SequenceState[sequences.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = ((Seq) sequences.get(i)).state;
        }
        return model.decode(states, tokens);
    }

    /**
     * The layers' own cache footprints: SSM state and conv window in float32, the KV cache in the
     * model's KV cache type ({@link dev.nemotron.arch.model.RunOptions#kvCache()}) and doubled: it
     * grows by doubling its capacity.
     */
    @Override
    public long sequenceBytes(long tokens) {
        CacheFootprint total = CacheFootprint.NONE;
        long kv = 0;
        DType kvType = model.options().kvCache();
        for (LayerPlan layer : model.graph().layers()) {
            total = total.plus(layer.factory().cacheFootprint(layer.context(), tokens, 1, DType.F32));
            kv += layer.factory().cacheFootprint(layer.context(), tokens, 1, kvType).kvCacheBytes();
        }
        return 2 * kv + total.ssmStateBytes() + total.convStateBytes();
    }

    private record Seq(SequenceState state) implements ModelSequence {
        @Override
        public int length() {
            return state.length();
        }

        @Override
        public long bytes() {
            return state.bytes();
        }
    }
}
