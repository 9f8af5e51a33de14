package dev.nemotron.eval.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.RenderedPrompt;

/**
 * A model behind an OpenAI-compatible endpoint ({@code nemotron serve}, vLLM, ...): chat prompts
 * go to {@code /v1/chat/completions} (reasoning read from {@code reasoning_content}, or split at
 * {@code </think>} when the server leaves it in the content), text prompts to
 * {@code /v1/completions}. Log-likelihoods use {@code /v1/completions} with {@code echo} and
 * {@code logprobs}, which {@code nemotron serve} does not offer (a clear error), vLLM does.
 */
public final class OpenAiEvalModel implements EvalModel {
    private final EndpointConfig config;
    private final HttpJsonClient http;
    private final String model;

    /**
     * Connects; asks {@code /v1/models} for the model name when the config gives none.
     *
     * @throws NemotronException when the server cannot be reached or serves no model
     */
    public OpenAiEvalModel(EndpointConfig config) {
        this.config = config;
        this.http = new HttpJsonClient(config);
        try {
            this.model = config.servedModel() != null ? config.servedModel() : firstModel();
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    private String firstModel() {
        JsonNode data = http.get("/v1/models").path("data");
        if (!data.isArray() || data.isEmpty() || !data.get(0).path("id").isTextual()) {
            throw new NemotronException(config.baseUri() + "/v1/models lists no model; name one with --served-model");
        }
        return data.get(0).get("id").textValue();
    }

    /** The served model's name (the {@code model} field of every request). */
    @Override
    public String id() {
        return model;
    }

    @Override
    public Completion generate(GenerateRequest request) {
        if (request.prompt().isChat()) {
            JsonNode r = http.post("/v1/chat/completions", OpenAiBodies.chat(model, request));
            JsonNode choice = firstChoice(r, "/v1/chat/completions");
            JsonNode message = choice.path("message");
            String content = text(message.get("content"));
            String reasoning = text(message.has("reasoning_content") ? message.get("reasoning_content") : message.get("reasoning"));
            if (reasoning == null && content != null) {
                int close = content.indexOf(RenderedPrompt.THINK_CLOSE);
                if (close >= 0) {
                    reasoning = content.substring(0, close).replace(RenderedPrompt.THINK_OPEN, "").strip();
                    content = content.substring(close + RenderedPrompt.THINK_CLOSE.length()).strip();
                }
            }
            return completion(content, reasoning, choice, r.path("usage"));
        }
        JsonNode r = http.post("/v1/completions", OpenAiBodies.completion(model, request));
        JsonNode choice = firstChoice(r, "/v1/completions");
        return completion(text(choice.get("text")), null, choice, r.path("usage"));
    }

    @Override
    public boolean supportsLoglikelihood() {
        return true;
    }

    @Override
    public Loglikelihood loglikelihood(LoglikelihoodRequest request) {
        JsonNode r;
        try {
            r = http.post("/v1/completions", OpenAiBodies.echoLogprobs(model, request.context() + request.continuation()));
        } catch (EndpointException e) {
            if (e.status() / 100 == 4) {
                throw new NemotronException("endpoint " + config.baseUri() + " does not score prompts (/v1/completions with"
                        + " echo and logprobs), which loglikelihood and multiple_choice tasks need: " + e.getMessage(), e);
            }
            throw e;
        }
        return EchoLogprobs.continuation(firstChoice(r, "/v1/completions").path("logprobs"),
                request.context(), request.continuation(), config.baseUri().toString());
    }

    private JsonNode firstChoice(JsonNode r, String path) {
        JsonNode choices = r.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw new NemotronException(config.baseUri() + path + ": the answer has no choices");
        }
        return choices.get(0);
    }

    private static Completion completion(String content, String reasoning, JsonNode choice, JsonNode usage) {
        return new Completion(content, reasoning, usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0),
                usage.path("completion_tokens_details").path("reasoning_tokens").asInt(0),
                choice.path("finish_reason").isTextual() ? choice.get("finish_reason").textValue() : null);
    }

    private static String text(JsonNode n) {
        return n == null || !n.isTextual() ? null : n.textValue();
    }

    @Override
    public void close() {
        http.close();
    }
}
