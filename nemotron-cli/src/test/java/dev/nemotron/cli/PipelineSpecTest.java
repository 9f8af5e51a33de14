package dev.nemotron.cli;

import static dev.nemotron.cli.PipelineRunTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.pipeline.PipelineSpec;
import dev.nemotron.pipeline.SpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline specs: YAML and JSON give the same pipeline; every bad spec is one error line naming what is wrong. */
class PipelineSpecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path base;

    private CliRun runSpec(String fileName, String text, String... extra) throws Exception {
        Path f = Files.writeString(base.resolve(fileName), text);
        List<String> args = new ArrayList<>(List.of("pipeline", "run", f.toString()));
        args.addAll(List.of(extra));
        return CliRun.withStages(ProbeStages.all(), args.toArray(String[]::new));
    }

    private void assertSpecError(String yaml, String message) throws Exception {
        assertOneLineError(runSpec("spec.yaml", yaml), message);
    }

    @Test
    void yamlAndJsonSpecsAreTheSamePipeline() throws Exception {
        Files.createDirectories(base.resolve("m0"));
        Path yaml = Files.writeString(base.resolve("p.yaml"), """
                # comments are fine
                name: same
                out: out
                model: m0
                stages:
                  - name: a
                    type: probe
                    produce_model: true
                    count: 3
                    value: "x: y"
                  - {name: b, type: probe, value: "${a.value}"}
                """);
        Path json = Files.writeString(base.resolve("p.json"), """
                {"name": "same", "out": "out", "model": "m0",
                 "stages": [{"type": "probe", "name": "a", "value": "x: y", "count": 3, "produce_model": true},
                            {"name": "b", "type": "probe", "value": "${a.value}"}]}
                """);
        PipelineSpec fromYaml = SpecReader.read(yaml);
        PipelineSpec fromJson = SpecReader.read(json);
        assertThat(fromYaml.stages().stream().map(StageSpec::params).map(p -> p.asMap()).toList())
                .isEqualTo(fromJson.stages().stream().map(StageSpec::params).map(p -> p.asMap()).toList());
        assertThat(fromYaml.out()).isEqualTo(fromJson.out()).isEqualTo(base.resolve("out"));
        assertThat(fromYaml.model()).isEqualTo(base.resolve("m0"));

        CliRun first = CliRun.withStages(ProbeStages.all(), "pipeline", "run", yaml.toString(), "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRun second = CliRun.withStages(ProbeStages.all(), "pipeline", "run", json.toString(), "--json");
        assertThat(second.exitCode()).as(second.err()).isZero();
        JsonNode o = JSON.readTree(second.out());
        assertThat(o.get("stages").findValuesAsText("status")).as("the JSON spec finds the YAML run complete").containsExactly("skipped", "skipped");
    }

    @Test
    void relativePathsAreRelativeToTheSpecFile() throws Exception {
        Path sub = Files.createDirectories(base.resolve("specs"));
        Files.createDirectories(sub.resolve("m0"));
        Path f = Files.writeString(sub.resolve("p.yml"), "out: ../runs/p\nmodel: m0\nstages: [{type: probe}]\n");
        PipelineSpec s = SpecReader.read(f);
        assertThat(s.out()).isEqualTo(base.resolve("runs/p"));
        assertThat(s.model()).isEqualTo(sub.resolve("m0"));
        assertThat(s.name()).isEqualTo("p");
        assertThat(s.stages().getFirst().name()).as("the name defaults to the type").isEqualTo("probe");
        assertThat(s.workDir(0)).isEqualTo(base.resolve("runs/p/01-probe"));
    }

    @Test
    void badSpecsGiveOneLineErrors() throws Exception {
        Path spec = base.resolve("spec.yaml");
        assertSpecError("out: o\nstages:\n  - {name: a, type: probee}\n",
                "stage 'a': unknown stage type 'probee' (known: gpu-only, probe)");
        assertSpecError("out: o\nstages:\n  - {name: a, type: gpu-only}\n",
                "stage 'a': stage type 'gpu-only' is not available here: no GPU found");
        assertSpecError("out: o\nstages:\n  - {name: a, type: probe}\n  - {name: b, type: probe}\n  - {name: a, type: probe}\n",
                spec + ": two stages are named 'a' (stages[0] and stages[2]); give each stage a distinct 'name'");
        assertSpecError("out: o\nstages:\n  - {type: probe}\n  - {type: probe}\n",
                spec + ": two stages are named 'probe' (stages[0] and stages[1]); give each stage a distinct 'name'");
        assertSpecError("out: o\nstages:\n  - {name: a, steps: 3}\n",
                spec + ": stages[0] ('a'): missing field 'type' (the stage type, see 'nemotron pipeline stages')");
        assertSpecError("out: o\n", spec + ": missing field 'stages' (a list of {name, type, ...})");
        assertSpecError("out: o\nstages: []\n", spec + ": field 'stages' is empty: give at least one stage");
        assertSpecError("out: o\nstages: {a: 1}\n", spec + ": field 'stages' must be a list of {name, type, ...}, got a mapping {\"a\":1}");
        assertSpecError("out: o\nstages: [probe]\n", spec + ": stages[0] must be a mapping {name, type, ...}, got \"probe\"");
        assertSpecError("stages: [{type: probe}]\n", spec + ": missing field 'out' (the output directory; or give --out DIR)");
        assertSpecError("out: o\nstagez: []\n", spec + ": unknown field 'stagez' (known: description, model, name, out, stages); did you mean 'stages'?");
        assertSpecError("out: [o]\nstages: [{type: probe}]\n", spec + ": field 'out' must be a string, got a list [\"o\"]");
        assertSpecError("- a\n- b\n", spec + ": the spec must be a mapping with 'stages' (and 'name', 'out', 'model'), got a list [\"a\",\"b\"]");
        assertSpecError("", spec + ": the spec is empty");
        assertSpecError("out: o\nmodel: nowhere\nstages: [{type: probe}]\n", spec + ": model " + base.resolve("nowhere") + " is not a directory");
        assertSpecError("out: o\nstages:\n  - {name: a b, type: probe}\n",
                spec + ": stages[0]: stage name 'a b' must consist of letters, digits, '_' and '-' (it names the stage's directory and its outputs, ${name.key})");

        // parameters: the provider's checks, naming stage and field
        assertSpecError("out: o\nstages:\n  - {name: a, type: probe, count: abc}\n", "stage 'a': field 'count' must be an integer, got \"abc\"");
        assertSpecError("out: o\nstages:\n  - {name: a, type: probe, cuont: 1}\n",
                "stage 'a': unknown field 'cuont' (known: count, crash_if_exists, fail_if_exists, partial, produce_model, value); did you mean 'count'?");

        // references
        assertSpecError("out: o\nstages:\n  - {name: a, type: probe}\n  - {name: b, type: probe, value: \"${x.value}\"}\n",
                "stage 'b': field 'value' refers to ${x.value}, but there is no stage named 'x' (stages before it: a)");
        assertSpecError("out: o\nstages:\n  - {name: a, type: probe, value: \"${b.value}\"}\n  - {name: b, type: probe}\n",
                "stage 'a': field 'value' refers to ${b.value}, but stage 'b' does not run before it (stages before it: none)");

        // syntax
        CliRun badYaml = runSpec("bad.yaml", "out: o\nstages:\n  - {name: a, type: probe\n");
        assertThat(badYaml.exitCode()).isEqualTo(2);
        assertThat(badYaml.err().lines().toList()).hasSize(1);
        assertThat(badYaml.err()).isEqualTo("error: " + base.resolve("bad.yaml") + ": not valid YAML: while parsing a flow mapping:"
                + " expected ',' or '}', but got <stream end> (line 4, column 1)\n");
        CliRun badIndent = runSpec("indent.yaml", "out: o\n  bad: : x\nstages: []\n");
        assertThat(badIndent.err()).isEqualTo("error: " + base.resolve("indent.yaml") + ": not valid YAML: mapping values are not allowed"
                + " here (line 2, column 6)\n");
        CliRun dupKey = runSpec("dup.yaml", "out: o\nout: p\nstages: [{type: probe}]\n");
        assertThat(dupKey.err()).startsWith("error: " + base.resolve("dup.yaml") + ": not valid YAML: Duplicate field 'out'");
        CliRun badJson = runSpec("bad.json", "{\"out\": \"o\", \"stages\": [}");
        assertThat(badJson.err()).startsWith("error: " + base.resolve("bad.json") + ": not valid JSON: Unexpected close marker '}'")
                .contains("(line 1, column");
        assertOneLineError(runSpec("spec.txt", "out: o"), base.resolve("spec.txt") + ": a pipeline spec must be a .json, .yaml or .yml file");
        assertOneLineError(CliRun.withStages(ProbeStages.all(), "pipeline", "run", base.resolve("missing.yaml").toString()),
                base.resolve("missing.yaml") + ": no such file");
    }

    @Test
    void aReferenceToAMissingOutputFailsWhenItIsResolved() throws Exception {
        CliRun r = runSpec("spec.yaml", "out: o\nstages:\n  - {name: a, type: probe}\n  - {name: b, type: probe, value: \"${a.nothing}\"}\n"
                + "  - {name: c, type: probe, value: \"${a.model}\"}\n");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines().toList().getLast()).isEqualTo(
                "error: stage 'b': field 'value' refers to ${a.nothing}, but stage 'a' has no output 'nothing' (its outputs: input, value)");
        CliRun noModel = runSpec("spec2.yaml", "out: o2\nstages:\n  - {name: a, type: probe}\n  - {name: c, type: probe, value: \"x-${a.model}\"}\n");
        assertThat(noModel.err().strip().lines().toList().getLast()).isEqualTo(
                "error: stage 'c': field 'value' refers to ${a.model}, but stage 'a' produced no model");
    }

    @Test
    void numbersWithExponentsAreNumbersInYamlToo() throws Exception {
        Path f = Files.writeString(base.resolve("n.yaml"), "out: o\nstages: [{type: probe, lr: 3e-4, steps: 200, frac: 0.5}]\n");
        var params = SpecReader.read(f).stages().getFirst().params();
        assertThat(params.number("lr")).isEqualTo(3e-4);
        assertThat(params.integer("steps")).isEqualTo(200);
        assertThat(params.number("frac")).isEqualTo(0.5);
    }
}
