package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.GenerationResult;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /v1/completions}: a raw prompt (text, or token ids) continued as it is, without chat
 * template or reasoning split; {@code echo} puts the prompt text before each completion. A model
 * without a tokenizer takes token-id prompts only and answers with {@code token_ids} (an extension,
 * also given when {@code return_token_ids} is true).
 */
final class CompletionsEndpoint implements Endpoint {
    private final ServedModel served;

    CompletionsEndpoint(ServedModel served) {
        this.served = served;
    }

    @Override
    public void handle(ApiExchange exchange) throws IOException, InterruptedException {
        JsonFields body = JsonFields.body(exchange.readJson());
        ResponseParts.checkModel(body, served);
        int[] ids = promptIds(body);
        SamplingFields sampling = SamplingFields.parse(body);
        if (sampling.maxThinkingTokens().isPresent()) {
            throw ApiException.badRequest("max_thinking_tokens applies to /v1/chat/completions only (the completion "
                    + "prompt opens no reasoning block)", "max_thinking_tokens");
        }
        boolean echo = body.bool("echo").orElse(false);
        boolean returnIds = body.bool("return_token_ids").orElse(false) || served.tokenizer() == null;
        int maxTokens = TokenLimits.maxNewTokens(served, ids.length, sampling.maxTokens(),
                SamplingParams.DEFAULT_MAX_TOKENS, "prompt");
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < sampling.n(); i++) {
            requests.add(GenerationRequest.of(ids, sampling.forSample(i, maxTokens)));
        }
        String prefix = echo ? promptText(body, ids) : "";
        Generations generations = Generations.submit(served.engine(), requests, sampling.stream());
        String id = ResponseParts.newId("cmpl-");
        long created = ResponseParts.now();
        if (sampling.stream()) {
            new CompletionStream(exchange, generations, served.id(), id, created, sampling.includeUsage(), prefix).run();
        } else {
            List<GenerationResult> results = generations.awaitAll();
            ResponseParts.checkNoError(results);
            ObjectNode root = ResponseParts.envelope(id, "text_completion", created, served.id());
            ArrayNode choices = root.putArray("choices");
            for (int i = 0; i < results.size(); i++) {
                GenerationResult r = results.get(i);
                ObjectNode choice = choices.addObject();
                choice.put("index", i);
                choice.put("text", prefix + r.content());
                choice.putNull("logprobs");
                choice.put("finish_reason", ResponseParts.finishReason(r));
                if (returnIds) {
                    ArrayNode tokens = choice.putArray("token_ids");
                    Arrays.stream(r.outputIds()).forEach(tokens::add);
                }
            }
            root.set("usage", ResponseParts.usage(results));
            exchange.sendJson(200, root);
        }
    }

    /** A string, an array of token ids, or a one-element array of either. */
    private int[] promptIds(JsonFields body) {
        JsonNode p = body.node("prompt");
        if (p == null) {
            throw ApiException.badRequest("prompt is required", "prompt");
        }
        if (p.isArray() && p.size() == 1 && (p.get(0).isTextual() || p.get(0).isArray())) {
            p = p.get(0);
        }
        if (p.isTextual()) {
            Tokenizer tokenizer = served.tokenizer();
            if (tokenizer == null) {
                throw ApiException.badRequest("the model '" + served.id() + "' has no tokenizer.json: give the prompt as "
                        + "an array of token ids", "prompt");
            }
            return tokenizer.encode(p.asText(), true);
        }
        if (p.isArray() && p.size() > 0 && (p.get(0).isTextual() || p.get(0).isArray())) {
            throw ApiException.badRequest("batched prompts are not supported: send one prompt per request", "prompt");
        }
        if (!p.isArray()) {
            throw body.wrongType("prompt", "a string or an array of token ids");
        }
        int vocab = served.engine().model().vocabSize();
        int[] ids = new int[p.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = p.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 0 || t.asInt() >= vocab) {
                throw ApiException.badRequest("prompt[" + i + "] must be a token id in [0, " + vocab + "), got "
                        + JsonFields.describe(t), "prompt");
            }
            ids[i] = t.asInt();
        }
        if (ids.length == 0) {
            throw ApiException.badRequest("prompt must not be empty", "prompt");
        }
        return ids;
    }

    private String promptText(JsonFields body, int[] ids) {
        JsonNode p = body.node("prompt");
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            p = p.get(0);
        }
        if (p.isTextual()) {
            return p.asText();
        }
        return served.engine().codec().decode(ids, 0, ids.length);
    }
}
