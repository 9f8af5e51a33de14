package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset directory is read from disk: its manifest's numbers and its shards' token ids are
 * checked before they are used, and nothing is sized from them.
 */
class UntrustedDatasetTest {
    @TempDir
    Path tmp;

    /** A dataset of {@code docs}, written with vocabulary size {@code vocab} (0: unknown) and EOS 1. */
    static TokenDataset write(Path dir, int vocab, List<int[]> docs) {
        WriterOptions o = new WriterOptions("t", "test-ids", vocab, 1, 1000, 1 << 10);
        try (DatasetWriter w = DatasetWriter.create(dir, o, Fixtures.CODE_POINTS)) {
            for (int[] d : docs) {
                w.addDocument("t", d);
            }
            w.finish();
        }
        return TokenDataset.open(dir);
    }

    /** Rewrites {@code "field" : value} in the manifest. */
    static void setManifest(Path dir, String field, String value) throws Exception {
        Path m = dir.resolve("manifest.json");
        String before = Files.readString(m);
        String after = before.replaceFirst("\"" + field + "\" : [^,\\n]+", java.util.regex.Matcher.quoteReplacement("\"" + field + "\" : " + value));
        assertThat(after).isNotEqualTo(before);
        Files.writeString(m, after);
    }

    @Test
    void manifestNumbersOutOfRangeAreRejected() throws Exception {
        Path dir = tmp.resolve("d");
        write(dir, 100, List.of(new int[] {5, 6}));
        setManifest(dir, "vocab_size", "-1");
        assertThatThrownBy(() -> TokenDataset.open(dir)).isInstanceOf(NemotronException.class)
                .hasMessage(dir.resolve("manifest.json") + ": vocab_size must be >= 0 (0: unknown), got -1");
        setManifest(dir, "vocab_size", "100");
        setManifest(dir, "shard_tokens", "-1");
        assertThatThrownBy(() -> TokenDataset.open(dir)).hasMessageEndingWith(": shard_tokens must be >= 1, got -1");
        setManifest(dir, "shard_tokens", "1000");
        setManifest(dir, "eos_id", "1000000000");
        assertThatThrownBy(() -> TokenDataset.open(dir))
                .hasMessageEndingWith(": eos_id 1000000000 is outside the vocabulary [0, 100) (vocab_size 100)");
        setManifest(dir, "eos_id", "-2");
        assertThatThrownBy(() -> TokenDataset.open(dir)).hasMessageEndingWith(": eos_id -2 is negative (token ids are >= 0)");
        setManifest(dir, "eos_id", "1");
        assertThat(TokenDataset.open(dir).manifest().eosId()).isEqualTo(1);
    }

    /** Found by the manifest fuzz target: lone surrogates in a shard name threw InvalidPathException. */
    @Test
    void shardNamesThatAreNoPlainFileNameAreOneErrorLine() throws Exception {
        Path dir = tmp.resolve("d");
        write(dir, 100, List.of(new int[] {5, 6}));
        for (String bad : List.of("\"\\udfff\\ud800\"", "\"a\\nb\"", "\"..\"", "\".\"", "\"\"", "\"x/../../etc\"")) {
            setManifest(dir, "file", bad);
            assertThatThrownBy(() -> TokenDataset.open(dir)).as(bad).isInstanceOf(NemotronException.class)
                    .hasMessageContaining("is not a plain file name inside the dataset directory")
                    .hasMessageNotContaining("\n");
            setManifest(dir, "file", "\"shard-00000.arrow\"");
        }
        assertThat(TokenDataset.open(dir).manifest().shards()).hasSize(1);
    }

    @Test
    void hugeIdsAndEosOfAnUnknownVocabularyAreCountedWithoutSizingByThem() throws Exception {
        Path dir = tmp.resolve("d");
        write(dir, 0, List.of(new int[] {2_000_000_000, 7}, new int[] {7}));
        setManifest(dir, "eos_id", "1000000000");
        TokenStatistics s = TokenStatistics.of(TokenDataset.open(dir));
        assertThat(s.tokens()).isEqualTo(5);
        assertThat(s.count(2_000_000_000)).isEqualTo(1);
        assertThat(s.count(1_000_000_000)).isEqualTo(2);
        assertThat(s.count(7)).isEqualTo(2);
        assertThat(s.distinctTokens()).isEqualTo(3);
        double p1 = 0.2;
        double p2 = 0.4;
        assertThat(s.entropyNats()).isCloseTo(-(p1 * Math.log(p1) + 2 * p2 * Math.log(p2)), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void tokenIdsOutsideTheManifestVocabularyAreRejected() throws Exception {
        Path dir = tmp.resolve("d");
        write(dir, 0, List.of(new int[] {5}, new int[] {2_000_000_000}));
        setManifest(dir, "vocab_size", "100");
        TokenDataset ds = TokenDataset.open(dir);
        assertThatThrownBy(() -> Fixtures.readAll(ds)).isInstanceOf(NemotronException.class)
                .hasMessage(ds.shardPath(0) + ": document 1, token 0: id 2000000000 is outside the vocabulary [0, 100)"
                        + " of the manifest; the shard is corrupt or belongs to another tokenizer");
    }

    @Test
    void negativeTokenIdsAreRejected() throws Exception {
        Path dir = tmp.resolve("d");
        int marker = 0x12345678;
        TokenDataset ds = write(dir, 0, List.of(new int[] {3, marker}));
        Path shard = ds.shardPath(0);
        byte[] b = Files.readAllBytes(shard);
        int at = indexOf(b, new byte[] {0x78, 0x56, 0x34, 0x12});
        assertThat(at).isNotNegative();
        b[at] = b[at + 1] = b[at + 2] = b[at + 3] = (byte) 0xFF;
        Files.write(shard, b);
        assertThatThrownBy(() -> TokenStatistics.of(TokenDataset.open(dir))).isInstanceOf(NemotronException.class)
                .hasMessage(shard + ": document 0, token 1: id -1 is negative (token ids are >= 0);"
                        + " the shard is corrupt or belongs to another tokenizer");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void namedPipesInPlaceOfShardOrManifestAreRefusedWithoutOpening() throws Exception {
        Path dir = tmp.resolve("d");
        TokenDataset ds = write(dir, 100, List.of(new int[] {5}));
        Path shard = ds.shardPath(0);
        Files.delete(shard);
        mkfifo(shard);
        assertThatThrownBy(() -> Fixtures.readAll(ds)).isInstanceOf(NemotronException.class)
                .hasMessage(shard + ": not a regular file (a shard must be an Arrow file)");
        Path manifest = dir.resolve("manifest.json");
        Files.delete(manifest);
        mkfifo(manifest);
        assertThatThrownBy(() -> TokenDataset.open(dir)).isInstanceOf(NemotronException.class)
                .hasMessage(manifest + ": not a regular file");
    }

    @Test
    void randomByteFlipsInAShardGiveOneErrorOrValidCountsNeverAnotherThrowable() throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(12);
        List<int[]> docs = Fixtures.randomDocs(3, 40, 30, 0);
        for (int vocab : new int[] {0, 1000}) {
            Path dir = tmp.resolve("flips-" + vocab);
            TokenDataset ds = write(dir, vocab, docs);
            Path shard = ds.shardPath(0);
            byte[] clean = Files.readAllBytes(shard);
            int failed = 0;
            for (int round = 0; round < 150; round++) {
                byte[] b = clean.clone();
                for (int k = 0, n = 1 + rnd.nextInt(4); k < n; k++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                Files.write(shard, b);
                try {
                    TokenStatistics s = TokenStatistics.of(TokenDataset.open(dir));
                    assertThat(s.tokens()).isNotNegative();
                } catch (NemotronException e) {
                    assertThat(e.getMessage()).as("round " + round).startsWith(shard.toString()).doesNotContain("\n");
                    failed++;
                }
            }
            assertThat(failed).as("flips that were noticed, vocab " + vocab).isPositive();
        }
    }

    static void mkfifo(Path p) throws Exception {
        Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(proc.waitFor()).isZero();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
