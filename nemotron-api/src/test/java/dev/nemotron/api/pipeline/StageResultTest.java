package dev.nemotron.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StageResultTest {
    @Test
    void holdsModelAndJsonSummary() {
        StageResult r = StageResult.withModel(Path.of("model"), Map.of("dataset", Path.of("/runs/ds"), "tokens", 12L));
        assertThat(r.outputModel()).contains(Path.of("model"));
        assertThat(r.summary()).containsEntry("dataset", "/runs/ds").containsEntry("tokens", 12L);
        assertThat(StageResult.of(Map.of()).outputModel()).isEqualTo(Optional.empty());
    }

    @Test
    void rejectsReservedAndBadKeysAndNonJsonValues() {
        assertThatThrownBy(() -> StageResult.of(Map.of("model", "x"))).hasMessageContaining("'model' is reserved");
        assertThatThrownBy(() -> StageResult.of(Map.of("a.b", 1))).hasMessageContaining("summary key 'a.b'");
        assertThatThrownBy(() -> StageResult.of(Map.of("t", Thread.currentThread())))
                .hasMessageStartingWith("summary value 't' is a java.lang.Thread");
    }

    @Test
    void contextResolvesAgainstTheBaseDirAndRequiresAModel() {
        StageContext ctx = new StageContext() {
            public String pipelineName() {
                return "p";
            }

            public String stageName() {
                return "sample";
            }

            public Path workDir() {
                return Path.of("/w");
            }

            public Path baseDir() {
                return Path.of("/base");
            }

            public Optional<Path> inputModel() {
                return Optional.empty();
            }

            public boolean resuming() {
                return false;
            }

            public void progress(String message) {
            }
        };
        assertThat(ctx.resolve("data/../a.txt")).isEqualTo(Path.of("/base/a.txt"));
        assertThat(ctx.resolve("/abs/x")).isEqualTo(Path.of("/abs/x"));
        assertThatThrownBy(ctx::requireInputModel).hasMessage(
                "stage 'sample' needs an input model: set 'model' in the spec or put a stage that produces one before it");
    }
}
