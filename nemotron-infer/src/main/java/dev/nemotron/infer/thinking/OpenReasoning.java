package dev.nemotron.infer.thinking;

import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.OptionalInt;

/**
 * Whether a raw prompt (not rendered by a chat template, which says so itself) leaves a
 * reasoning block open, so that the first generated tokens are reasoning.
 */
public final class OpenReasoning {
    private OpenReasoning() {
    }

    /**
     * True when {@code ids} end with {@code <think>} followed by nothing but whitespace tokens;
     * false without a tokenizer or without a {@code <think>} token in its vocabulary.
     */
    public static boolean endsInOpenThink(int[] ids, Tokenizer tok) {
        if (tok == null) {
            return false;
        }
        OptionalInt think = tok.tokenToId("<think>");
        if (think.isEmpty()) {
            return false;
        }
        for (int i = ids.length - 1; i >= 0; i--) {
            if (ids[i] == think.getAsInt()) {
                return true;
            }
            if (!tok.decode(new int[] {ids[i]}, false).isBlank()) {
                return false;
            }
        }
        return false;
    }
}
