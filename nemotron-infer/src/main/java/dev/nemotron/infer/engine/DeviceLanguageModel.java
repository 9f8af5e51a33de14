package dev.nemotron.infer.engine;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.backend.KvCapacity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link DeviceModel} (weights and caches on a GPU) as the engine sees it. Each sequence is a
 * device slot, freed when the engine {@linkplain ModelSequence#release() releases} it. The caches
 * live in device memory, so they take nothing from the engine's (host) cache budget; a request
 * longer than a slot holds is refused at submit. A device with a paged KV cache
 * ({@link DeviceModel#kvCapacity()}) reports its pool as {@link #poolBlocks()} and a request's
 * blocks as {@link #sequenceBlocks}, so the engine admits by actual need.
 */
public final class DeviceLanguageModel implements LanguageModel, AutoCloseable {
    private final DeviceModel model;
    private final int maxSequenceLength;
    private final int blockTokens;   // 0: no paged pool
    private final long poolBlocks;

    /** @param maxSequenceLength the tokens one device slot holds (the model's maxSequenceLength) */
    public DeviceLanguageModel(DeviceModel model, int maxSequenceLength) {
        this.model = model;
        this.maxSequenceLength = maxSequenceLength;
        Optional<KvCapacity> kv = model.kvCapacity();
        this.blockTokens = kv.map(KvCapacity::blockTokens).orElse(0);
        this.poolBlocks = kv.map(KvCapacity::totalBlocks).orElse(Long.MAX_VALUE);
    }

    public DeviceModel model() {
        return model;
    }

    @Override
    public int vocabSize() {
        return model.vocabSize();
    }

    @Override
    public ModelSequence newSequence() {
        return new Seq(model.newSequence());
    }

    @Override
    public float[] prefill(ModelSequence sequence, int[] ids) {
        return model.prefill(((Seq) sequence).device, ids);
    }

    @Override
    public float[] decode(List<ModelSequence> sequences, int[] tokens) {
        List<DeviceSequence> device = new ArrayList<>(sequences.size());
        for (ModelSequence s : sequences) {
            device.add(((Seq) s).device);
        }
        return model.decode(device, tokens);
    }

    /**
     * 0 host bytes for a sequence that fits a device slot.
     *
     * @throws NemotronException when {@code tokens} exceed what a slot holds
     */
    @Override
    public long sequenceBytes(long tokens) {
        if (tokens > maxSequenceLength) {
            throw new NemotronException("the request needs " + tokens + " tokens of context, but a device sequence holds"
                    + " at most " + maxSequenceLength + ": lower max_tokens or shorten the prompt");
        }
        return 0;
    }

    /** {@code ceil(tokens / block tokens)} on a device with a paged KV pool, else 0. */
    @Override
    public long sequenceBlocks(long tokens) {
        return blockTokens == 0 ? 0 : KvCapacity.blocksFor(tokens, blockTokens);
    }

    @Override
    public long poolBlocks() {
        return poolBlocks;
    }

    /** Closes the device model. */
    @Override
    public void close() {
        model.close();
    }

    private record Seq(DeviceSequence device) implements ModelSequence {
        @Override
        public int length() {
            return device.length();
        }

        @Override
        public long bytes() {
            return device.bytes();
        }

        @Override
        public void release() {
            device.close();
        }
    }
}
