package dev.nemotron.eval.task;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.data.TaskLocation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The task files bundled with this module, under the resource folder
 * {@code dev/nemotron/eval/task/builtin/}: {@code NAME.yaml} with its data beside it, listed in
 * {@code tasks.txt} (one name per line, {@code #} comments). Adding a built-in task is adding its
 * YAML (and data) there and a line to {@code tasks.txt}.
 */
public final class BuiltinTasks {
    /** The resource folder, relative to this class. */
    static final String FOLDER = "builtin/";

    private BuiltinTasks() {
    }

    /** The names of the built-in tasks, in {@code tasks.txt} order. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        try (InputStream in = BuiltinTasks.class.getResourceAsStream(FOLDER + "tasks.txt")) {
            if (in == null) {
                return out;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                String s = line.replaceFirst("#.*", "").strip();
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** True when {@code name} is a built-in task. */
    public static boolean exists(String name) {
        return names().contains(name);
    }

    /**
     * Reads the built-in task {@code name}.
     *
     * @throws NemotronException naming the built-in tasks when there is no such task
     */
    public static TaskSpec load(String name) {
        if (!exists(name)) {
            throw new NemotronException("unknown task '" + name + "' (built-in: " + String.join(", ", names())
                    + "; or give a task file with --task-file)");
        }
        InputStream in = BuiltinTasks.class.getResourceAsStream(FOLDER + name + ".yaml");
        if (in == null) {
            throw new IllegalStateException("built-in task " + name + " is listed but has no " + name + ".yaml");
        }
        try (in) {
            return TaskReader.read(in, true, "builtin:" + name, TaskLocation.resources(BuiltinTasks.class, FOLDER), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
