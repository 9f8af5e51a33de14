package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nemotron eval verify-math} and {@code nemotron eval rewards}. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode ok(String... args) throws Exception {
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return JSON.readTree(r.out());
    }

    private static void assertOneLineError(CliRun r, String fragment) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.getFirst()).startsWith("error: ").contains(fragment);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void printsWhetherTheAnswersAreEquivalent() throws Exception {
        assertThat(ok("eval", "verify-math", "--gold", "7425000", "--pred", "7,425,000").get("equivalent").asBoolean()).isTrue();
        assertThat(ok("eval", "verify-math", "--gold", "$1/3$", "--pred", "$\\frac13$").get("equivalent").asBoolean()).isTrue();
        assertThat(ok("eval", "verify-math", "--gold", "2", "--pred", "AZYUK2A").get("equivalent").asBoolean()).isFalse();
        assertThat(ok("eval", "verify-math", "--gold", "-5", "--pred", "-5").get("equivalent").asBoolean()).isTrue();
        assertThat(ok("eval", "verify-math", "--gold=-1/2", "--pred", "-0.5").get("equivalent").asBoolean()).isTrue();
        assertThat(ok("eval", "verify-math", "--gold", "-x-1", "--pred", "-(x+1)").get("equivalent").asBoolean()).isTrue();
        JsonNode plain = ok("eval", "verify-math", "--gold", "$4$", "--pred", "$4\\sqrt{2}$");
        assertThat(plain.get("equivalent").asBoolean()).isFalse();
        assertThat(plain.size()).isEqualTo(1);
    }

    @Test
    void explainShowsTheForms() throws Exception {
        JsonNode o = ok("eval", "verify-math", "--gold", "\\boxed{\\dfrac{1}{2}}", "--pred", "0.5", "--explain");
        assertThat(o.get("equivalent").asBoolean()).isTrue();
        assertThat(o.get("gold").asText()).isEqualTo("\\dfrac{1}{2}");
        assertThat(o.get("gold_parsed").asText()).isEqualTo("(1 / 2)");
        assertThat(o.get("prediction_normalized").asText()).isEqualTo("0.5");
    }

    @Test
    void completionModeExtractsTheFinalAnswer() throws Exception {
        JsonNode o = ok("eval", "verify-math", "--gold", "72", "--completion", "--explain",
                "--pred", "<think>maybe 70</think>48 + 24 = 72, so the answer is \\boxed{72}.");
        assertThat(o.get("equivalent").asBoolean()).isTrue();
        assertThat(o.get("prediction").asText()).isEqualTo("72");
        assertThat(o.get("candidates").get(0).get("source").asText()).isEqualTo("boxed");
        assertThat(ok("eval", "verify-math", "--gold", "2", "--completion", "--pred", "AZYUK2A").get("equivalent").asBoolean())
                .isFalse();
    }

    @Test
    void emptyPredictionIsNotEquivalent() throws Exception {
        assertThat(ok("eval", "verify-math", "--gold", "5", "--pred", "").get("equivalent").asBoolean()).isFalse();
        assertThat(ok("eval", "verify-math", "--gold", "5", "--pred", "  ").get("equivalent").asBoolean()).isFalse();
        assertThat(ok("eval", "verify-math", "--gold", "5", "--pred=", "--completion").get("equivalent").asBoolean()).isFalse();
    }

    @Test
    void toleranceFlag() throws Exception {
        assertThat(ok("eval", "verify-math", "--gold", "1/3", "--pred", "0.333").get("equivalent").asBoolean()).isFalse();
        assertThat(ok("eval", "verify-math", "--gold", "1/3", "--pred", "0.333", "--tolerance", "0.01").get("equivalent").asBoolean())
                .isTrue();
    }

    @Test
    void badFlagsAreOneErrorLine() {
        assertOneLineError(CliRun.of("eval", "verify-math", "--gold", "1"), "give --gold ANSWER and --pred ANSWER");
        assertOneLineError(CliRun.of("eval", "verify-math", "--gold", "1", "--pred", "1", "--bogus"), "unknown argument '--bogus'");
        assertOneLineError(CliRun.of("eval", "verify-math", "--gold", "1", "--pred"), "--pred needs an answer");
        assertOneLineError(CliRun.of("eval", "verify-math", "--gold", "--pred", "1"), "--gold needs an answer");
        assertOneLineError(CliRun.of("eval", "verify-math", "--gold", "", "--pred", "1"), "--gold needs a non-empty answer");
        assertOneLineError(CliRun.of("eval", "verify-math", "--gold", "1", "--pred", "2", "extra"), "unknown argument 'extra'");
        assertOneLineError(CliRun.of("eval", "verify-math", "--gold", "1", "--pred", "1", "--tolerance", "2"),
                "math tolerance must be in [0, 1)");
        CliRun none = CliRun.of("eval");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("missing subcommand");
    }

    @Test
    void listsTheMathReward() throws Exception {
        JsonNode arr = ok("eval", "rewards", "--json");
        JsonNode math = null;
        for (JsonNode n : arr) {
            if (n.get("name").asText().equals("math")) {
                math = n;
            }
        }
        assertThat(math).as(arr.toString()).isNotNull();
        assertThat(math.get("available").asBoolean()).isTrue();
        assertThat(math.get("module").asText()).isEqualTo("dev.nemotron.eval");
        CliRun table = CliRun.of("eval", "rewards");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("math").contains("dev.nemotron.eval");
    }

    @Test
    void listsEveryRewardWithItsOptions() throws Exception {
        JsonNode arr = ok("eval", "rewards", "--json");
        java.util.Map<String, JsonNode> byName = new java.util.TreeMap<>();
        arr.forEach(n -> byName.put(n.get("name").asText(), n));
        assertThat(byName.keySet()).contains("code", "format", "ifeval", "judge", "math");
        for (String name : List.of("format", "ifeval", "judge", "math")) {
            assertThat(byName.get(name).get("available").asBoolean()).as(name).isTrue();
            assertThat(byName.get(name).get("description").asText()).as(name).isNotBlank();
        }
        JsonNode format = byName.get("format").get("options");
        assertThat(format.findValuesAsText("name")).containsExactly("require_think", "max_chars", "max_tokens");
        assertThat(format.get(0).get("default").asText()).isEqualTo("false");
        assertThat(byName.get("judge").get("options").findValuesAsText("name"))
                .contains("url", "model", "api_key_env", "prompt_template", "timeout_s");
        assertThat(byName.get("math").get("options").findValuesAsText("name")).containsExactly("tolerance", "percent_as_fraction");
        CliRun table = CliRun.of("eval", "rewards");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("ifeval").contains("option mode=strict: ").contains("option url: ");
    }
}
