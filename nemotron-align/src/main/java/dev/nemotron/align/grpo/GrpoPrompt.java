package dev.nemotron.align.grpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.sft.SftConversation;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.ChatRole;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One GRPO prompt: the conversation the model answers, and what its rewards compare the answer with.
 *
 * <pre>
 * JSONL line: {"prompt": "What is 3 + 7?", "answer": "10", ...}          a user turn
 *          or {"messages": [{"role": "user", ...}, ...], "answer": "10", ...}
 * - trailing assistant turns of "messages" are dropped (SFT data, e.g. `nemotron data synth-arithmetic`'s
 *   output, is a prompt file as it is); the last remaining turn must be a user (or tool) turn
 * - "answer" (string or number; "reference" also accepted) is the reward's reference, "" when absent
 * - every other scalar field is passed to the rewards as metadata (string values)
 * </pre>
 *
 * @param messages  the conversation up to the assistant's turn
 * @param tools     tool definitions (OpenAI form), empty for none
 * @param reference the reference answer, {@code ""} when none
 * @param metadata  the line's other scalar fields
 */
public record GrpoPrompt(List<ChatMessage> messages, List<JsonNode> tools, String reference, Map<String, String> metadata) {
    public GrpoPrompt {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        metadata = Map.copyOf(metadata);
    }

    /** The user's text of the last user turn (what a reward reads as the question). */
    public String question() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == ChatRole.USER) {
                return messages.get(i).contentOrEmpty();
            }
        }
        return "";
    }

    /** Reads a prompts file; every bad line is one error naming file and line. */
    public static List<GrpoPrompt> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new NemotronException(file + ": no such prompts file (JSONL: one {\"prompt\": ...} or {\"messages\": [...]} per line)");
        }
        List<GrpoPrompt> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (!line.isBlank()) {
                    out.add(parse(line, file + ":" + n));
                }
            }
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read: " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw new NemotronException(file + ": cannot read (not UTF-8 text?): " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new NemotronException(file + ": no prompts (an empty file)");
        }
        return out;
    }

    /** One line; {@code where} ({@code file:line}) is named by every error. */
    public static GrpoPrompt parse(String line, String where) {
        JsonNode root;
        try {
            root = JsonMappers.json().readTree(line);
        } catch (IOException e) {
            throw new NemotronException(where + ": not valid JSON (one JSON object per line)");
        }
        if (root == null || !root.isObject()) {
            throw new NemotronException(where + ": expected a JSON object with 'prompt' or 'messages'");
        }
        boolean hasPrompt = root.hasNonNull("prompt");
        if (hasPrompt == root.hasNonNull("messages")) {
            throw new NemotronException(where + ": give exactly one of 'prompt' (a string) and 'messages' (a chat)");
        }
        List<ChatMessage> messages;
        List<JsonNode> tools = List.of();
        if (hasPrompt) {
            if (!root.get("prompt").isTextual() || root.get("prompt").asText().isBlank()) {
                throw new NemotronException(where + ": 'prompt' must be a non-empty string");
            }
            messages = List.of(ChatMessage.user(root.get("prompt").asText()));
        } else {
            SftConversation c = SftConversation.parse(root, where, false);
            messages = new ArrayList<>(c.messages());
            while (!messages.isEmpty() && messages.getLast().role() == ChatRole.ASSISTANT) {
                messages.removeLast();
            }
            if (messages.isEmpty() || messages.getLast().role() == ChatRole.SYSTEM) {
                throw new NemotronException(where + ": 'messages' has no user turn for the model to answer");
            }
            tools = c.tools();
        }
        String reference = "";
        for (String key : List.of("answer", "reference")) {
            JsonNode a = root.get(key);
            if (a != null && !a.isNull()) {
                if (!a.isValueNode()) {
                    throw new NemotronException(where + ": '" + key + "' must be a string or a number");
                }
                reference = a.asText();
                break;
            }
        }
        return new GrpoPrompt(messages, tools, reference, metadata(root));
    }

    /**
     * A prompt row's fields for {@code RewardInput.metadata}: every field but the prompt, the messages, the tools
     * and the reference, a string as it is and any other JSON value (number, boolean, array, object) as its JSON
     * text, so that a Google-IFEval-shaped row gives {@code ifeval} its {@code instruction_id_list} and
     * {@code kwargs}; {@code null} fields are left out. Shared by GRPO's prompts and {@code make-pairs}.
     */
    public static Map<String, String> metadata(JsonNode row) {
        Map<String, String> metadata = new LinkedHashMap<>();
        ((ObjectNode) row).fields().forEachRemaining(f -> {
            JsonNode v = f.getValue();
            if (!v.isNull() && !List.of("prompt", "messages", "tools", "answer", "reference").contains(f.getKey())) {
                metadata.put(f.getKey(), v.isTextual() ? v.asText() : v.toString());
            }
        });
        return metadata;
    }
}
