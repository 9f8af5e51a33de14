package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Batches of packed sequences from a {@link Curriculum} of {@link Blend}s of token datasets.
 *
 * <p><b>Packing (Concat&amp;Chunk).</b> Each dataset is one endless token stream: its documents
 * (in seeded shuffled order) each followed by EOS (when {@link LoaderConfig#eosId()} &gt;= 0),
 * cut into windows of L + 1 tokens; consecutive windows share one token, so the inputs of a
 * dataset's sequences, concatenated, are exactly its stream and every token is a target exactly
 * once. Documents are not padded and may span sequences.
 *
 * <p><b>Order.</b> Sequence {@code s} of the run is taken from the phase holding token
 * {@code s * L} and, within that phase's blend, from the component drawn by
 * {@link Blend#pick(long, long)}. Nothing depends on wall clock or thread timing.
 *
 * <p><b>Resuming.</b> {@link #state()} returns a {@link LoaderState}; a loader opened with it
 * continues bit-exactly where this one stood.
 */
public final class DataLoader implements AutoCloseable {
    private final Curriculum curriculum;
    private final LoaderConfig config;
    private final BufferAllocator allocator;
    private final Map<String, TokenDataset> datasets = new LinkedHashMap<>();
    private final Map<String, DatasetStream> streams = new HashMap<>();
    private final Map<String, LoaderState.Stream> restored = new HashMap<>();
    private final int[] seq;
    private long sequences;

    private DataLoader(Curriculum curriculum, LoaderConfig config, LoaderState state) {
        this.curriculum = curriculum;
        this.config = config;
        for (Curriculum.Phase p : curriculum.phases()) {
            for (Blend.Component c : p.blend().components()) {
                TokenDataset prev = datasets.putIfAbsent(c.dataset().name(), c.dataset());
                if (prev != null && !prev.dir().equals(c.dataset().dir())) {
                    throw new NemotronException("two datasets are named '" + c.dataset().name() + "' (" + prev.dir() + " and "
                            + c.dataset().dir() + "); dataset names identify loader positions and must be unique");
                }
            }
        }
        if (state != null) {
            if (state.seed() != config.seed() || state.seqLen() != config.seqLen() || state.shuffleWindow() != config.shuffleWindow()) {
                throw new NemotronException("loader state was saved with seed " + state.seed() + ", seq-len " + state.seqLen()
                        + ", shuffle window " + state.shuffleWindow() + "; this loader has " + config.seed() + ", "
                        + config.seqLen() + ", " + config.shuffleWindow());
            }
            for (String name : state.streams().keySet()) {
                if (!datasets.containsKey(name)) {
                    throw new NemotronException("loader state has a position for dataset '" + name + "', which is not in the blend");
                }
            }
            restored.putAll(state.streams());
            sequences = state.sequences();
        }
        this.allocator = new RootAllocator(config.memoryLimitBytes());
        this.seq = new int[config.seqLen() + 1];
    }

    /** A loader at the start of the run. */
    public static DataLoader open(Curriculum curriculum, LoaderConfig config) {
        return new DataLoader(curriculum, config, null);
    }

    /** A loader that continues from {@code state} (null: from the start). */
    public static DataLoader open(Curriculum curriculum, LoaderConfig config, LoaderState state) {
        return new DataLoader(curriculum, config, state);
    }

    /** A loader over one dataset. */
    public static DataLoader open(TokenDataset dataset, LoaderConfig config) {
        return open(Curriculum.single(Blend.of(dataset)), config);
    }

    public LoaderConfig config() {
        return config;
    }

    /** Sequences emitted so far (the index of the next one). */
    public long sequences() {
        return sequences;
    }

    /** Tokens consumed so far, counted as targets: {@code sequences x L}. */
    public long tokens() {
        return sequences * config.seqLen();
    }

    /** The curriculum phase the next sequence belongs to. */
    public int phase() {
        return curriculum.phaseAt(tokens());
    }

    /** The next batch. */
    public Batch next() {
        int b = config.batchSize();
        int l = config.seqLen();
        int[] inputs = new int[b * l];
        int[] targets = new int[b * l];
        List<String> sources = new ArrayList<>(b);
        int[] phases = new int[b];
        long first = sequences;
        for (int r = 0; r < b; r++) {
            int phase = curriculum.phaseAt(sequences * l);
            Blend blend = curriculum.phases().get(phase).blend();
            TokenDataset ds = blend.components().get(blend.pick(config.seed(), sequences)).dataset();
            stream(ds).nextSequence(seq);
            System.arraycopy(seq, 0, inputs, r * l, l);
            System.arraycopy(seq, 1, targets, r * l, l);
            sources.add(ds.name());
            phases[r] = phase;
            sequences++;
        }
        return new Batch(b, l, first, inputs, targets, List.copyOf(sources), phases);
    }

    /** The next sequence (L + 1 tokens) of one dataset's stream, bypassing the blend: for tests. */
    int[] nextSequenceOf(TokenDataset ds) {
        stream(ds).nextSequence(seq);
        return Arrays.copyOf(seq, seq.length);
    }

    private DatasetStream stream(TokenDataset ds) {
        DatasetStream s = streams.get(ds.name());
        if (s == null) {
            s = new DatasetStream(ds, config, allocator, restored.getOrDefault(ds.name(), LoaderState.Stream.START));
            streams.put(ds.name(), s);
        }
        return s;
    }

    /** Where this loader stands; a loader opened with it continues exactly from here. */
    public LoaderState state() {
        Map<String, LoaderState.Stream> pos = new HashMap<>(restored);
        streams.forEach((name, s) -> pos.put(name, s.position()));
        return new LoaderState(LoaderState.VERSION, config.seed(), config.seqLen(), config.shuffleWindow(), sequences, pos);
    }

    /** Bytes the Arrow allocator holds now and at most so far. */
    public long peakArrowBytes() {
        return allocator.getPeakMemoryAllocation();
    }

    @Override
    public void close() {
        for (DatasetStream s : streams.values()) {
            s.close();
        }
        streams.clear();
        allocator.close();
    }
}
