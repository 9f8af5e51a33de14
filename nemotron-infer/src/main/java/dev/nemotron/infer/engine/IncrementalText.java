package dev.nemotron.infer.engine;

/**
 * Turns a growing list of token ids into text deltas, the way streaming detokenizers do: the new
 * tokens are decoded together with one token of context before them and the context's own text
 * is cut off (so that decoders which treat the first token specially, such as Metaspace, give
 * the same text as decoding everything at once); a delta ending in U+FFFD (an incomplete UTF-8
 * character split over tokens) is held back until the next token completes it.
 */
final class IncrementalText {
    private final TextCodec codec;
    private int[] ids = new int[64];
    private int size;
    private int emitted; // tokens whose text has been emitted
    private final StringBuilder text = new StringBuilder();

    IncrementalText(TextCodec codec) {
        this.codec = codec;
    }

    /** Appends one token; returns the text it completes (possibly empty). */
    String add(int id) {
        if (size == ids.length) {
            ids = java.util.Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        int from = Math.max(0, emitted - 1);
        String withContext = codec.decode(ids, from, size);
        String context = from < emitted ? codec.decode(ids, from, emitted) : "";
        if (withContext.endsWith("\uFFFD") || !withContext.startsWith(context)) {
            return "";
        }
        String delta = withContext.substring(context.length());
        emitted = size;
        text.append(delta);
        return delta;
    }

    /** Everything emitted so far. */
    String text() {
        return text.toString();
    }

    /** Flushes held-back text at the end (an incomplete character becomes U+FFFD, as HF does). */
    String finish() {
        if (emitted == size) {
            return "";
        }
        int from = Math.max(0, emitted - 1);
        String withContext = codec.decode(ids, from, size);
        String context = from < emitted ? codec.decode(ids, from, emitted) : "";
        String delta = withContext.startsWith(context) ? withContext.substring(context.length()) : withContext;
        emitted = size;
        text.append(delta);
        return delta;
    }
}
