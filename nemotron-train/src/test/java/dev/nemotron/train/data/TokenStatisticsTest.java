package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unigram entropy against hand-computed values. */
class TokenStatisticsTest {
    @TempDir
    Path tmp;

    @Test
    void handComputedDataset() {
        // tokens: 5 5 5 7 | 7 9 -> counts {5: 3, 7: 2, 9: 1}, 6 tokens
        List<int[]> docs = List.of(new int[] {5, 5, 5, 7}, new int[] {7, 9});
        WriterOptions o = new WriterOptions("h", "test-ids", 100, null, 1000, 1024);
        try (DatasetWriter w = DatasetWriter.create(tmp.resolve("h"), o, Fixtures.CODE_POINTS)) {
            docs.forEach(d -> w.addDocument("h", d));
            w.finish();
        }
        TokenStatistics s = TokenStatistics.of(TokenDataset.open(tmp.resolve("h")));
        double h = -(3 / 6.0 * Math.log(3 / 6.0) + 2 / 6.0 * Math.log(2 / 6.0) + 1 / 6.0 * Math.log(1 / 6.0));
        assertThat(h).isCloseTo(1.0114042647, within(1e-9));
        assertThat(s.entropyNats()).isCloseTo(h, within(1e-12));
        assertThat(s.entropyBits()).isCloseTo(1.4591479170, within(1e-9));
        assertThat(s.tokens()).isEqualTo(6);
        assertThat(s.documents()).isEqualTo(2);
        assertThat(s.distinctTokens()).isEqualTo(3);
        assertThat(s.count(5)).isEqualTo(3);
        assertThat(s.count(1_000_000)).isZero();
    }

    @Test
    void eosAfterEachDocumentWhenTheManifestHasOne() {
        // with EOS 0: 5 5 5 7 0 7 9 0 -> {5: 3, 7: 2, 9: 1, 0: 2}, 8 tokens
        WriterOptions o = new WriterOptions("e", "test-ids", 100, 0, 1000, 1024);
        try (DatasetWriter w = DatasetWriter.create(tmp.resolve("e"), o, Fixtures.CODE_POINTS)) {
            w.addDocument("e", new int[] {5, 5, 5, 7});
            w.addDocument("e", new int[] {7, 9});
            w.finish();
        }
        TokenDataset ds = TokenDataset.open(tmp.resolve("e"));
        TokenStatistics s = TokenStatistics.of(ds);
        double h = -(3 / 8.0 * Math.log(3 / 8.0) + 2 * (2 / 8.0 * Math.log(2 / 8.0)) + 1 / 8.0 * Math.log(1 / 8.0));
        assertThat(s.entropyNats()).isCloseTo(h, within(1e-12));
        assertThat(s.tokens()).isEqualTo(8);
        assertThat(s.distinctTokens()).isEqualTo(4);
        assertThat(TokenStatistics.of(ds, false).tokens()).isEqualTo(6);
    }

    @Test
    void uniformAndDegenerate() {
        TokenStatistics u = new TokenStatistics();
        for (int i = 0; i < 4096; i++) {
            u.addToken(i);
        }
        assertThat(u.entropyBits()).isCloseTo(12.0, within(1e-9));
        assertThat(u.entropyNats()).isCloseTo(Math.log(4096), within(1e-9));
        assertThat(new TokenStatistics().entropyNats()).isZero();
        assertThat(new TokenStatistics().addDocument(new int[] {3, 3, 3}).entropyNats()).isZero();
    }
}
