package dev.nemotron.eval.code.humaneval;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.code.lang.CodeLanguage;
import java.util.Objects;

/**
 * One code-generation problem: the model continues {@code prompt}; {@code test} checks the result.
 *
 * @param taskId            e.g. {@code HumanEval/0}, {@code Java/0}
 * @param language          the language of prompt, solution and test
 * @param prompt            the text the model is asked to continue (signature and docstring)
 * @param canonicalSolution the reference completion
 * @param test              the tests (Python: a {@code check(candidate)} function; Java: a {@code Main} class)
 * @param entryPoint        the function under test (Python; {@code null} for Java)
 */
public record CodeProblem(String taskId, CodeLanguage language, String prompt, String canonicalSolution, String test,
        String entryPoint) {
    public CodeProblem {
        Objects.requireNonNull(language, "language");
        require(taskId, "task_id", taskId);
        require(prompt, "prompt", taskId);
        require(canonicalSolution, "canonical_solution", taskId);
        require(test, "test", taskId);
        if (language == CodeLanguage.PYTHON) {
            require(entryPoint, "entry_point", taskId);
        }
    }

    private static void require(String value, String field, String taskId) {
        if (value == null || value.isBlank()) {
            throw new NemotronException("code problem " + (taskId == null ? "(no task_id)" : taskId)
                    + " has no '" + field + "'");
        }
    }
}
