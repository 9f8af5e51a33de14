package dev.nemotron.train.data.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.api.json.JsonMappers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Writes reasoning samples as JSONL, one object per line:
 * {@code {"question", "reasoning", "answer", "thinking", "text", "messages"}}, where {@code text} is the full
 * conversation rendered by a {@link ChatRenderer} (tokenise it with
 * {@code nemotron data tokenize --jsonl FILE --field text}) and {@code messages} the same exchange
 * in OpenAI's chat form with the reasoning as {@code reasoning_content} (for {@code nemotron sft},
 * which renders reasoning on or off itself).
 *
 * <p>A fraction of the samples is rendered with reasoning off ({@code "thinking": false}: the
 * template's {@code <think></think>} prefix and the answer alone), as Nemotron Nano 2 is trained in
 * both modes. Which samples are chosen by a random stream of its own (from the seed), so the
 * problems are the same whatever the fraction. The file is written to a temporary sibling and
 * renamed into place.
 */
public final class ReasoningJsonl {
    private static final ObjectMapper JSON = JsonMappers.json();
    /** Separates the thinking-mode stream from the problem stream of the same seed. */
    private static final long MODE_STREAM = 0x5DEECE66DL;

    private ReasoningJsonl() {
    }

    /** What was written. */
    public record Summary(long samples, long thinking, long noThinking) {
    }

    /**
     * @param out             the JSONL file (its folder is created)
     * @param samples         the source, called {@code count} times
     * @param noThinkFraction share of samples rendered with reasoning off, in [0, 1]
     * @param seed            seeds the choice of those samples
     */
    public static Summary write(Path out, Supplier<ReasoningSample> samples, long count, double noThinkFraction, long seed,
            ChatRenderer renderer) {
        if (count < 0) {
            throw new NemotronException("count must be >= 0, got " + count);
        }
        if (!(noThinkFraction >= 0 && noThinkFraction <= 1)) {
            throw new NemotronException("the no-think fraction must be in [0, 1], got " + noThinkFraction);
        }
        SplittableRandom modes = new SplittableRandom(seed ^ MODE_STREAM);
        Path abs = out.toAbsolutePath();
        long[] thinking = {0};
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            AtomicFiles.writeStream(abs, stream -> {
                BufferedWriter w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                for (long i = 0; i < count; i++) {
                    ReasoningSample s = samples.get();
                    boolean think = noThinkFraction == 0 || modes.nextDouble() >= noThinkFraction;
                    thinking[0] += think ? 1 : 0;
                    w.write(JSON.writeValueAsString(record(s, think, renderer)));
                    w.write('\n');
                }
                w.flush();
            });
        } catch (IOException e) {
            throw new NemotronException(out + ": cannot write: " + e.getMessage(), e);
        }
        return new Summary(count, thinking[0], count - thinking[0]);
    }

    /** One line's object. */
    public static ObjectNode record(ReasoningSample s, boolean thinking, ChatRenderer renderer) {
        ObjectNode o = JSON.createObjectNode();
        o.put("question", s.question());
        o.put("reasoning", s.reasoning());
        o.put("answer", s.answer());
        o.put("thinking", thinking);
        o.put("text", renderer.render(s.question(), s.assistantContent(thinking), thinking));
        // the same conversation for SFT (OpenAI messages; nemotron sft decides reasoning on/off itself)
        var messages = o.putArray("messages");
        messages.addObject().put("role", "user").put("content", s.question());
        messages.addObject().put("role", "assistant").put("content", s.answer()).put("reasoning_content", s.reasoning());
        return o;
    }
}
