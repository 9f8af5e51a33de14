package dev.nemotron.arch.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Opening checkpoints: layouts, lookups and sharded-index errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckpointTest {
    @TempDir
    Path dir;

    private static Tensor floats(float... v) {
        return Tensor.ofFloats(v, v.length);
    }

    private void shard(String name, String... tensorNames) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < tensorNames.length; i++) {
            m.put(tensorNames[i], floats(i, i + 1));
        }
        SafetensorsWriter.write(dir.resolve(name), m);
    }

    private void index(String json) throws Exception {
        Files.writeString(dir.resolve("model.safetensors.index.json"), json);
    }

    private void assertOpenFails(String... fragments) {
        assertThatThrownBy(() -> Checkpoint.open(dir).close())
                .isExactlyInstanceOf(SafetensorsException.class)
                .hasMessageNotContaining("\n")
                .hasMessageContainingAll(fragments);
    }

    @Test
    void emptyDirectorySaysWhatWasLookedFor() {
        assertOpenFails(dir.toString(), "no checkpoint found", "model.safetensors", "model.safetensors.index.json");
    }

    @Test
    void missingPath() {
        assertThatThrownBy(() -> Checkpoint.open(dir.resolve("nope")))
                .isExactlyInstanceOf(SafetensorsException.class).hasMessageContaining("nope: no such file or directory");
    }

    @Test
    void singleFileByDirectoryOrPath() {
        shard("model.safetensors", "a", "b");
        for (Path p : new Path[] {dir, dir.resolve("model.safetensors")}) {
            try (Checkpoint c = Checkpoint.open(p)) {
                assertThat(c.path()).isEqualTo(p);
                assertThat(c.names()).containsExactly("a", "b");
                assertThat(c.require("b").toFloatArray()).containsExactly(1f, 2f);
                assertThat(c.find("zz")).isEmpty();
                assertThatThrownBy(() -> c.require("backbone.missing"))
                        .isExactlyInstanceOf(SafetensorsException.class)
                        .hasMessage(p + ": checkpoint has no tensor named 'backbone.missing'");
            }
        }
    }

    @Test
    void singleFileIsPreferredOverIndex() throws Exception {
        shard("model.safetensors", "single");
        index("{\"weight_map\":{\"x\":\"missing.safetensors\"}}");
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertThat(c.names()).containsExactly("single");
        }
    }

    @Test
    void handWrittenShardedIndex() throws Exception {
        shard("model-00001-of-00002.safetensors", "a", "b");
        shard("model-00002-of-00002.safetensors", "c");
        index("""
                {"metadata": {"total_size": 24, "note": "x"},
                 "weight_map": {"c": "model-00002-of-00002.safetensors", "a": "model-00001-of-00002.safetensors",
                                "b": "model-00001-of-00002.safetensors"}}
                """);
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertThat(c.files()).hasSize(2);
            assertThat(c.names()).containsExactly("c", "a", "b");
            assertThat(c.metadata()).containsEntry("total_size", "24").containsEntry("note", "x");
            assertThat(c.require("c").toFloatArray()).containsExactly(0f, 1f);
            assertThat(c.info("b").begin()).isEqualTo(8);
            assertThat(c.totalBytes()).isEqualTo(24);
        }
    }

    @Test
    void malformedIndex() throws Exception {
        index("{\"weight_map\": {");
        assertOpenFails("model.safetensors.index.json: index is not valid JSON");
        index("[]");
        assertOpenFails("index must be a JSON object");
        index("{\"metadata\": {}}");
        assertOpenFails("index has no \"weight_map\"");
        index("{\"weight_map\": []}");
        assertOpenFails("\"weight_map\" must be an object");
        index("{\"weight_map\": {}}");
        assertOpenFails("\"weight_map\" is empty");
        index("{\"weight_map\": {\"a\": 3}}");
        assertOpenFails("weight_map entry 'a' must be a shard file name");
        index("{\"weight_map\": {\"a\": \"../outside.safetensors\"}}");
        assertOpenFails("weight_map entry 'a'", "not a plain file name");
        index("{\"metadata\": 5, \"weight_map\": {\"a\": \"s.safetensors\"}}");
        assertOpenFails("\"metadata\" must be an object");
    }

    @Test
    void missingShard() throws Exception {
        shard("model-00001-of-00002.safetensors", "a");
        index("{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}}");
        assertOpenFails("shard 'model-00002-of-00002.safetensors' listed in model.safetensors.index.json does not exist");
    }

    @Test
    void tensorNotInItsShard() throws Exception {
        shard("model-00001-of-00002.safetensors", "a");
        shard("model-00002-of-00002.safetensors", "b");
        index("{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00001-of-00002.safetensors\"}}");
        assertOpenFails("weight_map puts tensor 'b' in shard 'model-00001-of-00002.safetensors', which does not contain it");
    }

    @Test
    void tensorInTwoShards() throws Exception {
        shard("model-00001-of-00002.safetensors", "a", "dup");
        shard("model-00002-of-00002.safetensors", "dup");
        index("{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"dup\": \"model-00002-of-00002.safetensors\"}}");
        assertOpenFails("tensor 'dup' is present in two shards", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors");
    }

    @Test
    void unlistedTensorInTwoShards() throws Exception {
        shard("model-00001-of-00002.safetensors", "a", "dup");
        shard("model-00002-of-00002.safetensors", "b", "dup");
        index("{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}}");
        assertOpenFails("tensor 'dup' is present in two shards");
    }

    @Test
    void corruptShardIsNamed() throws Exception {
        shard("model-00001-of-00002.safetensors", "a");
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), new byte[] {1, 2, 3});
        index("{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}}");
        assertOpenFails("model-00002-of-00002.safetensors: file is 3 bytes");
    }
}
