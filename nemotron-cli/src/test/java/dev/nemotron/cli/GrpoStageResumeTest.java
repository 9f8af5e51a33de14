package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.pipeline.StageRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code grpo} pipeline stage resumes an interrupted attempt: an attempt that stopped after
 * its step-2 checkpoint, run again with {@code resuming()} (what the runner does after a failed
 * attempt with the same parameters and input), ends with the straight attempt's model, bit for bit.
 */
class GrpoStageResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static StageContext context(Path work, Path input, boolean resuming) {
        return new StageContext() {
            @Override
            public String pipelineName() {
                return "p";
            }

            @Override
            public String stageName() {
                return "grpo";
            }

            @Override
            public Path workDir() {
                return work;
            }

            @Override
            public Path baseDir() {
                return work.getParent();
            }

            @Override
            public Optional<Path> inputModel() {
                return Optional.of(input);
            }

            @Override
            public boolean resuming() {
                return resuming;
            }

            @Override
            public void progress(String message) {
            }
        };
    }

    private static StageResult run(Map<String, Object> params, Path work, Path input, boolean resuming) throws Exception {
        Files.createDirectories(work);
        Stage stage = StageRegistry.discover().require("grpo", "grpo").create(new StageSpec("grpo", "grpo", StageParams.of("grpo", params)));
        return stage.run(context(work, input, resuming));
    }

    private static List<String> withoutTimings(Path metrics) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            ObjectNode o = (ObjectNode) JSON.readTree(line);
            o.remove(List.of("rollout_seconds", "train_seconds", "rollout_tokens_per_s", "train_tokens_per_s"));
            out.add(o.toString());
        }
        return out;
    }

    @Test
    void anInterruptedAttemptResumesFromItsCheckpointBitIdentically() throws Exception {
        Path model = TinyChatModel.create(tmp);
        Path prompts = Files.write(tmp.resolve("prompts.jsonl"), List.of("{\"prompt\": \"What is 1 + 2?\", \"answer\": 3}",
                "{\"prompt\": \"What is 4 + 4?\", \"answer\": 8}", "{\"prompt\": \"What is 2 + 5?\", \"answer\": 7}"));
        Map<String, Object> params = new LinkedHashMap<>(Map.of("prompts", prompts.toString(), "reward", "math", "steps", 4,
                "batch", 2, "group", 2, "max_tokens", 5, "no_think_fraction", 0.5, "lr", 3e-3, "threads", 2));
        StageResult straight = run(params, tmp.resolve("a"), model, false);

        Map<String, Object> interrupted = new LinkedHashMap<>(params);
        interrupted.put("stop_at", 2);
        run(interrupted, tmp.resolve("b"), model, false);
        assertThat(Files.readString(tmp.resolve("b/latest"))).isEqualTo("checkpoint-2");
        StageResult resumed = run(params, tmp.resolve("b"), model, true);

        assertThat(resumed.summary().get("steps")).isEqualTo(4L);
        assertThat(Arrays.equals(Files.readAllBytes(resumed.outputModel().orElseThrow().resolve("model.safetensors")),
                Files.readAllBytes(straight.outputModel().orElseThrow().resolve("model.safetensors")))).isTrue();
        assertThat(withoutTimings(tmp.resolve("b/metrics.jsonl"))).hasSize(4).isEqualTo(withoutTimings(tmp.resolve("a/metrics.jsonl")));

        // not resuming (a changed stage, or a forced rerun: the runner empties the directory first): from step 0
        StageResult fresh = run(params, tmp.resolve("c"), model, false);
        assertThat(Arrays.equals(Files.readAllBytes(fresh.outputModel().orElseThrow().resolve("model.safetensors")),
                Files.readAllBytes(straight.outputModel().orElseThrow().resolve("model.safetensors")))).isTrue();
    }
}
