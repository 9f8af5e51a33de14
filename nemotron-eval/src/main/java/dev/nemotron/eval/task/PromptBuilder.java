package dev.nemotron.eval.task;

import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.model.Prompt;
import dev.nemotron.text.chat.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a problem and its few-shot examples into a prompt.
 *
 * <p>Plain text ({@code prompt.chat: false}):
 * <pre>
 * [system + fewshot_delimiter]
 * example₁ + target_delimiter + answer₁ + fewshot_delimiter
 * ...
 * problem
 * </pre>
 * Chat: {@code [system]}, then per example a user turn (the example) and an assistant turn (its
 * answer), then a user turn with the problem.
 *
 * <p>An example's answer is the task's {@code fewshot.target}, else its {@code target}; for
 * multiple choice, the gold option's text.
 */
public final class PromptBuilder {
    private PromptBuilder() {
    }

    /** The prompt of {@code doc} with {@code examples} before it. */
    public static Prompt build(TaskSpec task, Doc doc, List<Doc> examples) {
        PromptSpec p = task.prompt();
        if (p.chat()) {
            List<ChatMessage> messages = new ArrayList<>();
            if (p.system() != null) {
                messages.add(ChatMessage.system(p.system()));
            }
            for (Doc ex : examples) {
                messages.add(ChatMessage.user(p.template().render(ex)));
                messages.add(ChatMessage.assistant(answer(task, ex)));
            }
            messages.add(ChatMessage.user(p.template().render(doc)));
            return Prompt.chat(messages);
        }
        return Prompt.text(context(task, doc, examples));
    }

    /** The plain-text prompt (also the context of log-likelihood continuations). */
    public static String context(TaskSpec task, Doc doc, List<Doc> examples) {
        PromptSpec p = task.prompt();
        StringBuilder out = new StringBuilder();
        if (p.system() != null) {
            out.append(p.system()).append(p.fewshotDelimiter());
        }
        for (Doc ex : examples) {
            out.append(p.template().render(ex)).append(p.targetDelimiter()).append(answer(task, ex)).append(p.fewshotDelimiter());
        }
        return out.append(p.template().render(doc)).toString();
    }

    /** A few-shot example's answer text. */
    static String answer(TaskSpec task, Doc ex) {
        if (task.fewshot().target() != null) {
            return task.fewshot().target().render(ex);
        }
        if (task.output() == OutputType.MULTIPLE_CHOICE) {
            List<String> choices = Choices.of(task, ex);
            return choices.get(Choices.gold(task, ex, choices));
        }
        return task.target().render(ex);
    }
}
