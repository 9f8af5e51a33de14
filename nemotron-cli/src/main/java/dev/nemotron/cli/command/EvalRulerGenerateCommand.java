package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.output.Json;
import dev.nemotron.eval.ruler.HaystackText;
import dev.nemotron.eval.ruler.PromptFormat;
import dev.nemotron.eval.ruler.RulerOptions;
import dev.nemotron.eval.ruler.RulerSample;
import dev.nemotron.eval.ruler.RulerSuite;
import dev.nemotron.eval.ruler.RulerTask;
import dev.nemotron.eval.ruler.TokenizerTokenCounter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron eval ruler-generate}: a RULER suite as JSONL, every sample's prompt measured in
 * the tokens of the given tokenizer (see docs/eval-ruler.md).
 */
@Command(name = "ruler-generate", mixinStandardHelpOptions = true,
        description = "Generate RULER synthetic long-context samples (niah_*, vt, cwe, fwe) whose prompts fill each target"
                + " length in the given tokenizer's tokens, as JSONL (input, outputs, task, length, tokens, ...).")
public final class EvalRulerGenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE_OR_MODEL_DIR",
            description = "tokenizer.json, or a model directory holding one: lengths are counted in its tokens.")
    Path tokenizer;

    @Option(names = "--tasks", paramLabel = "LIST", description = "Comma-separated RULER task names, or all (default: ${DEFAULT-VALUE}).")
    String tasks = "all";

    @Option(names = "--lengths", required = true, paramLabel = "LIST",
            description = "Comma-separated target lengths in tokens; a k suffix means x1024 (e.g. 4k,8192).")
    String lengths;

    @Option(names = "--samples", required = true, paramLabel = "N", description = "Samples per task and length.")
    int samples;

    @Option(names = "--out", required = true, paramLabel = "FILE.jsonl", description = "The JSONL file to write (replaced if it exists).")
    Path out;

    @Option(names = "--seed", paramLabel = "S", description = "Suite seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--haystack", paramLabel = "FILE",
            description = "UTF-8 text for the essay haystack (default: the bundled Moby-Dick).")
    Path haystack;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "How the prompt is counted: plain (input + answer prefix) or nemotron-chat (the Nemotron Nano 2 chat"
                    + " format, reasoning off) (default: ${DEFAULT-VALUE}).")
    String format = "plain";

    @Option(names = "--no-reserve", description = "Fill the length with the prompt alone instead of leaving RULER's answer budget.")
    boolean noReserve;

    @Option(names = "--tolerance", paramLabel = "F", description = "How far below the target a prompt may land (default: ${DEFAULT-VALUE}).")
    double tolerance = RulerOptions.DEFAULT_TOLERANCE;

    @Option(names = "--depths", paramLabel = "LIST",
            description = "Needle depths as fractions in [0, 1]: one for all needles or one per needle (default: RULER's random depths).")
    String depths;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (samples < 1) {
            throw new ParameterException(spec.commandLine(), "--samples must be >= 1");
        }
        List<Integer> lengthList = parseLengths(lengths);
        List<RulerTask> taskList = RulerTask.parseList(tasks);
        RulerOptions options = RulerOptions.defaults().withFormat(parseFormat(format)).withReserveAnswerTokens(!noReserve)
                .withTolerance(tolerance).withDepths(parseDepths(depths));
        if (haystack != null) {
            options = options.withEssay(HaystackText.load(haystack));
        }
        TokenizerTokenCounter counter = TokenizerTokenCounter.load(tokenizer);
        RulerSuite suite = RulerSuite.generate(taskList, lengthList, samples, seed, counter, options);
        suite.write(out);
        print(suite.samples(), taskList, lengthList);
        return 0;
    }

    private void print(List<RulerSample> all, List<RulerTask> taskList, List<Integer> lengthList) {
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.object();
            o.put("out", out.toString());
            o.put("samples", all.size());
            o.put("seed", seed);
            o.put("prompt_format", format);
            ArrayNode per = o.putArray("lengths");
            for (int length : lengthList) {
                IntSummaryStatistics st = tokens(all, length);
                ObjectNode l = per.addObject();
                l.put("length", length);
                l.put("min_tokens", st.getMin());
                l.put("max_tokens", st.getMax());
            }
            Json.print(pw, o);
            return;
        }
        pw.printf("wrote %s: %,d samples (%d tasks x %d lengths x %d), seed %d, format %s%n", out, all.size(), taskList.size(),
                lengthList.size(), samples, seed, format);
        for (int length : lengthList) {
            IntSummaryStatistics st = tokens(all, length);
            pw.printf("  length %,d: prompts of %,d to %,d tokens%s%n", length, st.getMin(), st.getMax(),
                    noReserve ? "" : " (plus each task's answer budget)");
        }
        pw.flush();
    }

    private static IntSummaryStatistics tokens(List<RulerSample> all, int length) {
        return all.stream().filter(s -> s.length() == length).mapToInt(RulerSample::tokens).summaryStatistics();
    }

    private List<Integer> parseLengths(String list) {
        List<Integer> outList = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            try {
                int value = p.endsWith("k") ? Math.multiplyExact(Integer.parseInt(p.substring(0, p.length() - 1)), 1024)
                        : Integer.parseInt(p);
                if (value <= 0) {
                    throw new NumberFormatException();
                }
                outList.add(value);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ParameterException(spec.commandLine(), "--lengths: '" + part.strip()
                        + "' is not a positive token count (e.g. 4096 or 4k)");
            }
        }
        return outList;
    }

    private PromptFormat parseFormat(String name) {
        return switch (name) {
            case "plain" -> PromptFormat.plain();
            case "nemotron-chat" -> PromptFormat.nemotronChat();
            default -> throw new ParameterException(spec.commandLine(), "--format must be plain or nemotron-chat, got '" + name + "'");
        };
    }

    private List<Double> parseDepths(String list) {
        if (list == null) {
            return List.of();
        }
        List<Double> outList = new ArrayList<>();
        for (String part : list.split(",")) {
            try {
                outList.add(Double.parseDouble(part.strip()));
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--depths: '" + part.strip() + "' is not a number");
            }
        }
        return outList;
    }
}
