package dev.nemotron.arch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generation_config.json / config.json values the server relies on are checked, never silently replaced. */
class GenerationConfigTest {
    @TempDir
    Path dir;

    /** The tiny model's config.json (vocab_size 512) with {@code field} set to {@code json} (null: removed). */
    private Path config(String field, String json) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode config = (ObjectNode) mapper.readTree(ModelDirectoryTest.TINY.resolve("config.json").toFile());
        config.put("vocab_size", 512);
        config.remove("eos_token_id");
        config.remove(field);
        if (json != null) {
            config.set(field, mapper.readTree(json));
        }
        Files.writeString(dir.resolve("config.json"), config.toString());
        return dir.resolve("config.json");
    }

    @Test
    void eosIdsOutsideTheVocabularyAreRejected() throws Exception {
        config("eos_token_id", null);
        Path g = Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [99999999, -1]}");
        assertThatThrownBy(() -> ModelDirectory.open(dir).eosIds())
                .isInstanceOf(NemotronException.class)
                .hasMessage(g + ": eos_token_id 99999999 is outside the vocabulary [0, 512) (vocab_size of config.json)");
        Files.writeString(g, "{\"eos_token_id\": [2, -1]}");
        assertThatThrownBy(() -> ModelDirectory.open(dir).eosIds())
                .hasMessage(g + ": eos_token_id -1 is outside the vocabulary [0, 512) (vocab_size of config.json)");
        Files.writeString(g, "{\"eos_token_id\": []}");
        assertThatThrownBy(() -> ModelDirectory.open(dir).eosIds()).hasMessageContaining("empty list");
        Files.writeString(g, "{\"eos_token_id\": 1e40}");
        assertThatThrownBy(() -> ModelDirectory.open(dir).eosIds()).hasMessageContaining("must be an int or a list of ints");
        Files.writeString(g, "{\"eos_token_id\": [2, 511]}");
        assertThat(ModelDirectory.open(dir).eosIds()).containsExactly(2, 511);
        Files.delete(g);
        Path c = config("eos_token_id", "512");
        assertThatThrownBy(() -> ModelDirectory.open(dir).eosIds())
                .hasMessage(c + ": eos_token_id 512 is outside the vocabulary [0, 512) (vocab_size of config.json)");
    }

    @Test
    void trailingContentInGenerationConfigIsRejected() throws Exception {
        config("eos_token_id", null);
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 2} {\"eos_token_id\": 3}");
        assertThatThrownBy(() -> ModelDirectory.open(dir).eosIds()).isInstanceOf(NemotronException.class)
                .hasMessageStartingWith(dir.resolve("generation_config.json") + ": cannot read JSON: unexpected text after the JSON value")
                .hasMessageNotContaining("\n");
    }

    @Test
    void contextLengthIsAPositiveIntegerOrTheDefaultWhenAbsent() throws Exception {
        config("max_position_embeddings", null);
        assertThat(ModelDirectory.open(dir).contextLength()).isEqualTo(ModelDirectory.DEFAULT_CONTEXT);
        config("max_position_embeddings", "8192");
        assertThat(ModelDirectory.open(dir).contextLength()).isEqualTo(8192);
        config("max_position_embeddings", "\"NaN\"");
        assertThatThrownBy(() -> ModelDirectory.open(dir)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("max_position_embeddings");
        config("max_position_embeddings", "-5");
        assertThatThrownBy(() -> ModelDirectory.open(dir)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("max_position_embeddings");
    }
}
