package dev.nemotron.eval.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import java.util.Map;

/**
 * Reads a continuation's log-likelihood from the {@code logprobs} of an echoed completion
 * ({@code tokens}, {@code token_logprobs}, {@code top_logprobs}, {@code text_offset}): the
 * continuation's tokens are those whose text starts inside it (offsets count characters, that is
 * code points); one is greedy when it is the first entry of its {@code top_logprobs} with the
 * highest log-probability.
 */
final class EchoLogprobs {
    private EchoLogprobs() {
    }

    static Loglikelihood continuation(JsonNode logprobs, String context, String continuation, String endpoint) {
        JsonNode tokens = logprobs.path("tokens");
        JsonNode lps = logprobs.path("token_logprobs");
        JsonNode top = logprobs.path("top_logprobs");
        JsonNode offsets = logprobs.path("text_offset");
        if (!tokens.isArray() || !lps.isArray() || !offsets.isArray() || tokens.size() != lps.size()
                || offsets.size() != tokens.size()) {
            throw new NemotronException("endpoint " + endpoint + " answered without usable logprobs (tokens,"
                    + " token_logprobs, text_offset), which log-likelihood scoring needs");
        }
        int start = context.codePointCount(0, context.length());
        int end = start + continuation.codePointCount(0, continuation.length());
        double sum = 0;
        boolean greedy = true;
        int count = 0;
        for (int i = 0; i < tokens.size(); i++) {
            int offset = offsets.get(i).asInt();
            if (offset < start || offset >= end) {
                continue;
            }
            JsonNode lp = lps.get(i);
            if (!lp.isNumber()) {
                throw new NemotronException("endpoint " + endpoint + " gave no log-probability for token " + i);
            }
            sum += lp.doubleValue();
            count++;
            greedy &= isTop(top.path(i), tokens.get(i).asText(), lp.doubleValue());
        }
        if (count == 0) {
            throw new NemotronException("endpoint " + endpoint + ": no token of the continuation '" + continuation
                    + "' found in the echoed prompt");
        }
        return new Loglikelihood(sum, greedy, count);
    }

    private static boolean isTop(JsonNode alternatives, String token, double lp) {
        if (!alternatives.isObject() || alternatives.isEmpty()) {
            return false;
        }
        String best = null;
        double bestLp = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, JsonNode> e : alternatives.properties()) {
            if (e.getValue().asDouble() > bestLp) {
                bestLp = e.getValue().asDouble();
                best = e.getKey();
            }
        }
        return token.equals(best) || lp >= bestLp;
    }
}
