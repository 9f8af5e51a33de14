package dev.nemotron.cli.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.train.data.DatasetTokenization;
import dev.nemotron.train.data.TextSplit;
import dev.nemotron.train.data.WriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns the {@code data} and {@code eval_data} entries of a pretraining spec into token dataset
 * directories: a directory holding {@code manifest.json} is used as it is; a {@code .jsonl} file
 * (its {@code text} field) or any other file (plain text, documents separated by blank lines) is
 * tokenised into {@code OUT/data/NAME} with the run's tokenizer — once: a rerun or a resumed run
 * finds it there.
 */
public final class TrainingInputs {
    private static final Logger LOG = LogManager.getLogger(TrainingInputs.class);

    private final Path out;
    private final Path baseDir;
    private final Path tokenizerFile;

    /**
     * @param spec    the merged spec (read for out, tokenizer, model_config / init_model)
     * @param baseDir relative paths resolve against it
     */
    public TrainingInputs(ObjectNode spec, Path baseDir) {
        this.baseDir = baseDir;
        JsonNode o = spec.get("out");
        if (o == null || !o.isTextual()) {
            throw new NemotronException("missing the run directory (--out / 'out')");
        }
        this.out = resolve(o.asText());
        this.tokenizerFile = findTokenizer(spec);
    }

    /** Rewrites {@code spec}'s data entries in place to dataset directories. */
    public void resolveInto(ObjectNode spec) {
        JsonNode data = spec.get("data");
        if (data == null || data.isNull() || (data.isArray() && data.isEmpty())) {
            throw new NemotronException("no training data: give --data FILE_OR_DATASET_DIR... ('data' in a spec)");
        }
        ArrayNode resolved = spec.arrayNode();
        for (JsonNode d : data.isArray() ? data : spec.arrayNode().add(data)) {
            if (d.isTextual()) {
                resolved.add(dataset(d.asText()).toString());
            } else if (d.isObject() && d.has("path")) {
                ObjectNode copy = ((ObjectNode) d).deepCopy();
                copy.put("path", dataset(d.get("path").asText()).toString());
                resolved.add(copy);
            } else {
                throw new NemotronException("a 'data' entry must be a path or {\"path\": ..., \"weight\": ...}, got " + d);
            }
        }
        spec.set("data", resolved);
        if (spec.hasNonNull("eval_data")) {
            spec.put("eval_data", dataset(spec.get("eval_data").asText()).toString());
        }
    }

    /** The tokenizer that text inputs are tokenised with (and that the trained model ships); null when none. */
    public Path tokenizerFile() {
        return tokenizerFile;
    }

    private Path dataset(String entry) {
        Path p = resolve(entry);
        if (Files.isDirectory(p)) {
            if (!Files.isRegularFile(p.resolve("manifest.json"))) {
                throw new NemotronException(p + ": a directory but not a token dataset (no manifest.json); "
                        + "create one with 'nemotron data tokenize'");
            }
            return p;
        }
        if (!Files.isRegularFile(p)) {
            throw new NemotronException(p + ": no such data file or dataset directory");
        }
        String file = p.getFileName().toString();
        String name = file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file;
        Path dir = out.resolve("data").resolve(name);
        if (Files.isRegularFile(dir.resolve("manifest.json"))) {
            LOG.info("using {} (tokenised earlier from {})", dir, p);
            return dir;
        }
        if (tokenizerFile == null) {
            throw new NemotronException("text data needs a tokenizer: give --tokenizer FILE_OR_DIR ('tokenizer'), or put a "
                    + "tokenizer.json beside the model config");
        }
        boolean jsonl = file.endsWith(".jsonl");
        new DatasetTokenization(tokenizerFile, dir, jsonl ? List.of() : List.of(p), jsonl ? List.of(p) : List.of(),
                jsonl ? "text" : null, TextSplit.blankLines(), WriterOptions.DEFAULT_SHARD_TOKENS, name, null).run();
        return dir;
    }

    private Path findTokenizer(ObjectNode spec) {
        if (spec.hasNonNull("tokenizer")) {
            Path t = resolve(spec.get("tokenizer").asText());
            Path file = Files.isDirectory(t) ? t.resolve("tokenizer.json") : t;
            if (!Files.isRegularFile(file)) {
                throw new NemotronException(t + ": no tokenizer.json there");
            }
            spec.put("tokenizer", file.toString());
            return file;
        }
        for (String field : List.of("init_model", "model_config")) {
            if (spec.hasNonNull(field)) {
                Path p = resolve(spec.get(field).asText());
                Path candidate = Files.isDirectory(p) ? p.resolve("tokenizer.json") : p.toAbsolutePath().resolveSibling("tokenizer.json");
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private Path resolve(String p) {
        Path path = Path.of(p);
        return (path.isAbsolute() ? path : baseDir.resolve(path)).normalize();
    }
}
