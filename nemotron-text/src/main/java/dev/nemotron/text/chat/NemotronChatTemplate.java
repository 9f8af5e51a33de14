package dev.nemotron.text.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.jinja.runtime.PyJson;
import dev.nemotron.text.chat.jinja.runtime.PyStrings;

import java.util.List;
import java.util.Map;

/**
 * The chat format of NVIDIA Nemotron Nano 2 (NVIDIA-Nemotron-Nano-9B-v2 / 12B-v2), written out in
 * Java so that it needs no template engine. It reproduces the model's published Jinja template;
 * see {@code docs/chat-template.md} for the format, examples and the source.
 */
public final class NemotronChatTemplate implements ChatTemplate {
    static final String SYSTEM = "<SPECIAL_10>System\n";
    static final String USER = "<SPECIAL_11>User\n";
    static final String ASSISTANT = "<SPECIAL_11>Assistant\n";
    static final String END_OF_TURN = "\n<SPECIAL_12>\n";
    static final String THINK_ON = "<think>\n";
    static final String THINK_OFF = "<think></think>";

    private static final String TOOLS_INTRO = "You can use the following tools to assist the user if required:";
    private static final String TOOLS_USAGE = "If you decide to call any tool(s), use the following format:\n"
            + "<TOOLCALL>[{{\"name\": \"tool_name1\", \"arguments\": \"tool_args1\"}}, "
            + "{{\"name\": \"tool_name2\", \"arguments\": \"tool_args2\"}}]</TOOLCALL>\n\n"
            + "The user will execute tool-calls and return responses from tool(s) in this format:\n"
            + "<TOOL_RESPONSE>[{{\"tool_response1\"}}, {{\"tool_response2\"}}]</TOOL_RESPONSE>\n\n"
            + "Based on the tool responses, you can call additional tools if needed, correct tool calls if any "
            + "errors are found, or just respond to the user.";

    @Override
    public RenderedPrompt render(List<ChatMessage> messages, RenderOptions options) {
        if (messages.isEmpty()) {
            throw new NemotronException("a chat needs at least one message");
        }
        boolean thinking = ThinkingFlags.resolve(messages, !Boolean.FALSE.equals(options.enableThinking()));
        StringBuilder out = new StringBuilder();
        boolean hasSystem = messages.getFirst().role() == ChatRole.SYSTEM;
        String system = hasSystem ? clean(messages.getFirst().contentOrEmpty()) : "";
        out.append(SYSTEM).append(system);
        if (!options.tools().isEmpty()) {
            appendTools(out, system, options.tools());
        }
        out.append('\n');

        List<ChatMessage> turns = hasSystem ? messages.subList(1, messages.size()) : messages;
        ChatMessage last = !turns.isEmpty() && turns.getLast().role() == ChatRole.ASSISTANT ? turns.getLast() : null;
        if (last != null) {
            turns = turns.subList(0, turns.size() - 1);
        }
        for (int i = 0; i < turns.size(); i++) {
            appendTurn(out, turns, i);
        }
        String lastContent = last == null ? "" : PyStrings.strip(last.contentOrEmpty(), null);
        String thinkPrefix = thinking ? THINK_ON : THINK_OFF;
        if (options.addGenerationPrompt()) {
            out.append(ASSISTANT).append(thinkPrefix).append(lastContent);
        } else if (!lastContent.isEmpty()) {
            out.append(ASSISTANT).append(thinkPrefix).append(lastContent).append(END_OF_TURN);
        }
        return RenderedPrompt.of(out.toString(), END_OF_TURN);
    }

    /** Flags removed, then Python's {@code strip()}. */
    private static String clean(String text) {
        return PyStrings.strip(ThinkingFlags.remove(text), null);
    }

    private static void appendTools(StringBuilder out, String system, List<JsonNode> tools) {
        if (!system.isEmpty()) {
            out.append("\n\n");
        }
        out.append(TOOLS_INTRO).append("\n<AVAILABLE_TOOLS>[");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            JsonNode definition = tool.has("function") ? tool.get("function") : tool;
            out.append(i == 0 ? "" : ", ").append(PyJson.dumps(TemplateValues.fromJson(definition), -1, false));
        }
        out.append("]</AVAILABLE_TOOLS>\n\n").append(TOOLS_USAGE);
    }

    private static void appendTurn(StringBuilder out, List<ChatMessage> turns, int i) {
        ChatMessage m = turns.get(i);
        switch (m.role()) {
            case USER -> out.append(USER).append(clean(m.contentOrEmpty())).append('\n');
            case TOOL -> {
                boolean firstOfRun = i == 0 || turns.get(i - 1).role() != ChatRole.TOOL;
                boolean lastOfRun = i == turns.size() - 1 || turns.get(i + 1).role() != ChatRole.TOOL;
                if (firstOfRun) {
                    out.append(USER).append("<TOOL_RESPONSE>[");
                }
                out.append(m.contentOrEmpty());
                out.append(lastOfRun ? "]</TOOL_RESPONSE>\n" : ", ");
            }
            case ASSISTANT -> appendAssistant(out, m);
            case SYSTEM -> { /* only a leading system turn is rendered */ }
        }
    }

    private static void appendAssistant(StringBuilder out, ChatMessage m) {
        String content = m.contentOrEmpty();
        int close = content.indexOf(RenderedPrompt.THINK_CLOSE);
        if (close >= 0) {
            int from = close + RenderedPrompt.THINK_CLOSE.length();
            int next = content.indexOf(RenderedPrompt.THINK_CLOSE, from);
            content = content.substring(from, next < 0 ? content.length() : next);
        }
        content = PyStrings.strip(content, null);
        out.append(ASSISTANT).append(content);
        if (!m.toolCalls().isEmpty()) {
            if (!content.isEmpty()) {
                out.append("\n\n");
            }
            out.append(toolCallText(m.toolCalls()));
        }
        out.append(END_OF_TURN);
    }

    /**
     * Tool calls as this format writes them in an assistant turn:
     * {@code <TOOLCALL>[{"name": "f", "arguments": {…}}, …]</TOOLCALL>} (object arguments
     * re-serialized the Python way, other argument text verbatim). The template renders them for
     * past turns only; SFT appends them to a final turn's content with this.
     */
    public static String toolCallText(List<ToolCall> calls) {
        StringBuilder out = new StringBuilder("<TOOLCALL>[");
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            Object args = TemplateValues.arguments(call.arguments());
            String rendered = args instanceof Map<?, ?> ? PyJson.dumps(args, -1, false) : call.arguments();
            out.append("{\"name\": \"").append(call.name()).append("\", \"arguments\": ").append(rendered)
                    .append('}').append(i < calls.size() - 1 ? ", " : "");
        }
        return out.append("]</TOOLCALL>").toString();
    }
}
