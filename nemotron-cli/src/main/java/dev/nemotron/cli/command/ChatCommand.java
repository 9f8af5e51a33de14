package dev.nemotron.cli.command;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.infer.engine.GenerationDelta;
import dev.nemotron.infer.engine.GenerationListener;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.GenerationResult;
import dev.nemotron.infer.sampling.EndOfTurn;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.thinking.ThinkingBudget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron chat}: an interactive terminal chat; replies stream as they are generated, the
 * reasoning shown between {@code <think>} lines. {@code /reset} starts over, {@code /exit} (or end
 * of input) quits; {@code /think} and {@code /no_think} inside a message switch reasoning.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with a model in the terminal (streamed replies; /reset, /exit; /think and /no_think switch reasoning).")
public final class ChatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", converter = ModelDirectoryOption.class, required = true, paramLabel = "DIR", description = "Model directory (with tokenizer.json).")
    Path model;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message.")
    String system;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Tokens per reply at most (default: 512).")
    int maxTokens = 512;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (default: 0.6; 0 = greedy).")
    double temperature = 0.6;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling threshold (default: 0.95).")
    double topP = 0.95;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed.")
    Long seed;

    @Option(names = "--max-thinking-tokens", paramLabel = "N", description = "Reasoning budget per reply.")
    Integer maxThinkingTokens;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend (default: the best available).")
    String backendName;

    @Mixin
    HostRunOptions host = new HostRunOptions();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (ModelSession session = new ModelSession(model, backendName, host)) {
            var tok = session.tokenizer("chat");
            List<ChatMessage> history = new ArrayList<>();
            if (system != null) {
                history.add(ChatMessage.system(system));
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            out.println("chatting with " + session.model.id() + " (/reset to start over, /exit to quit)");
            int turn = 0;
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) {
                    break;
                }
                if (line.strip().equals("/reset")) {
                    history.clear();
                    if (system != null) {
                        history.add(ChatMessage.system(system));
                    }
                    out.println("(history cleared)");
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                history.add(ChatMessage.user(line));
                RenderedPrompt prompt = session.render(history);
                SamplingParams.Builder p = SamplingParams.builder().maxTokens(maxTokens).temperature(temperature).topP(topP);
                if (seed != null) {
                    p.seed(seed + turn);
                }
                SamplingParams sampling = EndOfTurn.stopAtEndOfTurn(prompt, p.build(), tok);
                GenerationRequest req = new GenerationRequest(tok.encode(prompt.text()), sampling, prompt.thinking(),
                        maxThinkingTokens == null ? OptionalInt.empty() : OptionalInt.of(maxThinkingTokens),
                        ThinkingBudget.DEFAULT_GRACE_TOKENS);
                GenerationResult r = session.model.engine().submit(req, printer(out)).result().join();
                if (r.error() != null) {
                    throw new NemotronException("generation failed: " + r.error().getMessage(), r.error());
                }
                out.println();
                history.add(ChatMessage.assistant(r.content(), r.reasoning()));
                turn++;
            }
        }
        return 0;
    }

    private static GenerationListener printer(PrintWriter out) {
        return new GenerationListener() {
            private boolean inReasoning;

            @Override
            public void onDelta(GenerationDelta d) {
                if (d.reasoning() != inReasoning) {
                    out.print(d.reasoning() ? "<think>\n" : "\n</think>\n");
                    inReasoning = d.reasoning();
                }
                out.print(d.text());
                out.flush();
            }

            @Override
            public void onComplete(GenerationResult result) {
                if (inReasoning) {
                    out.print("\n</think>");
                }
                out.flush();
            }
        };
    }
}
