package dev.nemotron.eval.code.humaneval;

import dev.nemotron.eval.code.lang.CodeLanguage;

/**
 * The program the official harnesses run for a completion, character for character:
 * <ul>
 *   <li>HumanEval (openai/human-eval): {@code prompt + completion + "\n" + test + "\n" + "check(" + entry_point + ")"};</li>
 *   <li>HumanEval-X Java (THUDM/CodeGeeX): {@code prompt + completion + "\n" + test}, saved as
 *       {@code Main.java}, compiled and run.</li>
 * </ul>
 */
public final class HumanEvalProgram {
    private HumanEvalProgram() {
    }

    /** The complete program for {@code completion}. */
    public static String of(CodeProblem problem, String completion) {
        String c = completion == null ? "" : completion;
        return problem.language() == CodeLanguage.PYTHON
                ? problem.prompt() + c + "\n" + problem.test() + "\n" + "check(" + problem.entryPoint() + ")"
                : problem.prompt() + c + "\n" + problem.test();
    }
}
