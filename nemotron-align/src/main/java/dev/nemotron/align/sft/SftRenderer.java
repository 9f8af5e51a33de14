package dev.nemotron.align.sft;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.ChatRole;
import dev.nemotron.text.chat.ChatTemplate;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a conversation into training samples with the model's own chat template and tokenizer:
 * one sample per assistant turn, its prompt exactly what inference renders before that turn.
 *
 * <pre>
 * for each assistant turn j of messages m[0..n):
 * 1. split its reasoning from its answer: reasoning_content, else the text before "&lt;/think&gt;" in content
 * 2. prompt  P = template(m[0..j), generation prompt, reasoning on iff it has a trace and the
 *               transform does not switch it off)                     — the model's inference prompt
 * 3. content = P leaves reasoning open ? trace (cut to N tokens when truncating) + "\n&lt;/think&gt;\n" + answer
 *                                      : answer                       (the Nemotron convention, ReasoningSample's)
 *              (a Jinja template whose prompt does not open &lt;think&gt; itself, Qwen3-style, gets the trace as
 *               reasoning_content and renders it)
 *              + the turn's tool calls as the Nemotron format writes them (the built-in template renders a
 *                final turn's content only)
 * 4. full    T = template(m[0..j) + [assistant content], no generation prompt); P must be a prefix of T
 * 5. ids = encode(P) ++ encode(T[|P|..])   — the completion (reasoning, answer, end-of-turn) carries the loss
 * </pre>
 *
 * Encoding the prompt on its own (rather than the whole text) gives the prompt the tokens it has
 * at inference. Earlier assistant turns stay in the prompt as the template renders history (the
 * Nemotron template drops their reasoning), so each turn is trained once, in the context it is
 * generated in.
 */
public final class SftRenderer {
    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final boolean builtIn;

    public SftRenderer(ChatTemplate template, Tokenizer tokenizer) {
        this.template = template;
        this.tokenizer = tokenizer;
        this.builtIn = template instanceof NemotronChatTemplate;
    }

    /** The tokenizer the samples are encoded with. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The chat template the samples are rendered with. */
    public ChatTemplate template() {
        return template;
    }

    /**
     * The samples of {@code conversation}, one per assistant turn.
     *
     * @param where {@code file:line}, named by errors
     * @throws NemotronException when a turn cannot be rendered as a continuation of its prompt
     */
    public List<SftSample> render(SftConversation conversation, SftTransforms.Decision decision, String where) {
        List<ChatMessage> messages = conversation.messages();
        List<SftSample> out = new ArrayList<>();
        for (int j = 0; j < messages.size(); j++) {
            if (messages.get(j).role() == ChatRole.ASSISTANT) {
                if (j == 0 || (j == 1 && messages.getFirst().role() == ChatRole.SYSTEM)) {
                    throw new NemotronException(where + ": messages[" + j + "]: an assistant turn needs a user turn before it");
                }
                out.add(turn(messages.subList(0, j), messages.get(j), conversation, decision, where + ": messages[" + j + "]"));
            }
        }
        return out;
    }

    private SftSample turn(List<ChatMessage> history, ChatMessage target, SftConversation c, SftTransforms.Decision d,
                           String where) {
        // 1. reasoning and answer
        String reasoning = target.reasoningContent();
        String answer = target.contentOrEmpty();
        if (reasoning == null) {
            int close = answer.indexOf(RenderedPrompt.THINK_CLOSE);
            if (close >= 0) {
                reasoning = answer.substring(0, close);
                answer = answer.substring(close + RenderedPrompt.THINK_CLOSE.length());
            }
        }
        if (reasoning != null) {
            reasoning = reasoning.strip();
            if (reasoning.startsWith(RenderedPrompt.THINK_OPEN)) {
                reasoning = reasoning.substring(RenderedPrompt.THINK_OPEN.length()).strip();
            }
        }
        answer = answer.strip();
        // 2. the inference prompt
        RenderOptions options = new RenderOptions(true, reasoning != null && !d.reasoningOff(), c.tools());
        RenderedPrompt prompt = template.render(history, options);
        // 3. the assistant's content
        String trace = reasoning == null ? "" : reasoning;
        int truncatedTo = -1;
        if (d.truncateTo() > 0 && !trace.isEmpty()) {
            int[] traceIds = tokenizer.encode(trace);
            if (traceIds.length > d.truncateTo()) {
                trace = tokenizer.decode(Arrays.copyOf(traceIds, d.truncateTo()), false).strip();
                truncatedTo = d.truncateTo();
            }
        }
        String content;
        String reasoningContent = null;
        boolean thinking = prompt.thinking();
        if (prompt.thinking()) {
            content = trace + "\n" + RenderedPrompt.THINK_CLOSE + "\n" + answer;
        } else if (!builtIn && Boolean.TRUE.equals(options.enableThinking())) {
            // a template whose model opens <think> itself (Qwen3-style): it renders reasoning_content
            content = answer;
            reasoningContent = trace;
            thinking = true;
        } else {
            content = answer;
            truncatedTo = -1;
        }
        List<dev.nemotron.text.chat.ToolCall> calls = target.toolCalls();
        if (builtIn && !calls.isEmpty()) {
            content = content + (answer.isEmpty() ? "" : "\n\n") + NemotronChatTemplate.toolCallText(calls);
            calls = List.of();
        }
        // 4. the whole text
        List<ChatMessage> all = new ArrayList<>(history);
        all.add(new ChatMessage(ChatRole.ASSISTANT, content, reasoningContent, calls, null, null));
        String full = template.render(all, options.withGenerationPrompt(false)).text();
        if (!full.startsWith(prompt.text()) || full.length() == prompt.text().length()) {
            throw new NemotronException(where + ": the chat template does not render this assistant turn as a continuation "
                    + "of its generation prompt (or renders it empty); use a template whose assistant turns extend the "
                    + "generation prompt (--chat-template nemotron)");
        }
        // 5. tokens
        int[] p = tokenizer.encode(prompt.text());
        int[] completion = tokenizer.encode(full.substring(prompt.text().length()));
        if (p.length == 0) {
            throw new NemotronException(where + ": the prompt renders to no tokens");
        }
        int[] ids = Arrays.copyOf(p, p.length + completion.length);
        System.arraycopy(completion, 0, ids, p.length, completion.length);
        return new SftSample(ids, p.length, thinking, truncatedTo);
    }
}
