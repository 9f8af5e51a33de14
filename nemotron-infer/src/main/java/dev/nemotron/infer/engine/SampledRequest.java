package dev.nemotron.infer.engine;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.sampling.LogitsProcessor;
import dev.nemotron.infer.sampling.Sampler;
import dev.nemotron.infer.sampling.StopMatcher;
import dev.nemotron.infer.sampling.TokenBuffer;
import dev.nemotron.infer.thinking.ThinkingBudget;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link GenerationRequest} being generated: the sampler (with the thinking budget as a logits
 * processor), the split of the output into reasoning and content at {@code </think>}, stop tokens
 * and stop strings (checked on the reasoning and on the content; text that might begin a stop string is held back from
 * the stream), {@code max_tokens}, and the listener's events.
 */
final class SampledRequest implements ActiveRequest, GenerationHandle {
    private static final Logger LOG = LogManager.getLogger(SampledRequest.class);

    private final GenerationRequest request;
    private final TextCodec codec;
    private final GenerationListener listener;
    private final Sampler sampler;
    private final StopMatcher stops;
    private final TokenBuffer history;
    private final int thinkEnd;
    private final IncrementalText reasoningText;
    private final IncrementalText contentText;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    private final Runnable onCancel;
    private boolean inReasoning;
    private int reasoningTokens;
    private int contentStreamed;   // chars of content already streamed
    private int contentChecked;    // chars of content already searched for stop strings
    private int reasoningStreamed; // chars of reasoning already streamed
    private int reasoningChecked;  // chars of reasoning already searched for stop strings
    private volatile boolean cancelled;
    private boolean done;
    private String stopText;       // what a stop string cut off the content, or null

    SampledRequest(GenerationRequest request, TextCodec codec, GenerationListener listener, Runnable onCancel) {
        this.request = request;
        this.codec = codec;
        this.listener = listener;
        this.onCancel = onCancel;
        this.history = new TokenBuffer(request.promptIds());
        this.stops = StopMatcher.of(request.sampling());
        if (!request.sampling().stop().isEmpty() && !codec.hasText()) {
            throw new NemotronException("stop strings need a tokenizer (the model directory has no tokenizer.json)");
        }
        this.inReasoning = request.reasoningOpen();
        this.thinkEnd = codec.thinkEndId().orElse(-1);
        List<LogitsProcessor> processors = List.of();
        if (request.maxThinkingTokens().isPresent() && request.reasoningOpen()) {
            if (thinkEnd < 0) {
                throw new NemotronException("max_thinking_tokens needs a tokenizer with a </think> token");
            }
            processors = List.of(new ThinkingBudget(request.maxThinkingTokens().getAsInt(), thinkEnd,
                    codec::endsLine, request.thinkingGraceTokens()));
        }
        this.sampler = new Sampler(request.sampling(), processors);
        this.reasoningText = new IncrementalText(codec);
        this.contentText = new IncrementalText(codec);
    }

    @Override
    public int[] promptIds() {
        return request.promptIds();
    }

    @Override
    public int maxNewTokens() {
        return request.sampling().maxTokens();
    }

    @Override
    public int choose(float[] logits, int offset, int vocab) {
        float[] row = offset == 0 && logits.length == vocab ? logits : Arrays.copyOfRange(logits, offset, offset + vocab);
        return sampler.next(row, history);
    }

    @Override
    public boolean accept(int token) {
        history.append(token);
        sampler.observe(token);
        // 1. end of sequence or a stop token: the token counts, its text does not
        if (codec.isEos(token) || stops.isStopToken(token)) {
            finish(FinishReason.STOP, null);
            return true;
        }
        // 2. reasoning, up to and excluding </think>, searched for stop strings as the content is
        if (inReasoning) {
            if (token == thinkEnd) {
                inReasoning = false;
                reasoning.append(reasoningText.finish());
                emitReasoning(token, reasoning.length());      // what was held back: no stop string spans </think>
            } else {
                reasoningTokens++;
                reasoning.append(reasoningText.add(token));
                StopMatcher.Check check = stops.check(reasoning, reasoningChecked);
                reasoningChecked = reasoning.length();
                int end = check.textEnd();
                emitReasoning(token, end);
                if (check.stopped()) {
                    stopText = reasoning.substring(end);
                    reasoning.setLength(end);
                    finish(FinishReason.STOP, null);
                    return true;
                }
            }
        } else {
            // 3. content, searched for stop strings; a possible stop-string start is held back
            content.append(contentText.add(token));
            StopMatcher.Check check = stops.check(content, contentChecked);
            contentChecked = content.length();
            int end = check.textEnd();
            emit(new GenerationDelta(token, content.substring(contentStreamed, Math.max(end, contentStreamed)), false));
            contentStreamed = Math.max(end, contentStreamed);
            if (check.stopped()) {
                stopText = content.substring(end);
                content.setLength(end);
                finish(FinishReason.STOP, null);
                return true;
            }
        }
        // 4. max_tokens (reasoning included)
        if (history.generatedLength() >= request.sampling().maxTokens()) {
            finish(FinishReason.LENGTH, null);
            return true;
        }
        return false;
    }

    private void emitReasoning(int token, int end) {
        emit(new GenerationDelta(token, reasoning.substring(reasoningStreamed, Math.max(end, reasoningStreamed)), true));
        reasoningStreamed = Math.max(end, reasoningStreamed);
    }

    private void emit(GenerationDelta delta) {
        try {
            listener.onDelta(delta);
        } catch (RuntimeException e) {
            LOG.warn("a generation listener failed; cancelling its request: {}", e.toString());
            cancelled = true;
        }
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public void cancel() {
        cancelled = true;
        onCancel.run();
    }

    @Override
    public CompletableFuture<GenerationResult> result() {
        return result;
    }

    @Override
    public void finish(FinishReason reason, Throwable error) {
        if (done) {
            return;
        }
        done = true;
        GenerationResult r;
        try {
            r = result(reason, error);
        } catch (Throwable e) {
            // assembling the last text failed: the request still ends, as failed
            r = new GenerationResult(history.generated(), reasoning.toString(), content.toString(), FinishReason.ERROR,
                    history.promptLength(), reasoningTokens, error != null ? error : e, stopText);
        }
        try {
            listener.onComplete(r);
        } catch (Throwable e) {
            LOG.warn("a generation listener failed on completion: {}", e.toString());
        } finally {
            result.complete(r);
        }
    }

    private GenerationResult result(FinishReason reason, Throwable error) {
        if (inReasoning) {
            if (stopText == null) {
                reasoning.append(reasoningText.finish());
            }
            if (reasoningStreamed < reasoning.length()) {
                emit(new GenerationDelta(-1, reasoning.substring(reasoningStreamed), true));
                reasoningStreamed = reasoning.length();
            }
        } else if (stopText == null) {
            content.append(contentText.finish());
        }
        if (contentStreamed < content.length() && reason != FinishReason.ERROR) {
            emit(new GenerationDelta(-1, content.substring(contentStreamed), false));
            contentStreamed = content.length();
        }
        return new GenerationResult(history.generated(), reasoning.toString(), content.toString(), reason,
                history.promptLength(), reasoningTokens, error, stopText);
    }
}
