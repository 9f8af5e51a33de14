/**
 * Evaluation: tasks as data (YAML/JSON task files; built-in GSM8K, arithmetic, HumanEval,
 * HumanEval-X Java and eleven RULER tasks), models under
 * evaluation (the in-process engine, an OpenAI-compatible endpoint, the canonical self-check), a
 * concurrent and resumable runner, metrics with bootstrapped standard errors (exact match,
 * accuracy, avg@k, pass@k), reports (JSON, Markdown, PNG charts) and the thinking-budget sweep;
 * math answer equivalence ({@code dev.nemotron.eval.math}, also the {@code math} reward); the rewards
 * {@code code}, {@code format}, {@code judge} ({@code dev.nemotron.eval.reward}) and {@code ifeval}
 * ({@code dev.nemotron.eval.reward.ifeval}) and
 * RULER's synthetic long-context tasks ({@code dev.nemotron.eval.ruler}); code execution: the
 * sandbox ({@link dev.nemotron.eval.code.sandbox.Sandbox}), HumanEval and HumanEval-X Java
 * ({@link dev.nemotron.eval.code.humaneval.HumanEvalSuite}) and pass@k ({@link dev.nemotron.eval.metric.PassAtK}).
 * In the harness they are the metrics {@code math_equiv}, {@code code_exec},
 * {@code string_match_all} / {@code string_match_part} and the data sources {@code humaneval}, {@code ruler}.
 *
 * <p>Extension points, found with {@code ServiceLoader}: {@link dev.nemotron.eval.metric.MetricProvider}
 * (scorers), {@link dev.nemotron.eval.filter.AnswerFilterProvider} (answer extraction) and
 * {@link dev.nemotron.eval.data.DocSourceProvider} (generated data sets).
 */
module dev.nemotron.eval {
    requires transitive dev.nemotron.infer;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.apache.logging.log4j;
    requires java.net.http;
    requires static java.desktop;
    requires static org.jfree.jfreechart;

    exports dev.nemotron.eval.code.lang;
    exports dev.nemotron.eval.code.task;
    exports dev.nemotron.eval.code.sandbox;
    exports dev.nemotron.eval.code.humaneval;
    exports dev.nemotron.eval.config;
    exports dev.nemotron.eval.data;
    exports dev.nemotron.eval.filter;
    exports dev.nemotron.eval.math;
    exports dev.nemotron.eval.metric;
    exports dev.nemotron.eval.model;
    exports dev.nemotron.eval.report;
    exports dev.nemotron.eval.reward;
    exports dev.nemotron.eval.reward.ifeval;
    exports dev.nemotron.eval.run;
    exports dev.nemotron.eval.ruler;
    exports dev.nemotron.eval.task;

    uses dev.nemotron.eval.metric.MetricProvider;
    uses dev.nemotron.eval.filter.AnswerFilterProvider;
    uses dev.nemotron.eval.data.DocSourceProvider;

    provides dev.nemotron.api.pipeline.StageProvider with dev.nemotron.eval.stage.EvalStageProvider;
    provides dev.nemotron.api.reward.RewardProvider with dev.nemotron.eval.math.MathRewardProvider,
            dev.nemotron.eval.reward.CodeRewardProvider, dev.nemotron.eval.reward.FormatRewardProvider,
            dev.nemotron.eval.reward.JudgeRewardProvider, dev.nemotron.eval.reward.ifeval.IfEvalRewardProvider;
    provides dev.nemotron.eval.metric.MetricProvider with dev.nemotron.eval.math.MathEquivMetricProvider,
            dev.nemotron.eval.code.task.CodeExecMetricProvider, dev.nemotron.eval.ruler.RulerMatchMetricProvider.All,
            dev.nemotron.eval.ruler.RulerMatchMetricProvider.Part;
    provides dev.nemotron.eval.filter.AnswerFilterProvider with dev.nemotron.eval.code.task.CodeBlockFilterProvider;
    provides dev.nemotron.eval.data.DocSourceProvider with dev.nemotron.eval.code.task.HumanEvalSource,
            dev.nemotron.eval.ruler.RulerSource;
}
