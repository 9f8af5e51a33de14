package dev.nemotron.align.dpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.sft.SftConversation;
import dev.nemotron.align.sft.SftRenderer;
import dev.nemotron.align.sft.SftRow;
import dev.nemotron.align.sft.SftSample;
import dev.nemotron.align.sft.SftTransforms;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import java.util.List;

/**
 * One preference pair, rendered: the same prompt answered by a chosen and a rejected response,
 * each an {@link SftSample} (prompt tokens then response tokens; only the response counts).
 *
 * <p>A JSONL line holds the prompt as {@code "prompt": "text"} (one user turn) or as
 * {@code "messages": [...]} (OpenAI chat, as SFT data), and {@code "chosen"} / {@code "rejected"}
 * each as a string, an assistant message ({@code content}, {@code reasoning_content} or an inline
 * {@code <think>…</think>}), or a one-message array of it (TRL's conversational form); an
 * optional {@code "tools"} array. Each response is rendered as SFT renders an assistant turn
 * ({@link SftRenderer}: the model's chat template, reasoning on when the response has a trace),
 * with no SFT transform (no reasoning switched off, no trace cut).
 *
 * @param chosen   the preferred response in its prompt
 * @param rejected the other one
 */
public record DpoPair(SftSample chosen, SftSample rejected) {
    private static final SftTransforms.Decision AS_IS = new SftTransforms.Decision(false, -1);

    /** The pair as one training row: the chosen sample's positions, then the rejected sample's. */
    public SftRow row() {
        return SftRow.of(List.of(chosen, rejected));
    }

    /** Positions of the row. */
    public int positions() {
        return chosen.positions() + rejected.positions();
    }

    /**
     * Parses and renders one line.
     *
     * @param where {@code file:line}, named by every error
     * @throws NemotronException one line naming {@code where} and the problem
     */
    public static DpoPair parse(String line, String where, SftRenderer renderer) {
        JsonNode root = SftConversation.jsonObject(line, where, "'prompt' (or 'messages'), 'chosen' and 'rejected'");
        ArrayNode prompt = prompt(root, where);
        SftSample chosen = render(root, prompt, "chosen", where, renderer);
        SftSample rejected = render(root, prompt, "rejected", where, renderer);
        return new DpoPair(chosen, rejected);
    }

    private static ArrayNode prompt(JsonNode root, String where) {
        JsonNode p = root.get("prompt");
        JsonNode m = root.get("messages");
        if ((p == null || p.isNull()) == (m == null || m.isNull())) {
            throw new NemotronException(where + ": give the prompt as 'prompt' (a string) or as 'messages' (a chat), one of the two");
        }
        ArrayNode out = JsonMappers.json().createArrayNode();
        if (p != null && !p.isNull()) {
            if (!p.isTextual() || p.asText().isBlank()) {
                throw new NemotronException(where + ": 'prompt' must be a non-empty string (or give 'messages')");
            }
            out.addObject().put("role", "user").put("content", p.asText());
        } else {
            if (!m.isArray() || m.isEmpty()) {
                throw new NemotronException(where + ": 'messages' must be a non-empty array of chat messages");
            }
            out.addAll((ArrayNode) m);
        }
        return out;
    }

    /** The response as the final assistant turn after the prompt, rendered; only its tokens count. */
    private static SftSample render(JsonNode root, ArrayNode prompt, String field, String where, SftRenderer renderer) {
        JsonNode r = root.get(field);
        ObjectNode message;
        if (r == null || r.isNull()) {
            throw new NemotronException(where + ": missing '" + field + "' (a string or an assistant message)");
        } else if (r.isTextual()) {
            message = JsonMappers.json().createObjectNode().put("role", "assistant").put("content", r.asText());
        } else if (r.isObject() || (r.isArray() && r.size() == 1 && r.get(0).isObject())) {
            message = ((ObjectNode) (r.isArray() ? r.get(0) : r)).deepCopy();
            if (!message.has("role")) {
                message.put("role", "assistant");
            }
            if (!message.path("role").asText().equals("assistant")) {
                throw new NemotronException(where + ": '" + field + "' must be an assistant message, got role "
                        + message.get("role"));
            }
        } else {
            throw new NemotronException(where + ": '" + field + "' must be a string, an assistant message or a one-message array of it");
        }
        ObjectNode conversation = JsonMappers.json().createObjectNode();
        ArrayNode messages = conversation.putArray("messages");
        messages.addAll(prompt.deepCopy());
        messages.add(message);
        if (root.has("tools")) {
            conversation.set("tools", root.get("tools"));
        }
        String at = where + ": " + field;
        List<SftSample> samples = renderer.render(SftConversation.parse(conversation.toString(), at), AS_IS, at);
        return samples.getLast();
    }
}
