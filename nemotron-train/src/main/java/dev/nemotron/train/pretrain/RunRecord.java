package dev.nemotron.train.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
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
 * resume goes on but says which ones changed. A job with settings of its own (GRPO) records
 * {@link #settings} plus its own ({@link #write(Path, Map)}) and checks them with {@link #changes}.
 */
public final class RunRecord {
    private static final Logger LOG = LogManager.getLogger(RunRecord.class);
    private static final ObjectMapper JSON = JsonMappers.json();
    public static final String FILE = "run.json";

    private RunRecord() {
    }

    /** The training settings of {@code s} that decide its trajectory, as text, in a fixed order. */
    public static Map<String, String> settings(PretrainSpec s) {
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
        write(out, settings(spec));
    }

    /** Writes {@code settings} as {@code out/run.json}, atomically. */
    public static void write(Path out, Map<String, String> settings) {
        ObjectNode o = JSON.createObjectNode();
        settings.forEach(o::put);
        AtomicFiles.writeString(out.resolve(FILE), o.toPrettyString() + "\n");
    }

    /**
     * The settings that differ from those {@code out/run.json} records, as {@code "NAME OLD -> NEW"}
     * (a setting the record lacks is {@code "NAME (none) -> NEW"}); null when there is no record.
     */
    public static List<String> changes(Path out, Map<String, String> settings) {
        return diff(out, settings, true);
    }

    private static List<String> diff(Path out, Map<String, String> settings, boolean missingCounts) {
        Path file = out.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode before;
        try {
            before = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read the run's record: " + e.getMessage(), e);
        }
        List<String> changed = new ArrayList<>();
        settings.forEach((k, v) -> {
            String was = before != null && before.has(k) ? before.get(k).asText() : null;
            if ((was != null || missingCounts) && !v.equals(was)) {
                changed.add(k + " " + (was == null ? "(none)" : was) + " -> " + v);
            }
        });
        return changed;
    }

    /** Logs the settings that differ from the recorded run's (no record, or a setting it lacks: nothing to compare). */
    static List<String> warnOnChanges(Path out, PretrainSpec spec) {
        List<String> changed;
        try {
            changed = diff(out, settings(spec), false);
        } catch (NemotronException e) {
            LOG.warn(e.getMessage());
            return new ArrayList<>();
        }
        if (changed == null) {
            return new ArrayList<>();
        }
        if (!changed.isEmpty()) {
            LOG.warn("resuming with changed settings ({}); the continuation is not the one the original run would have taken",
                    String.join(", ", changed));
        }
        return changed;
    }
}
