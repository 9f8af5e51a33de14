package dev.nemotron.eval.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.metric.Judgement;
import dev.nemotron.eval.metric.SampleView;
import dev.nemotron.eval.model.Completion;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.model.GenerateRequest;
import dev.nemotron.eval.model.Loglikelihood;
import dev.nemotron.eval.model.LoglikelihoodRequest;
import dev.nemotron.eval.model.Prompt;
import dev.nemotron.eval.task.Choices;
import dev.nemotron.eval.task.GenerationSpec;
import dev.nemotron.eval.task.PromptBuilder;
import dev.nemotron.eval.task.TaskSpec;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.infer.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Runs one sample: builds the request of a problem, asks the model, filters and scores the
 * answer, and returns the record the samples file keeps:
 *
 * <pre>
 * {"task","doc","repeat","digest","model","prompt","reference","completion","reasoning","prediction",
 *  "scores":{"exact_match":1.0},["details":{"code_exec":"failed: ..."},]"prompt_tokens","completion_tokens","reasoning_tokens","finish_reason","seconds"}
 * </pre>
 * (log-likelihood tasks: {@code continuation}, {@code loglikelihood}, {@code greedy}; multiple
 * choice: {@code choices}, {@code loglikelihoods}, {@code gold}, {@code chosen}).
 */
final class SampleExecutor {
    private SampleExecutor() {
    }

    static ObjectNode run(PreparedTask task, Doc doc, int repeat, EvalModel model) {
        TaskSpec spec = task.spec();
        List<Doc> examples = task.examples(doc);
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("task", spec.name()).put("doc", doc.index()).put("repeat", repeat).put("digest", task.digest())
                .put("model", model.id());
        long t0 = System.nanoTime();
        SampleView view = switch (spec.output()) {
            case GENERATE_UNTIL -> generate(task, doc, repeat, examples, model, r);
            case LOGLIKELIHOOD -> scoreContinuation(task, doc, repeat, examples, model, r);
            case MULTIPLE_CHOICE -> choose(task, doc, repeat, examples, model, r);
        };
        ObjectNode scores = r.putObject("scores");
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        for (ScoredMetric m : task.metrics()) {
            Judgement j = m.metric().judge(view);
            scores.put(m.name(), j.score());
            if (j.detail() != null) {
                details.put(m.name(), j.detail());
            }
        }
        if (!details.isEmpty()) {
            r.set("details", details);
        }
        r.put("seconds", (System.nanoTime() - t0) / 1e9);
        return r;
    }

    private static SampleView generate(PreparedTask task, Doc doc, int repeat, List<Doc> examples, EvalModel model,
                                       ObjectNode r) {
        TaskSpec spec = task.spec();
        GenerationSpec g = spec.generation();
        Prompt prompt = PromptBuilder.build(spec, doc, examples);
        SamplingParams sampling = SamplingParams.builder().temperature(g.temperature()).topP(g.topP()).topK(g.topK())
                .seed(g.seed() + repeat).maxTokens(g.maxTokens()).stop(g.stop()).build();
        GenerateRequest request = new GenerateRequest(prompt, sampling, g.thinking(),
                g.maxThinkingTokens() == null ? OptionalInt.empty() : OptionalInt.of(g.maxThinkingTokens()),
                g.thinkingGraceTokens() == null ? OptionalInt.empty() : OptionalInt.of(g.thinkingGraceTokens()),
                spec.canonical() == null ? null : spec.canonical().render(doc));
        Completion c = model.generate(request);
        String reference = spec.target().render(doc);
        String prediction = task.filter().apply(c.text());
        putPrompt(r, prompt);
        r.put("reference", reference).put("completion", c.text()).put("reasoning", c.reasoning()).put("prediction", prediction)
                .put("prompt_tokens", c.promptTokens()).put("completion_tokens", c.completionTokens())
                .put("reasoning_tokens", c.reasoningTokens()).put("finish_reason", c.finishReason());
        return SampleView.generated(spec.name(), doc, repeat, reference, prediction, c);
    }

    private static SampleView scoreContinuation(PreparedTask task, Doc doc, int repeat, List<Doc> examples, EvalModel model,
                                                ObjectNode r) {
        TaskSpec spec = task.spec();
        String context = PromptBuilder.context(spec, doc, examples);
        String continuation = spec.prompt().targetDelimiter() + spec.target().render(doc);
        Loglikelihood ll = model.loglikelihood(new LoglikelihoodRequest(context, continuation, true));
        r.put("prompt", context).put("continuation", continuation).put("loglikelihood", ll.logprob())
                .put("greedy", ll.greedy()).put("continuation_tokens", ll.tokens());
        return SampleView.scored(spec.name(), doc, repeat, continuation, ll);
    }

    private static SampleView choose(PreparedTask task, Doc doc, int repeat, List<Doc> examples, EvalModel model,
                                     ObjectNode r) {
        TaskSpec spec = task.spec();
        String context = PromptBuilder.context(spec, doc, examples);
        List<String> choices = Choices.of(spec, doc);
        int gold = Choices.gold(spec, doc, choices);
        List<Loglikelihood> lls = new ArrayList<>();
        for (int i = 0; i < choices.size(); i++) {
            lls.add(model.loglikelihood(new LoglikelihoodRequest(context, spec.prompt().targetDelimiter() + choices.get(i),
                    i == gold)));
        }
        r.put("prompt", context).put("gold", gold);
        ArrayNode cs = r.putArray("choices");
        choices.forEach(cs::add);
        ArrayNode ls = r.putArray("loglikelihoods");
        lls.forEach(l -> ls.add(l.logprob()));
        r.put("chosen", dev.nemotron.eval.metric.ChoiceAccuracy.best(choices, lls, false));
        return SampleView.chosen(spec.name(), doc, repeat, choices, lls, gold);
    }

    private static void putPrompt(ObjectNode r, Prompt prompt) {
        if (!prompt.isChat()) {
            r.put("prompt", prompt.text());
            return;
        }
        ArrayNode messages = r.putArray("prompt");
        for (ChatMessage m : prompt.messages()) {
            messages.addObject().put("role", m.role().wireName()).put("content", m.contentOrEmpty());
        }
    }
}
