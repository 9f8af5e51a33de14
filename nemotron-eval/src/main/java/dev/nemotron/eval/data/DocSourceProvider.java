package dev.nemotron.eval.data;

import dev.nemotron.eval.config.Fields;
import java.util.List;

/**
 * Where a task's problems come from, by type name: {@code jsonl} (built in) reads a file; a plugin
 * may generate problems instead (RULER's synthetic long-context tasks, for instance). Found with
 * {@code ServiceLoader} ({@code provides dev.nemotron.eval.data.DocSourceProvider with ...}) or
 * registered in a {@link DocSources}.
 *
 * <p>In a task file: {@code dataset: file.jsonl} is short for {@code dataset: {type: jsonl, path:
 * file.jsonl}}; any other type gets its mapping as {@code options}:
 * <pre>
 * dataset: {type: ruler_niah, context_tokens: 4096, count: 100, seed: 1}
 * </pre>
 */
public interface DocSourceProvider {
    /** The {@code type} a task file names. */
    String type();

    /**
     * Every problem, numbered from 0 in a stable order (the numbers identify samples for resume).
     * Must be deterministic: the same options give the same problems.
     *
     * @param options  the {@code dataset} mapping ({@code type} included); check unknown fields with
     *                 {@link Fields#allowOnly}
     * @param location where relative paths in the options resolve
     * @throws dev.nemotron.api.NemotronException for bad options, naming the field
     */
    List<Doc> load(Fields options, TaskLocation location);
}
