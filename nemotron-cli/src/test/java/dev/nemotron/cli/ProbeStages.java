package dev.nemotron.cli;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only stage types for the runner tests. {@code probe} appends one line per run to
 * {@code BASE/runs.log} ({@code name input=... resuming=... partial=...}), can produce a model,
 * fail or crash when a file exists, and leave a partial file behind; {@code gpu-only} is never
 * available.
 */
final class ProbeStages {
    private ProbeStages() {
    }

    static List<StageProvider> all() {
        return List.of(new Probe(), new GpuOnly());
    }

    /** The lines of runs.log in {@code base} (empty when nothing ran). */
    static List<String> runs(Path base) throws IOException {
        Path log = base.resolve("runs.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    static final class Probe implements StageProvider {
        @Override
        public String type() {
            return "probe";
        }

        @Override
        public String description() {
            return "records that it ran";
        }

        @Override
        public Stage create(StageSpec spec) {
            StageParams p = spec.params();
            p.requireOnly(List.of("value", "produce_model", "fail_if_exists", "crash_if_exists", "count", "partial"));
            p.optionalInteger("count");
            String value = p.string("value", null);
            boolean produce = p.bool("produce_model", false);
            String failIf = p.string("fail_if_exists", null);
            String crashIf = p.string("crash_if_exists", null);
            boolean partial = p.bool("partial", false);
            return ctx -> run(ctx, value, produce, failIf, crashIf, partial);
        }

        private static StageResult run(StageContext ctx, String value, boolean produce, String failIf, String crashIf, boolean partial)
                throws IOException {
            Path base = ctx.baseDir();
            String input = ctx.inputModel().map(m -> base.relativize(m).toString()).orElse("none");
            boolean partialSeen = Files.exists(ctx.workDir().resolve("partial.txt"));
            Files.writeString(base.resolve("runs.log"), ctx.stageName() + " input=" + input + " resuming=" + ctx.resuming()
                    + " partial=" + partialSeen + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (partial) {
                Files.writeString(ctx.workDir().resolve("partial.txt"), "half done");
            }
            if (failIf != null && Files.exists(ctx.resolve(failIf))) {
                throw new NemotronException(failIf + " exists");
            }
            if (crashIf != null && Files.exists(ctx.resolve(crashIf))) {
                throw new IllegalStateException("boom");
            }
            ctx.progress("probing");
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("value", value);
            summary.put("input", ctx.inputModel().map(Path::toString).orElse(null));
            if (produce) {
                Path model = Files.createDirectories(ctx.workDir().resolve("model"));
                Files.writeString(model.resolve("marker.txt"), ctx.stageName());
                return StageResult.withModel(Path.of("model"), summary);
            }
            return StageResult.of(summary);
        }
    }

    static final class GpuOnly implements StageProvider {
        @Override
        public String type() {
            return "gpu-only";
        }

        @Override
        public String description() {
            return "needs a GPU";
        }

        @Override
        public Availability availability() {
            return Availability.unavailable("no GPU found");
        }

        @Override
        public Stage create(StageSpec spec) {
            throw new AssertionError("never created");
        }
    }
}
