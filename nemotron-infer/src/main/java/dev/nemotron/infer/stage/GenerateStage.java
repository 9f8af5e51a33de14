package dev.nemotron.infer.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.engine.GenerationHandle;
import dev.nemotron.infer.engine.GenerationListener;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.GenerationResult;
import dev.nemotron.infer.sampling.EndOfTurn;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelOptions;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.infer.thinking.OpenReasoning;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A configured {@code generate} stage: loads the input model, submits the prompts to the engine
 * (a window at a time, so they are decoded in batches) and writes one JSON line per prompt, in
 * prompt order, to {@code generations.jsonl}.
 */
final class GenerateStage implements Stage {
    static final String FILE = "generations.jsonl";
    private static final ObjectMapper JSON = JsonMappers.json();

    /** The checked parameters. */
    record Settings(List<String> prompts, boolean chat, SamplingParams sampling, OptionalInt maxThinkingTokens, int thinkingGrace,
                    String backend) {
    }

    private final Settings s;

    GenerateStage(Settings s) {
        this.s = s;
    }

    /** One prompt, ready for the engine. */
    private record Prepared(String prompt, GenerationRequest request) {
    }

    @Override
    public StageResult run(StageContext ctx) throws IOException {
        Path modelDir = ctx.requireInputModel();
        Path file = ctx.workDir().resolve(FILE);
        long completionTokens = 0;
        try (ServedModel model = ServedModel.load(modelDir, new ModelOptions(s.backend(), EngineConfig.defaults(), null,
                ChatTemplateChoice.AUTO));
             BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            List<Prepared> prepared = prepare(ctx, modelDir, model);
            int window = Math.max(1, model.engine().config().maxQueued());
            int done = 0;
            for (int start = 0; start < prepared.size(); start += window) {
                List<GenerationHandle> handles = new ArrayList<>();
                for (Prepared p : prepared.subList(start, Math.min(prepared.size(), start + window))) {
                    handles.add(model.engine().submit(p.request(), GenerationListener.ignoringDeltas()));
                }
                for (GenerationHandle h : handles) {
                    GenerationResult r = h.result().join();
                    if (r.error() != null) {
                        throw r.error() instanceof RuntimeException re ? re : new IllegalStateException(r.error());
                    }
                    out.write(JSON.writeValueAsString(line(done, prepared.get(done).prompt(), r, model.tokenizer())));
                    out.newLine();
                    completionTokens += r.completionTokens();
                    done++;
                }
                ctx.progress("generated " + done + "/" + prepared.size());
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("generations", file.toAbsolutePath().toString());
        summary.put("prompts", s.prompts().size());
        summary.put("completion_tokens", completionTokens);
        return StageResult.of(summary);
    }

    private List<Prepared> prepare(StageContext ctx, Path modelDir, ServedModel model) {
        Tokenizer tok = model.tokenizer();
        if (tok == null) {
            throw new NemotronException("stage '" + ctx.stageName() + "': the input model " + modelDir
                    + " has no tokenizer.json, which text prompts need");
        }
        if (s.chat() && model.chatTemplate() == null) {
            throw new NemotronException("stage '" + ctx.stageName() + "': the input model " + modelDir
                    + " has no chat template; set 'chat: false' for raw prompts");
        }
        List<Prepared> out = new ArrayList<>();
        for (String prompt : s.prompts()) {
            int[] ids;
            boolean reasoningOpen;
            SamplingParams sampling = s.sampling();
            if (s.chat()) {
                RenderedPrompt rendered = model.chatTemplate().render(List.of(ChatMessage.user(prompt)),
                        RenderOptions.defaults().withGenerationPrompt(true));
                ids = tok.encode(rendered.text());
                reasoningOpen = rendered.thinking();
                sampling = EndOfTurn.stopAtEndOfTurn(rendered, sampling, tok);
            } else {
                ids = tok.encode(prompt);
                reasoningOpen = OpenReasoning.endsInOpenThink(ids, tok);
            }
            out.add(new Prepared(prompt, new GenerationRequest(ids, sampling, reasoningOpen, s.maxThinkingTokens(),
                    s.thinkingGrace())));
        }
        return out;
    }

    private static ObjectNode line(int index, String prompt, GenerationResult r, Tokenizer tok) {
        ObjectNode o = JSON.createObjectNode();
        o.put("index", index);
        o.put("prompt", prompt);
        o.put("text", r.text(tok));
        o.put("reasoning", r.reasoning());
        o.put("content", r.content());
        o.put("finish_reason", r.finishReason().openAiName());
        o.put("prompt_tokens", r.promptTokens());
        o.put("completion_tokens", r.completionTokens());
        o.put("reasoning_tokens", r.reasoningTokens());
        return o;
    }
}
