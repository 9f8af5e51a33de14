package dev.nemotron.eval.ruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.data.DocSourceProvider;
import dev.nemotron.eval.data.TaskLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data source {@code ruler}: RULER samples generated when the task is prepared, the same ones
 * for the same options ({@link RulerSuite#sampleSeed}).
 *
 * <pre>
 * dataset:
 *   type: ruler
 *   task: niah_single_1        # a RULER task (RulerTask)
 *   length: 4096               # target length in tokens (or "4k"), the answer budget included
 *   count: 100                 # samples (default 100)
 *   seed: 42                   # default 42
 *   tokenizer: /path/to/model  # tokenizer.json or a model directory; relative: to the task file
 *   haystack: my-essays.txt    # optional: the essay text (default: the bundled Moby-Dick)
 * </pre>
 *
 * Without {@code tokenizer} lengths are counted in whitespace-separated words
 * ({@link #WORDS}), which is enough for the canonical self-check but not a model's context:
 * {@code nemotron eval run --model DIR} passes the model's tokenizer, {@code --tokenizer} another.
 * Each problem is the sample's JSON ({@code docs/eval-ruler.md}: {@code input},
 * {@code answer_prefix}, {@code outputs}, {@code needles}, ...) plus {@code answer} (the outputs
 * joined by {@code ", "}, what the canonical model answers) and {@code tokenizer}.
 */
public final class RulerSource implements DocSourceProvider {
    /** The name of the word counter used when no tokenizer is given. */
    public static final String WORDS = "words";
    /** The default number of samples. */
    public static final int DEFAULT_COUNT = 100;
    /** The default seed. */
    public static final long DEFAULT_SEED = 42;

    private static final Pattern LENGTH = Pattern.compile("([0-9]+)([kK]?)");
    private static final Pattern WORD = Pattern.compile("\\S+");

    /** The provider ({@code ServiceLoader} needs a public constructor). */
    public RulerSource() {
    }

    @Override
    public String type() {
        return "ruler";
    }

    @Override
    public List<Doc> load(Fields options, TaskLocation location) {
        options.allowOnly("type", "task", "length", "count", "seed", "tokenizer", "haystack");
        RulerTask task;
        try {
            task = RulerTask.parse(options.string("task"));
        } catch (NemotronException e) {
            throw new NemotronException(options.at("task") + ": " + e.getMessage());
        }
        int length = length(options);
        int count = options.intAtLeast("count", 1, DEFAULT_COUNT);
        Long seed = options.longValue("seed");
        String tokenizer = options.string("tokenizer", null);
        TokenCounter counter = tokenizer == null ? RulerSource::countWords
                : TokenizerTokenCounter.load(path(tokenizer, location, options.at("tokenizer")));
        RulerOptions ruler = RulerOptions.defaults();
        String haystack = options.string("haystack", null);
        if (haystack != null) {
            ruler = ruler.withEssay(HaystackText.load(path(haystack, location, options.at("haystack"))));
        }
        List<RulerSample> samples;
        try {
            samples = RulerSuite.generate(List.of(task), List.of(length), count, seed == null ? DEFAULT_SEED : seed,
                    counter, ruler).samples();
        } catch (NemotronException e) {
            throw new NemotronException(options.where() + ": " + e.getMessage());
        }
        List<Doc> out = new ArrayList<>();
        for (RulerSample s : samples) {
            ObjectNode fields = RulerJson.toJson(s);
            fields.put("answer", String.join(", ", s.outputs()));
            fields.put("tokenizer", tokenizer == null ? WORDS : tokenizer);
            out.add(new Doc(out.size(), fields, "ruler:" + task.id() + "@" + length + "#" + s.index()));
        }
        return out;
    }

    /** The number of whitespace-separated words of {@code text}: the length measure without a tokenizer. */
    static int countWords(String text) {
        Matcher m = WORD.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static int length(Fields options) {
        JsonNode raw = options.raw("length");
        if (raw == null) {
            throw new NemotronException(options.where() + ": missing field 'length' (target tokens, e.g. 4096 or \"4k\")");
        }
        Matcher m = LENGTH.matcher(raw.isIntegralNumber() ? raw.asText() : raw.isTextual() ? raw.textValue().strip() : "");
        if (!m.matches() || m.group(1).length() > 7) {
            throw new NemotronException(options.at("length") + " must be a number of tokens such as 4096 or \"4k\", got "
                    + Fields.shown(raw));
        }
        int length = Integer.parseInt(m.group(1)) * (m.group(2).isEmpty() ? 1 : 1024);
        if (length < RulerGenerator.MIN_LENGTH) {
            throw new NemotronException(options.at("length") + " must be at least " + RulerGenerator.MIN_LENGTH + ", got " + length);
        }
        return length;
    }

    private static Path path(String value, TaskLocation location, String where) {
        Path p = Path.of(value);
        if (p.isAbsolute()) {
            return p;
        }
        if (location instanceof TaskLocation.Directory d) {
            return d.dir().resolve(p).normalize();
        }
        throw new NemotronException(where + ": '" + value + "' must be an absolute path in a built-in task");
    }
}
