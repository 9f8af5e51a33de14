package dev.nemotron.arch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** config.json from an outside source: one JSON value, this family's model_type, sane numbers; one error line otherwise. */
class ConfigHardeningTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConfigParser parser = ConfigParser.withDiscoveredLayers();

    private static ObjectNode fixtureConfig() throws Exception {
        return (ObjectNode) JSON.readTree(Files.readString(Fixtures.dir("tiny-nemotron-h-a").resolve("config.json")));
    }

    @Test
    void trailingContentAfterTheObjectIsRejected() throws Exception {
        String cfg = fixtureConfig().toString();
        assertThat(parser.parse(cfg + "\n  \n", "c.json").vocabSize()).isEqualTo(512);
        assertThatThrownBy(() -> parser.parse(cfg + "garbage", "c.json")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("c.json: not valid JSON (line 1").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> parser.parse(cfg + " {}", "c.json")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("c.json: not valid JSON (line 1").hasMessageContaining("unexpected text after the JSON value");
    }

    @Test
    void anotherModelTypeIsRejected() throws Exception {
        ObjectNode cfg = fixtureConfig();
        assertThat(cfg.get("model_type").asText()).isEqualTo(ConfigParser.MODEL_TYPE);
        cfg.put("model_type", "llama");
        assertThatThrownBy(() -> parser.parse(cfg.toString(), "c.json")).isInstanceOf(ConfigException.class)
                .hasMessage("c.json: model_type is 'llama', but this SDK reads 'nemotron_h' models (Nemotron-H, Nemotron Nano 2) only");
        cfg.put("model_type", 7);
        assertThatThrownBy(() -> parser.parse(cfg.toString(), "c.json")).hasMessage("c.json: field 'model_type' must be a string, got 7");
        cfg.remove("model_type");
        assertThat(parser.parse(cfg.toString(), "c.json").vocabSize()).isEqualTo(512);
    }

    @Test
    void maxPositionEmbeddingsMustBeAPositiveInteger() throws Exception {
        ObjectNode cfg = fixtureConfig();
        cfg.put("max_position_embeddings", "NaN");
        assertThatThrownBy(() -> parser.parse(cfg.toString(), "c.json")).isInstanceOf(ConfigException.class)
                .hasMessage("c.json: field 'max_position_embeddings' must be an integer, got \"NaN\"");
        cfg.put("max_position_embeddings", -5);
        assertThatThrownBy(() -> parser.parse(cfg.toString(), "c.json"))
                .hasMessage("c.json: field 'max_position_embeddings' must be positive, got -5");
        cfg.put("max_position_embeddings", 8192);
        assertThat(parser.parse(cfg.toString(), "c.json").vocabSize()).isEqualTo(512);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNamedPipeIsRefusedWithoutOpeningIt(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("config.json");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        assertThatThrownBy(() -> parser.parse(dir)).isInstanceOf(ConfigException.class).hasMessage(fifo + ": not a regular file");
    }
}
