package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nemotron pipeline run} with test-only stage types ({@link ProbeStages}): order, model
 * hand-off, references, skipping complete stages, rerun after a failure, --force / --from,
 * --dry-run.
 */
class PipelineRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPEC = """
            name: t
            out: out
            model: m0
            stages:
              - {name: a, type: probe, produce_model: true, value: one}
              - {name: b, type: probe, value: "${a.value}-two"}
              - {name: c, type: probe, produce_model: true, value: "${a.model}", fail_if_exists: flag, partial: true}
            """;

    @TempDir
    Path base;
    Path spec;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(base.resolve("m0"));
        spec = Files.writeString(base.resolve("spec.yaml"), SPEC);
    }

    private static CliRun run(String... args) {
        return CliRun.withStages(ProbeStages.all(), args);
    }

    private CliRun runJson(String... extra) {
        List<String> args = new ArrayList<>(List.of("pipeline", "run", spec.toString(), "--json"));
        args.addAll(List.of(extra));
        CliRun r = run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r;
    }

    private static List<String> statuses(CliRun r) throws IOException {
        List<String> out = new ArrayList<>();
        JSON.readTree(r.out()).get("stages").forEach(s -> out.add(s.get("name").asText() + ":" + s.get("status").asText()));
        return out;
    }

    private Path out(String dir) {
        return base.resolve("out").resolve(dir);
    }

    @Test
    void runsStagesInOrderHandingOnTheLastModel() throws Exception {
        CliRun r = runJson();
        assertThat(ProbeStages.runs(base)).containsExactly(
                "a input=m0 resuming=false partial=false",
                "b input=out/01-a/model resuming=false partial=false",
                "c input=out/01-a/model resuming=false partial=false");   // b produced no model: c gets a's
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("model").asText()).isEqualTo(out("03-c/model").toString());
        assertThat(statuses(r)).containsExactly("a:ran", "b:ran", "c:ran");
        JsonNode b = o.get("stages").get(1);
        assertThat(b.get("summary").get("value").asText()).isEqualTo("one-two");
        assertThat(b.get("input_model").asText()).isEqualTo(out("01-a/model").toString());
        assertThat(b.get("output_model").isNull()).isTrue();
        assertThat(o.get("stages").get(2).get("summary").get("value").asText()).isEqualTo(out("01-a/model").toString());

        JsonNode record = JSON.readTree(out("02-b/stage.json").toFile());
        assertThat(record.get("params").get("value").asText()).as("references resolved in the record").isEqualTo("one-two");
        assertThat(record.get("params_digest").asText()).startsWith("sha256:");
        assertThat(record.get("upstream").asText()).isEqualTo(JSON.readTree(out("01-a/stage.json").toFile()).get("run_id").asText());
        assertThat(record.get("input_model").asText()).isEqualTo(out("01-a/model").toString());
        assertThat(out("02-b/attempt.json")).doesNotExist();
        assertThat(r.err()).contains("pipeline t: [2/3 b] probe: running (not run yet)", "[3/3 c] probing", "[3/3 c] done in");
    }

    @Test
    void skipsCompleteStagesAndRerunsWhatChangedAndEverythingAfterIt() throws Exception {
        runJson();
        CliRun again = runJson();
        assertThat(statuses(again)).containsExactly("a:skipped", "b:skipped", "c:skipped");
        assertThat(ProbeStages.runs(base)).hasSize(3);
        assertThat(again.err()).contains("[1/3 a] probe: complete, skipped (rerun with --from a or --force)");
        assertThat(JSON.readTree(again.out()).get("model").asText()).isEqualTo(out("03-c/model").toString());

        Files.writeString(spec, SPEC.replace("value: \"${a.value}-two\"", "value: changed"));
        CliRun changed = runJson();
        assertThat(statuses(changed)).containsExactly("a:skipped", "b:ran", "c:ran");
        JsonNode stages = JSON.readTree(changed.out()).get("stages");
        assertThat(stages.get(1).get("reason").asText()).isEqualTo("parameters changed");
        assertThat(stages.get(2).get("reason").asText()).isEqualTo("an earlier stage ran again");

        // a changed initial model reruns all
        Files.createDirectories(base.resolve("m1"));
        Files.writeString(spec, Files.readString(spec).replace("model: m0", "model: m1"));
        CliRun newModel = runJson();
        assertThat(statuses(newModel)).containsExactly("a:ran", "b:ran", "c:ran");
        assertThat(JSON.readTree(newModel.out()).get("stages").get(0).get("reason").asText()).isEqualTo("input model changed");

        // an output model that went missing reruns its stage (and what follows)
        deleteTree(out("01-a/model"));
        assertThat(statuses(runJson())).containsExactly("a:ran", "b:ran", "c:ran");
    }

    @Test
    void aFailedStageLeavesNoRecordNamesTheStageAndResumesOnTheNextRun() throws Exception {
        Files.writeString(base.resolve("flag"), "");
        CliRun failed = run("pipeline", "run", spec.toString());
        assertThat(failed.exitCode()).isEqualTo(2);
        assertThat(failed.err().strip().lines().toList().getLast()).isEqualTo("error: stage 'c' failed: flag exists");
        assertThat(out("01-a/stage.json")).exists();
        assertThat(out("02-b/stage.json")).exists();
        assertThat(out("03-c/stage.json")).doesNotExist();
        assertThat(out("03-c/attempt.json")).exists();

        Files.delete(base.resolve("flag"));
        CliRun resumed = runJson();
        assertThat(statuses(resumed)).containsExactly("a:skipped", "b:skipped", "c:ran");
        assertThat(JSON.readTree(resumed.out()).get("stages").get(2).get("reason").asText())
                .isEqualTo("resuming: the last attempt did not complete");
        assertThat(ProbeStages.runs(base).getLast()).isEqualTo("c input=out/01-a/model resuming=true partial=true");

        // a forced rerun starts from an empty directory
        runJson("--from", "c");
        assertThat(ProbeStages.runs(base).getLast()).isEqualTo("c input=out/01-a/model resuming=false partial=false");
    }

    @Test
    void aCrashingStageIsAnInternalErrorNamingTheStage() throws Exception {
        Files.writeString(spec, SPEC.replace("fail_if_exists: flag", "crash_if_exists: flag"));
        Files.writeString(base.resolve("flag"), "");
        CliRun r = run("pipeline", "run", spec.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("error: internal error: java.lang.IllegalStateException: stage 'c' (probe) failed with an"
                + " internal error: java.lang.IllegalStateException: boom");
        assertThat(out("03-c/stage.json")).doesNotExist();
    }

    @Test
    void forceAndFromRerun() throws Exception {
        runJson();
        assertThat(statuses(runJson("--force"))).containsExactly("a:ran", "b:ran", "c:ran");
        CliRun from = runJson("--from", "b");
        assertThat(statuses(from)).containsExactly("a:skipped", "b:ran", "c:ran");
        assertThat(JSON.readTree(from.out()).get("stages").get(1).get("reason").asText()).isEqualTo("--from b");
        assertThat(ProbeStages.runs(base)).hasSize(8);

        CliRun unknown = run("pipeline", "run", spec.toString(), "--from", "nope");
        assertOneLineError(unknown, "--from: no stage named 'nope' (stages: a, b, c)");
        CliRun both = run("pipeline", "run", spec.toString(), "--from", "b", "--force");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give at most one of --force and --from");
    }

    @Test
    void outAndModelOptionsOverrideTheSpec() throws Exception {
        Path elsewhere = base.resolve("elsewhere");
        Path m1 = Files.createDirectories(base.resolve("m1"));
        runJson("--out", elsewhere.toString(), "--model", m1.toString());
        assertThat(elsewhere.resolve("01-a/stage.json")).exists();
        assertThat(base.resolve("out")).doesNotExist();
        assertThat(ProbeStages.runs(base).getFirst()).isEqualTo("a input=m1 resuming=false partial=false");
        CliRun noModel = run("pipeline", "run", spec.toString(), "--model", base.resolve("none").toString());
        assertOneLineError(noModel, "--model " + base.resolve("none") + " is not a directory");
    }

    @Test
    void dryRunRunsNothingAndSaysWhatWouldRun() throws Exception {
        CliRun fresh = run("pipeline", "run", spec.toString(), "--dry-run");
        assertThat(fresh.exitCode()).as(fresh.err()).isZero();
        assertThat(fresh.out()).contains("pipeline t (dry run)").contains("01-a").contains("would run").contains("not run yet");
        assertThat(base.resolve("out")).doesNotExist();
        assertThat(ProbeStages.runs(base)).isEmpty();

        runJson();
        Files.writeString(spec, SPEC.replace("value: one}", "value: uno}"));
        CliRun planned = runJson("--dry-run");
        assertThat(statuses(planned)).containsExactly("a:would run", "b:would run", "c:would run");
        Files.writeString(spec, SPEC.replace("partial: true", "partial: false"));
        JsonNode o = JSON.readTree(runJson("--dry-run").out());
        assertThat(o.get("dry_run").asBoolean()).isTrue();
        assertThat(o.get("stages").get(0).get("status").asText()).isEqualTo("would skip");
        assertThat(o.get("stages").get(1).get("status").asText()).isEqualTo("would skip");
        assertThat(o.get("stages").get(2).get("status").asText()).isEqualTo("would run");
        assertThat(o.get("stages").get(2).get("reason").asText()).isEqualTo("parameters changed");
        assertThat(ProbeStages.runs(base)).hasSize(3);
    }

    @Test
    void refusesToEmptyADirectoryItDidNotWrite() throws Exception {
        Files.createDirectories(out("01-a"));
        Files.writeString(out("01-a/precious.txt"), "mine");
        CliRun r = run("pipeline", "run", spec.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + out("01-a") + ": exists and holds files the pipeline runner did not write");
        assertThat(out("01-a/precious.txt")).exists();
    }

    @Test
    void stagesListsProvidersWithAvailability() throws Exception {
        CliRun r = run("pipeline", "stages");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("probe").contains("gpu-only     no").contains("no GPU found");
        JsonNode arr = JSON.readTree(run("pipeline", "stages", "--json").out());
        assertThat(arr.findValuesAsText("type")).containsExactly("gpu-only", "probe");
        assertThat(arr.get(0).get("available").asBoolean()).isFalse();
    }

    static void assertOneLineError(CliRun r, String message) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.getFirst()).isEqualTo("error: " + message);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
