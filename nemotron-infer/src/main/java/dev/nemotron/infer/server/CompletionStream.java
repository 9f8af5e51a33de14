package dev.nemotron.infer.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.infer.engine.GenerationResult;
import java.io.IOException;
import java.util.Arrays;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Streams a completion as {@code text_completion} events: text pieces per sample (the echoed
 * prompt first when asked), a last event per sample with its {@code finish_reason}, the usage
 * (if asked for) and {@code [DONE]}. A failed write cancels every sample.
 */
final class CompletionStream {
    private static final Logger LOG = LogManager.getLogger(CompletionStream.class);

    private final ApiExchange exchange;
    private final Generations generations;
    private final String model;
    private final String id;
    private final long created;
    private final boolean includeUsage;
    private final String echo;

    CompletionStream(ApiExchange exchange, Generations generations, String model, String id, long created,
                     boolean includeUsage, String echo) {
        this.exchange = exchange;
        this.generations = generations;
        this.model = model;
        this.id = id;
        this.created = created;
        this.includeUsage = includeUsage;
        this.echo = echo;
    }

    void run() throws InterruptedException {
        try {
            SseWriter sse = exchange.startEvents();
            int n = generations.size();
            if (!echo.isEmpty()) {
                for (int i = 0; i < n; i++) {
                    sse.send(chunk(i, echo, null));
                }
            }
            GenerationResult[] results = new GenerationResult[n];
            int remaining = n;
            while (remaining > 0) {
                switch (generations.next()) {
                    case Generations.Delta d -> sse.send(chunk(d.index(), d.delta().text(), null));
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
                        sse.send(chunk(done.index(), "",
                                ResponseParts.finishReason(done.result())));
                    }
                }
            }
            if (includeUsage) {
                sse.send(ResponseParts.usageChunk(id, "text_completion", created, model, Arrays.asList(results)));
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

    private ObjectNode chunk(int index, String text, String finishReason) {
        ObjectNode c = ResponseParts.envelope(id, "text_completion", created, model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", index);
        choice.put("text", text);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            c.putNull("usage");
        }
        return c;
    }
}
