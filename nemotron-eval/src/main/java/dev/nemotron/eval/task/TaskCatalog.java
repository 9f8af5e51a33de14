package dev.nemotron.eval.task;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the tasks a command or a pipeline stage names: each name is a task defined by one of the
 * given task files, a task file's path ({@code .yaml}, {@code .yml}, {@code .json}), or a built-in
 * task; with no names, every given task file.
 */
public final class TaskCatalog {
    private TaskCatalog() {
    }

    /**
     * @param names    task names or task-file paths, in run order
     * @param files    task files whose tasks may be named
     * @param paths    how a path written in a name resolves (against the working directory, a spec file's directory)
     * @throws NemotronException for an unknown task, an unreadable task file, or a task given twice
     */
    public static List<TaskSpec> resolve(List<String> names, List<Path> files, Function<String, Path> paths,
                                         TaskOverrides overrides) {
        Map<String, TaskSpec> fromFiles = new LinkedHashMap<>();
        for (Path f : files) {
            TaskSpec t = TaskReader.read(f);
            if (fromFiles.put(t.name(), t) != null) {
                throw new NemotronException("two task files define task '" + t.name() + "'");
            }
        }
        List<TaskSpec> found = new ArrayList<>();
        if (names.isEmpty()) {
            if (fromFiles.isEmpty()) {
                throw new NemotronException("no task: name built-in tasks (" + String.join(", ", BuiltinTasks.names())
                        + ") or give task files");
            }
            found.addAll(fromFiles.values());
        }
        for (String raw : names) {
            String name = raw.strip();
            if (fromFiles.containsKey(name)) {
                found.add(fromFiles.get(name));
            } else if (name.matches(".*\\.(ya?ml|json)$")) {
                Path p = paths.apply(name);
                if (!Files.isRegularFile(p)) {
                    throw new NemotronException(p + ": no such task file");
                }
                found.add(TaskReader.read(p));
            } else {
                found.add(BuiltinTasks.load(name));
            }
        }
        Set<String> seen = new HashSet<>();
        List<TaskSpec> out = new ArrayList<>();
        for (TaskSpec t : found) {
            if (!seen.add(t.name())) {
                throw new NemotronException("task '" + t.name() + "' is given twice");
            }
            out.add(overrides.apply(t));
        }
        return out;
    }
}
