package dev.nemotron.train.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Parses {@code metrics.jsonl} into {@link RunMetrics}; every error names the file and line. */
final class MetricsReader {
    /** Jackson writes NaN as the string "NaN" by default; a hand-written log may use the bare token. */
    private static final ObjectMapper JSON = JsonMappers.json();

    private MetricsReader() {
    }

    static RunMetrics read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NemotronException(file + ": no such file (not a training run directory?)");
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read: " + e.getMessage(), e);
        }
        TreeMap<Long, Double> train = new TreeMap<>();
        TreeMap<Long, Double> eval = new TreeMap<>();
        List<String> lines = text.lines().toList();
        boolean unfinishedLast = !text.isEmpty() && !text.endsWith("\n");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            JsonNode o;
            try {
                o = JSON.readTree(line);
            } catch (IOException e) {
                if (unfinishedLast && i == lines.size() - 1) {
                    break;
                }
                throw new NemotronException(where + ": not valid JSON: " + firstLine(e));
            }
            if (o == null || !o.isObject()) {
                throw new NemotronException(where + ": not a JSON object");
            }
            boolean hasLoss = o.has("loss");
            boolean hasEval = o.has("eval_loss");
            if (!hasLoss && !hasEval) {
                continue;
            }
            JsonNode step = o.get("step");
            if (step == null || !step.canConvertToLong() || !step.isIntegralNumber()) {
                throw new NemotronException(where + ": 'step' must be an integer, got " + (step == null ? "nothing" : step));
            }
            if (hasLoss) {
                train.put(step.asLong(), number(o.get("loss"), "loss", where));
            }
            if (hasEval) {
                eval.put(step.asLong(), number(o.get("eval_loss"), "eval_loss", where));
            }
        }
        return new RunMetrics(points(train), points(eval));
    }

    /** A number, or the strings NaN / Infinity / -Infinity that Jackson writes for non-finite doubles. */
    private static double number(JsonNode v, String field, String where) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            switch (v.asText()) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                }
            }
        }
        throw new NemotronException(where + ": '" + field + "' must be a number, got " + v);
    }

    private static List<LossPoint> points(TreeMap<Long, Double> byStep) {
        List<LossPoint> out = new ArrayList<>(byStep.size());
        byStep.forEach((s, l) -> out.add(new LossPoint(s, l)));
        return out;
    }

    private static String firstLine(IOException e) {
        String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }
}
