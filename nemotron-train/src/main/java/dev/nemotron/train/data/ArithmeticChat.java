package dev.nemotron.train.data;

import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.ChatTemplate;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.train.data.synth.ChatRenderer;
import java.util.List;

/** How synthetic reasoning samples become training text: the Nemotron Nano 2 chat format. */
public final class ArithmeticChat {
    private ArithmeticChat() {
    }

    /**
     * A user turn and the assistant's reply in the Nemotron Nano 2 format, as a final assistant turn
     * without generation prompt: {@code ...<SPECIAL_11>Assistant\n<think>\n{reasoning}\n</think>\n{answer}\n<SPECIAL_12>\n}
     * (reasoning on) or {@code ...<SPECIAL_11>Assistant\n<think></think>{answer}\n<SPECIAL_12>\n} (off). Its
     * prefix up to {@code <think>\n} / {@code <think></think>} is exactly the prompt {@code generate --chat} renders.
     */
    public static ChatRenderer renderer() {
        ChatTemplate template = new NemotronChatTemplate();
        return (question, content, thinking) -> template.render(List.of(ChatMessage.user(question), ChatMessage.assistant(content)),
                new RenderOptions(false, thinking, List.of())).text();
    }
}
