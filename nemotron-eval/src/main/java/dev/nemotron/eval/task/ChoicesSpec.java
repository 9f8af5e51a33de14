package dev.nemotron.eval.task;

import java.util.List;

/**
 * The answer options of a {@code multiple_choice} task: a field of the problem holding a list of
 * strings ({@code choices: choices}), or one template per option ({@code choices: ["{{A}}", "{{B}}"]}).
 *
 * @param field     the list field, or null
 * @param templates the option templates, or empty
 */
public record ChoicesSpec(String field, List<Template> templates) {
    public ChoicesSpec {
        templates = List.copyOf(templates);
    }
}
