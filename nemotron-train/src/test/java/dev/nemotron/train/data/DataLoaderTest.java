package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packing, blends, curriculum, shuffling, exact resume and bounded memory of {@link DataLoader}. */
class DataLoaderTest {
    static final int EOS = 2;

    @TempDir
    Path tmp;

    private static int[] flatten(List<int[]> docs, int eos) {
        int n = docs.stream().mapToInt(d -> d.length + (eos >= 0 ? 1 : 0)).sum();
        int[] out = new int[n];
        int p = 0;
        for (int[] d : docs) {
            System.arraycopy(d, 0, out, p, d.length);
            p += d.length;
            if (eos >= 0) {
                out[p++] = eos;
            }
        }
        return out;
    }

    @Test
    void packingIsConcatAndChunkWithEosAndNoPadding() {
        List<int[]> docs = Fixtures.randomDocs(3, 200, 60, 100);
        TokenDataset ds = Fixtures.write(tmp.resolve("ds"), "pack", docs, 1500, 256);
        for (int eos : new int[] {EOS, -1}) {
            int[] stream = flatten(docs, eos);
            int l = 37;
            int b = 3;
            LoaderConfig cfg = LoaderConfig.of(l, b, 5, eos).withShuffle(false);
            int rows = stream.length / l + 5; // past the end: the second epoch starts over in the same order
            int[] inputs = new int[0];
            try (DataLoader loader = DataLoader.open(ds, cfg)) {
                List<Batch> batches = new ArrayList<>();
                while (batches.size() * b < rows) {
                    batches.add(loader.next());
                }
                for (Batch batch : batches) {
                    assertThat(batch.inputs()).hasSize(b * l);
                    for (int r = 0; r < b; r++) {
                        int[] in = batch.inputRow(r);
                        int[] tg = batch.targetRow(r);
                        assertThat(Arrays.copyOfRange(in, 1, l)).containsExactly(Arrays.copyOfRange(tg, 0, l - 1));
                        int[] joined = Arrays.copyOf(inputs, inputs.length + l);
                        System.arraycopy(in, 0, joined, inputs.length, l);
                        inputs = joined;
                    }
                }
                // consecutive rows: the target of the last position is the first input of the next row
                Batch last = batches.get(batches.size() - 1);
                assertThat(last.targetRow(0)[l - 1]).isEqualTo(last.inputRow(1)[0]);
            }
            // every token of the stream once, in order, EOS between documents; then the next epoch
            for (int i = 0; i < inputs.length; i++) {
                assertThat(inputs[i]).as("token %d (eos %d)", i, eos).isEqualTo(stream[i % stream.length]);
            }
            assertThat(inputs.length).isGreaterThan(stream.length);
        }
    }

    @Test
    void blendProportionsFollowTheNormalisedWeights() {
        TokenDataset a = Fixtures.write(tmp.resolve("a"), "a", Fixtures.randomDocs(1, 50, 30, 0), 10_000, 512);
        TokenDataset b = Fixtures.write(tmp.resolve("b"), "b", Fixtures.randomDocs(2, 50, 30, 0), 10_000, 512);
        TokenDataset c = Fixtures.write(tmp.resolve("c"), "c", Fixtures.randomDocs(3, 50, 30, 0), 10_000, 512);
        Blend blend = Blend.of(a, 6, b, 3, c, 1);
        assertThat(blend.weights()).containsExactly(new double[] {0.6, 0.3, 0.1}, within(1e-12));
        Map<String, Integer> counts = new HashMap<>();
        int n = 20_000;
        try (DataLoader loader = DataLoader.open(Curriculum.single(blend), LoaderConfig.of(8, 100, 42, EOS))) {
            for (int i = 0; i < n / 100; i++) {
                for (String s : loader.next().sources()) {
                    counts.merge(s, 1, Integer::sum);
                }
            }
        }
        // binomial standard deviation at n = 20000 is <= 0.0035; allow ~4 sigma
        assertThat(counts.get("a") / (double) n).isCloseTo(0.6, within(0.015));
        assertThat(counts.get("b") / (double) n).isCloseTo(0.3, within(0.015));
        assertThat(counts.get("c") / (double) n).isCloseTo(0.1, within(0.015));
        // deterministic by seed, different with another seed
        assertThat(picks(blend, 7)).isEqualTo(picks(blend, 7)).isNotEqualTo(picks(blend, 8));
    }

    private static List<Integer> picks(Blend blend, long seed) {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            p.add(blend.pick(seed, i));
        }
        return p;
    }

    @Test
    void curriculumSwitchesBlendsAtItsEndPoints() {
        TokenDataset a = Fixtures.write(tmp.resolve("a"), "a", Fixtures.randomDocs(1, 30, 30, 10_000), 10_000, 512);
        TokenDataset b = Fixtures.write(tmp.resolve("b"), "b", Fixtures.randomDocs(2, 30, 30, 20_000), 10_000, 512);
        TokenDataset c = Fixtures.write(tmp.resolve("c"), "c", Fixtures.randomDocs(3, 30, 30, 30_000), 10_000, 512);
        int l = 10;
        int batch = 4;
        int steps = 250;
        long total = (long) steps * batch * l; // 10,000 tokens, 1,000 sequences
        Curriculum cur = new Curriculum(total, List.of(
                new Curriculum.Phase(Blend.of(a), 0.6),
                new Curriculum.Phase(Blend.of(b, 1, c, 1), 0.9),
                new Curriculum.Phase(Blend.of(c), 1.0)));
        assertThat(cur.boundary(0)).isEqualTo(6000);
        assertThat(cur.boundary(1)).isEqualTo(9000);
        try (DataLoader loader = DataLoader.open(cur, LoaderConfig.of(l, batch, 9, -1))) {
            for (int step = 0; step < steps + 10; step++) {
                Batch bt = loader.next();
                for (int r = 0; r < batch; r++) {
                    long s = bt.firstSequence() + r;
                    int expectPhase = s < 600 ? 0 : s < 900 ? 1 : 2;
                    assertThat(bt.phases()[r]).as("sequence %d", s).isEqualTo(expectPhase);
                    String src = bt.sources().get(r);
                    switch (expectPhase) {
                        case 0 -> assertThat(src).isEqualTo("a");
                        case 1 -> assertThat(src).isIn("b", "c");
                        default -> assertThat(src).isEqualTo("c");
                    }
                    int lo = switch (src) { case "a" -> 10_000; case "b" -> 20_000; default -> 30_000; };
                    for (int t : bt.inputRow(r)) {
                        assertThat(t).isBetween(lo, lo + 999);
                    }
                }
            }
        }
        assertThatThrownBy(() -> new Curriculum(100, List.of(new Curriculum.Phase(Blend.of(a), 0.6), new Curriculum.Phase(Blend.of(b), 0.5))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<int[]> read(DataLoader loader, int batches) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            Batch b = loader.next();
            out.add(b.inputs());
            out.add(b.targets());
        }
        return out;
    }

    @Test
    void shuffleIsDeterministicBySeed() {
        List<int[]> docs = Fixtures.randomDocs(4, 400, 40, 0);
        TokenDataset ds = Fixtures.write(tmp.resolve("ds"), "sh", docs, 2000, 256);
        LoaderConfig cfg = LoaderConfig.of(32, 4, 1234, EOS).withShuffleWindow(16);
        List<int[]> first;
        List<int[]> again;
        List<int[]> other;
        List<int[]> unshuffled;
        try (DataLoader l = DataLoader.open(ds, cfg)) {
            first = read(l, 30);
        }
        try (DataLoader l = DataLoader.open(ds, cfg)) {
            again = read(l, 30);
        }
        try (DataLoader l = DataLoader.open(ds, cfg.withSeed(1235))) {
            other = read(l, 30);
        }
        try (DataLoader l = DataLoader.open(ds, cfg.withShuffle(false))) {
            unshuffled = read(l, 30);
        }
        assertThat(again).usingRecursiveComparison().isEqualTo(first);
        assertThat(Arrays.deepEquals(first.toArray(), other.toArray())).isFalse();
        assertThat(Arrays.deepEquals(first.toArray(), unshuffled.toArray())).isFalse();

        // a shuffled epoch is a permutation of the documents: same multiset of tokens
        int[] stream = flatten(docs, EOS);
        int l = 50;
        int rows = stream.length / l;
        int[] tokens = new int[rows * l];
        try (DataLoader loader = DataLoader.open(ds, new LoaderConfig(l, 1, 77, true, 16, EOS, 1 << 24))) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(loader.next().inputs(), 0, tokens, r * l, l);
            }
        }
        int[] head = Arrays.copyOf(stream, rows * l);
        assertThat(tokens).isNotEqualTo(head);
        long[] hist = new long[1000];
        long[] histExpected = new long[1000];
        for (int t : stream) {
            histExpected[t]++;
        }
        for (int t : tokens) {
            hist[t]++;
        }
        long missing = 0;
        for (int i = 0; i < 1000; i++) {
            assertThat(hist[i]).isLessThanOrEqualTo(histExpected[i]);
            missing += histExpected[i] - hist[i];
        }
        assertThat(missing).isEqualTo(stream.length - rows * l);
    }

    @Test
    void resumingFromSavedStateIsBitExact() {
        TokenDataset a = Fixtures.write(tmp.resolve("a"), "a", Fixtures.randomDocs(11, 300, 70, 0), 1000, 128);
        TokenDataset b = Fixtures.write(tmp.resolve("b"), "b", Fixtures.randomDocs(12, 100, 20, 1000), 500, 64);
        TokenDataset c = Fixtures.write(tmp.resolve("c"), "c", Fixtures.randomDocs(13, 40, 300, 2000), 700, 64);
        Curriculum cur = new Curriculum(64L * 8 * 40, List.of(
                new Curriculum.Phase(Blend.of(a, 0.7, b, 0.3), 0.5),
                new Curriculum.Phase(Blend.of(b, 1, c, 2), 1.0)));
        LoaderConfig cfg = LoaderConfig.of(64, 8, 2024, EOS).withShuffleWindow(7);
        int total = 120; // several epochs of b and c
        List<int[]> straight;
        try (DataLoader l = DataLoader.open(cur, cfg)) {
            straight = read(l, total);
        }
        for (int n : new int[] {1, 13, 20, 21, 77}) {
            List<int[]> resumed;
            String json;
            try (DataLoader l = DataLoader.open(cur, cfg)) {
                resumed = read(l, n);
                json = l.state().toJson();
            }
            LoaderState state = LoaderState.fromJson(json);
            assertThat(state.sequences()).isEqualTo(n * 8L);
            assertThat(state.toJson()).isEqualTo(json);
            try (DataLoader l = DataLoader.open(cur, cfg, state)) {
                resumed.addAll(read(l, total - n));
            }
            assertThat(resumed).as("resumed after %d batches", n).hasSameSizeAs(straight);
            for (int i = 0; i < straight.size(); i++) {
                assertThat(resumed.get(i)).as("after %d batches, array %d", n, i).isEqualTo(straight.get(i));
            }
        }
        // state written to a file (atomically) and read back
        try (DataLoader l = DataLoader.open(cur, cfg)) {
            read(l, 5);
            l.state().write(tmp.resolve("loader.json"));
            assertThat(LoaderState.read(tmp.resolve("loader.json"))).isEqualTo(l.state());
        }
        // a state of another run is refused
        try (DataLoader l = DataLoader.open(cur, cfg)) {
            read(l, 2);
            LoaderState s = l.state();
            assertThatThrownBy(() -> DataLoader.open(cur, cfg.withSeed(1), s)).isInstanceOf(NemotronException.class)
                    .hasMessageContaining("seed 2024");
        }
    }

    @Test
    void aDatasetMuchBiggerThanTheMemoryLimitStreams() {
        // ~1.2 M tokens (4.8 MB of int32) in 4,096-token record batches, read under a 256 KiB Arrow limit
        List<int[]> docs = Fixtures.randomDocs(21, 4000, 600, 0);
        TokenDataset ds = Fixtures.write(tmp.resolve("big"), "big", docs, 300_000, 4096);
        long bytes = ds.manifest().shards().stream().mapToLong(Manifest.Shard::bytes).sum();
        long limit = 256 * 1024;
        assertThat(bytes).isGreaterThan(15 * limit);
        LoaderConfig cfg = new LoaderConfig(1024, 8, 3, true, 64, EOS, limit);
        int[] stream = flatten(docs, EOS);
        long tokens = 0;
        try (DataLoader loader = DataLoader.open(ds, cfg)) {
            while (tokens < stream.length + 100_000L) { // a full epoch and into the next
                tokens += loader.next().inputs().length;
            }
            assertThat(loader.peakArrowBytes()).isLessThanOrEqualTo(limit).isGreaterThan(0);
        }
        // the same data cannot be read as a whole under the limit
        assertThatThrownBy(() -> {
            try (org.apache.arrow.memory.RootAllocator small = new org.apache.arrow.memory.RootAllocator(limit)) {
                small.buffer(bytes);
            }
        }).isInstanceOf(org.apache.arrow.memory.OutOfMemoryException.class);
    }
}
