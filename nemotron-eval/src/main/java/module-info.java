/** Evaluation: tasks, metrics, math equivalence, RULER, code sandbox (arrives with the evaluation issue). */
module dev.nemotron.eval {
    requires transitive dev.nemotron.infer;
    requires com.fasterxml.jackson.databind;

    exports dev.nemotron.eval.ruler;
}
