package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.infer.engine.GenerationDelta;
import dev.nemotron.infer.engine.GenerationListener;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.FinishReason;
import dev.nemotron.infer.engine.GenerationResult;
import dev.nemotron.infer.sampling.EndOfTurn;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.thinking.OpenReasoning;
import dev.nemotron.infer.thinking.ThinkingBudget;
import dev.nemotron.text.tokenizer.Tokenizer;
import dev.nemotron.cli.output.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron generate}: one completion, streamed to stdout or printed as JSON. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a completion of a prompt (text or token ids), with the engine's cached decoding.")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", converter = ModelDirectoryOption.class, required = true, paramLabel = "DIR", description = "Model directory.")
    Path model;

    static final class Prompt {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt text (tokenised as is; see --chat).")
        String text;

        @Option(names = "--prompt-ids", split = ",", paramLabel = "ID,ID,...", description = "Prompt token ids.")
        List<Integer> ids;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt prompt;

    @Option(names = "--chat", description = "Wrap --prompt as a user turn in the model's chat template (reasoning on unless /no_think).")
    boolean chat;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Tokens to generate at most (default: 64).")
    int maxNewTokens = 64;

    @Option(names = "--greedy", description = "Greedy decoding (the default when no --temperature is given).")
    boolean greedy;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature.")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling threshold (default: 1).")
    double topP = 1.0;

    @Option(names = "--top-k", paramLabel = "K", description = "Top-k sampling (default: off).")
    int topK;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed for sampling.")
    Long seed;

    @Option(names = "--max-thinking-tokens", paramLabel = "N", description = "Reasoning budget (closes the reasoning at the next newline after N tokens).")
    Integer maxThinkingTokens;

    @Option(names = "--thinking-grace", paramLabel = "N", description = "Tokens to wait for a newline once the budget is reached (default: 500).")
    int thinkingGrace = ThinkingBudget.DEFAULT_GRACE_TOKENS;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend (default: the best available).")
    String backendName;

    @Mixin
    HostRunOptions host = new HostRunOptions();

    @Option(names = "--json", description = "Print {\"prompt_ids\":[…],\"output_ids\":[…],\"text\":\"…\"} instead of streaming text.")
    boolean json;

    @Override
    public Integer call() {
        if (greedy && temperature != null) {
            throw new ParameterException(spec.commandLine(), "--greedy and --temperature exclude each other");
        }
        if (chat && prompt.text == null) {
            throw new ParameterException(spec.commandLine(), "--chat needs --prompt TEXT");
        }
        try (ModelSession session = new ModelSession(model, backendName, host)) {
            Tokenizer tok = session.model.tokenizer();
            int[] ids;
            boolean reasoningOpen;
            RenderedPrompt rendered = null;
            if (prompt.ids != null) {
                ids = prompt.ids.stream().mapToInt(Integer::intValue).toArray();
                reasoningOpen = OpenReasoning.endsInOpenThink(ids, tok);
            } else if (chat) {
                rendered = session.render(List.of(ChatMessage.user(prompt.text)));
                ids = session.tokenizer("--chat").encode(rendered.text());
                reasoningOpen = rendered.thinking();
            } else {
                ids = session.tokenizer("--prompt").encode(prompt.text);
                reasoningOpen = OpenReasoning.endsInOpenThink(ids, tok);
            }
            SamplingParams.Builder b = SamplingParams.builder().maxTokens(maxNewTokens).topP(topP).topK(topK)
                    .temperature(temperature == null ? 0 : temperature);
            if (seed != null) {
                b.seed(seed);
            }
            SamplingParams sampling = rendered == null ? b.build() : EndOfTurn.stopAtEndOfTurn(rendered, b.build(), tok);
            GenerationRequest request = new GenerationRequest(ids, sampling, reasoningOpen,
                    maxThinkingTokens == null ? OptionalInt.empty() : OptionalInt.of(maxThinkingTokens), thinkingGrace);
            PrintWriter out = spec.commandLine().getOut();
            GenerationResult r = session.model.engine().submit(request, json ? GenerationListener.ignoringDeltas()
                    : streamingTo(out)).result().join();
            if (r.error() != null) {
                throw r.error() instanceof RuntimeException re ? re : new IllegalStateException(r.error());
            }
            if (r.finishReason() == FinishReason.STOP && r.outputIds().length <= 1) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("note: the model ended the sequence at once (no tokens generated)");
                err.flush();
            }
            if (json) {
                ObjectNode o = Json.object();
                ArrayNode p = o.putArray("prompt_ids");
                for (int id : ids) {
                    p.add(id);
                }
                ArrayNode g = o.putArray("output_ids");
                for (int id : r.outputIds()) {
                    g.add(id);
                }
                o.put("text", tok == null ? "" : r.text(tok));
                o.put("reasoning", r.reasoning());
                o.put("content", r.content());
                o.put("finish_reason", r.finishReason().openAiName());
                Json.print(out, o);
            } else {
                out.println();
                out.flush();
            }
        }
        return 0;
    }

    private static GenerationListener streamingTo(PrintWriter out) {
        return new GenerationListener() {
            private boolean reasoning;

            @Override
            public void onDelta(GenerationDelta d) {
                if (d.reasoning() && !reasoning) {
                    out.print("<think>\n");
                    reasoning = true;
                } else if (!d.reasoning() && reasoning) {
                    out.print("\n</think>\n");
                    reasoning = false;
                }
                out.print(d.text());
                out.flush();
            }

            @Override
            public void onComplete(GenerationResult result) {
                if (reasoning) {
                    out.print("\n</think>");
                }
                out.flush();
            }
        };
    }
}
