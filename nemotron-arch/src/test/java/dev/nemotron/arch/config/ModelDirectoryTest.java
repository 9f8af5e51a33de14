package dev.nemotron.arch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.arch.safetensors.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
    static final Path TINY = dev.nemotron.testing.Fixtures.dir("tiny-nemotron-h-a");

    /** A directory holding the tiny model's config.json with {@code field} set to {@code json} (null: removed). */
    private static Path withConfigField(Path dir, String field, String json) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode config = (ObjectNode) mapper.readTree(TINY.resolve("config.json").toFile());
        if (json == null) {
            config.remove(field);
        } else {
            config.set(field, mapper.readTree(json));
        }
        Files.writeString(dir.resolve("config.json"), config.toString());
        return dir;
    }

    @Test
    void opensConfigCheckpointAndContext() {
        ModelDirectory dir = ModelDirectory.open(TINY);
        assertThat(dir.config().pattern()).isEqualTo("M-M*-M-M*-");
        assertThat(dir.contextLength()).isEqualTo(4096);
        assertThat(dir.eosIds()).containsExactly(2);
        assertThat(dir.file("config.json")).isPresent();
        assertThat(dir.file("tokenizer.json")).isEmpty();
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            assertThat(ckpt.find("backbone.embeddings.weight")).isPresent();
        }
    }

    @Test
    void eosIdsComeFromGenerationConfigThenConfig(@TempDir Path tmp) throws IOException {
        Path dir = withConfigField(tmp, "eos_token_id", "7");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\":[2,11]}");
        assertThat(ModelDirectory.open(dir).eosIds()).containsExactly(2, 11);
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\":null}");
        assertThat(ModelDirectory.open(dir).eosIds()).containsExactly(7);
        Files.delete(dir.resolve("generation_config.json"));
        assertThat(ModelDirectory.open(dir).eosIds()).containsExactly(7);
        assertThat(ModelDirectory.open(withConfigField(tmp, "eos_token_id", null)).eosIds()).isEmpty();
        ModelDirectory bad = ModelDirectory.open(withConfigField(tmp, "eos_token_id", "\"x\""));
        assertThatThrownBy(bad::eosIds).isInstanceOf(NemotronException.class)
                .hasMessageContaining("config.json: eos_token_id must be an int or a list of ints");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\":[2,\"x\"]}");
        assertThatThrownBy(bad::eosIds).isInstanceOf(NemotronException.class)
                .hasMessageContaining("generation_config.json: eos_token_id must be an int or a list of ints");
    }

    @Test
    void contextLengthIsTheConfigsOrTheDefaultWhenAbsent(@TempDir Path tmp) throws IOException {
        assertThat(ModelDirectory.open(withConfigField(tmp, "max_position_embeddings", "131072")).contextLength())
                .isEqualTo(131072);
        assertThat(ModelDirectory.open(withConfigField(tmp, "max_position_embeddings", null)).contextLength())
                .isEqualTo(ModelDirectory.DEFAULT_CONTEXT);
        assertThatThrownBy(() -> ModelDirectory.open(withConfigField(tmp, "max_position_embeddings", "\"long\"")))
                .isInstanceOf(NemotronException.class).hasMessageContaining("max_position_embeddings");
    }

    @Test
    void aMissingDirectoryOrConfigIsAUserError(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> ModelDirectory.open(tmp.resolve("nope")))
                .isInstanceOf(NemotronException.class).hasMessageContaining("not a model directory");
        assertThatThrownBy(() -> ModelDirectory.open(tmp))
                .isInstanceOf(NemotronException.class).hasMessageContaining("no config.json");
        Files.writeString(tmp.resolve("config.json"), "{\"hidden_size\": 64,");
        assertThatThrownBy(() -> ModelDirectory.open(tmp))
                .isInstanceOf(NemotronException.class).hasMessageContaining("not valid JSON");
    }
}
