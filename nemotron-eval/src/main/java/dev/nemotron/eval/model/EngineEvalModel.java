package dev.nemotron.eval.model;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.engine.FinishReason;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.GenerationResult;
import dev.nemotron.infer.sampling.EndOfTurn;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelOptions;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.infer.thinking.OpenReasoning;
import dev.nemotron.infer.thinking.ThinkingBudget;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A model directory run in-process by the generation engine (as {@code nemotron generate} and
 * {@code nemotron serve} load it): concurrent requests are decoded together by continuous
 * batching; chat prompts go through the model's chat template, with thinking on/off and the
 * thinking budget. Log-likelihoods read the model's logits directly, one request at a time.
 */
public final class EngineEvalModel implements EvalModel {
    private final ServedModel served;
    private final boolean owned;
    private final ReentrantLock scoring = new ReentrantLock();

    /**
     * Wraps a loaded model.
     *
     * @param owned close the model with this one
     */
    public EngineEvalModel(ServedModel served, boolean owned) {
        this.served = served;
        this.owned = owned;
    }

    /**
     * Loads {@code dir} ({@code config.json}, safetensors, {@code tokenizer.json}).
     *
     * @param backend a backend name, or null for the best available
     * @param engine  batch size, queue and cache budget
     */
    public static EngineEvalModel load(Path dir, String backend, EngineConfig engine) {
        return load(dir, new ModelOptions(backend, engine, null, ChatTemplateChoice.AUTO));
    }

    /**
     * {@link #load(Path, String, EngineConfig)} with every model option, e.g. the host model's
     * weight and KV cache types ({@code --weights}, {@code --kv-cache}).
     */
    public static EngineEvalModel load(Path dir, ModelOptions options) {
        ServedModel m = ServedModel.load(dir, options);
        if (m.tokenizer() == null) {
            m.close();
            throw new NemotronException(dir + ": no tokenizer.json; evaluation needs a model that reads and writes text");
        }
        return new EngineEvalModel(m, true);
    }

    /** The loaded model (tests). */
    ServedModel served() {
        return served;
    }

    @Override
    public String id() {
        return served.id();
    }

    @Override
    public Completion generate(GenerateRequest request) {
        Tokenizer tok = tokenizer();
        int[] ids;
        boolean open;
        SamplingParams sampling = request.sampling();
        if (request.prompt().isChat()) {
            if (served.chatTemplate() == null) {
                throw new NemotronException("model '" + id() + "' has no chat template, which chat prompts need");
            }
            RenderedPrompt p = served.chatTemplate().render(request.prompt().messages(),
                    RenderOptions.defaults().withGenerationPrompt(true).withThinking(request.thinking()));
            ids = tok.encode(p.text());
            open = p.thinking();
            sampling = EndOfTurn.stopAtEndOfTurn(p, sampling, tok);
        } else {
            ids = tok.encode(request.prompt().text());
            open = OpenReasoning.endsInOpenThink(ids, tok);
        }
        int room = served.contextLength() - ids.length;
        if (room < 1) {
            throw new NemotronException("the prompt has " + ids.length + " tokens, more than model '" + id()
                    + "' holds (context " + served.contextLength() + ")");
        }
        if (sampling.maxTokens() > room) {
            sampling = sampling.toBuilder().maxTokens(room).build();
        }
        GenerationResult r = served.engine().generate(new GenerationRequest(ids, sampling, open,
                open ? request.maxThinkingTokens() : java.util.OptionalInt.empty(),
                request.thinkingGrace().orElse(ThinkingBudget.DEFAULT_GRACE_TOKENS)));
        if (r.finishReason() == FinishReason.ERROR || r.finishReason() == FinishReason.CANCELLED) {
            String why = r.error() == null ? r.finishReason().openAiName() : r.error().getMessage();
            throw new NemotronException("model '" + id() + "': generation failed: " + why, r.error());
        }
        return new Completion(r.content(), open ? r.reasoning() : null, r.promptTokens(), r.completionTokens(),
                r.reasoningTokens(), r.finishReason().openAiName());
    }

    @Override
    public boolean supportsLoglikelihood() {
        return true;
    }

    @Override
    public Loglikelihood loglikelihood(LoglikelihoodRequest request) {
        Tokenizer tok = tokenizer();
        scoring.lock();
        try {
            return ContinuationScorer.score(served.engine().model(), tok, request.context(), request.continuation());
        } finally {
            scoring.unlock();
        }
    }

    private Tokenizer tokenizer() {
        Tokenizer tok = served.tokenizer();
        if (tok == null) {
            throw new NemotronException("model '" + id() + "' has no tokenizer.json; evaluation needs text");
        }
        return tok;
    }

    @Override
    public void close() {
        if (owned) {
            served.close();
        }
    }
}
