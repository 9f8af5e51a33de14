package dev.nemotron.eval.data;

import dev.nemotron.eval.config.Fields;
import java.util.List;

/** The built-in {@code jsonl} data source: {@code {type: jsonl, path: FILE.jsonl[.gz]}}, path relative to the task file. */
public final class JsonlSource implements DocSourceProvider {
    /** The provider ({@code ServiceLoader} needs a public constructor). */
    public JsonlSource() {
    }

    @Override
    public String type() {
        return "jsonl";
    }

    @Override
    public List<Doc> load(Fields options, TaskLocation location) {
        options.allowOnly("type", "path");
        return JsonlReader.read(location, options.string("path"));
    }
}
