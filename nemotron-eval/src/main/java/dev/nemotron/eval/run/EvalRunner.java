package dev.nemotron.eval.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.task.OutputType;
import dev.nemotron.eval.task.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs tasks against a model: each task's samples (problems × repeats) go to a bounded pool of
 * {@link RunOptions#concurrency()} workers; every finished sample is scored and appended to
 * {@code OUT/samples_TASK.jsonl} at once. Samples already in that file with the same
 * {@link SampleKey} (task, problem, repeat, config digest) are skipped, so a rerun after a crash or
 * an interruption does only what is left, and a rerun of a finished task only re-aggregates.
 *
 * <p>The first failing sample stops the task: no new sample starts, those in flight finish and
 * are kept, and the failure is thrown (one line naming the task and the problem).
 *
 * <pre>{@code
 * try (EvalModel model = new CanonicalEvalModel()) {
 *     EvalRunner runner = new EvalRunner(model, Path.of("runs/eval"), RunOptions.defaults(),
 *             EvalPlugins.discover(), RunListener.NONE);
 *     TaskResult r = runner.run(BuiltinTasks.load("gsm8k"));
 *     System.out.println(r.primaryMetric() + " = " + r.primary().value());
 * }
 * }</pre>
 */
public final class EvalRunner {
    private final EvalModel model;
    private final Path out;
    private final RunOptions options;
    private final EvalPlugins plugins;
    private final RunListener listener;

    public EvalRunner(EvalModel model, Path out, RunOptions options, EvalPlugins plugins, RunListener listener) {
        this.model = model;
        this.out = out;
        this.options = options;
        this.plugins = plugins;
        this.listener = listener;
    }

    /** The samples file of a task. */
    public static Path samplesFile(Path out, String task) {
        return out.resolve("samples_" + task + ".jsonl");
    }

    /** Runs the tasks in order; stops at the first failing one. */
    public List<TaskResult> run(List<TaskSpec> tasks) {
        List<TaskResult> results = new ArrayList<>();
        for (TaskSpec t : tasks) {
            results.add(run(t));
        }
        return results;
    }

    /**
     * Runs one task (what is not in its samples file yet) and aggregates it.
     *
     * @throws NemotronException when the task does not resolve or a sample fails
     */
    public TaskResult run(TaskSpec spec) {
        PreparedTask task = PreparedTask.prepare(spec, model.id(), options.limit(), plugins);
        if (spec.output() != OutputType.GENERATE_UNTIL && !model.supportsLoglikelihood()) {
            throw new NemotronException(spec.name() + ": output " + spec.output().wireName() + " needs log-likelihoods,"
                    + " which model '" + model.id() + "' cannot score");
        }
        long t0 = System.nanoTime();
        int repeats = spec.repeats();
        int total = task.docs().size() * repeats;
        try (SampleStore store = SampleStore.open(samplesFile(out, spec.name()))) {
            List<Runnable> todo = new ArrayList<>();
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            int resumed = 0;
            AtomicInteger done = new AtomicInteger();
            for (Doc doc : task.docs()) {
                for (int rep = 0; rep < repeats; rep++) {
                    if (store.contains(new SampleKey(spec.name(), doc.index(), rep, task.digest()))) {
                        resumed++;
                        continue;
                    }
                    int repeat = rep;
                    todo.add(() -> runOne(task, doc, repeat, store, failure, done, total));
                }
            }
            done.set(resumed);
            listener.taskStarted(spec.name(), total, resumed);
            runAll(todo);
            if (failure.get() != null) {
                throw failure.get();
            }
            TaskResult result = new TaskResult(spec.name(), model.id(), task.digest(), Aggregator.metrics(task, store, options),
                    task.docs().size(), repeats, todo.size(), resumed, (System.nanoTime() - t0) / 1e9,
                    Aggregator.tokens(task, store), spec.config(), spec.origin(), store.file());
            listener.taskFinished(result);
            return result;
        }
    }

    private void runOne(PreparedTask task, Doc doc, int repeat, SampleStore store, AtomicReference<RuntimeException> failure,
                        AtomicInteger done, int total) {
        if (failure.get() != null) {
            return;
        }
        try {
            ObjectNode record = SampleExecutor.run(task, doc, repeat, model);
            store.append(record);
            listener.sampleFinished(task.spec().name(), done.incrementAndGet(), total);
        } catch (RuntimeException | Error e) {
            String where = task.spec().name() + ": " + doc.where() + " (doc " + doc.index() + ", repeat " + repeat + "): ";
            RuntimeException wrapped = new NemotronException(where + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + " [finished samples are kept in " + store.file() + "; run again to resume]", e);
            failure.compareAndSet(null, wrapped);
        }
    }

    private void runAll(List<Runnable> todo) {
        if (todo.isEmpty()) {
            return;
        }
        int workers = Math.min(options.concurrency(), todo.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("nemotron-eval-", 0).daemon().factory());
        try {
            todo.forEach(pool::execute);
        } finally {
            pool.shutdown();
            try {
                while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
                    // keep waiting: samples may be slow
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
                throw new NemotronException("evaluation interrupted; finished samples are kept");
            }
        }
    }
}
