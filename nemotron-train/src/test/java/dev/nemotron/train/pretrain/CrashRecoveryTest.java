package dev.nemotron.train.pretrain;

import static dev.nemotron.train.pretrain.PretrainJobTest.JSON;
import static dev.nemotron.train.pretrain.PretrainJobTest.run;
import static dev.nemotron.train.pretrain.PretrainJobTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.train.trainer.StepMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a kill -9 can leave behind (tools/crash-safety.sh exercises the real thing, see
 * docs/robustness.md): a run killed before its first checkpoint, and a metrics line cut short.
 * Both resume to the same steps as an uninterrupted run.
 */
class CrashRecoveryTest {
    static void crashAt(ObjectNode spec, long step) {
        assertThatThrownBy(() -> new PretrainJob(PretrainSpec.parse(spec, "test", null)).run(m -> {
            if (m.step() == step) {
                throw new IllegalStateException("simulated crash");
            }
        })).hasMessage("simulated crash");
    }

    static List<Long> steps(Path metrics) throws Exception {
        List<Long> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            out.add(JSON.readTree(line).get("step").asLong());
        }
        return out;
    }

    @Test
    void killedBeforeTheFirstCheckpointStartsOverWithoutDuplicateSteps(@TempDir Path tmp) throws Exception {
        List<StepMetrics> straight = new ArrayList<>();
        run(spec(tmp, tmp.resolve("a"), 8), straight);
        ObjectNode first = spec(tmp, tmp.resolve("b"), 8);
        first.put("checkpoint_every", 5);
        crashAt(first, 3);
        assertThat(tmp.resolve("b/latest")).doesNotExist();
        ObjectNode again = spec(tmp, tmp.resolve("b"), 8);
        again.put("checkpoint_every", 5);
        again.put("resume", true);
        List<StepMetrics> resumed = new ArrayList<>();
        run(again, resumed);
        assertThat(resumed.getFirst().step()).isEqualTo(1);
        assertThat(resumed.stream().map(StepMetrics::loss).toList())
                .containsExactlyElementsOf(straight.stream().map(StepMetrics::loss).toList());
        assertThat(steps(tmp.resolve("b/metrics.jsonl"))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void aMetricsLineCutShortIsDroppedOnResume(@TempDir Path tmp) throws Exception {
        ObjectNode first = spec(tmp, tmp.resolve("b"), 8);
        first.put("checkpoint_every", 4);
        crashAt(first, 6);
        Files.writeString(tmp.resolve("b/metrics.jsonl"), "{\"step\": 7, \"lo", StandardOpenOption.APPEND);
        ObjectNode again = spec(tmp, tmp.resolve("b"), 8);
        again.put("checkpoint_every", 4);
        again.put("resume", true);
        run(again, new ArrayList<>());
        assertThat(steps(tmp.resolve("b/metrics.jsonl"))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(Files.readString(tmp.resolve("b/latest"))).isEqualTo("checkpoint-8");
        try (var files = Files.list(tmp.resolve("b"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
