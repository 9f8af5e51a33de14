package dev.nemotron.train.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.train.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code OUT/run.json}: the settings that decide a run's trajectory (schedule, batch shape, seed,
 * optimizer, precision, threads). A resumed run continues bit-identically only with the same
 * settings; when they differ (say, a longer {@code steps}, which reshapes the WSD schedule) the
 * resume goes on but says which ones changed.
 */
final class RunRecord {
    private static final Logger LOG = LogManager.getLogger(RunRecord.class);
    private static final ObjectMapper JSON = JsonMappers.json();
    static final String FILE = "run.json";

    private RunRecord() {
    }

    static Map<String, String> settings(PretrainSpec s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("steps", Long.toString(s.steps()));
        m.put("seq_len", Integer.toString(s.seqLen()));
        m.put("batch", Integer.toString(s.batch()));
        m.put("schedule", s.schedule());
        m.put("lr", Double.toString(s.lr()));
        m.put("min_lr", Double.toString(s.minLr()));
        m.put("warmup", Long.toString(s.warmup()));
        m.put("decay_start", Double.toString(s.decayStart()));
        m.put("optimizer", s.optimizer());
        m.put("weight_decay", Double.toString(s.weightDecay()));
        m.put("beta1", Double.toString(s.beta1()));
        m.put("beta2", Double.toString(s.beta2()));
        m.put("grad_clip", Double.toString(s.gradClip()));
        m.put("seed", Long.toString(s.seed()));
        m.put("threads", Integer.toString(Math.min(s.threads(), s.batch())));
        m.put("fp8", Boolean.toString(s.fp8()));
        m.put("fp8_edge_layers", Integer.toString(s.fp8EdgeLayers()));
        m.put("data", s.data().toString());
        m.put("curriculum", s.curriculum().toString());
        return m;
    }

    static void write(Path out, PretrainSpec spec) {
        ObjectNode o = JSON.createObjectNode();
        settings(spec).forEach(o::put);
        AtomicFiles.writeString(out.resolve(FILE), o.toPrettyString() + "\n");
    }

    /** Logs the settings that differ from the recorded run's (no record: nothing to compare). */
    static List<String> warnOnChanges(Path out, PretrainSpec spec) {
        Path file = out.resolve(FILE);
        List<String> changed = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return changed;
        }
        try {
            JsonNode before = JSON.readTree(file.toFile());
            settings(spec).forEach((k, v) -> {
                if (before.has(k) && !before.get(k).asText().equals(v)) {
                    changed.add(k + " " + before.get(k).asText() + " -> " + v);
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
            return changed;
        }
        if (!changed.isEmpty()) {
            LOG.warn("resuming with changed settings ({}); the continuation is not the one the original run would have taken",
                    String.join(", ", changed));
        }
        return changed;
    }
}
