package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetSplitTest {
    @Test
    void everyDocumentLandsInExactlyOneSideDeterministically(@TempDir Path tmp) {
        List<int[]> docs = Fixtures.randomDocs(7, 200, 30, 5);
        TokenDataset src = Fixtures.write(tmp.resolve("src"), "corpus", docs, 1000, 256);
        DatasetSplit.Result a = DatasetSplit.split(src, 0.1, 3, tmp.resolve("a-train"), tmp.resolve("a-held"));
        DatasetSplit.Result b = DatasetSplit.split(src, 0.1, 3, tmp.resolve("b-train"), tmp.resolve("b-held"));
        List<int[]> train = Fixtures.readAll(a.train());
        List<int[]> held = Fixtures.readAll(a.heldOut());
        assertThat(train.size() + held.size()).isEqualTo(200);
        assertThat(held.size()).isBetween(8, 40);
        assertThat(a.heldOut().name()).isEqualTo("corpus-heldout");
        assertThat(a.train().name()).isEqualTo("corpus");
        // order within each side is the source's order, and the union is the source
        List<int[]> merged = new ArrayList<>();
        int ti = 0;
        int hi = 0;
        for (int[] d : docs) {
            if (ti < train.size() && java.util.Arrays.equals(train.get(ti), d)) {
                merged.add(train.get(ti++));
            } else {
                assertThat(held.get(hi)).containsExactly(d);
                merged.add(held.get(hi++));
            }
        }
        assertThat(merged).hasSize(200);
        // the same seed gives the same split
        assertThat(Fixtures.readAll(b.heldOut())).usingRecursiveComparison().isEqualTo(held);
        assertThat(a.train().manifest().tokens() + a.heldOut().manifest().tokens()).isEqualTo(src.manifest().tokens());
    }

    @Test
    void rejectsBadFractionsAndTinyDatasets(@TempDir Path tmp) {
        TokenDataset one = Fixtures.write(tmp.resolve("one"), "one", List.of(new int[] {1, 2}), 1000, 256);
        assertThatThrownBy(() -> DatasetSplit.split(one, 0.5, 1, tmp.resolve("t"), tmp.resolve("h")))
                .isInstanceOf(NemotronException.class).hasMessageContaining("at least 2");
        TokenDataset many = Fixtures.write(tmp.resolve("many"), "many", Fixtures.randomDocs(1, 10, 5, 0), 1000, 256);
        assertThatThrownBy(() -> DatasetSplit.split(many, 1.5, 1, tmp.resolve("t2"), tmp.resolve("h2")))
                .isInstanceOf(NemotronException.class).hasMessageContaining("(0, 1)");
    }
}
