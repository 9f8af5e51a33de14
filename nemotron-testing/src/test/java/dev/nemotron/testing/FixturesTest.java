package dev.nemotron.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixturesTest {
    @Test
    void findsEveryFixtureOnceFromTheRepositoryRoot() {
        assertThat(Fixtures.repoRoot().resolve("mvnw")).exists();
        for (String name : new String[] {"tiny-nemotron-h-a", "tiny-nemotron-h-a-bf16", "hf-more/deep-odd",
                "tokenizer-bpe", "qwen3-tokenizer", "tokenizer-corpus", "moby-dick-200k.txt", "NOTICE.md"}) {
            assertThat(Fixtures.dir(name)).exists();
        }
    }

    @Test
    void missingFixtureIsNamed() {
        assertThatThrownBy(() -> Fixtures.dir("no-such-fixture")).hasMessageContaining("no-such-fixture");
    }

    @Test
    void withConfigReplacesOnlyTheConfig(@TempDir Path tmp) throws Exception {
        Path copy = Fixtures.withConfig(Fixtures.dir("tiny-nemotron-h-a"), tmp.resolve("m"), "{}");
        assertThat(Files.readString(copy.resolve("config.json"))).isEqualTo("{}");
        assertThat(copy.resolve("model.safetensors")).hasSameBinaryContentAs(Fixtures.dir("tiny-nemotron-h-a").resolve("model.safetensors"));
    }
}
