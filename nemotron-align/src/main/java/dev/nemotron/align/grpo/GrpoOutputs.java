package dev.nemotron.align.grpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.train.report.ChartOptions;
import dev.nemotron.train.report.LossPoint;
import dev.nemotron.train.report.PointChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a GRPO run leaves in OUT besides metrics.jsonl: the model, summary.json and the charts. */
public final class GrpoOutputs {
    /** The chart files, and the metrics each draws. */
    public static final String REWARD_CHART = "grpo_reward.png";
    public static final String KL_CHART = "grpo_kl.png";
    public static final String LENGTH_CHART = "grpo_length.png";
    public static final String TIME_CHART = "grpo_time.png";

    private GrpoOutputs() {
    }

    /** OUT/model in the HF layout: the init model's config and tokenizer files, the trained weights. */
    static Path writeModel(Path dir, Path initModel, Parameters params) {
        try {
            Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
            deleteTree(tmp);
            Files.createDirectories(tmp);
            for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json")) {
                if (Files.isRegularFile(initModel.resolve(f))) {
                    Files.copy(initModel.resolve(f), tmp.resolve(f));
                }
            }
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), params.toTensors(), Map.of("format", "pt"));
            deleteTree(dir);
            Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return dir;
        } catch (IOException e) {
            throw new NemotronException(dir + ": cannot write the model: " + e.getMessage(), e);
        }
    }

    static void writeSummary(Path file, GrpoJob.Result r) {
        ObjectNode o = JsonMappers.json().createObjectNode();
        o.put("model", r.model().toString());
        o.put("steps", r.steps());
        o.put("final_loss", r.lastLoss());
        o.put("first_reward_mean", r.firstRewardMean());
        o.put("last_reward_mean", r.lastRewardMean());
        o.put("seconds", r.seconds());
        o.put("rollout_seconds", r.rolloutSeconds());
        o.put("train_seconds", r.trainSeconds());
        o.put("rollout_tokens", r.rolloutTokens());
        o.put("train_tokens", r.trainTokens());
        try {
            AtomicFiles.writeString(file, o.toPrettyString() + "\n");
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    /** Reward, KL, response length and time-per-step charts of a run's metrics.jsonl. */
    public static void charts(Path out) {
        Map<String, List<LossPoint>> m = read(out.resolve("metrics.jsonl"));
        String name = out.getFileName() == null ? "grpo" : out.getFileName().toString();
        ChartOptions o = ChartOptions.defaults().withSmoothing(0);
        PointChart.render(pick(m, "reward_mean"), out.resolve(REWARD_CHART), o.withTitle("GRPO reward: " + name), "step", "mean reward");
        PointChart.render(pick(m, "kl"), out.resolve(KL_CHART), o.withTitle("GRPO KL to the reference (k3): " + name), "step",
                "KL per token");
        PointChart.render(pick(m, "response_length"), out.resolve(LENGTH_CHART), o.withTitle("GRPO response length: " + name),
                "step", "tokens per completion");
        PointChart.render(pick(m, "rollout_seconds", "train_seconds"), out.resolve(TIME_CHART),
                o.withTitle("GRPO time per step: " + name), "step", "seconds");
    }

    private static Map<String, List<LossPoint>> pick(Map<String, List<LossPoint>> all, String... keys) {
        Map<String, List<LossPoint>> out = new LinkedHashMap<>();
        for (String k : keys) {
            out.put(k, all.getOrDefault(k, List.of()));
        }
        return out;
    }

    private static Map<String, List<LossPoint>> read(Path metrics) {
        Map<String, List<LossPoint>> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(metrics)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JsonMappers.json().readTree(line);
                long step = n.path("step").asLong();
                n.fields().forEachRemaining(f -> {
                    if (f.getValue().isNumber() && !f.getKey().equals("step")) {
                        out.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(new LossPoint(step, f.getValue().asDouble()));
                    }
                });
            }
        } catch (IOException e) {
            throw new NemotronException(metrics + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }
}
