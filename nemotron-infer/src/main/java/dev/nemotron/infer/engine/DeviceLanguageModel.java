package dev.nemotron.infer.engine;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DeviceModel} (weights and caches on a GPU) as the engine sees it. Each sequence is a
 * device slot, freed when the engine {@linkplain ModelSequence#release() releases} it. The caches
 * live in device memory allocated up front, so they take nothing from the engine's (host) cache
 * budget; a request longer than a slot holds is refused at submit.
 */
public final class DeviceLanguageModel implements LanguageModel, AutoCloseable {
    private final DeviceModel model;
    private final int maxSequenceLength;

    /** @param maxSequenceLength the tokens one device slot holds (the model's maxSequenceLength) */
    public DeviceLanguageModel(DeviceModel model, int maxSequenceLength) {
        this.model = model;
        this.maxSequenceLength = maxSequenceLength;
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
