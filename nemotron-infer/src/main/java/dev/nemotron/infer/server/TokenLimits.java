package dev.nemotron.infer.server;

import dev.nemotron.infer.engine.GenerationEngine;
import java.util.OptionalInt;

/**
 * How many tokens a request may generate: the prompt must leave room in the context
 * ({@code max_position_embeddings}), and prompt + {@code max_tokens} must fit it; without
 * {@code max_tokens} a chat request gets all the room left that the cache budget allows.
 */
final class TokenLimits {
    private TokenLimits() {
    }

    /**
     * @param promptParam  the field that holds the prompt ({@code messages} or {@code prompt}), for errors
     * @param defaultLimit the {@code max_tokens} when none is given; {@code 0} = as many as fit
     */
    static int maxNewTokens(ServedModel served, int promptTokens, OptionalInt requested, int defaultLimit, String promptParam) {
        int context = served.contextLength();
        if (promptTokens >= context) {
            throw ApiException.badRequest("this model's maximum context length is " + context + " tokens, but the prompt has "
                    + promptTokens + " tokens; shorten the prompt", promptParam);
        }
        int room = context - promptTokens;
        if (requested.isPresent()) {
            if (requested.getAsInt() > room) {
                throw ApiException.badRequest("this model's maximum context length is " + context + " tokens; the prompt has "
                        + promptTokens + " tokens and max_tokens asks for " + requested.getAsInt()
                        + " more; lower max_tokens to at most " + room, "max_tokens");
            }
            return requested.getAsInt();
        }
        int wanted = defaultLimit > 0 ? Math.min(defaultLimit, room) : room;
        return fittingBudget(served.engine(), promptTokens, wanted, promptParam);
    }

    /** The largest {@code m <= wanted} whose worst-case cache (prompt + m tokens) fits the engine's budget. */
    private static int fittingBudget(GenerationEngine engine, int promptTokens, int wanted, String promptParam) {
        long budget = engine.config().cacheBudgetBytes();
        if (engine.model().sequenceBytes((long) promptTokens + wanted) <= budget) {
            return wanted;
        }
        if (engine.model().sequenceBytes(promptTokens + 1L) > budget) {
            throw ApiException.badRequest("the prompt (" + promptTokens + " tokens) does not fit the server's cache budget of "
                    + budget + " bytes; shorten the prompt", promptParam);
        }
        int lo = 1;
        int hi = wanted;             // sequenceBytes(prompt + lo) fits, (prompt + hi) does not
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (engine.model().sequenceBytes((long) promptTokens + mid) <= budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
