package dev.nemotron.eval.code.humaneval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.code.lang.CodeLanguage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HumanEvalDatasetTest {
    @Test
    void bundledHumanEvalHas164PythonProblems() {
        List<CodeProblem> p = HumanEvalDataset.python();
        assertThat(p).hasSize(164);
        assertThat(p.getFirst().taskId()).isEqualTo("HumanEval/0");
        assertThat(p.getFirst().entryPoint()).isEqualTo("has_close_elements");
        assertThat(p.getLast().taskId()).isEqualTo("HumanEval/163");
        assertThat(p).allSatisfy(x -> assertThat(x.language()).isEqualTo(CodeLanguage.PYTHON));
    }

    @Test
    void bundledHumanEvalXJavaHas164Problems() {
        List<CodeProblem> p = HumanEvalDataset.java();
        assertThat(p).hasSize(164);
        assertThat(p.getFirst().taskId()).isEqualTo("Java/0");
        assertThat(p).allSatisfy(x -> {
            assertThat(x.prompt()).contains("class Solution");
            assertThat(x.test()).contains("public class Main");
        });
    }

    @Test
    void programsAreBuiltExactlyAsTheOfficialHarnesses() {
        CodeProblem py = HumanEvalDataset.python().getFirst();
        assertThat(HumanEvalProgram.of(py, "    return 1\n"))
                .isEqualTo(py.prompt() + "    return 1\n" + "\n" + py.test() + "\n" + "check(has_close_elements)");
        CodeProblem java = HumanEvalDataset.java().getFirst();
        assertThat(HumanEvalProgram.of(java, "X")).isEqualTo(java.prompt() + "X" + "\n" + java.test());
    }

    @Test
    void badFilesAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"task_id\":\"T/0\",\"prompt\":\"p\",\"canonical_solution\":\"c\",\"test\":\"t\",\"entry_point\":\"f\"}\n{oops\n");
        assertThatThrownBy(() -> HumanEvalDataset.load(f, CodeLanguage.PYTHON))
                .isInstanceOf(NemotronException.class).hasMessageContaining("bad.jsonl line 2");
        Files.writeString(f, "{\"task_id\":\"T/0\",\"prompt\":\"p\",\"canonical_solution\":\"c\",\"test\":\"t\"}\n");
        assertThatThrownBy(() -> HumanEvalDataset.load(f, CodeLanguage.PYTHON))
                .isInstanceOf(NemotronException.class).hasMessageContaining("line 1").hasMessageContaining("entry_point");
        assertThat(HumanEvalDataset.load(f, CodeLanguage.JAVA)).hasSize(1);
        assertThatThrownBy(() -> HumanEvalDataset.load(dir.resolve("none.jsonl"), CodeLanguage.JAVA))
                .isInstanceOf(NemotronException.class).hasMessageContaining("not found");
        assertThatThrownBy(() -> CodeBenchmark.parse("mbpp")).isInstanceOf(NemotronException.class).hasMessageContaining("mbpp");
        assertThat(CodeBenchmark.parse("humaneval_java")).isEqualTo(CodeBenchmark.HUMANEVAL_JAVA);
    }
}
