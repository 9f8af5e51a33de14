package dev.nemotron.cli.eval;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.task.BuiltinTasks;
import dev.nemotron.eval.task.TaskReader;
import dev.nemotron.eval.task.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which tasks an {@code eval} command runs: names from {@code --tasks} (a built-in task, a task
 * named by one of the {@code --task-file}s, or a task file's path), else every {@code --task-file};
 * with the command line's overrides applied.
 */
public final class TaskSelection {
    private TaskSelection() {
    }

    /** The overrides of the task files' settings; null fields leave the task's own. */
    public record Overrides(Integer repeats, Integer fewshot, Integer maxThinkingTokens, Integer maxTokens,
                            Integer thinkingGrace) {
        public static Overrides none() {
            return new Overrides(null, null, null, null, null);
        }
    }

    /**
     * @throws NemotronException for an unknown task, an unreadable task file, two tasks of one name
     */
    public static List<TaskSpec> resolve(List<String> names, List<Path> files, Overrides overrides) {
        Map<String, TaskSpec> fromFiles = new LinkedHashMap<>();
        for (Path f : files) {
            TaskSpec t = TaskReader.read(f);
            if (fromFiles.put(t.name(), t) != null) {
                throw new NemotronException("two task files define task '" + t.name() + "'");
            }
        }
        List<TaskSpec> out = new ArrayList<>();
        if (names.isEmpty()) {
            if (fromFiles.isEmpty()) {
                throw new NemotronException("no task: give --tasks NAME,... (see 'nemotron eval tasks') or --task-file FILE");
            }
            out.addAll(fromFiles.values());
        }
        for (String name : names) {
            String n = name.strip();
            if (fromFiles.containsKey(n)) {
                out.add(fromFiles.get(n));
            } else if (n.matches(".*\\.(ya?ml|json)$") && Files.isRegularFile(Path.of(n))) {
                out.add(TaskReader.read(Path.of(n)));
            } else {
                out.add(BuiltinTasks.load(n));
            }
        }
        List<String> seen = new ArrayList<>();
        List<TaskSpec> applied = new ArrayList<>();
        for (TaskSpec t : out) {
            if (seen.contains(t.name())) {
                throw new NemotronException("task '" + t.name() + "' is given twice");
            }
            seen.add(t.name());
            applied.add(apply(t, overrides));
        }
        return applied;
    }

    static TaskSpec apply(TaskSpec t, Overrides o) {
        TaskSpec out = t;
        if (o.repeats() != null) {
            out = out.with("repeats", IntNode.valueOf(o.repeats()));
        }
        if (o.fewshot() != null) {
            out = out.with("fewshot.n", IntNode.valueOf(o.fewshot()));
        }
        if (o.maxThinkingTokens() != null) {
            out = out.with("generation.max_thinking_tokens", IntNode.valueOf(o.maxThinkingTokens()));
        }
        if (o.thinkingGrace() != null) {
            out = out.with("generation.thinking_grace_tokens", IntNode.valueOf(o.thinkingGrace()));
        }
        if (o.maxTokens() != null) {
            out = out.with("generation.max_tokens", IntNode.valueOf(o.maxTokens()));
        }
        return out;
    }
}
