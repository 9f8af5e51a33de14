package dev.nemotron.eval.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.infer.sampling.SamplingParams;

/**
 * Request bodies of the OpenAI API. Fields other servers may not know ({@code top_k},
 * {@code chat_template_kwargs}, {@code max_thinking_tokens}) are sent only when set.
 */
final class OpenAiBodies {
    private OpenAiBodies() {
    }

    /** {@code /v1/chat/completions} for a chat prompt. */
    static ObjectNode chat(String model, GenerateRequest r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model);
        ArrayNode messages = o.putArray("messages");
        for (ChatMessage m : r.prompt().messages()) {
            messages.addObject().put("role", m.role().wireName()).put("content", m.contentOrEmpty());
        }
        sampling(o, r.sampling());
        if (r.thinking() != null) {
            o.putObject("chat_template_kwargs").put("enable_thinking", r.thinking());
        }
        r.maxThinkingTokens().ifPresent(n -> o.put("max_thinking_tokens", n));
        r.thinkingGrace().ifPresent(n -> o.put("thinking_grace_tokens", n));
        return o;
    }

    /** {@code /v1/completions} for a text prompt. */
    static ObjectNode completion(String model, GenerateRequest r) {
        if (r.maxThinkingTokens().isPresent()) {
            throw new NemotronException("a thinking budget needs a chat prompt on an endpoint (set prompt.chat: true)");
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model);
        o.put("prompt", r.prompt().text());
        sampling(o, r.sampling());
        return o;
    }

    /** {@code /v1/completions} that echoes the prompt with the log-probability of each of its tokens. */
    static ObjectNode echoLogprobs(String model, String text) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model);
        o.put("prompt", text);
        o.put("max_tokens", 1);
        o.put("temperature", 0);
        o.put("logprobs", 1);
        o.put("echo", true);
        return o;
    }

    private static void sampling(ObjectNode o, SamplingParams s) {
        o.put("max_tokens", s.maxTokens());
        o.put("temperature", s.temperature());
        if (s.topP() < 1) {
            o.put("top_p", s.topP());
        }
        if (s.topK() > 0) {
            o.put("top_k", s.topK());
        }
        if (s.minP() > 0) {
            o.put("min_p", s.minP());
        }
        s.seed().ifPresent(seed -> o.put("seed", seed));
        if (!s.stop().isEmpty()) {
            ArrayNode stop = o.putArray("stop");
            s.stop().forEach(stop::add);
        }
    }
}
