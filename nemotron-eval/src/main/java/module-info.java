/**
 * Evaluation: tasks, metrics, math equivalence, RULER, and code execution: the code sandbox
 * ({@link dev.nemotron.eval.code.sandbox.Sandbox}), HumanEval and HumanEval-X Java
 * ({@link dev.nemotron.eval.code.humaneval.HumanEvalSuite}) and pass@k ({@link dev.nemotron.eval.code.PassAtK}).
 */
module dev.nemotron.eval {
    requires transitive dev.nemotron.infer;

    exports dev.nemotron.eval.code;
    exports dev.nemotron.eval.code.lang;
    exports dev.nemotron.eval.code.sandbox;
    exports dev.nemotron.eval.code.humaneval;
}
