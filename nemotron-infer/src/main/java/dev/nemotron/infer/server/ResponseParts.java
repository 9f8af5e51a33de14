package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.infer.engine.GenerationResult;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Pieces shared by the chat and completions responses: ids, the envelope, finish reasons, usage. */
final class ResponseParts {
    private ResponseParts() {
    }

    /** A fresh response id, {@code prefix} + 24 hex digits. */
    static String newId(String prefix) {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** {@code {"id","object","created","model"}}. */
    static ObjectNode envelope(String id, String object, long created, String model) {
        ObjectNode o = ServerJson.MAPPER.createObjectNode();
        o.put("id", id);
        o.put("object", object);
        o.put("created", created);
        o.put("model", model);
        return o;
    }

    static String finishReason(GenerationResult r) {
        return r.finishReason().openAiName();
    }

    /**
     * OpenAI's usage: the prompt counted once (all samples share it), completion tokens summed over
     * the samples, reasoning tokens among them in {@code completion_tokens_details.reasoning_tokens}.
     */
    /** The closing stream chunk of {@code stream_options.include_usage}: no choices, the usage of all of them. */
    static ObjectNode usageChunk(String id, String object, long created, String model, List<GenerationResult> results) {
        ObjectNode last = envelope(id, object, created, model);
        last.putArray("choices");
        last.set("usage", usage(results));
        return last;
    }

    static ObjectNode usage(List<GenerationResult> results) {
        int prompt = results.isEmpty() ? 0 : results.getFirst().promptTokens();
        int completion = 0;
        int reasoning = 0;
        for (GenerationResult r : results) {
            completion += r.completionTokens();
            reasoning += r.reasoningTokens();
        }
        ObjectNode u = ServerJson.MAPPER.createObjectNode();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        u.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
        return u;
    }

    /** The event that ends a stream whose sample {@code r} failed: OpenAI's error object, as vLLM streams it. */
    static ObjectNode streamError(GenerationResult r) {
        return new ApiException(500, "server_error", "generation failed: " + r.error(), null, null).toJson();
    }

    /** The engine failed on a sample: a 500 for a plain response. */
    static void checkNoError(List<GenerationResult> results) {
        for (GenerationResult r : results) {
            if (r.error() != null) {
                throw new ApiException(500, "server_error", "generation failed: " + r.error(), null, null);
            }
        }
    }

    /** A model other than the served one: 404, as OpenAI answers. */
    static void checkModel(JsonFields body, ServedModel served) {
        body.string("model").ifPresent(m -> {
            if (!m.equals(served.id())) {
                throw new ApiException(404, ApiException.INVALID_REQUEST, "the model '" + m + "' does not exist; this server serves '"
                        + served.id() + "'", "model", "model_not_found");
            }
        });
    }
}
