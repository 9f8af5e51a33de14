package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Found by DataFuzzTest: damaged manifests and shards were rejected with Jackson's or Arrow's internals in the message. */
class DamagedDatasetMessagesTest {
    @TempDir
    Path dir;

    @Test
    void manifestOfTheWrongShapeNamesTheField() throws Exception {
        Fixtures.write(dir, "d", Fixtures.randomDocs(1, 4, 5, 0), 100, 64);
        Path m = dir.resolve(ShardFormat.MANIFEST);
        String good = Files.readString(m);
        Files.writeString(m, good.replaceFirst("\"shards\" : \\[", "\"shards\" : {\"a\": 1}, \"x\": ["));
        assertThatThrownBy(() -> TokenDataset.open(dir)).isInstanceOf(NemotronException.class)
                .hasMessage(m + ": not a valid Manifest: wrong type or value at 'shards'");
        Files.writeString(m, good.replaceFirst("\"documents\" : (\\d+)", "\"documents\" : \"many\""));
        assertThatThrownBy(() -> TokenDataset.open(dir)).hasMessage(m + ": not a valid Manifest: wrong type or value at 'documents'");
        Files.writeString(m, "{\"a\":" + "[".repeat(1001) + "]".repeat(1001) + "}");
        assertThatThrownBy(() -> TokenDataset.open(dir)).hasMessageStartingWith(m + ": not valid JSON: ")
                .hasMessageContaining("nesting depth");
        Files.writeString(m, "{\"format\": ");
        assertThatThrownBy(() -> TokenDataset.open(dir)).hasMessageStartingWith(m + ": not valid JSON (line 1, column ");
    }

    /** Found by the manifest fuzz target: a format value holding a line break made the error two lines. */
    @Test
    void aFormatHoldingALineBreakIsQuotedOnOneLine() throws Exception {
        Fixtures.write(dir, "d", Fixtures.randomDocs(1, 4, 5, 0), 100, 64);
        Path m = dir.resolve(ShardFormat.MANIFEST);
        Files.writeString(m, Files.readString(m).replaceFirst("\"format\" : \"[^\"]*\"", "\"format\" : \"\\\\n\""));
        assertThatThrownBy(() -> TokenDataset.open(dir)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("format is '\\n'").message().doesNotContain("\n");
    }

    /** The fuzzer's input: a shard whose first record batch header is damaged (Arrow failed with a NullPointerException). */
    @Test
    void shardWithDamagedMetadataSaysSo() throws Exception {
        Fixtures.write(dir, "fuzz", Fixtures.randomDocs(7, 40, 30, 5), 400, 64);
        Path shard = dir.resolve("shard-00000.arrow");
        Files.copy(Path.of("src/test/resources/fuzz/shard-damaged-metadata.arrow"), shard,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Fixtures.readAll(TokenDataset.open(dir))).isInstanceOf(NemotronException.class)
                .hasMessageEndingWith("shard-00000.arrow: not a valid Arrow token shard (a record batch message of -268435456 bytes does not fit its block of 192)");
    }

    /** Found by the arrow-shard fuzz target (execution 321,536 of seed 20261206): a column name holding a line break. */
    @Test
    void aShardOfAnotherSchemaIsQuotedOnOneLine() throws Exception {
        Path shard = dir.resolve("shard-00000.arrow");
        Schema schema = new Schema(List.of(new Field("tok\nens", FieldType.nullable(new ArrowType.Int(32, true)), null)));
        try (RootAllocator a = new RootAllocator(); VectorSchemaRoot root = VectorSchemaRoot.create(schema, a);
             FileChannel out = FileChannel.open(shard, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             ArrowFileWriter w = new ArrowFileWriter(root, null, out)) {
            ((IntVector) root.getVector(0)).setSafe(0, 7);
            root.setRowCount(1);
            w.start();
            w.writeBatch();
            w.end();
        }
        try (RootAllocator a = new RootAllocator()) {
            assertThatThrownBy(() -> ShardReader.open(shard, a))
                    .isInstanceOf(NemotronException.class)
                    .hasMessageContaining("not a token shard")
                    .hasMessageContaining("tok\\nens")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }
}
