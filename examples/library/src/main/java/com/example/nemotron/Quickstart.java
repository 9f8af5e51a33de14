package com.example.nemotron;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.model.ForwardResult;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.GenerationResult;
import dev.nemotron.infer.sampling.EndOfTurn;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.server.ModelOptions;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.infer.thinking.ThinkingBudget;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/** The README's "Using it from Java", as a program: {@code Quickstart MODEL_DIR}. */
public final class Quickstart {
    private Quickstart() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "my-model");

        // one forward pass on the best available backend plugin
        try (Backend backend = Backends.createDefault();
             HybridModel model = HybridModel.load(dir, backend)) {
            ForwardResult r = model.forward(new int[] {5, 17, 42}, false);    // r.logits(): [3, vocab]
            System.out.println("logits: " + r.logits().length + " floats");
        }

        // cached, batched generation with the chat template and the paper's thinking budget
        try (ServedModel m = ServedModel.load(dir, ModelOptions.defaults())) {
            RenderedPrompt p = m.chatTemplate().render(List.of(ChatMessage.user("What is 2 + 3?")),
                    RenderOptions.defaults().withGenerationPrompt(true));
            SamplingParams sampling = EndOfTurn.stopAtEndOfTurn(p,                // stop at the template's end of turn
                    SamplingParams.builder().temperature(0.6).topP(0.95).seed(1).maxTokens(64).build(), m.tokenizer());
            GenerationResult out = m.engine().generate(new GenerationRequest(m.tokenizer().encode(p.text()),
                    sampling, p.thinking(), OptionalInt.of(32), ThinkingBudget.DEFAULT_GRACE_TOKENS));
            System.out.println("reasoning: " + out.reasoning());
            System.out.println("answer: " + out.content());
        }
    }
}
