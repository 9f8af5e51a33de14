package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.ChatTemplate;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.text.chat.ToolCallText;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.sampling.EndOfTurn;
import dev.nemotron.infer.engine.GenerationResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: the conversation goes through the chat template (thinking on
 * or off by {@code /think}, {@code /no_think} or {@code chat_template_kwargs.enable_thinking});
 * the answer comes back with the reasoning in {@code reasoning_content} and the rest in
 * {@code content}, whole or as {@code chat.completion.chunk} events. When the request offers
 * {@code tools}, a call block in the answer comes back as {@code tool_calls} ({@link ToolCallReplies}).
 */
final class ChatCompletionsEndpoint implements Endpoint {
    private final ServedModel served;

    ChatCompletionsEndpoint(ServedModel served) {
        this.served = served;
    }

    @Override
    public void handle(ApiExchange exchange) throws IOException, InterruptedException {
        JsonFields body = JsonFields.body(exchange.readJson());
        ResponseParts.checkModel(body, served);
        List<ChatMessage> messages = ChatMessages.parse(body);
        SamplingFields sampling = SamplingFields.parse(body);
        RenderOptions options = renderOptions(body);
        boolean toolCalls = ToolCallReplies.requested(body);
        ChatTemplate template = served.chatTemplate();
        if (template == null) {
            throw ApiException.badRequest("the model '" + served.id() + "' has no tokenizer.json or chat template: use "
                    + "/v1/completions with token-id prompts", "messages");
        }
        RenderedPrompt prompt;
        try {
            prompt = template.render(messages, options);
        } catch (NemotronException e) {
            throw ApiException.badRequest("cannot render the chat template: " + e.getMessage(), "messages");
        }
        int[] ids = served.tokenizer().encode(prompt.text(), false);
        int maxTokens = TokenLimits.maxNewTokens(served, ids.length, sampling.maxTokens(), 0, "messages");
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < sampling.n(); i++) {
            requests.add(new GenerationRequest(ids,
                    EndOfTurn.stopAtEndOfTurn(prompt, sampling.forSample(i, maxTokens), served.tokenizer()), prompt.thinking(),
                    sampling.maxThinkingTokens(), sampling.thinkingGraceTokens()));
        }
        Generations generations = Generations.submit(served.engine(), requests, sampling.stream());
        String id = ResponseParts.newId("chatcmpl-");
        long created = ResponseParts.now();
        if (sampling.stream()) {
            new ChatStream(exchange, generations, served.id(), id, created, sampling.includeUsage(), toolCalls).run();
        } else {
            List<GenerationResult> results = generations.awaitAll();
            ResponseParts.checkNoError(results);
            exchange.sendJson(200, completion(id, created, results, prompt.thinking(), toolCalls));
        }
    }

    private static RenderOptions renderOptions(JsonFields body) {
        RenderOptions options = RenderOptions.defaults();
        var kwargs = body.object("chat_template_kwargs");
        if (kwargs.isPresent()) {
            options = options.withThinking(kwargs.get().bool("enable_thinking").orElse(null));
        }
        JsonNode tools = body.node("tools");
        if (tools != null) {
            if (!tools.isArray()) {
                throw body.wrongType("tools", "an array of tool definitions");
            }
            List<JsonNode> list = new ArrayList<>();
            tools.forEach(list::add);
            options = options.withTools(list);
        }
        return options;
    }

    private ObjectNode completion(String id, long created, List<GenerationResult> results, boolean thinking, boolean toolCalls) {
        ObjectNode root = ResponseParts.envelope(id, "chat.completion", created, served.id());
        ArrayNode choices = root.putArray("choices");
        for (int i = 0; i < results.size(); i++) {
            GenerationResult r = results.get(i);
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            var calls = toolCalls ? ToolCallText.parse(r.content()) : java.util.Optional.<ToolCallText.Parsed>empty();
            if (calls.isPresent()) {
                String content = calls.get().content();
                message.put("content", content.isEmpty() ? null : content);
            } else {
                message.put("content", r.content());
            }
            message.put("reasoning_content", thinking ? r.reasoning() : null);
            // OpenAI omits tool_calls when there are none
            calls.ifPresent(c -> message.set("tool_calls", ToolCallReplies.toJson(c.calls(), false)));
            choice.putNull("logprobs");
            choice.put("finish_reason", calls.isPresent() ? ToolCallReplies.finishReason(r) : ResponseParts.finishReason(r));
        }
        root.set("usage", ResponseParts.usage(results));
        return root;
    }
}
