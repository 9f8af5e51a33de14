package dev.nemotron.eval.ruler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.Utf8Lines;
import dev.nemotron.api.json.JsonMappers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * A generated RULER suite: {@code samplesPerTask} samples of every task at every length, in the
 * order length, task, index, written as JSONL (one {@link RulerSample} per line, see
 * {@code docs/eval-ruler.md}) for the evaluation task runner to load as a dataset.
 *
 * <pre>{@code
 * RulerSuite suite = RulerSuite.generate(List.of(RulerTask.values()), List.of(4096, 8192), 20, 42L,
 *         TokenizerTokenCounter.load(Path.of("my-model")));
 * suite.write(Path.of("ruler.jsonl"));
 * }</pre>
 *
 * <p>Each sample's seed is derived from the suite seed, the task, the length and the index, so a
 * sample does not change when other tasks or lengths are added; samples are generated in parallel.
 */
public final class RulerSuite {
    private final List<RulerSample> samples;

    private RulerSuite(List<RulerSample> samples) {
        this.samples = List.copyOf(samples);
    }

    /** A suite holding {@code samples}. */
    public static RulerSuite of(List<RulerSample> samples) {
        return new RulerSuite(samples);
    }

    /** Generates a suite with {@link RulerOptions#defaults()}. */
    public static RulerSuite generate(List<RulerTask> tasks, List<Integer> lengths, int samplesPerTask, long seed,
                                      TokenCounter counter) {
        return generate(tasks, lengths, samplesPerTask, seed, counter, RulerOptions.defaults());
    }

    /**
     * Generates a suite.
     *
     * @throws NemotronException when a list is empty, a count is not positive, or a sample cannot be generated
     */
    public static RulerSuite generate(List<RulerTask> tasks, List<Integer> lengths, int samplesPerTask, long seed,
                                      TokenCounter counter, RulerOptions options) {
        if (tasks.isEmpty()) {
            throw new NemotronException("RULER suite: no tasks given");
        }
        if (lengths.isEmpty()) {
            throw new NemotronException("RULER suite: no lengths given");
        }
        if (samplesPerTask < 1) {
            throw new NemotronException("RULER suite: samples per task must be >= 1, got " + samplesPerTask);
        }
        for (int length : lengths) {
            if (length < RulerGenerator.MIN_LENGTH) {
                throw new NemotronException("RULER suite: length " + length + " is below the minimum " + RulerGenerator.MIN_LENGTH);
            }
        }
        RulerGenerator generator = new RulerGenerator(counter, options);
        int perLength = tasks.size() * samplesPerTask;
        List<RulerSample> out = IntStream.range(0, lengths.size() * perLength).parallel().mapToObj(job -> {
            int length = lengths.get(job / perLength);
            RulerTask task = tasks.get(job % perLength / samplesPerTask);
            int index = job % samplesPerTask;
            return generator.generate(task, length, sampleSeed(seed, task, length, index), index);
        }).toList();
        return new RulerSuite(out);
    }

    /** The seed of one sample of a suite. */
    public static long sampleSeed(long suiteSeed, RulerTask task, int length, int index) {
        long h = mix(suiteSeed + 0x9E37_79B9_7F4A_7C15L);
        h = mix(h ^ task.id().hashCode());
        h = mix(h ^ length);
        return mix(h ^ index);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** The samples, in the order length, task, index. */
    public List<RulerSample> samples() {
        return samples;
    }

    /**
     * Writes the samples as JSONL (UTF-8, one object per line), replacing {@code out} and creating
     * its directory.
     *
     * @throws NemotronException when the file cannot be written
     */
    public void write(Path out) {
        try {
            Path dir = out.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                for (RulerSample s : samples) {
                    w.write(RulerJson.MAPPER.writeValueAsString(RulerJson.toJson(s)));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new NemotronException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a suite written by {@link #write(Path)}; blank lines are skipped.
     *
     * @throws NemotronException when the file is missing or a line is not a valid sample (naming file and line)
     */
    public static RulerSuite read(Path in) {
        Objects.requireNonNull(in, "in");
        List<RulerSample> out = new ArrayList<>();
        try (Utf8Lines r = Utf8Lines.open(in)) {
            String line;
            int lineNo = 0;
            while ((line = r.next()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = RulerJson.MAPPER.readTree(line);
                    if (node == null || !node.isObject()) {
                        throw new NemotronException("not a JSON object");
                    }
                    out.add(RulerJson.fromJson(node));
                } catch (JsonProcessingException e) {
                    throw new NemotronException(in + ":" + lineNo + ": not valid JSON (" + JsonMappers.describe(e) + ")");
                } catch (NemotronException e) {
                    throw new NemotronException(in + ":" + lineNo + ": " + e.getMessage());
                }
            }
        }
        return new RulerSuite(out);
    }
}
