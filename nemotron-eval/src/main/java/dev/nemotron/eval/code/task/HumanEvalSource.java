package dev.nemotron.eval.code.task;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.code.humaneval.CodeProblem;
import dev.nemotron.eval.code.humaneval.HumanEvalDataset;
import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.data.DocSourceProvider;
import dev.nemotron.eval.data.JsonlReader;
import dev.nemotron.eval.data.TaskLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * The data source {@code humaneval}: HumanEval-format code problems as harness problems.
 *
 * <pre>
 * dataset: {type: humaneval, language: python}              # the bundled HumanEval (164 problems)
 * dataset: {type: humaneval, language: java}                # the bundled HumanEval-X Java (164)
 * dataset: {type: humaneval, language: python, path: my.jsonl}   # a file of that shape, beside the task file
 * </pre>
 *
 * Each problem has the fields {@code task_id}, {@code language}, {@code prompt},
 * {@code canonical_solution}, {@code test} and (Python) {@code entry_point}; the bundled data and
 * its licences are described in {@code dev/nemotron/eval/code/humaneval/NOTICE.md}.
 */
public final class HumanEvalSource implements DocSourceProvider {
    /** The provider ({@code ServiceLoader} needs a public constructor). */
    public HumanEvalSource() {
    }

    @Override
    public String type() {
        return "humaneval";
    }

    @Override
    public List<Doc> load(Fields options, TaskLocation location) {
        options.allowOnly("type", "language", "path");
        CodeLanguage language;
        try {
            language = CodeLanguage.parse(options.string("language"));
        } catch (NemotronException e) {
            throw new NemotronException(options.at("language") + ": " + e.getMessage());
        }
        String path = options.string("path", null);
        List<Doc> out = new ArrayList<>();
        if (path == null) {
            List<CodeProblem> problems = language == CodeLanguage.PYTHON ? HumanEvalDataset.python() : HumanEvalDataset.java();
            String file = language == CodeLanguage.PYTHON ? HumanEvalDataset.PYTHON_RESOURCE : HumanEvalDataset.JAVA_RESOURCE;
            for (CodeProblem p : problems) {
                out.add(new Doc(out.size(), CodeDocs.fields(p), file + ":" + (out.size() + 1) + " (" + p.taskId() + ")"));
            }
            return out;
        }
        for (Doc d : JsonlReader.read(location, path)) {
            CodeProblem p = CodeDocs.problem(d, language);   // checks the fields, naming file and line
            out.add(new Doc(d.index(), CodeDocs.fields(p), d.where() + " (" + p.taskId() + ")"));
        }
        return out;
    }
}
