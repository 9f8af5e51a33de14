package dev.nemotron.text.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.text.chat.jinja.JinjaTemplate;
import dev.nemotron.text.chat.jinja.error.TemplateRenderError;
import dev.nemotron.text.chat.jinja.JinjaTemplate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code chat_template} of a HF {@code tokenizer_config.json}, rendered by the SDK's own
 * Jinja interpreter with the variables HF's {@code apply_chat_template} passes: {@code messages},
 * {@code tools} (none when empty), {@code add_generation_prompt}, {@code bos_token},
 * {@code eos_token}, {@code enable_thinking} (only when set) and {@code raise_exception}.
 */
public final class JinjaChatTemplate implements ChatTemplate {
    private static final String DEFAULT = "default";
    private static final String TOOL_USE = "tool_use";

    private final Map<String, JinjaTemplate> templates;
    private final String bosToken;
    private final String eosToken;

    /**
     * @param namedTemplates template sources by name; a single template is named {@code "default"}
     * @param bosToken       the BOS token text, or {@code null}
     * @param eosToken       the EOS token text, or {@code null}
     * @throws dev.nemotron.api.NemotronException when a template does not parse (message with line and column)
     */
    public JinjaChatTemplate(Map<String, String> namedTemplates, String bosToken, String eosToken) {
        if (namedTemplates.isEmpty()) {
            throw new NemotronException("no chat template given");
        }
        Map<String, JinjaTemplate> compiled = new LinkedHashMap<>();
        namedTemplates.forEach((name, source) -> compiled.put(name, JinjaTemplate.compile(source)));
        this.templates = Map.copyOf(compiled);
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        compiled.forEach(this::probe);
    }

    /**
     * Renders a plain conversation, so that a template that fails on every request (one that recurses
     * without end, for instance) is refused when it is loaded, not on each chat request. A template
     * that refuses the probe by its own {@code raise_exception} is accepted: it has rules of its own.
     */
    private void probe(String name, JinjaTemplate template) {
        List<ChatMessage> conversation = List.of(ChatMessage.user("Hello"), ChatMessage.assistant("Hi."),
                ChatMessage.user("Bye"));
        try {
            template.render(context(conversation, RenderOptions.defaults()));
        } catch (TemplateRenderError e) {
            if (!e.raisedByTemplate()) {
                throw unusable(name, e.getMessage());
            }
        } catch (RuntimeException e) {
            throw unusable(name, e.toString());
        }
    }

    private NemotronException unusable(String name, String why) {
        return new NemotronException("chat template" + (templates.size() > 1 ? " '" + name + "'" : "")
                + " cannot render a simple conversation: " + why
                + " (fix the chat_template of tokenizer_config.json, or use the built-in template)");
    }

    /** A single template. */
    public static JinjaChatTemplate of(String source, String bosToken, String eosToken) {
        return new JinjaChatTemplate(Map.of(DEFAULT, source), bosToken, eosToken);
    }

    /** Reads {@code tokenizer_config.json}. */
    public static JinjaChatTemplate fromTokenizerConfig(Path file) {
        try {
            return fromTokenizerConfig(JsonMappers.json().readTree(file.toFile()));
        } catch (IOException e) {
            throw new NemotronException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Takes the template (string or list of {@code {name, template}}) and BOS/EOS tokens from a parsed config. */
    public static JinjaChatTemplate fromTokenizerConfig(JsonNode config) {
        JsonNode node = config.path("chat_template");
        Map<String, String> named = new LinkedHashMap<>();
        if (node.isTextual()) {
            named.put(DEFAULT, node.asText());
        } else if (node.isArray()) {
            for (JsonNode entry : node) {
                if (!entry.path("name").isTextual() || !entry.path("template").isTextual()) {
                    throw new NemotronException("chat_template list entries need a string 'name' and 'template'");
                }
                named.put(entry.get("name").asText(), entry.get("template").asText());
            }
        } else {
            throw new NemotronException("tokenizer_config.json has no chat_template");
        }
        return new JinjaChatTemplate(named, tokenText(config.path("bos_token")), tokenText(config.path("eos_token")));
    }

    /** A special token given as a string or as an added-token object with {@code content}. */
    private static String tokenText(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        return node.path("content").isTextual() ? node.get("content").asText() : null;
    }

    @Override
    public RenderedPrompt render(List<ChatMessage> messages, RenderOptions options) {
        return RenderedPrompt.of(template(null, !options.tools().isEmpty()).render(context(messages, options)));
    }

    /** Renders with the named template of a list-form {@code chat_template}. */
    public RenderedPrompt render(String templateName, List<ChatMessage> messages, RenderOptions options) {
        return RenderedPrompt.of(template(templateName, !options.tools().isEmpty()).render(context(messages, options)));
    }

    /** HF's choice: the requested name, else {@code tool_use} when tools are given and it exists, else {@code default}. */
    private JinjaTemplate template(String name, boolean withTools) {
        if (name != null) {
            JinjaTemplate t = templates.get(name);
            if (t == null) {
                throw new NemotronException("no chat template named '" + name + "' (have " + templates.keySet() + ")");
            }
            return t;
        }
        if (withTools && templates.containsKey(TOOL_USE)) {
            return templates.get(TOOL_USE);
        }
        if (templates.size() == 1) {
            return templates.values().iterator().next();
        }
        JinjaTemplate t = templates.get(DEFAULT);
        if (t == null) {
            throw new NemotronException("several chat templates and none named 'default': name one of "
                    + templates.keySet());
        }
        return t;
    }

    private Map<String, Object> context(List<ChatMessage> messages, RenderOptions options) {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("messages", TemplateValues.messages(messages));
        ctx.put("tools", options.tools().isEmpty() ? null : TemplateValues.tools(options.tools()));
        ctx.put("documents", null);
        ctx.put("add_generation_prompt", options.addGenerationPrompt());
        if (bosToken != null) {
            ctx.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            ctx.put("eos_token", eosToken);
        }
        if (options.enableThinking() != null) {
            ctx.put("enable_thinking", options.enableThinking());
        }
        return ctx;
    }
}
