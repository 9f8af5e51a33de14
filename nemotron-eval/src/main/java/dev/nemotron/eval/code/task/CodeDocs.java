package dev.nemotron.eval.code.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.code.humaneval.CodeProblem;
import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.data.Doc;

/**
 * The link between a harness problem ({@link Doc}) and a {@link CodeProblem}: the fields a code
 * problem has in a task's data set, HumanEval's names ({@code task_id}, {@code prompt},
 * {@code canonical_solution}, {@code test}, {@code entry_point}) plus {@code language}.
 */
public final class CodeDocs {
    /** The fields a code problem needs (Python also {@code entry_point}). */
    static final String FIELDS = "task_id, prompt, canonical_solution, test (python: entry_point)";

    private CodeDocs() {
    }

    /** The fields of {@code p} as a problem record. */
    public static ObjectNode fields(CodeProblem p) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("task_id", p.taskId()).put("language", p.language().id()).put("prompt", p.prompt())
                .put("canonical_solution", p.canonicalSolution()).put("test", p.test());
        if (p.entryPoint() != null) {
            o.put("entry_point", p.entryPoint());
        }
        return o;
    }

    /**
     * The code problem of {@code doc}.
     *
     * @param language the language, or null to read the doc's {@code language} field
     * @throws NemotronException naming the doc when a field is missing or the language is unknown
     */
    public static CodeProblem problem(Doc doc, CodeLanguage language) {
        CodeLanguage lang = language;
        if (lang == null) {
            String named = text(doc, "language");
            if (named == null) {
                throw new NemotronException(doc.where() + ": the problem has no 'language' field; give the metric"
                        + " 'language: python' or 'language: java'");
            }
            try {
                lang = CodeLanguage.parse(named);
            } catch (NemotronException e) {
                throw new NemotronException(doc.where() + ": " + e.getMessage());
            }
        }
        try {
            return new CodeProblem(text(doc, "task_id"), lang, text(doc, "prompt"), text(doc, "canonical_solution"),
                    text(doc, "test"), text(doc, "entry_point"));
        } catch (NemotronException e) {
            throw new NemotronException(doc.where() + ": " + e.getMessage() + " (a code problem needs " + FIELDS + ")");
        }
    }

    private static String text(Doc doc, String field) {
        JsonNode v = doc.get(field);
        return v == null ? null : v.asText();
    }
}
