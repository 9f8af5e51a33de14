package dev.nemotron.infer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generation_config.json / config.json values the server relies on are checked, never silently replaced. */
class GenerationConfigTest {
    @TempDir
    Path dir;

    @Test
    void eosIdsOutsideTheVocabularyAreRejected() throws Exception {
        Path g = Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [99999999, -1]}");
        assertThatThrownBy(() -> ModelLoader.eosIds(dir, TestServer.json("{\"vocab_size\": 512}")))
                .isInstanceOf(NemotronException.class)
                .hasMessage(g + ": eos_token_id 99999999 is outside the vocabulary [0, 512) (vocab_size of config.json)");
        Files.writeString(g, "{\"eos_token_id\": [2, -1]}");
        assertThatThrownBy(() -> ModelLoader.eosIds(dir, TestServer.json("{}")))
                .hasMessage(g + ": eos_token_id -1 is outside the vocabulary [0, ...)");
        Files.writeString(g, "{\"eos_token_id\": []}");
        assertThatThrownBy(() -> ModelLoader.eosIds(dir, TestServer.json("{}"))).hasMessageContaining("empty list");
        Files.writeString(g, "{\"eos_token_id\": 1e40}");
        assertThatThrownBy(() -> ModelLoader.eosIds(dir, TestServer.json("{}"))).hasMessageContaining("must be an int or a list of ints");
        Files.writeString(g, "{\"eos_token_id\": [2, 511]}");
        assertThat(ModelLoader.eosIds(dir, TestServer.json("{\"vocab_size\": 512}"))).containsExactly(2, 511);
        Files.delete(g);
        assertThatThrownBy(() -> ModelLoader.eosIds(dir, TestServer.json("{\"vocab_size\": 512, \"eos_token_id\": 512}")))
                .hasMessage(dir.resolve("config.json") + ": eos_token_id 512 is outside the vocabulary [0, 512) (vocab_size of config.json)");
    }

    @Test
    void trailingContentInGenerationConfigIsRejected() throws Exception {
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 2} {\"eos_token_id\": 3}");
        assertThatThrownBy(() -> ModelLoader.eosIds(dir, TestServer.json("{}"))).isInstanceOf(NemotronException.class)
                .hasMessageStartingWith(dir.resolve("generation_config.json") + ": cannot read JSON: Trailing token")
                .hasMessageNotContaining("\n");
    }

    @Test
    void contextLengthIsAPositiveIntegerOrTheDefaultWhenAbsent() {
        Path f = dir.resolve("config.json");
        assertThat(ModelLoader.contextLength(TestServer.json("{}"), f)).isEqualTo(ModelLoader.DEFAULT_CONTEXT);
        assertThat(ModelLoader.contextLength(TestServer.json("{\"max_position_embeddings\": 8192}"), f)).isEqualTo(8192);
        assertThatThrownBy(() -> ModelLoader.contextLength(TestServer.json("{\"max_position_embeddings\": \"NaN\"}"), f))
                .isInstanceOf(NemotronException.class)
                .hasMessage(f + ": max_position_embeddings must be a positive integer, got \"NaN\"");
        assertThatThrownBy(() -> ModelLoader.contextLength(TestServer.json("{\"max_position_embeddings\": -5}"), f))
                .hasMessage(f + ": max_position_embeddings must be a positive integer, got -5");
    }
}
