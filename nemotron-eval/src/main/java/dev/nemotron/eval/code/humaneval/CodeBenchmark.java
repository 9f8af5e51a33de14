package dev.nemotron.eval.code.humaneval;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.code.lang.CodeLanguage;
import java.util.List;
import java.util.Locale;

/** The bundled code benchmarks, by the names the command line uses. */
public enum CodeBenchmark {
    /** HumanEval, 164 Python problems. */
    HUMANEVAL("humaneval", CodeLanguage.PYTHON),
    /** HumanEval-X Java, 164 problems. */
    HUMANEVAL_JAVA("humaneval-java", CodeLanguage.JAVA);

    private final String id;
    private final CodeLanguage language;

    CodeBenchmark(String id, CodeLanguage language) {
        this.id = id;
        this.language = language;
    }

    /** The name: {@code humaneval} or {@code humaneval-java}. */
    public String id() {
        return id;
    }

    public CodeLanguage language() {
        return language;
    }

    /** Its problems. */
    public List<CodeProblem> problems() {
        return this == HUMANEVAL ? HumanEvalDataset.python() : HumanEvalDataset.java();
    }

    /** The benchmark named {@code name} ({@code humaneval}, {@code humaneval-java} or {@code humaneval_java}). */
    public static CodeBenchmark parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (CodeBenchmark b : values()) {
            if (b.id.equals(n)) {
                return b;
            }
        }
        throw new NemotronException("unknown code benchmark '" + name + "' (expected humaneval or humaneval-java)");
    }
}
