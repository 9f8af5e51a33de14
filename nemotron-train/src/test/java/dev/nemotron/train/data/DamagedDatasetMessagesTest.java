package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
