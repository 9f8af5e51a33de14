package dev.nemotron.eval.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.NemotronException;
import dev.nemotron.testing.http.StubHttpServer;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.infer.sampling.SamplingParams;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The endpoint client against a scripted server: retries, errors, response parsing, echo logprobs. */
class EndpointErrorsTest {
    static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"m1\",\"object\":\"model\"}]}";
    static final String CHAT = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"42\","
            + "\"reasoning_content\":\"think\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,"
            + "\"completion_tokens\":5,\"completion_tokens_details\":{\"reasoning_tokens\":3}}}";

    static EndpointConfig fast(StubHttpServer s) {
        return EndpointConfig.of(s.url()).withRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    static GenerateRequest chat() {
        return GenerateRequest.of(Prompt.chat(List.of(ChatMessage.user("6*7?"))), SamplingParams.greedy(16));
    }

    @Test
    void retriesOn429And5xxThenSucceeds() throws Exception {
        try (StubHttpServer s = new StubHttpServer(
                new StubHttpServer.Reply(429, "{\"error\":{\"message\":\"busy\"}}", "Retry-After: 0"),
                new StubHttpServer.Reply(503, "oops"),
                new StubHttpServer.Reply(200, CHAT));
             OpenAiEvalModel m = new OpenAiEvalModel(fast(s).withServedModel("m1").withApiKey("sk-1"))) {
            Completion c = m.generate(chat());
            assertThat(c.text()).isEqualTo("42");
            assertThat(c.reasoning()).isEqualTo("think");
            assertThat(c.promptTokens()).isEqualTo(7);
            assertThat(c.completionTokens()).isEqualTo(5);
            assertThat(c.reasoningTokens()).isEqualTo(3);
            assertThat(c.finishReason()).isEqualTo("stop");
            assertThat(s.received).hasSize(3);
            assertThat(s.received.getLast().path()).isEqualTo("/v1/chat/completions");
            assertThat(s.received.getLast().authorization()).isEqualTo("Bearer sk-1");
            assertThat(s.received.getLast().body()).contains("\"model\":\"m1\"", "\"temperature\":0.0", "\"max_tokens\":16");
        }
    }

    @Test
    void givesUpAfterTheLastTry() throws Exception {
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(500, "{\"error\":{\"message\":\"engine broke\"}}"));
             OpenAiEvalModel m = new OpenAiEvalModel(fast(s).withServedModel("m1"))) {
            assertThatThrownBy(() -> m.generate(chat())).isInstanceOf(EndpointException.class)
                    .hasMessageContaining("HTTP 500: engine broke (after 3 tries)");
            assertThat(s.received).hasSize(3);
        }
    }

    @Test
    void clientErrorsAreNotRetried() throws Exception {
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(401,
                "{\"error\":{\"message\":\"invalid API key\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
             OpenAiEvalModel m = new OpenAiEvalModel(fast(s).withServedModel("m1"))) {
            assertThatThrownBy(() -> m.generate(chat())).hasMessageContaining("HTTP 401: invalid API key");
            assertThat(s.received).hasSize(1);
        }
    }

    @Test
    void unreachableServerIsOneClearError() {
        EndpointConfig c = EndpointConfig.of("http://127.0.0.1:1/v1").withRetry(new RetryPolicy(2, Duration.ofMillis(1),
                Duration.ofMillis(1)));
        assertThatThrownBy(() -> new OpenAiEvalModel(c)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("GET http://127.0.0.1:1/v1/models").hasMessageContaining("after 2 tries");
        assertThatThrownBy(() -> EndpointConfig.of("localhost:8000")).hasMessageContaining("must be an http:// or https:// URL");
    }

    @Test
    void modelNameFromModelsListAndThinkSplitInContent() throws Exception {
        String inline = "{\"choices\":[{\"message\":{\"content\":\"<think>\\nhmm\\n</think>\\n\\n42\"},\"finish_reason\":\"length\"}]}";
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(200, MODELS), new StubHttpServer.Reply(200, inline));
             OpenAiEvalModel m = new OpenAiEvalModel(fast(s))) {
            assertThat(m.id()).isEqualTo("m1");
            GenerateRequest r = new GenerateRequest(Prompt.chat(List.of(ChatMessage.user("q"))), SamplingParams.greedy(8), false,
                    java.util.OptionalInt.of(32), java.util.OptionalInt.empty(), null);
            Completion c = m.generate(r);
            assertThat(c.reasoning()).isEqualTo("hmm");
            assertThat(c.text()).isEqualTo("42");
            assertThat(c.finishReason()).isEqualTo("length");
            assertThat(s.received.get(1).body()).contains("\"chat_template_kwargs\":{\"enable_thinking\":false}",
                    "\"max_thinking_tokens\":32");
        }
    }

    @Test
    void loglikelihoodFromEchoedLogprobs() throws Exception {
        // "Q: 2+2? A:" + " 4": tokens "Q", ":", " 2+2?", " A", ":", " 4", and one generated token
        String echo = "{\"choices\":[{\"text\":\"Q: 2+2? A: 4\\n\",\"logprobs\":{"
                + "\"tokens\":[\"Q\",\":\",\" 2+2?\",\" A\",\":\",\" 4\",\"\\n\"],"
                + "\"token_logprobs\":[null,-1.0,-2.0,-0.5,-0.1,-0.25,-0.3],"
                + "\"top_logprobs\":[null,{\":\":-1.0},{\" 2+2?\":-2.0},{\" A\":-0.5},{\":\":-0.1},{\" 4\":-0.25,\" 5\":-3.0},{\"\\n\":-0.3}],"
                + "\"text_offset\":[0,1,2,7,9,10,12]}}]}";
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(200, echo));
             OpenAiEvalModel m = new OpenAiEvalModel(fast(s).withServedModel("m1"))) {
            Loglikelihood ll = m.loglikelihood(new LoglikelihoodRequest("Q: 2+2? A:", " 4", true));
            assertThat(ll.logprob()).isCloseTo(-0.25, within(1e-12));
            assertThat(ll.greedy()).isTrue();
            assertThat(ll.tokens()).isEqualTo(1);
            assertThat(s.received.getFirst().body()).contains("\"echo\":true", "\"logprobs\":1");
        }
    }

    @Test
    void serverWithoutLogprobsIsAClearError() throws Exception {
        try (StubHttpServer s = new StubHttpServer(new StubHttpServer.Reply(400,
                "{\"error\":{\"message\":\"logprobs is not supported\",\"type\":\"invalid_request_error\",\"param\":\"logprobs\"}}"));
             OpenAiEvalModel m = new OpenAiEvalModel(fast(s).withServedModel("m1"))) {
            assertThatThrownBy(() -> m.loglikelihood(new LoglikelihoodRequest("a", " b", true)))
                    .hasMessageContaining("does not score prompts (/v1/completions with echo and logprobs)")
                    .hasMessageContaining("logprobs is not supported");
        }
    }
}
