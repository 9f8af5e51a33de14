package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.train.data.ArithmeticChat;
import dev.nemotron.cli.output.Json;
import dev.nemotron.train.data.synth.ArithmeticConfig;
import dev.nemotron.train.data.synth.ArithmeticReasoning;
import dev.nemotron.train.data.synth.Operation;
import dev.nemotron.train.data.synth.ReasoningJsonl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron data synth-arithmetic}: seeded arithmetic problems with step-by-step reasoning,
 * as JSONL whose {@code text} is the conversation in the Nemotron Nano 2 chat format
 * ({@link NemotronChatTemplate}), ready for {@code data tokenize --jsonl FILE --field text}.
 */
@Command(name = "synth-arithmetic", mixinStandardHelpOptions = true,
        description = "Generate arithmetic questions with step-by-step reasoning (column addition with carries, subtraction with"
                + " borrows, small multiplication) as JSONL: question, reasoning, answer, thinking, and text (the chat-formatted"
                + " conversation).")
public final class DataSynthArithmeticCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE.jsonl", description = "The JSONL file to write (replaced if it exists).")
    Path out;

    @Option(names = "--count", required = true, paramLabel = "N", description = "Number of samples.")
    long count;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--max-digits", paramLabel = "D", description = "Operands have 1..D digits, D in 1..9 (default: ${DEFAULT-VALUE}).")
    int maxDigits = 3;

    @Option(names = "--max-multiplier-digits", paramLabel = "M",
            description = "The second factor of a multiplication has 1..M digits (default: ${DEFAULT-VALUE}: by one digit).")
    int maxMultiplierDigits = 1;

    @Option(names = "--ops", paramLabel = "OPS", description = "Operations, comma-separated, of +, - and * (default: ${DEFAULT-VALUE}).")
    String ops = "+,-,*";

    @Option(names = "--no-think-fraction", paramLabel = "F",
            description = "Share of samples rendered with reasoning off (<think></think> and the answer alone), in [0, 1] (default: ${DEFAULT-VALUE}).")
    double noThinkFraction = 0;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be >= 1");
        }
        if (!(noThinkFraction >= 0 && noThinkFraction <= 1)) {
            throw new ParameterException(spec.commandLine(), "--no-think-fraction must be in [0, 1]");
        }
        ArithmeticConfig config = new ArithmeticConfig(maxDigits, Operation.parseList(ops), maxMultiplierDigits);
        ReasoningJsonl.Summary s = ReasoningJsonl.write(out, new ArithmeticReasoning(config, seed), count, noThinkFraction, seed,
                ArithmeticChat.renderer());
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.object();
            o.put("out", out.toString());
            o.put("samples", s.samples());
            o.put("thinking", s.thinking());
            o.put("no_thinking", s.noThinking());
            o.put("seed", seed);
            Json.print(pw, o);
        } else {
            pw.printf("wrote %s: %,d samples (%,d with reasoning, %,d without), seed %d%n", out, s.samples(), s.thinking(),
                    s.noThinking(), seed);
            pw.flush();
        }
        return 0;
    }
}
