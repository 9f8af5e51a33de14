package dev.nemotron.pipeline;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.pipeline.StageReport.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the stages of a {@link PipelineSpec} in order, each in its own work directory
 * {@code OUT/NN-name/}, the output model of each feeding the next; stages already complete are
 * skipped.
 *
 * <p>Before anything runs, every stage is checked: its type must be known and available, its
 * parameters valid ({@link StageProvider#create}), its references ({@code ${stage.key}}) must
 * name earlier stages. Then, for each stage in order:
 * <ol>
 *   <li>references are resolved from the earlier stages' outputs, and the digest of type and
 *       parameters is computed;</li>
 *   <li>the stage is <em>complete</em>, and skipped, when its {@code stage.json} records that
 *       digest, the same input model, the same upstream run (the {@code run_id} of the stage
 *       before it, so that rerunning a stage reruns all after it) and an output model that still
 *       exists, and it is not forced ({@code --force}, {@code --from});</li>
 *   <li>otherwise the work directory is emptied (kept when the last attempt failed with the same
 *       parameters and input, so the stage can resume), {@code attempt.json} is written, the
 *       stage runs, and on success {@code stage.json} is written atomically. A stage that fails
 *       leaves no {@code stage.json}; the error names it.</li>
 * </ol>
 * The runner knows no stage type by name: stage types come from the {@link StageRegistry}.
 */
public final class PipelineRunner {
    private static final Logger LOG = LogManager.getLogger(PipelineRunner.class);
    private static final String LOCK_FILE = ".pipeline.lock";

    private final StageRegistry registry;
    private final Consumer<String> status;

    /**
     * @param registry the stage types
     * @param status   receives one line per event (a stage starts, ends, is skipped, reports progress)
     */
    public PipelineRunner(StageRegistry registry, Consumer<String> status) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.status = Objects.requireNonNull(status, "status");
    }

    /** What an earlier stage left for later ones: its model, summary and run id. */
    private record Outcome(Path outputModel, Map<String, Object> summary, String runId) {
    }

    /**
     * Checks the spec, then runs (or, with {@link RunOptions#dryRun()}, plans) its stages.
     *
     * @throws NemotronException for a bad spec, or a stage that fails (naming it)
     */
    public PipelineReport run(PipelineSpec spec, RunOptions options) {
        List<StageProvider> providers = check(spec, options);
        if (options.dryRun()) {
            return execute(spec, options, providers);
        }
        try {
            Files.createDirectories(spec.out());
            try (FileChannel ch = FileChannel.open(spec.out().resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = tryLock(ch)) {
                if (lock == null) {
                    throw new NemotronException(spec.out() + ": another 'nemotron pipeline run' is using this directory");
                }
                return execute(spec, options, providers);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lock, or null when another process (or another run in this JVM) holds it. */
    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** Every check that needs no stage to run; returns the provider of each stage. */
    private List<StageProvider> check(PipelineSpec spec, RunOptions options) {
        if (options.force() && options.from() != null) {
            throw new NemotronException("give at most one of --force and --from");
        }
        if (options.from() != null && spec.indexOf(options.from()) < 0) {
            throw new NemotronException("--from: no stage named '" + options.from() + "' (stages: "
                    + String.join(", ", spec.stageNames()) + ")");
        }
        if (spec.model() != null && !Files.isDirectory(spec.model())) {
            throw new NemotronException(spec.file() + ": model " + spec.model() + " is not a directory");
        }
        List<StageProvider> providers = new ArrayList<>();
        for (int i = 0; i < spec.stages().size(); i++) {
            StageSpec s = spec.stages().get(i);
            StageProvider p = registry.require(s.name(), s.type());
            for (References.Reference r : References.find(s.params().asMap())) {
                int j = spec.indexOf(r.stage());
                if (j < 0 || j >= i) {
                    List<String> before = spec.stageNames().subList(0, i);
                    throw new NemotronException("stage '" + s.name() + "': field '" + r.field() + "' refers to " + r.text()
                            + (j < 0 ? ", but there is no stage named '" + r.stage() + "'"
                            : ", but stage '" + r.stage() + "' does not run before it")
                            + " (stages before it: " + (before.isEmpty() ? "none" : String.join(", ", before)) + ")");
                }
            }
            StageCalls.create(p, s);
            providers.add(p);
        }
        return providers;
    }

    private PipelineReport execute(PipelineSpec spec, RunOptions options, List<StageProvider> providers) {
        int n = spec.stages().size();
        int from = options.from() == null ? -1 : spec.indexOf(options.from());
        Map<String, Outcome> outcomes = new HashMap<>();
        List<StageReport> reports = new ArrayList<>();
        Path model = spec.model();
        String upstream = null;
        boolean pending = false;   // dry run: an earlier stage would run, so its outputs are unknown
        for (int i = 0; i < n; i++) {
            StageSpec s = spec.stages().get(i);
            Path dir = spec.workDir(i);
            String tag = "[" + (i + 1) + "/" + n + " " + s.name() + "] ";
            StageRecord record = StageRecord.read(dir).orElse(null);
            boolean forced = options.force() || (from >= 0 && i >= from);
            if (pending) {
                reports.add(new StageReport(i, s.name(), s.type(), dir, Status.WOULD_RUN,
                        record == null ? "not run yet" : forced ? forcedBy(options) : "an earlier stage runs", null, null, null, Map.of()));
                continue;
            }
            Map<String, Object> params = References.resolve(s.name(), s.params().asMap(), r -> lookup(s.name(), r, outcomes));
            String digest = JsonTrees.digest(Map.of("type", s.type(), "params", params));
            String input = model == null ? null : model.toString();
            Attempt attempt = new Attempt(digest, input, upstream, Instant.now().toString());
            Attempt previous = record == null ? Attempt.read(dir).orElse(null) : null;
            boolean resuming = !forced && previous != null && previous.sameWorkAs(attempt);
            String why = forced ? forcedBy(options) : whyRun(record, attempt, resuming);
            if (why == null) {
                Path out = record.outputModel() == null ? null : Path.of(record.outputModel());
                outcomes.put(s.name(), new Outcome(out, record.summary(), record.runId()));
                reports.add(new StageReport(i, s.name(), s.type(), dir, options.dryRun() ? Status.WOULD_SKIP : Status.SKIPPED,
                        "complete (" + record.completedAt() + ")", record.seconds(), model, out, record.summary()));
                if (!options.dryRun()) {
                    status.accept(tag + s.type() + ": complete, skipped (rerun with --from " + s.name() + " or --force)");
                }
                LOG.info("pipeline {}: stage '{}' is complete, skipping", spec.name(), s.name());
                model = out != null ? out : model;
                upstream = record.runId();
                continue;
            }
            if (options.dryRun()) {
                reports.add(new StageReport(i, s.name(), s.type(), dir, Status.WOULD_RUN, why, null, model, null, Map.of()));
                pending = true;
                continue;
            }
            status.accept(tag + s.type() + ": running (" + why + ") in " + dir);
            LOG.info("pipeline {}: stage '{}' ({}) runs: {}", spec.name(), s.name(), s.type(), why);
            StageRecord done = runStage(spec, providers.get(i), new StageSpec(s.name(), s.type(), StageParams.of(s.name(), params)),
                    dir, attempt, resuming, model, msg -> status.accept(tag + msg));
            Path out = done.outputModel() == null ? null : Path.of(done.outputModel());
            outcomes.put(s.name(), new Outcome(out, done.summary(), done.runId()));
            status.accept(tag + "done in " + seconds(done.seconds()) + (out != null ? "; model " + out : ""));
            reports.add(new StageReport(i, s.name(), s.type(), dir, Status.RAN, why, done.seconds(), model, out, done.summary()));
            model = out != null ? out : model;
            upstream = done.runId();
        }
        return new PipelineReport(spec, options.dryRun(), reports, pending ? null : model);
    }

    private static String forcedBy(RunOptions options) {
        return options.force() ? "--force" : "--from " + options.from();
    }

    /** Why a stage that is not forced must run, or null when it is complete. */
    private static String whyRun(StageRecord record, Attempt attempt, boolean resuming) {
        if (record == null) {
            return resuming ? "resuming: the last attempt did not complete" : "not run yet";
        }
        if (!record.paramsDigest().equals(attempt.paramsDigest())) {
            return "parameters changed";
        }
        if (!Objects.equals(record.inputModel(), attempt.inputModel())) {
            return "input model changed";
        }
        if (!Objects.equals(record.upstream(), attempt.upstream())) {
            return "an earlier stage ran again";
        }
        if (record.outputModel() != null && !Files.isDirectory(Path.of(record.outputModel()))) {
            return "its output model " + record.outputModel() + " is missing";
        }
        return null;
    }

    private StageRecord runStage(PipelineSpec spec, StageProvider provider, StageSpec s, Path dir, Attempt attempt,
                                 boolean resuming, Path model, Consumer<String> progress) {
        WorkDirs.prepare(dir, resuming);
        attempt.write(dir);
        Stage stage = StageCalls.create(provider, s);
        Instant start = Instant.now();
        StageResult result;
        try {
            result = stage.run(new RunContext(spec.name(), s.name(), dir.toAbsolutePath(), spec.baseDir(), model, resuming, progress));
        } catch (Exception e) {
            throw StageCalls.failure(s, e);
        }
        if (result == null) {
            throw new IllegalStateException("stage '" + s.name() + "' (" + s.type() + ") returned no result (a bug in "
                    + provider.getClass().getName() + ")");
        }
        Path out = result.outputModel().map(p -> dir.resolve(p).toAbsolutePath().normalize()).orElse(null);
        if (out != null && !Files.isDirectory(out)) {
            throw new NemotronException("stage '" + s.name() + "': its output model " + out + " is not a directory");
        }
        Instant end = Instant.now();
        StageRecord record = new StageRecord(s.name(), s.type(), s.params().asMap(), attempt.paramsDigest(), attempt.inputModel(),
                attempt.upstream(), UUID.randomUUID().toString(), out == null ? null : out.toString(),
                new LinkedHashMap<>(result.summary()), start.toString(), end.toString(),
                Duration.between(start, end).toNanos() / 1e9);
        record.write(dir);
        try {
            Files.deleteIfExists(dir.resolve(Attempt.FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return record;
    }

    /** The value of a reference, from the outcomes of earlier stages. */
    private static Object lookup(String stage, References.Reference r, Map<String, Outcome> outcomes) {
        Outcome o = outcomes.get(r.stage());
        String where = "stage '" + stage + "': field '" + r.field() + "' refers to " + r.text() + ", but stage '" + r.stage() + "'";
        if (o == null) {
            throw new NemotronException(where + " has not run");
        }
        if (r.key().equals(StageResult.MODEL_KEY)) {
            if (o.outputModel() == null) {
                throw new NemotronException(where + " produced no model");
            }
            return o.outputModel().toString();
        }
        if (!o.summary().containsKey(r.key())) {
            TreeSet<String> keys = new TreeSet<>(o.summary().keySet());
            if (o.outputModel() != null) {
                keys.add(StageResult.MODEL_KEY);
            }
            throw new NemotronException(where + " has no output '" + r.key() + "' (its outputs: "
                    + (keys.isEmpty() ? "none" : String.join(", ", keys)) + ")");
        }
        return o.summary().get(r.key());
    }

    private static String seconds(double s) {
        return s < 10 ? String.format("%.2f s", s) : String.format("%.1f s", s);
    }
}
