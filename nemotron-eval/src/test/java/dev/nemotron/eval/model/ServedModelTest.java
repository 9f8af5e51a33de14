package dev.nemotron.eval.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.model.ForwardResult;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelOptions;
import dev.nemotron.infer.server.OpenAiServer;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.infer.server.ServerConfig;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny random model (tiny-hybrid + nemotron-bpe-2k) evaluated in-process and through our own
 * {@code nemotron serve} (OpenAiServer on port 0): both paths give the same greedy text, and the
 * engine's log-likelihood equals one computed from a full forward pass.
 */
class ServedModelTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static EngineEvalModel engine;
    static ServedModel served;
    static OpenAiServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = TinyModel.create(tmp.resolve("tiny"));
        engine = EngineEvalModel.load(dir, "java", new EngineConfig(8, 64, 1L << 28));
        served = ServedModel.load(dir, new ModelOptions("java", new EngineConfig(8, 64, 1L << 28), "tiny", ChatTemplateChoice.AUTO));
        server = OpenAiServer.start(served, ServerConfig.defaults().withApiKey("k"));
    }

    @AfterAll
    static void stop() {
        server.close();
        served.close();
        engine.close();
    }

    OpenAiEvalModel endpoint() {
        return new OpenAiEvalModel(EndpointConfig.of(server.baseUri() + "/v1").withApiKey("k"));
    }

    @Test
    void engineAndEndpointGiveTheSameGreedyText() {
        try (OpenAiEvalModel http = endpoint()) {
            assertThat(http.id()).isEqualTo("tiny");
            GenerateRequest text = GenerateRequest.of(Prompt.text("The whale"), SamplingParams.greedy(12));
            Completion a = engine.generate(text);
            Completion b = http.generate(text);
            assertThat(b.text()).isEqualTo(a.text());
            assertThat(a.completionTokens()).isEqualTo(12);
            assertThat(b.completionTokens()).isEqualTo(12);

            GenerateRequest chat = new GenerateRequest(Prompt.chat(List.of(ChatMessage.user("What is 2+3?"))),
                    SamplingParams.greedy(24), true, OptionalInt.of(4), OptionalInt.of(2), null);
            Completion c = engine.generate(chat);
            Completion d = http.generate(chat);
            assertThat(d.text()).isEqualTo(c.text());
            assertThat(d.reasoning()).isEqualTo(c.reasoning());
            assertThat(c.reasoningTokens()).isBetween(0, 6);
            assertThat(d.reasoningTokens()).isEqualTo(c.reasoningTokens());
        }
    }

    @Test
    void endpointRefusesLoglikelihoodClearly() {
        try (OpenAiEvalModel http = endpoint()) {
            assertThatThrownBy(() -> http.loglikelihood(new LoglikelihoodRequest("Call me", " Ishmael", true)))
                    .hasMessageContaining("does not score prompts");
        }
        assertThatThrownBy(() -> new OpenAiEvalModel(EndpointConfig.of(server.baseUri().toString())).generate(
                GenerateRequest.of(Prompt.text("x"), SamplingParams.greedy(2)))).hasMessageContaining("HTTP 401");
    }

    @Test
    void engineLoglikelihoodEqualsAFullForwardPass() {
        Tokenizer tok = Tokenizer.load(dir.resolve("tokenizer.json"));
        String context = "Call me";
        String continuation = " Ishmael. Some years ago";
        Loglikelihood ll = engine.loglikelihood(new LoglikelihoodRequest(context, continuation, false));
        int[] ctx = tok.encode(context);
        int[] all = tok.encode(context + continuation);
        double expected = 0;
        boolean greedy = true;
        try (var backend = Backends.create("java"); HybridModel m = HybridModel.load(dir, backend)) {
            ForwardResult f = m.forward(all, false);
            int v = f.vocab();
            for (int i = ctx.length; i < all.length; i++) {
                expected += ContinuationScorer.logSoftmaxAt(f.logits(), (i - 1) * v, v, all[i]);
                greedy &= ContinuationScorer.argmax(f.logits(), (i - 1) * v, v) == all[i];
            }
        }
        assertThat(ll.tokens()).isEqualTo(all.length - ctx.length);
        assertThat(ll.logprob()).isCloseTo(expected, within(1e-3));
        assertThat(ll.greedy()).isEqualTo(greedy);
        // a trailing space of the context moves to the continuation
        Loglikelihood moved = engine.loglikelihood(new LoglikelihoodRequest("Call me ", "Ishmael. Some years ago", false));
        assertThat(moved.logprob()).isCloseTo(ll.logprob(), within(1e-5));
    }
}
