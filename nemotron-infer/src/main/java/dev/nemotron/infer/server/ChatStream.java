package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.infer.engine.GenerationResult;
import java.io.IOException;
import java.util.Arrays;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Streams a chat completion: per sample a first chunk with {@code delta.role}, then
 * {@code delta.reasoning_content} and {@code delta.content} pieces, then a chunk with the
 * {@code finish_reason}; after all samples the usage chunk (if asked for) and {@code [DONE]}.
 * With tool calls parsed, a sample's call block is held back and sent as one {@code delta.tool_calls}
 * chunk before its finish ({@link ToolCallStream}). A failed write means the client went away:
 * every sample is cancelled.
 */
final class ChatStream {
    private static final Logger LOG = LogManager.getLogger(ChatStream.class);

    private final ApiExchange exchange;
    private final Generations generations;
    private final String model;
    private final String id;
    private final long created;
    private final boolean includeUsage;
    private final boolean toolCalls;

    ChatStream(ApiExchange exchange, Generations generations, String model, String id, long created,
               boolean includeUsage, boolean toolCalls) {
        this.exchange = exchange;
        this.generations = generations;
        this.model = model;
        this.id = id;
        this.created = created;
        this.includeUsage = includeUsage;
        this.toolCalls = toolCalls;
    }

    void run() throws InterruptedException {
        try {
            SseWriter sse = exchange.startEvents();
            int n = generations.size();
            for (int i = 0; i < n; i++) {
                sse.send(chunk(i, ServerJson.MAPPER.createObjectNode().put("role", "assistant").put("content", ""), null));
            }
            GenerationResult[] results = new GenerationResult[n];
            ToolCallStream[] calls = new ToolCallStream[n];
            for (int i = 0; i < n && toolCalls; i++) {
                calls[i] = new ToolCallStream();
            }
            int remaining = n;
            while (remaining > 0) {
                switch (generations.next()) {
                    case Generations.Delta d -> {
                        boolean reasoning = d.delta().reasoning();
                        String text = reasoning || calls[d.index()] == null ? d.delta().text() : calls[d.index()].accept(d.delta().text());
                        if (!text.isEmpty() || d.delta().text().isEmpty()) {
                            sse.send(chunk(d.index(), ServerJson.MAPPER.createObjectNode()
                                    .put(reasoning ? "reasoning_content" : "content", text), null));
                        }
                    }
                    case Generations.Done done -> {
                        results[done.index()] = done.result();
                        remaining--;
                        if (done.result().error() != null) {
                            // as vLLM: an error event instead of a finish_reason, then the end of the stream
                            generations.cancelAll();
                            sse.send(ResponseParts.streamError(done.result()));
                            sse.done();
                            return;
                        }
                        String finish = ResponseParts.finishReason(done.result());
                        ToolCallStream held = calls[done.index()];
                        if (held != null) {
                            var parsed = held.finish();
                            if (parsed.isPresent()) {
                                ObjectNode delta = ServerJson.MAPPER.createObjectNode();
                                delta.set("tool_calls", ToolCallReplies.toJson(parsed.get().calls(), true));
                                sse.send(chunk(done.index(), delta, null));
                                finish = ToolCallReplies.finishReason(done.result());
                            } else if (!held.rest().isEmpty()) {
                                sse.send(chunk(done.index(), ServerJson.MAPPER.createObjectNode().put("content", held.rest()), null));
                            }
                        }
                        sse.send(chunk(done.index(), ServerJson.MAPPER.createObjectNode(), finish));
                    }
                }
            }
            if (includeUsage) {
                sse.send(ResponseParts.usageChunk(id, "chat.completion.chunk", created, model, Arrays.asList(results)));
            }
            sse.done();
        } catch (IOException e) {
            LOG.debug("client went away mid-stream ({}); cancelling", e.toString());
            generations.cancelAll();
        } catch (InterruptedException e) {
            generations.cancelAll();
            throw e;
        }
    }

    private ObjectNode chunk(int index, ObjectNode delta, String finishReason) {
        ObjectNode c = ResponseParts.envelope(id, "chat.completion.chunk", created, model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            c.putNull("usage");
        }
        return c;
    }
}
