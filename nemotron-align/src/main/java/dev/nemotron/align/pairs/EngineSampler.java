package dev.nemotron.align.pairs;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.engine.GenerationEngine;
import dev.nemotron.infer.engine.GenerationHandle;
import dev.nemotron.infer.engine.GenerationListener;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.GenerationResult;
import dev.nemotron.infer.sampling.EndOfTurn;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.thinking.ThinkingBudget;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.ChatTemplate;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;

/**
 * Samples answers with the inference engine: the chat template's prompt (reasoning on unless
 * {@code thinking} is false), the K requests submitted together (continuous batching), each
 * stopping at the end of turn.
 *
 * @param thinking null: the template's default; true/false: reasoning on/off
 */
public record EngineSampler(GenerationEngine engine, ChatTemplate template, Tokenizer tokenizer, double temperature,
                            int maxTokens, Boolean thinking) implements PairMaker.Sampler {

    /** Parses {@code on}, {@code off} or {@code auto} (null: the template's default); {@code what} names the flag or field. */
    public static Boolean thinking(String text, String what) {
        return switch (text) {
            case "on" -> Boolean.TRUE;
            case "off" -> Boolean.FALSE;
            case "auto" -> null;
            default -> throw new NemotronException(what + " must be on, off or auto, got '" + text + "'");
        };
    }

    @Override
    public List<PairMaker.Sample> sample(List<ChatMessage> messages, int k, long seed) {
        RenderOptions options = RenderOptions.defaults().withGenerationPrompt(true);
        if (thinking != null) {
            options = options.withThinking(thinking);
        }
        RenderedPrompt prompt = template.render(messages, options);
        int[] ids = tokenizer.encode(prompt.text());
        List<GenerationRequest> requests = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            SamplingParams sampling = EndOfTurn.stopAtEndOfTurn(prompt,
                    SamplingParams.builder().temperature(temperature).seed(seed + j).maxTokens(maxTokens).build(), tokenizer);
            requests.add(new GenerationRequest(ids, sampling, prompt.thinking(), OptionalInt.empty(),
                    ThinkingBudget.DEFAULT_GRACE_TOKENS));
        }
        // all at once: the samples' batches depend on the seed only, not on submission timing
        List<GenerationHandle> handles = engine.submitAll(requests,
                Collections.nCopies(requests.size(), GenerationListener.ignoringDeltas()));
        List<PairMaker.Sample> out = new ArrayList<>();
        for (GenerationHandle h : handles) {
            GenerationResult r = h.result().join();
            if (r.error() != null) {
                throw new NemotronException("generation failed: " + r.error().getMessage(), r.error());
            }
            out.add(new PairMaker.Sample(prompt.thinking() ? (r.reasoning() == null ? "" : r.reasoning().strip()) : null, r.content().strip()));
        }
        return out;
    }
}
